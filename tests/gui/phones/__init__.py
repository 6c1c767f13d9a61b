"""GUI tests of the phones' companion in the app: the desk, the console, the projector."""
