"""The workshop library: pick a workshop, read its agenda, timings, notes, and which laws it meets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.segment_kinds import kind_label
from facilitator.i18n import N_, _, ngettext
from facilitator.services import library as library_service
from facilitator.services.library import WorkshopSummary
from facilitator.services.workspace import Workspace
from facilitator.ui.library.segment_html import overview_html, segment_html
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.widgets import configure_table, heading, plain_label

WORKSHOP_COLUMNS = [
    Column[WorkshopSummary](N_("Workshop"), lambda w: w.title),
    Column[WorkshopSummary](N_("Audience"), lambda w: w.audience.capitalize()),
    Column[WorkshopSummary](N_("Minutes"), lambda w: w.planned_minutes, align_right=True),
]


@dataclass(frozen=True)
class AgendaRow:
    """One agenda line with its planned start, in minutes from the start of the workshop."""

    segment: Any
    offset: int


AGENDA_COLUMNS = [
    Column[AgendaRow](N_("Starts"), lambda r: f"+{r.offset // 60}:{r.offset % 60:02d}"),
    Column[AgendaRow](N_("Min"), lambda r: r.segment.minutes, align_right=True),
    Column[AgendaRow](N_("Type"), lambda r: kind_label(r.segment.type)),
    Column[AgendaRow](N_("Segment"), lambda r: r.segment.title),
]


@dataclass(frozen=True)
class CoverageRow:
    """Whether the chosen workshop meets one jurisdiction, and what it lacks."""

    name: str
    code: str
    verdict: str
    detail: str


COVERAGE_COLUMNS = [
    Column[CoverageRow](N_("Jurisdiction"), lambda r: r.name),
    Column[CoverageRow](N_("Meets?"), lambda r: r.verdict),
    Column[CoverageRow](N_("What is missing"), lambda r: r.detail),
]


class LibraryView(QWidget):
    """Workshop list on the left; the chosen workshop's agenda, segment detail and coverage on the right."""

    plan_requested = Signal(str)  # a workshop id the trainer wants to schedule

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._topic_labels = {t.id: t.label for t in workspace.library.topics}
        self.workshops = RowsModel(WORKSHOP_COLUMNS, library_service.list_workshops(workspace.library), self)
        self.agenda = RowsModel(AGENDA_COLUMNS, [], self)
        self.coverage = RowsModel(COVERAGE_COLUMNS, [], self)
        self._build()
        if self.workshops.rowCount():
            self.workshop_table.selectRow(0)

    def _build(self) -> None:
        self.workshop_table = QTableView(accessibleName=_("Workshops in the library"))
        configure_table(self.workshop_table, self.workshops, stretch=0)
        self.workshop_table.selectionModel().selectionChanged.connect(self._workshop_chosen)
        self.workshop_table.doubleClicked.connect(lambda _i: self._plan_current())

        self.title = heading("")
        self.facts = plain_label(wordWrap=True, accessibleName=_("Audience, length, language and version"))
        self.overview = QTextBrowser(accessibleName=_("Workshop overview"))
        self.agenda_table = QTableView(accessibleName=_("Agenda"))
        configure_table(self.agenda_table, self.agenda, stretch=3)
        self.agenda_table.selectionModel().selectionChanged.connect(self._segment_chosen)
        self.segment_text = QTextBrowser(accessibleName=_("Segment details"), openExternalLinks=False)
        self.coverage_table = QTableView(accessibleName=_("Jurisdictions this workshop meets"))
        configure_table(self.coverage_table, self.coverage, stretch=2)

        agenda_split = QSplitter(Qt.Orientation.Vertical)
        agenda_split.addWidget(self.agenda_table)
        agenda_split.addWidget(self.segment_text)
        agenda_split.setSizes([260, 340])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, _("&Overview"))
        self.tabs.addTab(agenda_split, _("&Agenda and notes"))
        self.tabs.addTab(self.coverage_table, _("&Jurisdictions"))

        detail = QWidget()
        layout = QVBoxLayout(detail)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.workshop_table)
        split.addWidget(detail)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 900])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

    def current_workshop_id(self) -> str | None:
        rows = self.workshop_table.selectionModel().selectedRows()
        return self.workshops.row(rows[0].row()).id if rows else None

    def _plan_current(self) -> None:
        workshop_id = self.current_workshop_id()
        if workshop_id:
            self.plan_requested.emit(workshop_id)

    def _workshop_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        workshop_id = self.current_workshop_id()
        if workshop_id is None:
            return
        w = library_service.get_workshop(self._ws.library, workshop_id)
        outline = w.outline()
        self.title.setText(w.title)
        segments = ngettext("{n} segment", "{n} segments", len(w.segments)).format(n=len(w.segments))
        self.facts.setText(_("For {audience} · {minutes} min ({training} min of training) · {segments} · "
                             "language {language} · version {version}").format(
            audience=w.audience, minutes=outline.planned_minutes, training=outline.instruction_minutes,
            segments=segments, language=w.language, version=w.version))
        self.overview.setHtml(overview_html(w, self._topic_labels))
        rows, offset = [], 0
        for seg in w.segments:
            rows.append(AgendaRow(seg, offset))
            offset += seg.minutes
        self.agenda.set_rows(rows)
        self.coverage.set_rows([self._coverage_row(w, j) for j in library_service.list_jurisdictions(self._ws.library)])
        self.agenda_table.selectRow(0)

    def _coverage_row(self, workshop: object, jurisdiction: object) -> CoverageRow:
        result = library_service.coverage(workshop, jurisdiction, self._ws.library)
        verdict = _("Yes") if result.satisfied else (_("Partly") if result.partly else _("No"))
        detail = "; ".join(f"{s.requirement}: {s.message}" for s in result.shortfalls)
        return CoverageRow(jurisdiction.name, jurisdiction.code, verdict, detail)

    def _segment_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.agenda_table.selectionModel().selectedRows()
        if rows:
            self.segment_text.setHtml(segment_html(self.agenda.row(rows[0].row()).segment, self._topic_labels))
