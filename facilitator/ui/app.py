"""Start the Qt application: show the main window at once, then open the data folder into it; or, for `facilitator hr`,
HR's records window alone."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from facilitator import paths
from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError
from facilitator.ui.main_window import MainWindow
from facilitator.ui.translation import install_qt_translations
from facilitator.ui.widgets import error_text, plain

if TYPE_CHECKING:
    from facilitator.services.workspace import Workspace

# Opens the data folder; returns it and the session to show first (or None).
Loader = Callable[[], "tuple[Workspace, str | None]"]


def check_display(environ: dict[str, str] | None = None, platform: str = sys.platform) -> None:
    """On Linux without a screen Qt aborts with a core dump; say what is wrong instead."""
    env = os.environ if environ is None else environ
    if platform.startswith("linux") and not any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        raise UserError(_("no screen to open a window on (DISPLAY is not set)"), Remedy(
            command=_("run Facilitator from a desktop session, or use its commands, such as "
                      "'facilitator session list'"),
            menu=_("run Facilitator from a desktop session")))


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Facilitator")
    app.setOrganizationName("Facilitator")
    app.setStyle("Fusion")  # not user text: the name of Qt's style
    app.setWindowIcon(QIcon(str(paths.assets_dir() / "facilitator.svg")))
    if not app.property("translated"):  # Qt's own words (Cancel, Yes, the file dialogs) in the chosen language
        install_qt_translations(app)
        app.setProperty("translated", True)
    return app


def create_main_window(workspace: Workspace, open_session: str | None = None) -> MainWindow:
    """A main window already showing `workspace` (for tests and tools that have one open)."""
    window = MainWindow()
    window.attach(workspace, open_session)
    return window


def run_app(load: Loader, *, run: bool = False) -> int:
    """Show the main window, open the data folder once it has painted, and run until it closes. With `run`,
    the loaded session opens in its presenter console with the check-in desk showing."""
    check_display()
    app = application()
    window = MainWindow()
    opened: list[Workspace] = []

    def open_data() -> None:
        try:
            workspace, session_id = load()
        except UserError as exc:
            print("facilitator:", exc.for_command_line(), file=sys.stderr)
            QMessageBox.critical(window, _("Facilitator cannot open its data"), plain(error_text(exc)))
            app.exit(1)
            return
        opened.append(workspace)
        window.attach(workspace, session_id, run=run)

    window.first_painted.connect(open_data, type=Qt.ConnectionType.QueuedConnection)
    window.show()
    try:
        return app.exec()
    finally:
        for workspace in opened:
            workspace.close()


def run_hr_app(db: str | None, data_dir: str | os.PathLike[str] | None) -> int:
    """`facilitator hr` with no verb: the HR records window alone, on the store the verbs use, until it closes."""
    from facilitator.services.hr_store import open_hr_store
    from facilitator.ui.hr.window import HrWindow

    check_display()
    store = open_hr_store(db, data_dir)  # a UserError here is told on the command line, before any window
    app = application()
    window = HrWindow(store)
    window.show()
    return app.exec()
