"""Fixtures for GUI tests: a main window over a real, temporary data folder."""

from __future__ import annotations

from datetime import date

import pytest

from facilitator.services.demo import ensure_demo_session
from facilitator.services.workspace import Workspace
from facilitator.ui.app import create_main_window
from facilitator.ui.main_window import MainWindow


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
