"""Start the Qt application and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from facilitator import paths
from facilitator.services.workspace import Workspace
from facilitator.ui.main_window import MainWindow


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(paths.assets_dir() / "facilitator.svg")))
    return app


def create_main_window(workspace: Workspace, open_session: str | None = None) -> MainWindow:
    window = MainWindow(workspace)
    if open_session:
        window.open_session(open_session)
    return window


def run_app(workspace: Workspace, open_session: str | None = None) -> int:
    """Show the main window (on `open_session` if given) and run until it closes."""
    app = application()
    window = create_main_window(workspace, open_session)
    window.show()
    try:
        return app.exec()
    finally:
        workspace.close()
