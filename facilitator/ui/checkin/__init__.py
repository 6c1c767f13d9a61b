"""The check-in desk: the roster at the door, the badge scanner, the camera, and what the door says back."""
