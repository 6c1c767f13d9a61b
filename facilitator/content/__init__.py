"""Loads and validates the workshop library and jurisdiction profiles (the files in `sessions/`)."""
