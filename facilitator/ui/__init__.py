"""The PySide6 desktop app. The only place Qt is imported; it reaches data only through services.

Importing it guards against a PySide6 6.12 bug on CPython 3.11: every Qt method that returns nothing drops one
reference to None, and some path drops references to True and False. From Python 3.12 these are immortal
(PEP 683) and the slip is harmless; on 3.11 Python aborts with "deallocating None" after a few thousand such
calls, which a presenter console repainting a countdown every second reaches within the hour. Giving them as
many references as an immortal object has makes 3.11 behave as 3.12 does. `tests/gui/test_pyside_guard.py`
shows the crash without the guard.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 32


def keep_none_alive() -> None:
    """Make None, True and False effectively immortal on Python < 3.12, as they are from 3.12 on.

    True and False too: the whole GUI suite, run on its own, once aborted at exit with "deallocating True or
    False", so some PySide6 path drops references to them as well."""
    if sys.version_info >= (3, 12):
        return
    for constant in (None, True, False):
        if sys.getrefcount(constant) < IMMORTAL:
            ctypes.c_ssize_t.from_address(id(constant)).value += IMMORTAL


keep_none_alive()
