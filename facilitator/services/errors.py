"""Errors a user can act on. The CLI prints the message and exits 1; the UI shows it in a dialog."""


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why and what to do instead."""
