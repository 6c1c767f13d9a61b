"""The sessions list and the chosen session's plan: workshop, place, jurisdictions met, and roster."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelection, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.sessions import SessionStatus
from facilitator.services import sessions as session_service
from facilitator.services.sessions import SessionDetail, SessionSummary
from facilitator.services.workspace import Workspace
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.widgets import configure_table

SESSION_COLUMNS = [
    Column[SessionSummary]("Date", lambda s: s.date),
    Column[SessionSummary]("Start", lambda s: s.start),
    Column[SessionSummary]("Workshop", lambda s: s.workshop_title),
    Column[SessionSummary]("Location", lambda s: s.location),
    Column[SessionSummary]("Trainer", lambda s: s.trainer),
    Column[SessionSummary]("People", lambda s: s.roster_count, align_right=True),
    Column[SessionSummary]("Status", lambda s: s.status.capitalize()),
    Column[SessionSummary]("ID", lambda s: s.id),
]


class SessionsView(QWidget):
    """Every session, soonest first, with the selected session's details beside it."""

    new_requested = Signal()
    session_opened = Signal(str)
    checkin_requested = Signal(str)
    import_requested = Signal(str)
    close_requested = Signal(str)
    run_requested = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.sessions = RowsModel(SESSION_COLUMNS, [], self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.table = QTableView(accessibleName="Sessions")
        configure_table(self.table, self.sessions, stretch=(2, 3))
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.table.activated.connect(lambda _i: self.open_current())
        new = QPushButton("&New session…", accessibleName="Plan a new session")
        new.clicked.connect(self.new_requested)
        self.open_button = QPushButton("&Open", accessibleName="Open the selected session", enabled=False)
        self.open_button.clicked.connect(self.open_current)
        self.checkin_button = QPushButton("Open check-in (F2)", enabled=False,
                                          accessibleName="Open the check-in desk for the selected session")
        self.checkin_button.clicked.connect(self._checkin_current)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.checkin_button)
        self.run_button = QPushButton("&Run (Ctrl+4)", enabled=False,
                                      accessibleName="Run the selected session from the presenter console")
        self.run_button.clicked.connect(lambda: self._emit_current(self.run_requested))
        buttons.addWidget(self.run_button)
        self.import_button = QPushButton("&Import roster…", enabled=False,
                                         accessibleName="Import the roster file HR sent for the selected session")
        self.import_button.clicked.connect(lambda: self._emit_current(self.import_requested))
        buttons.addWidget(self.import_button)
        self.close_button = QPushButton("&Close and seal…", enabled=False,
                                        accessibleName="Close the selected session and seal its record")
        self.close_button.clicked.connect(lambda: self._emit_current(self.close_requested))
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        self.detail = QTextBrowser(accessibleName="Session details")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setSizes([820, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def refresh(self, select_id: str | None = None) -> None:
        """Reload the list from the store, keeping (or moving to) a selection."""
        keep = select_id or self.current_id()
        self.sessions.set_rows(session_service.list_sessions(self._ws))
        self.select(keep)

    def current_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.sessions.row(rows[0].row()).id if rows else None

    def select(self, session_id: str | None) -> None:
        ids = [s.id for s in self.sessions.rows()]
        if session_id in ids:
            self.table.selectRow(ids.index(session_id))
        elif ids:
            self.table.selectRow(0)
        else:
            self.detail.setHtml("<p>No sessions yet. Choose <b>New session…</b> (Ctrl+N) to plan one.</p>")

    def open_current(self) -> None:
        session_id = self.current_id()
        if session_id:
            self.session_opened.emit(session_id)

    def _checkin_current(self) -> None:
        self._emit_current(self.checkin_requested)

    def _emit_current(self, signal: SignalInstance) -> None:
        session_id = self.current_id()
        if session_id:
            signal.emit(session_id)

    def _chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        session_id = self.current_id()
        self.open_button.setEnabled(session_id is not None)
        self.checkin_button.setEnabled(session_id is not None)
        self.import_button.setEnabled(session_id is not None)
        self.run_button.setEnabled(session_id is not None)
        if session_id:
            detail = session_service.get_session(self._ws, session_id)
            self.close_button.setEnabled(detail.status != SessionStatus.SEALED)
            self.detail.setHtml(session_html(detail))
        else:
            self.close_button.setEnabled(False)


def session_html(s: SessionDetail) -> str:
    """The session's plan as a trainer reads it before the day."""
    rows = "".join(
        f"<li><b>{escape(c.name)}</b>: " + ("<span style='color:#1b5e20'>meets the requirements</span>"
                                            if c.satisfied else "<span style='color:#b00020'>missing "
                                            + escape("; ".join(c.shortfalls)) + "</span>") + "</li>"
        for c in s.coverage)
    people = "".join(f"<tr><td>{escape(p.full_name)}</td><td>{escape(p.employee_id or '')}</td>"
                     f"<td>{escape(p.department or '')}</td><td>{'Supervisor' if p.is_supervisor else ''}</td></tr>"
                     for p in s.roster)
    roster = (f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>Name</th><th align='left'>ID</th>"
              f"<th align='left'>Department</th><th></th></tr>{people}</table>" if s.roster
              else "<p>No one on the roster yet.</p>")
    return (f"<h2>{escape(s.workshop_title)}</h2>"
            f"<p>{escape(s.date)} at {escape(s.start)} &middot; {escape(s.location)}<br>"
            f"Trainer: {escape(s.trainer)} &middot; Status: {escape(s.status)} &middot; ID {escape(s.id)}<br>"
            f"Late after {s.grace_minutes} min &middot; Language {escape(s.language)} &middot; "
            f"Workshop version {escape(s.workshop_version)}</p>"
            f"<h3>Jurisdictions</h3><ul>{rows}</ul>"
            f"<h3>Roster ({s.roster_count})</h3>{roster}")
