"""The workshop library screen: browse workshops and read each segment as a facilitator prepares."""
