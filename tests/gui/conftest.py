"""Fixtures for GUI tests: a main window over a real, temporary data folder."""

from __future__ import annotations

from datetime import date

import pytest

from facilitator.services.demo import ensure_demo_session
from facilitator.services.workspace import Workspace
from facilitator.ui.app import create_main_window
from facilitator.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_speakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """These machines have no sound server, and Qt logs a warning when it looks for speakers and finds none,
    which would fail the test that happened to look first. The desk behaves as on a laptop without speakers;
    test_checkin.py asks Qt for real once, expecting that warning."""
    from facilitator.ui.checkin import banner as feedback

    monkeypatch.setattr(feedback, "audio_output_available", lambda: False)


@pytest.fixture
def window(qtbot, workspace: Workspace) -> MainWindow:
    win = create_main_window(workspace)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def demo_window(qtbot, workspace: Workspace) -> tuple[MainWindow, str]:
    session_id = ensure_demo_session(workspace, date.today())
    win = create_main_window(workspace, session_id)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win, session_id
