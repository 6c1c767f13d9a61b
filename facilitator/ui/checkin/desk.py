"""The check-in desk for one session: scan, type or search, see the result in large type, and who is in.

One box takes everything: a USB scanner's burst (caught wherever the focus is, see `ScanCatcher`), a badge
code typed by hand, or part of a name to search the roster. Every check-in goes through the attendance
service, and the banner is painted only from what the service returns, which it returns after the event is on
disk (DESIGN.md §3): the desk never says "checked in" for something that was not recorded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import Direction, EventKind, Source, Status
from facilitator.domain.ids import read_code
from facilitator.domain.times import clock
from facilitator.services import attendance as attendance_service
from facilitator.services import sessions as session_service
from facilitator.services.attendance import VOIDABLE, AttendanceReport, AttendanceRow, LogEntry, ScanResult
from facilitator.services.errors import UserError
from facilitator.services.sessions import RosterPerson
from facilitator.services.workspace import Workspace
from facilitator.ui.checkin.banner import ResultBanner, Sounds, Tone, Verdict, problem_verdict, verdict_for
from facilitator.ui.checkin.camera import CameraPanel, FrameSource, find_camera
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.dialogs.checkin import UndoDialog, WalkInDialog
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.widgets import configure_table, heading

log = logging.getLogger(__name__)
CameraFactory = Callable[[], FrameSource | None]
RECENT_LIMIT = 200
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)")
LATE = {Status.LATE, Status.LATE_AND_LEFT_EARLY}
WHAT = {EventKind.CHECK_IN: "Checked in", EventKind.CHECK_OUT: "Checked out", EventKind.VOID: "Undo",
        EventKind.WALK_IN: "Walk-in added", EventKind.REJECTED: "Refused"}


def _hhmm(moment: datetime | None) -> str:
    return clock(moment)


def _note(row: AttendanceRow) -> str:
    notes = ["late"] if row.status in LATE else []
    if row.last_out and not row.is_in:
        notes.append(f"left {_hhmm(row.last_out)}")
    if row.person.walk_in:
        notes.append("walk-in")
    return ", ".join(notes)


def _local_times(text: str | None) -> str:
    """The log's details give times as UTC ISO 8601 (for auditors); the desk shows them as local HH:MM."""
    return ISO_MOMENT.sub(lambda m: clock(datetime.fromisoformat(m.group())), text or "")


def _what(entry: LogEntry) -> str:
    text = WHAT.get(entry.kind, entry.kind)  # StrEnum keys match the stored strings
    return f"{text} (undone)" if entry.voided_by else text


IN_ROOM = [Column[AttendanceRow]("Name", lambda r: r.person.full_name),
           Column[AttendanceRow]("Since", lambda r: _hhmm(r.first_in)),
           Column[AttendanceRow]("Department", lambda r: r.person.department or ""),
           Column[AttendanceRow]("Note", _note)]
NOT_HERE = [Column[AttendanceRow]("Name", lambda r: r.person.full_name),
            Column[AttendanceRow]("Department", lambda r: r.person.department or ""),
            Column[AttendanceRow]("Note", _note)]
RECENT = [Column[LogEntry]("Time", lambda e: clock(e.at, seconds=True)),
          Column[LogEntry]("What", _what),
          Column[LogEntry]("Who", lambda e: e.person or ""),
          Column[LogEntry]("Detail", lambda e: _local_times(e.detail)),
          Column[LogEntry]("Via", lambda e: e.source or "")]
MATCHES = [Column[RosterPerson]("Name", lambda p: p.full_name),
           Column[RosterPerson]("Employee ID", lambda p: p.employee_id or ""),
           Column[RosterPerson]("Department", lambda p: p.department or ""),
           Column[RosterPerson]("Email", lambda p: p.email or "")]


class CheckinView(QWidget):
    """The desk at the door for one session. While it is on screen it listens for badge scanners."""

    scan_recorded = Signal(object)  # the ScanResult, once the banner shows it

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None, *,
                 sounds: Sounds | None = None, camera_factory: CameraFactory = find_camera,
                 catcher: ScanCatcher | None = None, listen: bool = True) -> None:
        super().__init__(parent)
        # An embedding view (the console) may listen for scanners itself and pass them to `scan`.
        self._listen = listen
        self._ws = workspace
        self.session = session_service.get_session(workspace, session_id)
        self.session_id = self.session.id
        self.sounds = sounds or Sounds(self)
        self.catcher = catcher or ScanCatcher(self)
        self.catcher.scanned.connect(lambda code: self.scan(code, Source.SCANNER))
        self._camera_factory = camera_factory
        self._camera_source: FrameSource | None = None
        self.report: AttendanceReport | None = None
        self.in_room = RowsModel(IN_ROOM, [], self)
        self.not_here = RowsModel(NOT_HERE, [], self)
        self.recent = RowsModel(RECENT, [], self)
        self.matches = RowsModel(MATCHES, [], self)
        self._build()
        self.set_direction(Direction.IN)
        self.refresh()

    # --- layout -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = ResultBanner(self)
        self.camera = CameraPanel(self)
        self.camera.code_read.connect(lambda code: self.scan(code, Source.CAMERA))
        self.camera.setVisible(False)
        self.camera.setFixedWidth(320)
        header, entry, counts = self._header(), self._entry_row(), self._count_row()
        self.stack = QStackedWidget()
        self.stack.addWidget(self._lists())
        self.stack.addWidget(self._search_page())
        left = QVBoxLayout()
        left.addLayout(header)
        left.addLayout(entry)
        left.addWidget(self.banner)
        left.addLayout(counts)
        left.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.camera)
        self._shortcuts()

    def _header(self) -> QHBoxLayout:
        s = self.session
        title = heading(f"Check-in: {s.workshop_title}", 1.25)
        title.setWordWrap(False)  # the place and time beside it wrap instead
        where = QLabel(f"{s.date} at {s.start} · {s.location} · session {s.id}", wordWrap=True)
        where.setStyleSheet("color: #455a64")
        row = QHBoxLayout()
        row.addWidget(title)
        row.addWidget(where, 1, Qt.AlignmentFlag.AlignBottom)
        return row

    def _entry_row(self) -> QHBoxLayout:
        self.arriving = _toggle("Arriving (F5)", "People arriving: scans check them in")
        self.leaving = _toggle("Leaving (F6)", "People leaving: scans check them out")
        self.directions = QButtonGroup(self, exclusive=True)
        self.directions.addButton(self.arriving)
        self.directions.addButton(self.leaving)
        self.arriving.clicked.connect(lambda: self.set_direction(Direction.IN))
        self.leaving.clicked.connect(lambda: self.set_direction(Direction.OUT))
        self.field = QLineEdit(accessibleName="Badge code or name", clearButtonEnabled=True)
        self.field.setFont(_points(self.field.font(), 16))
        self.field.returnPressed.connect(self.submit)
        self.field.installEventFilter(_DownToMatches(self))
        go = QPushButton("Find / check in", accessibleName="Check in the code, or search for the name, typed")
        go.clicked.connect(self.submit)
        self.camera_button = _toggle("Camera (F8)", "Read badges with the laptop camera")
        self.camera_button.toggled.connect(self.use_camera)
        walk_in = QPushButton("Add &walk-in…", accessibleName="Add someone who is not on the roster")
        walk_in.clicked.connect(lambda: self.add_walk_in())
        row = QHBoxLayout()
        for widget in (self.arriving, self.leaving):
            row.addWidget(widget)
        row.addWidget(self.field, 1)
        for widget in (go, self.camera_button, walk_in):
            row.addWidget(widget)
        return row

    def _count_row(self) -> QHBoxLayout:
        self.count = QLabel(accessibleName="How many are in the room")
        self.count.setFont(_points(self.count.font(), 20, bold=True))
        self.tally = QLabel(accessibleName="Late, left and walk-ins")
        row = QHBoxLayout()
        row.addWidget(self.count)
        row.addSpacing(16)
        row.addWidget(self.tally, 1, Qt.AlignmentFlag.AlignBottom)
        return row

    def _lists(self) -> QSplitter:
        self.in_room_table = self._table(self.in_room, "In the room", stretch=0)
        self.not_here_table = self._table(self.not_here, "Not here yet, or left", stretch=0)
        self.recent_table = self._table(self.recent, "Recent scans", stretch=3)
        self.recent_table.selectionModel().selectionChanged.connect(lambda *_: self._update_undo())
        self.undo_button = QPushButton("&Undo…", accessibleName="Undo the selected check-in or check-out",
                                       enabled=False)
        self.undo_button.clicked.connect(lambda: self.undo_selected())
        self.in_room_title, self.not_here_title = QLabel(), QLabel()
        recent_head = QHBoxLayout()
        recent_head.addWidget(QLabel("<b>Recent scans</b>"), 1)
        recent_head.addWidget(self.undo_button)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(_titled(self.in_room_title, self.in_room_table))
        split.addWidget(_titled(self.not_here_title, self.not_here_table))
        split.addWidget(_titled(recent_head, self.recent_table))
        split.setSizes([330, 300, 520])
        return split

    def _search_page(self) -> QWidget:
        self.matches_title = QLabel(wordWrap=True, accessibleName="Search result")
        self.matches_table = self._table(self.matches, "People found", stretch=0)
        self.matches_table.activated.connect(lambda index: self.check_in_person(self.matches.row(index.row())))
        check_in = QPushButton("Check &in the selected person", accessibleName="Check in the selected person")
        check_in.clicked.connect(self._check_in_selected)
        back = QPushButton("Back to the lists (Esc)", accessibleName="Back to the lists")
        back.clicked.connect(self.clear_search)
        buttons = QHBoxLayout()
        buttons.addWidget(check_in)
        buttons.addWidget(back)
        buttons.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.matches_title)
        layout.addWidget(self.matches_table, 1)
        layout.addLayout(buttons)
        return page

    def _table(self, model: RowsModel, name: str, stretch: int) -> QTableView:
        table = QTableView(accessibleName=name)
        configure_table(table, model, stretch=stretch)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.installEventFilter(_TypeIntoField(self.field, table))
        return table

    def _shortcuts(self) -> None:
        keys = {"F5": lambda: self.set_direction(Direction.IN), "F6": lambda: self.set_direction(Direction.OUT),
                "F8": self.camera_button.toggle, "Esc": self.clear_search}
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- what the trainer does ----------------------------------------------------------------------------

    @property
    def direction(self) -> Direction:
        return Direction.OUT if self.leaving.isChecked() else Direction.IN

    def set_direction(self, direction: Direction) -> None:
        """Work the door for people arriving or people leaving."""
        (self.leaving if direction is Direction.OUT else self.arriving).setChecked(True)
        # Changing the door's direction is deliberate: say so at once, over any result still showing.
        if direction is Direction.IN:
            self.banner.set_ready("Arriving: scan a badge", "Or type a name or badge code above and press Enter.",
                                  at_once=True)
            self.field.setPlaceholderText("Scan a badge, or type a name or badge code and press Enter")
        else:
            self.banner.set_ready("Leaving: scan badges to check people out",
                                  "Press F5 to go back to checking people in.", at_once=True)
            self.field.setPlaceholderText("Scan a badge, or type a name, to check someone out")

    def submit(self) -> None:
        """Enter in the box: a badge code is checked in (or out); anything else searches the roster."""
        text = self.field.text().strip()
        if not text:
            return
        if read_code(text) is not None:
            # Typed by hand at the desk, like a search; a scanner's burst never reaches the box.
            if self.scan(text, Source.TYPED) is not None:
                self.field.clear()
        else:
            self.search(text)

    def search(self, text: str) -> list[RosterPerson]:
        people = attendance_service.find_people(self._ws, self.session_id, text)
        self.matches.set_rows(people)
        self.stack.setCurrentIndex(1)
        if people:
            self.matches_title.setText(f"{len(people)} found for “{text}”. Choose one and press Enter "
                                       "(or double-click) to check them in.")
            self.matches_table.selectRow(0)
            self.matches_table.setFocus()
        else:
            self.matches_title.setText(f"No one on the roster matches “{text}”. Check the spelling, or add "
                                       "them with Add walk-in….")
        return people

    def clear_search(self) -> None:
        self.stack.setCurrentIndex(0)
        self.matches.set_rows([])
        self.field.clear()
        self.field.setFocus()

    def check_in_person(self, person: RosterPerson) -> ScanResult | None:
        """Check in (or out) someone picked from the search, by their badge code."""
        result = self.scan(person.badge_code, Source.SEARCH)
        if result is not None:
            self.clear_search()
        return result

    def _check_in_selected(self) -> None:
        rows = self.matches_table.selectionModel().selectedRows()
        if rows:
            self.check_in_person(self.matches.row(rows[0].row()))

    def scan(self, code: str, source: Source, direction: Direction | None = None) -> ScanResult | None:
        """Record a scan and show what the log now says; None (and a red banner) if nothing was recorded."""
        try:
            result = attendance_service.scan(self._ws, self.session_id, code, direction or self.direction,
                                             source=source)
        except UserError as exc:
            self._show(problem_verdict(_sentence(str(exc))))
            return None
        except Exception:  # the disk is full, the database is locked…: the door must not look as if it worked
            log.exception("a scan could not be recorded")
            self._show(problem_verdict("Not recorded: try again", "If it keeps failing, write the name and time "
                                       "on paper; the scan was not saved."))
            return None
        self._show(verdict_for(result))
        self.refresh()
        self.scan_recorded.emit(result)
        return result

    def _show(self, verdict: Verdict) -> None:
        self.banner.show_verdict(verdict)
        self.sounds.play(verdict.tone)

    def add_walk_in(self) -> WalkInDialog:
        """Ask for a walk-in's name; once added, they are checked in."""
        typed = self.field.text().strip()
        first, _, last = typed.partition(" ") if typed and read_code(typed) is None else ("", "", "")
        dialog = WalkInDialog(self._ws, self.session_id, self, first, last)
        dialog.accepted.connect(lambda: self._walked_in(dialog))
        dialog.open()
        return dialog

    def _walked_in(self, dialog: WalkInDialog) -> None:
        if dialog.added is not None and self.scan(dialog.added.badge_code, Source.DESK, Direction.IN):
            self.clear_search()

    def selected_entry(self) -> LogEntry | None:
        rows = self.recent_table.selectionModel().selectedRows()
        return self.recent.row(rows[0].row()) if rows else None

    def undo_selected(self) -> UndoDialog | None:
        """Ask why, then undo the selected check-in, check-out or walk-in."""
        entry = self.selected_entry()
        if entry is None or not _undoable(entry):
            return None
        dialog = UndoDialog(f"the {entry.kind} of {entry.person or 'someone'} at {entry.at:%H:%M}", self)
        dialog.accepted.connect(lambda: self._undo(entry.seq, dialog.reason_text()))
        dialog.open()
        return dialog

    def _undo(self, seq: int, reason: str) -> None:
        try:
            done = attendance_service.void(self._ws, self.session_id, seq, reason, actor=self.session.trainer,
                                           source=Source.DESK)
        except UserError as exc:
            self._show(problem_verdict(_sentence(str(exc))))
            return
        self.banner.show_verdict(Verdict(Tone.NOTICE, "↶ Undone", done.message))
        self.refresh()

    def use_camera(self, on: bool) -> None:
        """Read badges with the camera too (or stop). Without a camera the panel says so."""
        self.camera.setVisible(on)
        if not on:
            self.camera.stop()
            return
        if self._camera_source is None:
            self._camera_source = self._camera_factory()
            if self._camera_source is not None and self._camera_source.parent() is None:
                self._camera_source.setParent(self)  # the camera goes when the desk does
        self.camera.start(self._camera_source)

    # --- keeping the lists current ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload who is in, who is not and the recent scans from the store."""
        report = attendance_service.attendance_report(self._ws, self.session_id)
        self.report = report
        self.in_room.set_rows([r for r in report.rows if r.is_in])
        self.not_here.set_rows(sorted((r for r in report.rows if not r.is_in), key=lambda r: r.last_out is not None))
        self.recent.set_rows(attendance_service.attendance_log_entries(self._ws, self.session_id)[::-1][:RECENT_LIMIT])
        self._update_counts(report)
        self._update_undo()

    def _update_counts(self, report: AttendanceReport) -> None:
        total = len(report.rows)
        self.count.setText(f"{report.in_room} of {total} in the room")
        late = sum(r.status in LATE for r in report.rows)
        left = sum(1 for r in report.rows if r.last_out and not r.is_in)
        walk_ins = sum(r.person.walk_in for r in report.rows)
        self.tally.setText(f"{late} late · {left} left · {walk_ins} walk-in{'s' if walk_ins != 1 else ''}")
        self.in_room_title.setText(f"<b>In the room ({report.in_room})</b>")
        self.not_here_title.setText(f"<b>Not here yet, or left ({total - report.in_room})</b>")

    def _update_undo(self) -> None:
        entry = self.selected_entry()
        self.undo_button.setEnabled(entry is not None and _undoable(entry))

    # --- listening for scanners only while the desk is on screen ------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._listen:
            self.catcher.install()
        self.sounds.prepare()
        self.field.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:
        if self._listen:
            self.catcher.uninstall()
        if self.camera_button.isChecked():
            self.camera_button.setChecked(False)
        super().hideEvent(event)


def _undoable(entry: LogEntry) -> bool:
    return entry.kind in VOIDABLE and entry.voided_by is None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _points(font: QFont, points: int, bold: bool = False) -> QFont:
    font = QFont(font)
    font.setPointSize(points)
    font.setBold(bold)
    return font


def _toggle(text: str, accessible_name: str) -> QPushButton:
    button = QPushButton(text, checkable=True, accessibleName=accessible_name, autoDefault=False)
    button.setStyleSheet("QPushButton:checked { background: #263238; color: #ffffff; font-weight: bold; }")
    return button


def _titled(title: QWidget | QHBoxLayout, table: QTableView) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(title, QWidget):
        layout.addWidget(title)
    else:
        layout.addLayout(title)
    layout.addWidget(table, 1)
    return box


class _TypeIntoField(QObject):
    """Letters typed while a list has the focus go into the box, as they would at pretix's desk."""

    def __init__(self, field: QLineEdit, parent: QObject) -> None:
        super().__init__(parent)
        self._field = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier)
        if len(text) == 1 and text.isprintable() and not text.isspace() and plain:
            self._field.setFocus()
            self._field.insert(text)
            return True
        return False


class _DownToMatches(QObject):
    """The Down arrow in the box moves into the people found, to pick one."""

    def __init__(self, view: CheckinView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Down and self._view.stack.currentIndex() == 1:
            self._view.matches_table.setFocus()
            return True
        return False
