"""The PySide6 desktop app. The only place Qt is imported; it reaches data only through services.

Importing it guards against a PySide6 6.12 bug on CPython 3.11: every Qt method that returns nothing drops one
reference to None. From Python 3.12 None is immortal (PEP 683) and the slip is harmless; on 3.11 Python aborts
with "deallocating None" after a few thousand such calls, which a presenter console repainting a countdown
every second reaches within the hour. Giving None as many references as an immortal object has makes 3.11 behave
as 3.12 does. `tests/gui/test_pyside_guard.py` shows the crash without the guard.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 32


def keep_none_alive() -> None:
    """Make None effectively immortal on Python < 3.12 (no-op later, where it already is)."""
    if sys.version_info < (3, 12) and sys.getrefcount(None) < IMMORTAL:
        ctypes.c_ssize_t.from_address(id(None)).value += IMMORTAL


keep_none_alive()
