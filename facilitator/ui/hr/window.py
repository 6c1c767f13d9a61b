"""The HR records window: HR's own store (not the trainer's sessions), in a window of its own, with the same
services as `facilitator hr`: due dates, importing bundles and trusting trainers, the quarantine, the sessions
imported and one person's history.

A trainer's laptop and HR's desk are different places: the trainer's main window opens this from File → HR
records… (Ctrl+Shift+R) on hr.sqlite in the data folder (or the database $FACILITATOR_HR_DB names), and
`facilitator hr` with no verb opens it alone (ui/app.py: run_hr_app).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QWidget

from facilitator.i18n import _
from facilitator.paths import APP_NAME
from facilitator.services.errors import UserError
from facilitator.services.hr_store import HrStore, open_hr_store
from facilitator.ui.hr.bundles import ImportView
from facilitator.ui.hr.due import DueView
from facilitator.ui.hr.messages import tell_error
from facilitator.ui.hr.records import ImportedSessionsView, PersonView, QuarantineView
from facilitator.ui.operations import run_operation
from facilitator.ui.widgets import plain_label

DUE_TAB, IMPORT_TAB, QUARANTINE_TAB, SESSIONS_TAB, PERSON_TAB = range(5)


class HrWindow(QMainWindow):
    """Due dates first (what HR opens it for); importing, the quarantine, sessions and people a keystroke away.
    The window shows at once, then works out the due dates (seconds, for tens of thousands of employees) with the
    window painting; `due.loaded` says when they are shown. The window owns `store` and closes it when it closes."""

    def __init__(self, store: HrStore, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._shown = False
        self.setWindowTitle(_("{app} — HR records").format(app=APP_NAME))
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.95)), min(800, int(screen.height() * 0.9)))
        self.due = DueView(store, today)
        self.imports = ImportView(store)
        self.quarantine = QuarantineView(store)
        self.sessions = ImportedSessionsView(store)
        self.person = PersonView(store)
        self.tabs = QTabWidget(documentMode=True)
        for view, title in ((self.due, _("&Due dates")), (self.imports, _("&Import")),
                            (self.quarantine, _("&Quarantine")), (self.sessions, _("&Sessions")),
                            (self.person, _("&Person"))):
            self.tabs.addTab(view, title)
            view.said.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.setCentralWidget(self.tabs)
        self.imports.imported.connect(self.refresh)
        self.due.person_requested.connect(self.show_person)
        self.statusBar().addPermanentWidget(plain_label(_("HR's store: {where}").format(where=store.where)))
        for notice in store.notices:
            self.statusBar().showMessage(notice)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self._action(file_menu, _("Import &bundles…"), QKeySequence("Ctrl+I"), lambda: self._on(IMPORT_TAB).
                     import_files())
        self._action(file_menu, _("Import &employee list…"), QKeySequence("Ctrl+Shift+I"),
                     lambda: self._on(DUE_TAB).import_employees())
        self._action(file_menu, _("&Trust a certificate…"), QKeySequence("Ctrl+T"),
                     lambda: self._on(IMPORT_TAB).trust_certificate())
        self._action(file_menu, _("E&xport due dates to XLSX…"), QKeySequence("Ctrl+E"),
                     lambda: self._on(DUE_TAB).export_xlsx())
        file_menu.addSeparator()
        self._action(file_menu, _("&Refresh"), QKeySequence("F5"), self.refresh)
        self._action(file_menu, _("&Close"), QKeySequence("Ctrl+W"), self.close)
        view = self.menuBar().addMenu(_("&View"))
        self._action(view, _("&Due dates"), QKeySequence("Ctrl+1"), lambda: self._on(DUE_TAB).table.setFocus())
        self._action(view, _("&Import"), QKeySequence("Ctrl+2"), lambda: self._on(IMPORT_TAB).import_button.setFocus())
        self._action(view, _("&Quarantine"), QKeySequence("Ctrl+3"), lambda: self._on(QUARANTINE_TAB).table.setFocus())
        self._action(view, _("&Sessions"), QKeySequence("Ctrl+4"), lambda: self._on(SESSIONS_TAB).table.setFocus())
        self._action(view, _("&Person…"), QKeySequence("Ctrl+5"), lambda: self._focus_person())
        self._action(view, _("&Find in the due dates"), QKeySequence.StandardKey.Find,
                     lambda: self._on(DUE_TAB).search.setFocus())

    def _action(self, menu: QMenu, text: str, shortcut: QKeySequence | QKeySequence.StandardKey, slot: object
                ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _on(self, tab: int) -> QWidget:
        self.tabs.setCurrentIndex(tab)
        return self.tabs.widget(tab)

    def _focus_person(self) -> None:
        self._on(PERSON_TAB)
        self.person.field.setFocus()
        self.person.field.selectAll()

    def show_person(self, who: str) -> None:
        """The Person tab, showing the history of the employee id or e-mail address `who`."""
        self._on(PERSON_TAB)
        self.person.look_up(who)
        self.person.table.setFocus()

    def refresh(self) -> None:
        """Every tab reads the store again (after an import here, or anyone's on a shared database)."""
        self.due.refresh()
        self.imports.refresh()
        self.quarantine.refresh()
        self.sessions.refresh()
        self.person.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, self._load)

    def _load(self) -> None:
        if self.isVisible():  # not closed before it came to it
            self.due.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.store.close()
        super().closeEvent(event)


def open_hr_window(parent: QWidget | None, data_dir: Path, db: str | None = None) -> HrWindow | None:
    """Open HR's store (off the GUI thread: a database server may take a while to answer) and show its window;
    a store that cannot be opened is told, and no window opens."""
    try:
        store = run_operation(parent, _("Opening HR's records…"), lambda _progress: open_hr_store(db, data_dir),
                              cancellable=False)
    except UserError as exc:
        if parent is not None:
            tell_error(parent, _("HR's records cannot be opened"), exc)
        return None
    window = HrWindow(store)
    window.show()
    window.raise_()
    window.activateWindow()
    return window

