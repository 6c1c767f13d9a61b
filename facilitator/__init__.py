"""Facilitator: an offline kit for trainers who run in-person workplace workshops."""

__version__ = "0.1.0"
