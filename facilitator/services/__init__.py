"""Use cases. The only door to the store: each opens its own transaction and returns plain data."""
