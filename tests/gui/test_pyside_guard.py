"""The guard in facilitator/ui/__init__.py keeps PySide6's dropped references to None from aborting Python."""

from __future__ import annotations

import subprocess
import sys

LOOP = ("from PySide6.QtGui import QFont\n"
        "font = QFont()\n"
        "for _ in range(50_000):\n"
        "    font.setBold(True)  # returns nothing: each call drops a reference to None on PySide6 6.12\n"
        "print('survived')\n")


def run(prelude: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", prelude + LOOP], capture_output=True, text=True, timeout=120)


def test_fifty_thousand_void_qt_calls_survive_once_the_ui_package_is_imported() -> None:
    done = run("import facilitator.ui\n")
    assert done.returncode == 0, done.stderr
    assert "survived" in done.stdout


def test_the_guard_is_what_keeps_them_alive_on_python_3_11() -> None:
    """Without the guard 3.11 aborts (so the first test is meaningful); 3.12 and later survive either way."""
    done = run("")
    if sys.version_info < (3, 12):
        assert done.returncode != 0 and "deallocating None" in done.stderr
    else:
        assert done.returncode == 0
