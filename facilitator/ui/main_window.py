"""The main window: the workshop library and the sessions, with menus and keyboard shortcuts."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from facilitator import __version__
from facilitator.i18n import N_, _, ngettext
from facilitator.paths import APP_NAME
from facilitator.ui.store_watch import StoreWatch
from facilitator.ui.widgets import plain_label

if TYPE_CHECKING:  # the views bring in the services and the database; they load after the first paint
    from facilitator.services.roster import RosterImportResult
    from facilitator.services.workspace import Workspace
    from facilitator.ui.checkin.desk import CheckinView
    from facilitator.ui.console.view import ConsoleView
    from facilitator.ui.dialogs.close_session import CloseSessionDialog
    from facilitator.ui.dialogs.new_session import NewSessionDialog
    from facilitator.ui.dialogs.roster_import import RosterImportDialog
    from facilitator.ui.dialogs.settings import SettingsDialog
    from facilitator.ui.hr.window import HrWindow

SESSIONS_TAB, LIBRARY_TAB, CHECKIN_TAB, RUN_TAB = 0, 1, 2, 3
NO_SESSION_TO_CHECK_IN = N_("Choose a session on the Sessions tab (Ctrl+1), then come back here or press F2 to "
                            "open its check-in desk.")
NO_SESSION_TO_RUN = N_("Choose a session on the Sessions tab (Ctrl+1), then press Run (Ctrl+4) to open its "
                       "presenter console.")


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
        self.console: ConsoleView | None = None
        self.hr_window: HrWindow | None = None
        self._painted = False
        self.setWindowTitle(APP_NAME)
        self._fit_screen()
        opening = QLabel(_("Opening your sessions and the workshop library…"), alignment=Qt.AlignmentFlag.AlignCenter)
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

    def attach(self, workspace: Workspace, open_session: str | None = None, *, run: bool = False) -> None:
        """Show `workspace`'s sessions and library (and `open_session`, if given: with `run`, straight into its
        presenter console with the check-in desk open, as the demo does)."""
        from facilitator.ui.library.view import LibraryView
        from facilitator.ui.sessions.view import SessionsView

        self._ws = workspace
        self.store_watch = StoreWatch(workspace, self)
        self.sessions_view = SessionsView(workspace, changes=self.store_watch)
        self.library_view = LibraryView(workspace)
        self.tabs = QTabWidget(documentMode=True)
        self.tabs.addTab(self.sessions_view, _("&Sessions"))
        self.tabs.addTab(self.library_view, _("Workshop &library"))
        self.tabs.addTab(self._checkin_page(), _("Check-&in"))
        self.run_page, self._run_layout, self._no_console = _holder(_(NO_SESSION_TO_RUN))
        self.tabs.addTab(self.run_page, _("&Run"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.statusBar().addPermanentWidget(plain_label(_("Data folder: {folder}").format(folder=workspace.data_dir)))
        self.sessions_view.new_requested.connect(lambda: self.plan_session())
        self.sessions_view.session_opened.connect(self.open_session)
        self.sessions_view.checkin_requested.connect(self.open_checkin)
        self.sessions_view.import_requested.connect(self.import_roster)
        self.sessions_view.close_requested.connect(self.close_session)
        self.sessions_view.run_requested.connect(self.open_console)
        self.sessions_view.documents_requested.connect(self.write_session_documents)
        self.library_view.plan_requested.connect(self.plan_session)
        for action in self._needs_workspace:
            action.setEnabled(True)
        if open_session and run:
            self.open_console(open_session, checkin=True)
        elif open_session:
            self.open_session(open_session)
        self.workspace_ready.emit()

    def _tab_changed(self, index: int) -> None:
        # In the console F2 shows its own check-in panel; the window-wide F2 would make the key ambiguous.
        self._open_checkin_action.setEnabled(index != RUN_TAB)
        if index == CHECKIN_TAB:
            self.open_checkin()
        elif index == RUN_TAB and self.console is None and self.sessions_view.current_id():
            self.open_console()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        new = self._action(file_menu, _("&New session…"), QKeySequence.StandardKey.New, lambda: self.plan_session())
        import_roster = self._action(file_menu, _("&Import roster…"), QKeySequence("Ctrl+I"),
                                     lambda: self.import_roster())
        handout = self._action(file_menu, _("Attendees' &hand-out…"), QKeySequence("Ctrl+Shift+H"),
                               lambda: self.print_handout())
        export = self._action(file_menu, _("&Export for HR…"), QKeySequence("Ctrl+Shift+X"),
                              lambda: self.export_for_hr())
        identity = self._action(file_menu, _("Signing &identity…"), None, lambda: self.show_identity())
        hr_records = self._action(file_menu, _("HR &records…"), QKeySequence("Ctrl+Shift+R"),
                                  lambda: self.open_hr_records())
        settings = self._action(file_menu, _("&Settings…"), QKeySequence("Ctrl+,"), lambda: self.edit_settings())
        file_menu.addSeparator()
        self._action(file_menu, _("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        view = self.menuBar().addMenu(_("&View"))
        sessions = self._action(view, _("&Sessions"), QKeySequence("Ctrl+1"),
                                lambda: self.tabs.setCurrentIndex(SESSIONS_TAB))
        library = self._action(view, _("Workshop &library"), QKeySequence("Ctrl+2"),
                               lambda: self.tabs.setCurrentIndex(LIBRARY_TAB))
        checkin = self._action(view, _("&Check-in desk"), QKeySequence("Ctrl+3"),
                               lambda: self.tabs.setCurrentIndex(CHECKIN_TAB))
        run = self._action(view, _("&Run the selected session"), QKeySequence("Ctrl+4"), lambda: self.open_console())
        open_checkin = self._action(view, _("Open check-in for the selected session"), QKeySequence("F2"),
                                    lambda: self.open_checkin())
        self._open_checkin_action = open_checkin
        self._needs_workspace = [new, import_roster, handout, export, identity, hr_records, settings, sessions,
                                 library, checkin, run, open_checkin]
        for action in self._needs_workspace:
            action.setEnabled(False)
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(help_menu, _("&About Facilitator"), None, self._about)

    def _action(self, menu: object, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def plan_session(self, workshop_id: str | None = None) -> NewSessionDialog:
        """Open the planning dialog; a created session is selected in the sessions list."""
        from facilitator.ui.dialogs.new_session import NewSessionDialog

        assert self._ws is not None, "plan_session before the workspace is attached"
        # Ctrl+N starts on the workshop the trainer was looking at in the library, if any.
        dialog = NewSessionDialog(self._ws, workshop_id or self.library_view.current_workshop_id(), self)
        dialog.accepted.connect(lambda: self._session_created(dialog))
        dialog.open()
        return dialog

    def _session_created(self, dialog: NewSessionDialog) -> None:
        if dialog.created is not None:
            self.store_watch.look()  # every view follows now, not within half a second
            self.sessions_view.select(dialog.created.id)
            self.tabs.setCurrentIndex(SESSIONS_TAB)
            self.statusBar().showMessage(_("Session {session} created").format(session=dialog.created.id), 5000)

    def open_session(self, session_id: str) -> None:
        self.tabs.setCurrentIndex(SESSIONS_TAB)
        self.sessions_view.select(session_id)
        self.sessions_view.table.setFocus()

    def import_roster(self, session_id: str | None = None) -> RosterImportDialog | None:
        """Open the roster import dialog for `session_id` (or the selected session)."""
        from facilitator.ui.dialogs.roster_import import RosterImportDialog

        assert self._ws is not None, "import_roster before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is None:
            self.statusBar().showMessage(_("Choose a session first, then import its roster"), 5000)
            return None
        dialog = RosterImportDialog(self._ws, session_id, self)
        dialog.imported.connect(lambda result: self._roster_imported(session_id, result))
        dialog.open()
        return dialog

    def print_handout(self, session_id: str | None = None, target: Path | None = None) -> Path | None:
        """Save the hand-out with the agencies of `session_id` (or the selected session), and say where it went."""
        from facilitator.ui.dialogs.handout import save_handout

        assert self._ws is not None, "print_handout before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is None:
            self.statusBar().showMessage(_("Choose a session first, then save its hand-out"), 5000)
            return None
        saved = save_handout(self, self._ws, session_id, target)
        if saved is not None:
            self.statusBar().showMessage(_("Saved the hand-out to {path}").format(path=saved), 8000)
        return saved

    def _roster_imported(self, session_id: str, result: RosterImportResult) -> None:
        self.sessions_view.select(session_id)  # the views show the new roster by themselves (StoreWatch)
        text = ngettext("Imported {n} person from {file}", "Imported {n} people from {file}", result.imported).format(
            n=result.imported, file=result.file)
        skipped = len(result.skipped_rows)
        if skipped:
            text = ngettext("{imported}; skipped {n} row with problems", "{imported}; skipped {n} rows with problems",
                            skipped).format(imported=text, n=skipped)
        self.statusBar().showMessage(text, 8000)

    def close_session(self, session_id: str) -> CloseSessionDialog:
        """Review and seal a session; then offer to write its signed documents."""
        from facilitator.ui.dialogs.close_session import CloseSessionDialog

        assert self._ws is not None, "close_session before the workspace is attached"
        dialog = CloseSessionDialog(self._ws, session_id, self)
        dialog.accepted.connect(lambda: self._session_sealed(dialog))
        dialog.open()
        return dialog

    def _session_sealed(self, dialog: CloseSessionDialog) -> None:

        assert self._ws is not None and dialog.sealed is not None
        session_id = dialog.session.id
        self.store_watch.look()  # the sessions list and an open console follow the seal by themselves
        self.sessions_view.select(session_id)
        earned = dialog.sealed.plan.eligible
        self.statusBar().showMessage(ngettext("Session {session} sealed: {n} certificate earned",
                                              "Session {session} sealed: {n} certificates earned", earned).format(
            session=session_id, n=earned), 8000)
        answer = QMessageBox.question(self, _("Write the documents?"), _("Write the signed certificates, the "
                                                                         "sign-in sheet and the session report now?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.write_session_documents(session_id)

    def write_session_documents(self, session_id: str, folder: Path | None = None) -> list[Path]:
        """A sealed session's signed documents, into a folder the trainer picks (or `folder`), at any time after
        the seal; then offer to open the folder."""
        from facilitator.ui.dialogs.close_session import write_documents

        assert self._ws is not None, "write_session_documents before the workspace is attached"
        made = write_documents(self, self._ws, session_id, folder)
        if made:
            wrote = ngettext("Wrote {n} document to {folder}", "Wrote {n} documents to {folder}", len(made))
            self.statusBar().showMessage(wrote.format(n=len(made), folder=made[-1].parent), 8000)
            self._offer_folder(made[-1].parent, len(made))
        return made

    def _offer_folder(self, folder: Path, count: int) -> QMessageBox:
        """The end of the flow: say where the documents are and offer to open the folder."""
        box = QMessageBox(QMessageBox.Icon.Information, _("Documents written"),
                          ngettext("{n} document is in {folder}.", "{n} documents are in {folder}.",
                                   count).format(n=count, folder=folder), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name, as the trainer chose it
        opener = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        box.open()
        return box

    def export_for_hr(self) -> object:
        """File → Export for HR… (Ctrl+Shift+X): sealed sessions into one signed bundle, with a progress bar."""
        from facilitator.ui.dialogs.export_bundle import export_for_hr

        assert self._ws is not None, "export_for_hr before the workspace is attached"
        return export_for_hr(self, self._ws, self.sessions_view.current_id())

    def show_identity(self) -> QMessageBox:
        """File → Signing identity…: who this laptop signs as; export its certificate for HR, or create it."""
        from facilitator.ui.dialogs.identity import identity_box

        assert self._ws is not None
        return identity_box(self, self._ws)

    def open_hr_records(self) -> HrWindow | None:
        """File → HR records… (Ctrl+Shift+R): HR's store (hr.sqlite in the data folder, or $FACILITATOR_HR_DB's)
        in a window of its own; again, the one already open comes to the front."""
        from facilitator.ui.hr.window import open_hr_window

        assert self._ws is not None, "open_hr_records before the workspace is attached"
        if self.hr_window is not None and self.hr_window.isVisible():
            self.hr_window.raise_()
            self.hr_window.activateWindow()
            return self.hr_window
        self.hr_window = open_hr_window(self, self._ws.data_dir)
        return self.hr_window

    def edit_settings(self) -> SettingsDialog:
        """File → Settings… (Ctrl+,): the organisation, logo, paper and language."""
        from facilitator.ui.dialogs.settings import SettingsDialog

        assert self._ws is not None, "edit_settings before the workspace is attached"
        dialog = SettingsDialog(self._ws, self)
        dialog.accepted.connect(lambda: self._settings_saved(dialog))
        dialog.open()
        return dialog

    def _settings_saved(self, dialog: SettingsDialog) -> None:
        if dialog.language_changed:
            message = _("Settings saved. The new language applies the next time Facilitator opens.")
        else:
            message = _("Settings saved.")
        self.statusBar().showMessage(message, 8000)

    def _checkin_page(self) -> QWidget:
        """The tab that holds the check-in desk of whichever session was chosen last."""
        page, self._checkin_layout, self._no_checkin = _holder(_(NO_SESSION_TO_CHECK_IN))
        return page

    def open_console(self, session_id: str | None = None, *, checkin: bool = False) -> ConsoleView | None:
        """The presenter console for `session_id` (or the selected session), on the Run tab."""
        from facilitator.ui.console.view import ConsoleView

        assert self._ws is not None, "open_console before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is None:
            self.statusBar().showMessage(_("Choose a session first, then run it"), 5000)
            return None
        if self.console is None or self.console.session_id != session_id:
            console = ConsoleView(self._ws, session_id, changes=self.store_watch)
            console.close_requested.connect(self.close_session)
            old, self.console = self.console, console
            if old is not None:
                old.shut()
                self._run_layout.removeWidget(old)
                old.hide()
                old.deleteLater()
            self._no_console.hide()
            self._run_layout.addWidget(console)
        self.tabs.setCurrentIndex(RUN_TAB)
        if checkin and not self.console.checkin_open:
            self.console.toggle_checkin()
        else:
            self.console.agenda_table.setFocus()
        return self.console

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.console is not None:
            self.console.shut()  # the audience window is a window of its own
        if self.hr_window is not None:
            self.hr_window.close()  # a window of its own too, which closes HR's store
        if self._ws is not None:
            self.store_watch.stop()
        super().closeEvent(event)

    def open_checkin(self, session_id: str | None = None) -> CheckinView | None:
        """Show the check-in desk for `session_id`, or for the session selected in the sessions list."""
        from facilitator.ui.checkin.desk import CheckinView

        assert self._ws is not None, "open_checkin before the workspace is attached"
        session_id = session_id or self.sessions_view.current_id()
        if session_id is not None and (self.checkin_view is None or self.checkin_view.session_id != session_id):
            self._put_checkin(CheckinView(self._ws, session_id, changes=self.store_watch))
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
        what = _("Plan, run and record in-person workshops, offline.")
        advice = _("Jurisdiction profiles summarise the law for planning; they are not legal advice.")
        QMessageBox.about(self, _("About Facilitator"), f"<h3>{escape(APP_NAME)} {__version__}</h3>"
                          f"<p>{escape(what)}</p><p>{escape(advice)}</p>")


def _holder(empty_text: str) -> tuple[QWidget, QVBoxLayout, QLabel]:
    """A tab page that will hold one session's view, saying what to do until it does."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    empty = plain_label(empty_text, alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
    layout.addWidget(empty)
    return page, layout, empty
