"""The check-in desk for one session: scan, type or search, see the result in large type, and who is in.

One box takes everything: a USB scanner's burst (caught wherever the focus is, see `ScanCatcher`), a badge
code typed by hand, or part of a name to search the roster. Every check-in goes through the attendance
service, and the banner is painted only from what the service returns, which it returns after the event is on
disk (DESIGN.md §3): the desk never says "checked in" for something that was not recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import Direction, Source
from facilitator.domain.changes import ChangeKind, Changes
from facilitator.domain.ids import read_code
from facilitator.i18n import N_, _, ngettext
from facilitator.services import attendance as attendance_service
from facilitator.services import sessions as session_service
from facilitator.services.attendance import AttendanceReport, LogEntry, ScanResult
from facilitator.services.errors import UserError
from facilitator.services.evidence import session_acknowledgment
from facilitator.services.sessions import RosterPerson
from facilitator.services.workspace import Workspace
from facilitator.ui.checkin.banner import ResultBanner, Sounds, Tone, Verdict, problem_verdict, verdict_for
from facilitator.ui.checkin.camera import CameraPanel, FrameSource, find_camera
from facilitator.ui.checkin.lists import IN_ROOM, LATE, MATCHES, NOT_HERE, RECENT, undo_question, undoable
from facilitator.ui.checkin.notices import NoticeBar
from facilitator.ui.checkin.parts import DownToMatches, TypeIntoField, points, titled, toggle
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.checkin.waiting import WaitingWalkIns
from facilitator.ui.dialogs.checkin import UndoDialog, WalkInDialog
from facilitator.ui.models import RowsModel
from facilitator.ui.store_watch import StoreWatch
from facilitator.ui.widgets import configure_table, error_text, heading, plain_label, rich_label

log = logging.getLogger(__name__)
CameraFactory = Callable[[], FrameSource | None]
RECENT_LIMIT = 200
ARRIVING_HINT = N_("Scan a badge or type a name")  # the scan field's hint; the banner says the rest
LEAVING_HINT = N_("Scan a badge to check out")
SHOWN_HERE = (ChangeKind.ATTENDANCE, ChangeKind.ROSTER, ChangeKind.SEAL, ChangeKind.SESSION)
WAITING_HERE = (ChangeKind.PHONES, ChangeKind.ROSTER, ChangeKind.SEAL)  # a phone asked; another desk settled one


class CheckinView(QWidget):
    """The desk at the door for one session. While it is on screen it listens for badge scanners."""

    scan_recorded = Signal(object)  # the ScanResult, once the banner shows it
    refreshed = Signal()  # the lists were read again (a check-in from a phone, the command line, another window)

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None, *,
                 sounds: Sounds | None = None, camera_factory: CameraFactory = find_camera,
                 catcher: ScanCatcher | None = None, listen: bool = True, changes: StoreWatch | None = None) -> None:
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
        self.waiting.refresh()
        self._changes = changes
        if changes is not None:  # a check-in at another desk, the console's or the command line's, shows here
            changes.changed.connect(self._store_changed)

    def _store_changed(self, changes: Changes) -> None:
        if changes.touches(self.session_id, *SHOWN_HERE):
            self.refresh()
        if changes.touches(self.session_id, *WAITING_HERE):
            self.waiting.refresh()

    def _recorded(self) -> None:
        """After a step taken at this desk: every view follows at once (this one once, through the watch)."""
        if self._changes is None or not self._changes.look():
            self.refresh()

    # --- layout -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = ResultBanner(self)
        self.camera = CameraPanel(self)
        self.camera.code_read.connect(lambda code: self.scan(code, Source.CAMERA))
        self.camera.setVisible(False)
        self.camera.setFixedWidth(320)
        header, entry, counts = self._header(), self._entry_row(), self._count_row()
        self.notices = NoticeBar(self)  # the clock jumped, or phones' address went (console/phones.py)
        self.waiting = WaitingWalkIns(self._ws, self.session_id, self, actor=self.session.trainer)
        self.waiting.checked_in.connect(self._accepted)
        self.waiting.refused.connect(lambda reason: self._show(problem_verdict(reason)))
        self.waiting.declined.connect(lambda name: self.banner.show_verdict(Verdict(
            Tone.NOTICE, _("Declined: {name}").format(name=name), _("They can ask again from their phone."))))
        self.stack = QStackedWidget()
        self.stack.addWidget(self._lists())
        self.stack.addWidget(self._search_page())
        left = QVBoxLayout()
        left.addLayout(header)
        left.addWidget(self.notices)
        left.addLayout(entry)
        left.addWidget(self.banner)
        left.addLayout(counts)
        left.addWidget(self.waiting)
        left.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.camera)
        self._shortcuts()

    def _header(self) -> QHBoxLayout:
        s = self.session
        title = heading(_("Check-in: {workshop}").format(workshop=s.workshop_title), 1.25)
        title.setWordWrap(False)  # the place and time beside it wrap instead
        where = plain_label(_("{date} at {start} · {location} · session {session}").format(
            date=s.date, start=s.start, location=s.location, session=s.id), wordWrap=True)
        where.setStyleSheet("color: #455a64")
        row = QHBoxLayout()
        row.addWidget(title)
        row.addWidget(where, 1, Qt.AlignmentFlag.AlignBottom)
        return row

    def _entry_row(self) -> QHBoxLayout:
        self.arriving = toggle(_("Arriving (F5)"), _("People arriving: scans check them in"))
        self.leaving = toggle(_("Leaving (F6)"), _("People leaving: scans check them out"))
        self.directions = QButtonGroup(self, exclusive=True)
        self.directions.addButton(self.arriving)
        self.directions.addButton(self.leaving)
        self.arriving.clicked.connect(lambda: self.set_direction(Direction.IN))
        self.leaving.clicked.connect(lambda: self.set_direction(Direction.OUT))
        self.field = QLineEdit(accessibleName=_("Badge code or name"), clearButtonEnabled=True)
        self.field.setFont(points(self.field.font(), 16))
        # Wide enough for its longest hint in the large type, so "Scan a badge…" is never cut short.
        self.field.setMinimumWidth(max(self.field.fontMetrics().horizontalAdvance(_(hint)) for hint in (
            ARRIVING_HINT, LEAVING_HINT)) + 48)
        self.field.returnPressed.connect(self.submit)
        self.field.installEventFilter(DownToMatches(self))
        go = QPushButton(_("Find / check in"), accessibleName=_("Check in the code, or search for the name, typed"))
        go.clicked.connect(self.submit)
        self.camera_button = toggle(_("Camera (F8)"), _("Read badges with the laptop camera"))
        self.camera_button.toggled.connect(self.use_camera)
        walk_in = QPushButton(_("Add &walk-in…"), accessibleName=_("Add someone who is not on the roster"))
        walk_in.clicked.connect(lambda: self.add_walk_in())
        row = QHBoxLayout()
        for widget in (self.arriving, self.leaving):
            row.addWidget(widget)
        row.addWidget(self.field, 1)
        for widget in (go, self.camera_button, walk_in):
            row.addWidget(widget)
        return row

    def _count_row(self) -> QHBoxLayout:
        self.count = plain_label(accessibleName=_("How many are in the room"))
        self.count.setFont(points(self.count.font(), 20, bold=True))
        self.tally = plain_label(accessibleName=_("Late, left and walk-ins"))
        row = QHBoxLayout()
        row.addWidget(self.count)
        row.addSpacing(16)
        row.addWidget(self.tally, 1, Qt.AlignmentFlag.AlignBottom)
        return row

    def _lists(self) -> QSplitter:
        self.in_room_table = self._table(self.in_room, _("In the room"), stretch=0)
        self.not_here_table = self._table(self.not_here, _("Not here yet, or left"), stretch=0)
        self.recent_table = self._table(self.recent, _("Recent scans"), stretch=3)
        self.recent_table.selectionModel().selectionChanged.connect(lambda *_args: self._update_undo())
        self.undo_button = QPushButton(_("&Undo…"), accessibleName=_("Undo the selected check-in or check-out"),
                                       enabled=False)
        self.undo_button.clicked.connect(lambda: self.undo_selected())
        self.in_room_title, self.not_here_title = rich_label(), rich_label()
        # Where a law asks each trainee to sign an acknowledgment (NYC), the desk can record one confirmed on screen.
        self.acknowledge_button = QPushButton(_("Signed the ac&knowledgment"), autoDefault=False,
                                              accessibleName=_("Record that the selected person signed the "
                                                               "acknowledgment"))
        self.acknowledge_button.clicked.connect(lambda: self.acknowledge_selected())
        self.acknowledge_button.setVisible(bool(session_acknowledgment(self._ws, self.session.jurisdictions)))
        in_room_head = QHBoxLayout()
        in_room_head.addWidget(self.in_room_title, 1)
        in_room_head.addWidget(self.acknowledge_button)
        recent_head = QHBoxLayout()
        recent_head.addWidget(rich_label(f"<b>{escape(_('Recent scans'))}</b>"), 1)
        recent_head.addWidget(self.undo_button)
        split = QSplitter(Qt.Orientation.Horizontal, childrenCollapsible=False)
        split.addWidget(titled(in_room_head, self.in_room_table))
        split.addWidget(titled(self.not_here_title, self.not_here_table))
        split.addWidget(titled(recent_head, self.recent_table))
        # Who is not here yet matters most at the door: its names get the room before the log of recent scans
        # (at 1366 x 768, inside the console, the three share about 800 pixels).
        split.setSizes([300, 380, 280])
        return split

    def _search_page(self) -> QWidget:
        self.matches_title = plain_label(wordWrap=True, accessibleName=_("Search result"))  # quotes what was typed
        self.matches_table = self._table(self.matches, _("People found"), stretch=0)
        self.matches_table.activated.connect(lambda index: self.check_in_person(self.matches.row(index.row())))
        check_in = QPushButton(_("Check &in the selected person"), accessibleName=_("Check in the selected person"))
        check_in.clicked.connect(self._check_in_selected)
        back = QPushButton(_("Back to the lists (Esc)"), accessibleName=_("Back to the lists"))
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
        table.installEventFilter(TypeIntoField(self.field, table))
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
            self.banner.set_ready(_("Arriving: scan a badge"), _("Or type a name or badge code above and press Enter."),
                                  at_once=True)
            self.field.setPlaceholderText(_(ARRIVING_HINT))
        else:
            self.banner.set_ready(_("Leaving: scan badges to check people out"),
                                  _("Press F5 to go back to checking people in."), at_once=True)
            self.field.setPlaceholderText(_(LEAVING_HINT))

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
            self.matches_title.setText(ngettext(
                "{n} found for “{text}”. Choose one and press Enter (or double-click) to check them in.",
                "{n} found for “{text}”. Choose one and press Enter (or double-click) to check them in.",
                len(people)).format(n=len(people), text=text))
            self.matches_table.selectRow(0)
            self.matches_table.setFocus()
        else:
            self.matches_title.setText(_("No one on the roster matches “{text}”. Check the spelling, or add "
                                         "them with Add walk-in….").format(text=text))
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
            self._show(problem_verdict(error_text(exc)))
            return None
        except Exception:  # the disk is full, the database is locked…: the door must not look as if it worked
            log.exception("a scan could not be recorded")
            self._show(problem_verdict(_("Not recorded: try again"), _("If it keeps failing, write the name and time "
                                                                       "on paper; the scan was not saved.")))
            return None
        self._accepted(result)
        return result

    def _accepted(self, result: ScanResult) -> None:
        """Show a recorded check-in (a scan, or a walk-in approved from a phone) the same way, everywhere."""
        self._show(verdict_for(result))
        self._recorded()
        self.scan_recorded.emit(result)

    def _show(self, verdict: Verdict) -> None:
        self.banner.show_verdict(verdict)
        self.sounds.play(verdict.tone)

    def add_walk_in(self) -> WalkInDialog:
        """Ask for a walk-in's name; once added, they are checked in."""
        typed = self.field.text().strip()
        first, _space, last = typed.partition(" ") if typed and read_code(typed) is None else ("", "", "")
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
        if entry is None or not undoable(entry):
            return None
        dialog = UndoDialog(undo_question(entry), self)
        dialog.accepted.connect(lambda: self._undo(entry.seq, dialog.reason_text()))
        dialog.open()
        return dialog

    def _undo(self, seq: int, reason: str) -> None:
        try:
            done = attendance_service.void(self._ws, self.session_id, seq, reason, actor=self.session.trainer,
                                           source=Source.DESK)
        except UserError as exc:
            self._show(problem_verdict(error_text(exc)))
            return
        self.banner.show_verdict(Verdict(Tone.NOTICE, _("↶ Undone"), done.message))
        self._recorded()

    def acknowledge_selected(self) -> None:
        """The selected person in the room confirmed the acknowledgment on screen: record it in the log."""
        rows = self.in_room_table.selectionModel().selectedRows()
        if not rows:
            self._show(problem_verdict(_("Select the person in the room who signed, then try again.")))
            return
        person = self.in_room.row(rows[0].row()).person
        try:
            done = attendance_service.acknowledge(self._ws, self.session_id, person.id, source=Source.DESK,
                                                  actor=self.session.trainer)
        except UserError as exc:
            self._show(problem_verdict(error_text(exc)))
            return
        self.banner.show_verdict(Verdict(Tone.NOTICE, _("✓ Acknowledged"), done))
        self._recorded()

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
        self.refreshed.emit()

    def _update_counts(self, report: AttendanceReport) -> None:
        total = len(report.rows)
        self.count.setText(_("{present} of {total} in the room").format(present=report.in_room, total=total))
        late = sum(r.status in LATE for r in report.rows)
        left = sum(1 for r in report.rows if r.last_out and not r.is_in)
        walk_ins = sum(r.person.walk_in for r in report.rows)
        walk_ins_text = ngettext("{n} walk-in", "{n} walk-ins", walk_ins).format(n=walk_ins)
        self.tally.setText(_("{late} late · {left} left · {walk_ins}").format(late=late, left=left,
                                                                             walk_ins=walk_ins_text))
        in_room = _("In the room ({count})").format(count=report.in_room)
        not_here = _("Not here yet, or left ({count})").format(count=total - report.in_room)
        self.in_room_title.setText(f"<b>{escape(in_room)}</b>")
        self.not_here_title.setText(f"<b>{escape(not_here)}</b>")

    def _update_undo(self) -> None:
        entry = self.selected_entry()
        self.undo_button.setEnabled(entry is not None and undoable(entry))

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
