"""The main window: the workshop library and the sessions, with menus and keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from facilitator import __version__
from facilitator.services.workspace import Workspace
from facilitator.ui.library_view import LibraryView
from facilitator.ui.session_dialog import NewSessionDialog
from facilitator.ui.sessions_view import SessionsView

SESSIONS_TAB, LIBRARY_TAB = 0, 1


class MainWindow(QMainWindow):
    """Sessions first (what a trainer opens the app for), the library one keystroke away."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.setWindowTitle("Facilitator")
        self.resize(1280, 760)
        self.sessions_view = SessionsView(workspace)
        self.library_view = LibraryView(workspace)
        self.tabs = QTabWidget(documentMode=True)
        self.tabs.addTab(self.sessions_view, "&Sessions")
        self.tabs.addTab(self.library_view, "Workshop &library")
        self.setCentralWidget(self.tabs)
        self.statusBar().addPermanentWidget(QLabel(f"Data folder: {workspace.data_dir}"))
        self.sessions_view.new_requested.connect(lambda: self.plan_session())
        self.sessions_view.session_opened.connect(self.open_session)
        self.library_view.plan_requested.connect(self.plan_session)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New session…", QKeySequence.StandardKey.New, lambda: self.plan_session())
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        view = self.menuBar().addMenu("&View")
        self._action(view, "&Sessions", QKeySequence("Ctrl+1"), lambda: self.tabs.setCurrentIndex(SESSIONS_TAB))
        self._action(view, "Workshop &library", QKeySequence("Ctrl+2"),
                     lambda: self.tabs.setCurrentIndex(LIBRARY_TAB))
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Facilitator", None, self._about)

    def _action(self, menu: object, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def plan_session(self, workshop_id: str | None = None) -> NewSessionDialog:
        """Open the planning dialog; a created session is selected in the sessions list."""
        dialog = NewSessionDialog(self._ws, workshop_id, self)
        dialog.accepted.connect(lambda: self._session_created(dialog))
        dialog.open()
        return dialog

    def _session_created(self, dialog: NewSessionDialog) -> None:
        if dialog.created is not None:
            self.sessions_view.refresh(select_id=dialog.created.id)
            self.tabs.setCurrentIndex(SESSIONS_TAB)
            self.statusBar().showMessage(f"Session {dialog.created.id} created", 5000)

    def open_session(self, session_id: str) -> None:
        self.tabs.setCurrentIndex(SESSIONS_TAB)
        self.sessions_view.select(session_id)
        self.sessions_view.table.setFocus()

    def _about(self) -> None:
        QMessageBox.about(self, "About Facilitator",
                          f"<h3>Facilitator {__version__}</h3><p>Plan, run and record in-person workshops, "
                          "offline.</p><p>Jurisdiction profiles summarise the law for planning; they are not "
                          "legal advice.</p>")
