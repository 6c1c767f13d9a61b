"""The main window: the workshop library and the sessions, with menus and keyboard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from facilitator import __version__

if TYPE_CHECKING:  # the views bring in the services and the database; they load after the first paint
    from facilitator.services.roster import RosterImportResult
    from facilitator.services.workspace import Workspace
    from facilitator.ui.checkin_view import CheckinView
    from facilitator.ui.close_dialog import CloseSessionDialog
    from facilitator.ui.roster_import_dialog import RosterImportDialog
    from facilitator.ui.session_dialog import NewSessionDialog

SESSIONS_TAB, LIBRARY_TAB, CHECKIN_TAB = 0, 1, 2
NO_SESSION_TO_CHECK_IN = ("Choose a session on the Sessions tab (Ctrl+1), then come back here or press F2 to "
                          "open its check-in desk.")


class MainWindow(QMainWindow):
    """Sessions first (what a trainer opens the app for), the library one keystroke away.

    The window shows itself before the data folder is open, so the trainer sees the app at once;
    `attach` then fills it and emits `workspace_ready`.
    """

    first_painted = Signal()
    workspace_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws: Workspace | None = None
        self.checkin_view: CheckinView | None = None
        self._painted = False
        self.setWindowTitle("Facilitator")
        self._fit_screen()
        opening = QLabel("Opening your sessions and the workshop library…", alignment=Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(opening)
        self._build_menus()

    def _fit_screen(self) -> None:
        """1280x800 where there is room; on a small laptop screen, most of what is available."""
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.95)), min(800, int(screen.height() * 0.9)))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def attach(self, workspace: Workspace, open_session: str | None = None) -> None:
        """Show `workspace`'s sessions and library (and `open_session`, if given)."""
        from facilitator.ui.library_view import LibraryView
        from facilitator.ui.sessions_view import SessionsView

        self._ws = workspace
        self.sessions_view = SessionsView(workspace)
        self.library_view = LibraryView(workspace)
        self.tabs = QTabWidget(documentMode=True)
        self.tabs.addTab(self.sessions_view, "&Sessions")
        self.tabs.addTab(self.library_view, "Workshop &library")
        self.tabs.addTab(self._checkin_page(), "Check-&in")
        self.tabs.currentChanged.connect(lambda index: index == CHECKIN_TAB and self.open_checkin())
        self.setCentralWidget(self.tabs)
        self.statusBar().addPermanentWidget(QLabel(f"Data folder: {workspace.data_dir}"))
        self.sessions_view.new_requested.connect(lambda: self.plan_session())
        self.sessions_view.session_opened.connect(self.open_session)
        self.sessions_view.checkin_requested.connect(self.open_checkin)
        self.sessions_view.import_requested.connect(self.import_roster)
        self.sessions_view.close_requested.connect(self.close_session)
        self.library_view.plan_requested.connect(self.plan_session)
        for action in self._needs_workspace:
            action.setEnabled(True)
        if open_session:
            self.open_session(open_session)
        self.workspace_ready.emit()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = self._action(file_menu, "&New session…", QKeySequence.StandardKey.New, lambda: self.plan_session())
        import_roster = self._action(file_menu, "&Import roster…", QKeySequence("Ctrl+I"),
                                     lambda: self.import_roster())
        identity = self._action(file_menu, "Signing &identity…", None, lambda: self.show_identity())
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        view = self.menuBar().addMenu("&View")
        sessions = self._action(view, "&Sessions", QKeySequence("Ctrl+1"),
                                lambda: self.tabs.setCurrentIndex(SESSIONS_TAB))
        library = self._action(view, "Workshop &library", QKeySequence("Ctrl+2"),
                               lambda: self.tabs.setCurrentIndex(LIBRARY_TAB))
        checkin = self._action(view, "&Check-in desk", QKeySequence("Ctrl+3"),
                               lambda: self.tabs.setCurrentIndex(CHECKIN_TAB))
        open_checkin = self._action(view, "Open check-in for the selected session", QKeySequence("F2"),
                                    lambda: self.open_checkin())
        self._needs_workspace = [new, import_roster, identity, sessions, library, checkin, open_checkin]
        for action in self._needs_workspace:
            action.setEnabled(False)
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
        from facilitator.ui.session_dialog import NewSessionDialog

        assert self._ws is not None, "plan_session before the workspace is attached"
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

    def import_roster(self, session_id: str | None = None) -> RosterImportDialog | None:
        """Open the roster import dialog for `session_id` (or the selected session)."""
        from facilitator.ui.roster_import_dialog import RosterImportDialog

        assert self._ws is not None, "import_roster before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is None:
            self.statusBar().showMessage("Choose a session first, then import its roster", 5000)
            return None
        dialog = RosterImportDialog(self._ws, session_id, self)
        dialog.imported.connect(lambda result: self._roster_imported(session_id, result))
        dialog.open()
        return dialog

    def _roster_imported(self, session_id: str, result: RosterImportResult) -> None:
        self.sessions_view.refresh(select_id=session_id)
        if self.checkin_view is not None and self.checkin_view.session_id == session_id:
            self.checkin_view.refresh()
        skipped = f"; skipped {len(result.skipped_rows)} row(s) with problems" if result.skipped_rows else ""
        self.statusBar().showMessage(f"Imported {result.imported} people from {result.file}{skipped}", 8000)

    def close_session(self, session_id: str) -> CloseSessionDialog:
        """Review and seal a session; then offer to write its signed documents."""
        from facilitator.ui.close_dialog import CloseSessionDialog

        assert self._ws is not None, "close_session before the workspace is attached"
        dialog = CloseSessionDialog(self._ws, session_id, self)
        dialog.accepted.connect(lambda: self._session_sealed(dialog))
        dialog.open()
        return dialog

    def _session_sealed(self, dialog: CloseSessionDialog) -> None:
        from facilitator.ui.close_dialog import write_documents

        assert self._ws is not None and dialog.sealed is not None
        session_id = dialog.session.id
        self.sessions_view.refresh(select_id=session_id)
        self.statusBar().showMessage(f"Session {session_id} sealed: {dialog.sealed.plan.eligible} certificate(s) "
                                     "earned", 8000)
        answer = QMessageBox.question(self, "Write the documents?", "Write the signed certificates, the sign-in "
                                      "sheet and the session report now?")
        if answer == QMessageBox.StandardButton.Yes:
            made = write_documents(self, self._ws, session_id)
            if made:
                self.statusBar().showMessage(f"Wrote {len(made)} documents to {made[-1].parent}", 8000)

    def show_identity(self) -> QMessageBox:
        """Who this laptop signs as, with the fingerprint HR can compare over the phone."""
        from html import escape

        from facilitator.services.identity import has_identity, identity_info

        assert self._ws is not None
        if has_identity(self._ws):
            info = identity_info(self._ws)
            text = (f"<p>Records and certificates are signed as <b>{escape(info.subject)}</b>.</p>"
                    f"<p>Fingerprint: <b>{escape(info.short_fingerprint)}</b><br>"
                    f"<small>{escape(info.fingerprint)}</small></p><p>Valid until {info.not_after:%d %b %Y}. "
                    "Give HR the certificate from <tt>facilitator keys export-cert</tt> so they can trust it.</p>")
        else:
            text = ("<p>No signing key yet. One is created for the trainer when the first session is sealed, or "
                    "now with <tt>facilitator keys create --name \"Your Name\"</tt>.</p>")
        box = QMessageBox(QMessageBox.Icon.Information, "Signing identity", text, parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()
        return box

    def _checkin_page(self) -> QWidget:
        """The tab that holds the check-in desk of whichever session was chosen last."""
        page = QWidget()
        self._checkin_layout = QVBoxLayout(page)
        self._checkin_layout.setContentsMargins(0, 0, 0, 0)
        self._no_checkin = QLabel(NO_SESSION_TO_CHECK_IN, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self._checkin_layout.addWidget(self._no_checkin)
        return page

    def open_checkin(self, session_id: str | None = None) -> CheckinView | None:
        """Show the check-in desk for `session_id`, or for the session selected in the sessions list."""
        from facilitator.ui.checkin_view import CheckinView

        assert self._ws is not None, "open_checkin before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is not None and (self.checkin_view is None or self.checkin_view.session_id != session_id):
            self._put_checkin(CheckinView(self._ws, session_id))
        self.tabs.setCurrentIndex(CHECKIN_TAB)
        if self.checkin_view is not None:
            self.checkin_view.field.setFocus()
        return self.checkin_view

    def _put_checkin(self, view: CheckinView) -> None:
        old, self.checkin_view = self.checkin_view, view
        if old is not None:
            self._checkin_layout.removeWidget(old)
            old.hide()  # stops its scanner listener and camera
            old.deleteLater()
        self._no_checkin.hide()
        self._checkin_layout.addWidget(view)

    def _about(self) -> None:
        QMessageBox.about(self, "About Facilitator",
                          f"<h3>Facilitator {__version__}</h3><p>Plan, run and record in-person workshops, "
                          "offline.</p><p>Jurisdiction profiles summarise the law for planning; they are not "
                          "legal advice.</p>")
