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

from facilitator.domain.changes import ChangeKind, Changes
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.sessions import status_label as session_status_label
from facilitator.i18n import N_, _
from facilitator.services import sessions as session_service
from facilitator.services.sessions import SessionDetail, SessionSummary
from facilitator.services.workspace import Workspace
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.store_watch import StoreWatch
from facilitator.ui.widgets import coloured, configure_table


def status_label(status: str) -> str:
    """"Planned" or "Sealed", in the chosen language."""
    words = session_status_label(status)
    return words[:1].upper() + words[1:]


SESSION_COLUMNS = [
    Column[SessionSummary](N_("Date"), lambda s: s.date),
    Column[SessionSummary](N_("Start"), lambda s: s.start),
    Column[SessionSummary](N_("Workshop"), lambda s: s.workshop_title),
    Column[SessionSummary](N_("Location"), lambda s: s.location),
    Column[SessionSummary](N_("Trainer"), lambda s: s.trainer),
    Column[SessionSummary](N_("People"), lambda s: s.roster_count, align_right=True),
    Column[SessionSummary](N_("Status"), lambda s: status_label(s.status)),
    Column[SessionSummary](N_("ID"), lambda s: s.id),
]


class SessionsView(QWidget):
    """Every session, soonest first, with the selected session's details beside it."""

    new_requested = Signal()
    session_opened = Signal(str)
    checkin_requested = Signal(str)
    import_requested = Signal(str)
    close_requested = Signal(str)
    run_requested = Signal(str)
    documents_requested = Signal(str)  # a sealed session's signed documents, written again at any time

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *,
                 changes: StoreWatch | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.sessions = RowsModel(SESSION_COLUMNS, [], self)
        self._build()
        self.refresh()
        if changes is not None:  # a session planned, imported or sealed anywhere shows here
            changes.changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches(None, ChangeKind.SESSION, ChangeKind.ROSTER, ChangeKind.SEAL):
            self.refresh()

    def _build(self) -> None:
        self.table = QTableView(accessibleName=_("Sessions"))
        configure_table(self.table, self.sessions, stretch=(2, 3))
        self.table.selectionModel().selectionChanged.connect(self._chosen)
        self.table.activated.connect(lambda _i: self.open_current())
        new = QPushButton(_("&New session…"), accessibleName=_("Plan a new session"))
        new.clicked.connect(self.new_requested)
        self.open_button = QPushButton(_("&Open"), accessibleName=_("Open the selected session"), enabled=False)
        self.open_button.clicked.connect(self.open_current)
        self.checkin_button = QPushButton(_("Open check-in (F2)"), enabled=False,
                                          accessibleName=_("Open the check-in desk for the selected session"))
        self.checkin_button.clicked.connect(self._checkin_current)
        buttons = QHBoxLayout()
        buttons.addWidget(new)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.checkin_button)
        self.run_button = QPushButton(_("&Run (Ctrl+4)"), enabled=False,
                                      accessibleName=_("Run the selected session from the presenter console"))
        self.run_button.clicked.connect(lambda: self._emit_current(self.run_requested))
        buttons.addWidget(self.run_button)
        self.import_button = QPushButton(_("&Import roster…"), enabled=False,
                                         accessibleName=_("Import the roster file HR sent for the selected session"))
        self.import_button.clicked.connect(lambda: self._emit_current(self.import_requested))
        buttons.addWidget(self.import_button)
        self.close_button = QPushButton(_("&Close and seal…"), enabled=False,
                                        accessibleName=_("Close the selected session and seal its record"))
        self.close_button.clicked.connect(lambda: self._emit_current(self.close_requested))
        buttons.addWidget(self.close_button)
        self.documents_button = QPushButton(_("&Documents…"), enabled=False, accessibleName=_(
            "Write the sealed session's signed certificates, sign-in sheet and report, and its role cards"))
        self.documents_button.clicked.connect(lambda: self._emit_current(self.documents_requested))
        buttons.addWidget(self.documents_button)
        buttons.addStretch(1)
        self.detail = QTextBrowser(accessibleName=_("Session details"))
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
            self.detail.setHtml(f"<p>{_('No sessions yet. Choose <b>New session…</b> (Ctrl+N) to plan one.')}</p>")

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
            sealed = detail.status == SessionStatus.SEALED
            self.close_button.setEnabled(not sealed)
            self.documents_button.setEnabled(sealed)
            self.detail.setHtml(session_html(detail))
        else:
            self.close_button.setEnabled(False)
            self.documents_button.setEnabled(False)


def session_html(s: SessionDetail) -> str:
    """The session's plan as a trainer reads it before the day."""
    rows = "".join(f"<li><b>{escape(c.name)}</b>: {_coverage(c.satisfied, c.shortfalls)}"
                   f"{'<br><i>' + escape(c.note) + '</i>' if c.note else ''}</li>" for c in s.coverage)
    supervisor = escape(_("Supervisor"))
    people = "".join(f"<tr><td>{escape(p.full_name)}</td><td>{escape(p.employee_id or '')}</td>"
                     f"<td>{escape(p.department or '')}</td><td>{supervisor if p.is_supervisor else ''}</td></tr>"
                     for p in s.roster)
    name, number, department = (escape(_(t)) for t in (N_("Name"), N_("ID"), N_("Department")))
    roster = (f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>{name}</th><th align='left'>{number}</th>"
              f"<th align='left'>{department}</th><th></th></tr>{people}</table>" if s.roster
              else f"<p>{escape(_('No one on the roster yet.'))}</p>")
    facts = [[_("{date} at {start}").format(date=s.date, start=s.start), s.location],
             [_("Trainer: {trainer}").format(trainer=s.trainer),
              _("Status: {status}").format(status=status_label(s.status).lower()), _("ID {id}").format(id=s.id)],
             [_("Late after {minutes} min").format(minutes=s.grace_minutes),
              _("Language {language}").format(language=s.language),
              _("Workshop version {version}").format(version=s.workshop_version)]]
    lines = "<br>".join(" &middot; ".join(escape(fact) for fact in line) for line in facts)
    return (f"<h2>{escape(s.workshop_title)}</h2><p>{lines}</p>"
            f"<h3>{escape(_('Jurisdictions'))}</h3><ul>{rows}</ul>"
            f"<h3>{escape(_('Roster ({count})').format(count=s.roster_count))}</h3>{roster}")


def _coverage(satisfied: bool, shortfalls: list[str]) -> str:
    if satisfied:
        return coloured(escape(_("meets the requirements")), "#1b5e20")
    return coloured(escape(_("missing {shortfalls}").format(shortfalls="; ".join(shortfalls))), "#b00020")
