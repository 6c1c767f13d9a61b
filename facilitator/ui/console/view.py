"""The presenter console: run a session from the laptop while the projector shows only the audience window.

The trainer sees the agenda with planned and actual times, the current segment with its notes, what comes
next, and a timer that says how much time is left and how far the session is ahead of or behind its plan.
Every step (start, next, pause, extend, skip, a vote's counts, a reveal, role-play groups) goes through the
delivery service and is on disk before the console shows it, so the session report can print it and a crash
loses nothing: reopening the console replays the log. A badge scanner works from anywhere in the console; the
check-in desk is one key away (F2).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import Source
from facilitator.domain.delivery import Clock, RunState, SegmentRun, clock, planned_starts
from facilitator.domain.segment_kinds import Panel, Stage, kind_label, rules, stages, vote_at
from facilitator.domain.times import clock as clock_text
from facilitator.services import delivery as delivery_service
from facilitator.services.attendance import ScanResult
from facilitator.services.delivery import SessionRun
from facilitator.services.errors import UserError
from facilitator.services.slides import (
    BLANK,
    Slide,
    checkin_slide,
    end_slide,
    slide,
    welcome_slide,
)
from facilitator.services.workspace import Workspace
from facilitator.ui.checkin.banner import Sounds, verdict_for
from facilitator.ui.checkin.camera import FrameSource, find_camera
from facilitator.ui.checkin.desk import CheckinView
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.console.panels import FeedbackPanel, RolePlayPanel, VotePanel
from facilitator.ui.library.segment_html import segment_html
from facilitator.ui.models import Column, Index, RowsModel
from facilitator.ui.widgets import configure_table

log = logging.getLogger(__name__)
Now = Callable[[], datetime]
STAGE_NAMES = {"screen": "On screen", "vote": "Vote", "results": "Results", "question": "Question",
               "answer": "Answer", "round": "Round", "break": "Break", "feedback": "Feedback"}
STATE_NAMES = {RunState.WAITING: "", RunState.RUNNING: "▶ now", RunState.PAUSED: "⏸ paused",
               RunState.DONE: "done", RunState.SKIPPED: "skipped"}
TIMER_COLOURS = {"ok": "#1b5e20", "warning": "#8a5300", "over": "#b71c1c", "idle": "#37474f"}
ZOOM_STEPS = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75)


def _hhmm(moment: datetime | None) -> str:
    return clock_text(moment, "—")


def mmss(delta: timedelta) -> str:
    """'4:05', or '-1:20' when over time."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def drift_text(drift: timedelta) -> str:
    minutes = round(drift.total_seconds() / 60)
    if minutes == 0:
        return "On plan"
    return f"{abs(minutes)} min {'behind' if minutes > 0 else 'ahead of'} plan"


@dataclass(frozen=True)
class AgendaRow:
    number: int
    run: SegmentRun
    planned_start: datetime
    state: RunState
    elapsed: timedelta

    @property
    def actual_minutes(self) -> str:
        return str(round(self.elapsed.total_seconds() / 60)) if self.run.spans else ""


AGENDA = [Column[AgendaRow]("#", lambda r: r.number, align_right=True),
          Column[AgendaRow]("Planned", lambda r: _hhmm(r.planned_start)),
          Column[AgendaRow]("Segment", lambda r: r.run.segment.title),
          Column[AgendaRow]("Kind", lambda r: kind_label(r.run.segment.kind)),
          Column[AgendaRow]("Min", lambda r: r.run.segment.minutes + r.run.extra_minutes, align_right=True),
          Column[AgendaRow]("Started", lambda r: _hhmm(r.run.started_at) if r.run.spans else ""),
          Column[AgendaRow]("Ended", lambda r: _hhmm(r.run.ended_at) if r.run.ended_at else ""),
          Column[AgendaRow]("Took", lambda r: r.actual_minutes, align_right=True),
          Column[AgendaRow]("", lambda r: STATE_NAMES[r.state])]


class AgendaModel(RowsModel[AgendaRow]):
    """The agenda with planned and actual times; the running segment in bold, finished ones greyed."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and 0 <= index.row() < self.rowCount():
            state = self.row(index.row()).state
            if role == Qt.ItemDataRole.FontRole and state in (RunState.RUNNING, RunState.PAUSED):
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole and state in (RunState.DONE, RunState.SKIPPED):
                return QGuiApplication.palette().placeholderText()
        return super().data(index, role)


class ConsoleView(QWidget):
    """The presenter's console for one session."""

    delivery_changed = Signal(object)  # the SessionRun after a recorded step
    slide_changed = Signal(object)  # the Slide the audience window should show
    close_requested = Signal(str)  # the session id: the trainer asked to close and seal it

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None, *,
                 sounds: Sounds | None = None, camera_factory: Callable[[], FrameSource | None] = find_camera,
                 catcher: ScanCatcher | None = None, now: Now = delivery_service.now) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._now = now
        self.run = delivery_service.session_run(workspace, session_id)
        self.session_id = self.run.session_id
        self.stage_index = 0
        self.blanked = False
        self.audience: Any = None  # the AudienceWindow, made when first shown
        self._round_started: datetime | None = None  # when the current role-play round began
        self._round_stage = -1  # the step that round belongs to
        self._round_paused = timedelta()  # the segment's paused time when the round began
        self._slide: Slide | None = None
        self._zoom = 1
        self.catcher = catcher or ScanCatcher(self)
        self.catcher.scanned.connect(lambda code: self.checkin.scan(code, Source.SCANNER))
        self.checkin = CheckinView(workspace, session_id, self, sounds=sounds, camera_factory=camera_factory,
                                   listen=False)
        self.checkin.scan_recorded.connect(self._scan_recorded)
        self.setAccessibleName(f"Presenter console: {self.run.title}")
        self._build()
        self._build_actions()
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self._ticks = 0
        self._show_run(self.run)
        if self.run.sealed:
            self.refresh_after_seal()

    # --- layout -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.agenda = AgendaModel(AGENDA, [], self)
        self.agenda_table = QTableView(accessibleName="Agenda: planned and actual times")
        configure_table(self.agenda_table, self.agenda, 2)
        self.agenda_table.activated.connect(lambda index: self.start_segment(self.agenda.row(index.row()).run
                                                                             .segment.id))
        self.panels = QStackedWidget()
        self.vote_panel, self.role_panel, self.feedback_panel = VotePanel(), RolePlayPanel(), FeedbackPanel()
        for panel in (QWidget(), self.vote_panel, self.role_panel, self.feedback_panel):
            self.panels.addWidget(panel)
        self.vote_panel.counts_entered.connect(self.record_counts)
        self.vote_panel.reveal_requested.connect(self.reveal)
        self.role_panel.assign_requested.connect(self.assign_roles)
        self.role_panel.rotate_requested.connect(self.rotate_roles)
        self.role_panel.cards_requested.connect(self.print_role_cards)
        self.feedback_panel.response_entered.connect(self.add_feedback)
        self.feedback_panel.undo_requested.connect(self.undo_feedback)
        self.notes = QTextBrowser(accessibleName="Facilitator notes for this segment", openExternalLinks=False)
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.panels)
        centre.addWidget(self.notes)
        centre.setStretchFactor(1, 1)
        # The check-in desk takes the place of the current segment while it is open (F2), so both have room
        # on a 1366-pixel laptop screen; the agenda and the count of who is in stay in view.
        self.right = QStackedWidget()
        self.right.addWidget(self._now_pane(centre))
        self.right.addWidget(self.checkin)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(self.agenda_table)
        middle.addWidget(self.right)
        middle.setStretchFactor(0, 2)
        middle.setStretchFactor(1, 5)
        middle.setSizes([480, 880])  # room for the segment titles; the splitter handle moves it
        self.agenda_table.setColumnHidden(3, True)  # the kind is in the running segment's heading
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_bar())
        layout.addWidget(middle, 1)
        layout.addLayout(self._controls())
        self.message = QLabel(wordWrap=True, accessibleName="Console messages")
        layout.addWidget(self.message)

    def _top_bar(self) -> QHBoxLayout:
        self.title = QLabel(f"<b>{self.run.title}</b>", textFormat=Qt.TextFormat.RichText)
        self.count_label = QLabel(accessibleName="People in the room")
        self.scan_label = QLabel(accessibleName="Last scan")
        self.screen_label = QLabel(accessibleName="What the audience window shows")
        self.screens = QComboBox(accessibleName="Screen for the audience window")
        for screen in QGuiApplication.screens():
            self.screens.addItem(f"{screen.name()} ({screen.size().width()} x {screen.size().height()})", screen)
        if self.screens.count() > 1:
            self.screens.setCurrentIndex(1)  # a second screen is usually the projector
        bar = QHBoxLayout()
        for widget in (self.title, self.count_label, self.scan_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.screen_label)
        bar.addWidget(QLabel("Audience on:"))
        bar.addWidget(self.screens)
        return bar

    def _now_pane(self, centre: QWidget) -> QWidget:
        self.now_title = QLabel(wordWrap=True, accessibleName="Current segment")
        self.now_title.setFont(_scaled(self.font(), 1.5, bold=True))
        self.timer_label = QLabel(accessibleName="Time left in this segment")
        self.timer_label.setFont(_scaled(self.font(), 2.6, bold=True))
        self.drift_label = QLabel(accessibleName="Ahead of or behind the plan")
        self.stage_label = QLabel(accessibleName="Step within this segment")
        self.next_label = QLabel(wordWrap=True, accessibleName="What comes next")
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        timing = QHBoxLayout()
        timing.addWidget(self.timer_label)
        timing.addSpacing(16)
        timing.addWidget(self.drift_label)
        timing.addStretch(1)
        layout.addWidget(self.now_title)
        layout.addLayout(timing)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.next_label)
        layout.addWidget(centre, 1)
        return pane

    def _controls(self) -> QHBoxLayout:
        self.next_button = QPushButton(autoDefault=False, accessibleName="Next step or segment")
        self.pause_button = QPushButton(autoDefault=False, accessibleName="Pause or resume the clock")
        buttons = [self.next_button, self.pause_button]
        row = QHBoxLayout()
        self.next_button.clicked.connect(self.next_step)
        self.pause_button.clicked.connect(self.toggle_pause)
        for text, name, slot in (("+1 min (Ctrl+E)", "Extend this segment by a minute", lambda: self.extend(1)),
                                 ("Skip next (Ctrl+K)", "Skip the next segment", self.skip_next),
                                 ("Note (Ctrl+Shift+N)", "Add a note on this segment", lambda: self.add_note()),
                                 ("Check-in (F2)", "Show or hide the check-in desk", self.toggle_checkin),
                                 ("Audience window (F7)", "Show or hide the audience window", self.toggle_audience),
                                 ("Blank screen (Ctrl+B)", "Blank the audience window", self.toggle_blank)):
            button = QPushButton(text, autoDefault=False, accessibleName=name)
            button.clicked.connect(slot)
            buttons.append(button)
        close = QPushButton("Close and seal… (Ctrl+Shift+S)", autoDefault=False,
                            accessibleName="Close and seal the session")
        close.clicked.connect(lambda: self.close_requested.emit(self.session_id))
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    def _build_actions(self) -> None:
        keys: list[tuple[str, list[str], Callable[[], object]]] = [
            ("Next step", ["PgDown"], self.next_step),
            ("Previous step", ["PgUp"], self.previous_step),
            ("Next segment", ["Ctrl+PgDown"], self.next_segment),
            ("Pause or resume", ["Ctrl+P"], self.toggle_pause),
            ("Extend by a minute", ["Ctrl+E"], lambda: self.extend(1)),
            ("Extend by five minutes", ["Ctrl+Shift+E"], lambda: self.extend(5)),
            ("Skip the next segment", ["Ctrl+K"], self.skip_next),
            ("End this segment", ["Ctrl+End"], self.end_segment),
            ("Reveal results", ["Ctrl+R"], self.reveal),
            ("Count hands", ["Ctrl+T"], self.focus_counts),
            ("Add a note", ["Ctrl+Shift+N"], lambda: self.add_note()),
            ("Close and seal", ["Ctrl+Shift+S"], lambda: self.close_requested.emit(self.session_id)),
            ("Assign role-play parts", ["Ctrl+G"], self.assign_roles),
            ("Rotate role-play parts", ["Ctrl+Shift+G"], self.rotate_roles),
            ("Check-in desk", ["F2"], self.toggle_checkin),
            ("Audience window", ["F7"], self.toggle_audience),
            ("Blank the audience window", ["Ctrl+B"], self.toggle_blank),
            ("Larger text", ["Ctrl+=", "Ctrl++"], lambda: self.zoom(1)),
            ("Smaller text", ["Ctrl+-"], lambda: self.zoom(-1)),
        ]
        self.shortcuts: dict[str, QAction] = {}
        for name, sequences, slot in keys:
            action = QAction(name, self)
            action.setShortcuts([QKeySequence(s) for s in sequences])
            # Window-wide, so the keys work wherever the focus is on the Run tab (a Tab out of the last count box
            # lands on the tab bar); they are off whenever the console is hidden, as actions of hidden widgets are.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.shortcuts[name] = action

    # --- recording steps ----------------------------------------------------------------------------------

    def _do(self, step: Callable[[], SessionRun | Any]) -> Any:
        """Run one service step; a refusal is shown in the message line and changes nothing."""
        try:
            result = step()
        except UserError as exc:
            self._say(str(exc)[:1].upper() + str(exc)[1:], error=True)
            return None
        except Exception:  # the disk is full, say: the console must not look as if the step was recorded
            log.exception("a delivery step could not be recorded")
            self._say("Not recorded: the step could not be saved. Try again; if it keeps failing, note the time "
                      "on paper.", error=True)
            return None
        self._say("")
        return result

    def _apply(self, run: SessionRun | None, *, stage: int | None = None) -> SessionRun | None:
        if run is None:
            return None
        moved = run.delivery.current != self.run.delivery.current
        if stage is not None:
            self.stage_index = stage
        elif moved:
            self.stage_index = 0
        if moved or (stage is not None and stage != self._round_stage):
            self._round_started = None
        if moved and run.delivery.current is not None and self.checkin_open:
            self.toggle_checkin()  # the session has begun: back to the segment (F2 brings the desk back)
        self._show_run(run)
        self.delivery_changed.emit(run)
        return run

    def start_segment(self, segment_id: str) -> SessionRun | None:
        """Start (or go back to) a segment chosen in the agenda."""
        return self._apply(self._do(lambda: delivery_service.start(self._ws, self.session_id, segment_id,
                                                                    at=self._now())), stage=0)

    def next_segment(self) -> SessionRun | None:
        return self._apply(self._do(lambda: delivery_service.advance(self._ws, self.session_id, at=self._now())),
                           stage=0)

    def next_step(self) -> SessionRun | None:
        """Page Down, as a presentation clicker sends it: the segment's next step, else the next segment."""
        steps = self._stages()
        if steps and self.stage_index + 1 < len(steps):
            following = steps[self.stage_index + 1]
            if following.reveals and not self._reveal_item(following.item):
                return None
            self.move_to_step(self.stage_index + 1)
            return self.run
        return self.next_segment()

    def previous_step(self) -> None:
        if self.stage_index > 0:
            self.move_to_step(self.stage_index - 1)

    def move_to_step(self, index: int) -> None:
        """Move within the running segment; entering a later role-play round rotates the parts first."""
        self.stage_index = index
        self._round_started = None
        stage = self._stages()[index]
        current = self.run.delivery.current_run
        if stage.name == "round" and current is not None and 0 < len(current.role_rounds) <= stage.item:
            self.rotate_roles()
        self._show_run(self.run)

    def end_segment(self) -> SessionRun | None:
        return self._apply(self._do(lambda: delivery_service.end(self._ws, self.session_id, at=self._now())))

    def toggle_pause(self) -> SessionRun | None:
        paused = self.run.delivery.paused_since is not None
        step = delivery_service.resume if paused else delivery_service.pause
        return self._apply(self._do(lambda: step(self._ws, self.session_id, at=self._now())),
                           stage=self.stage_index)

    def extend(self, minutes: int) -> SessionRun | None:
        return self._apply(self._do(lambda: delivery_service.extend(self._ws, self.session_id, minutes,
                                                                    at=self._now())), stage=self.stage_index)

    def skip_next(self) -> SessionRun | None:
        return self._apply(self._do(lambda: delivery_service.skip(self._ws, self.session_id, at=self._now())),
                           stage=self.stage_index)

    def add_note(self, text: str | None = None) -> SessionRun | None:
        segment = self.run.delivery.current
        if segment is None:
            self._say("Start a segment first: notes belong to a segment.", error=True)
            return None
        if text is None:
            text, ok = QInputDialog.getMultiLineText(self, "Note on this segment", "Your note (it is printed in the "
                                                     "session report):")
            if not ok:
                return None
        return self._apply(self._do(lambda: delivery_service.note(self._ws, self.session_id, segment, text,
                                                                  at=self._now())), stage=self.stage_index)

    # --- votes and questions ------------------------------------------------------------------------------

    def _vote_item(self) -> int | None:
        steps = self._stages()
        if not steps or self.run.delivery.current is None:
            return None
        segment = self.run.segment(self.run.delivery.current)
        if rules(segment.type).panel is not Panel.VOTES:
            return None
        return steps[self.stage_index].item

    def record_counts(self, counts: list[int]) -> SessionRun | None:
        item = self._vote_item()
        segment = self.run.delivery.current
        if item is None or segment is None:
            self._say("There is no vote in this segment.", error=True)
            return None
        run = self._apply(self._do(lambda: delivery_service.tally(self._ws, self.session_id, segment, item,
                                                                  counts, at=self._now())), stage=self.stage_index)
        if run is not None:
            self._say(f"Counts recorded: {sum(counts)} in all.")
        return run

    def focus_counts(self) -> None:
        """Ctrl+T: into the first count box, to type the hands option by option (Tab moves to the next)."""
        if self.panels.currentWidget() is self.vote_panel and self.vote_panel.spins:
            self.vote_panel.spins[0].setFocus()
            self.vote_panel.spins[0].selectAll()
        else:
            self._say("There is no vote to count in this segment.", error=True)

    def _reveal_item(self, item: int) -> bool:
        """Record the counts typed so far (if changed) and the reveal; False if the room cannot see results yet."""
        segment = self.run.delivery.current
        if segment is None:
            return False
        current = self.run.delivery.run_of(segment)
        typed = self.vote_panel.counts()
        changed = typed != list(current.tallies.get(item, ())) and (any(typed) or item in current.tallies)
        if changed and self.record_counts(typed) is None:
            return False
        if item in self.run.delivery.run_of(segment).revealed:
            return True
        return self._apply(self._do(lambda: delivery_service.reveal(self._ws, self.session_id, segment, item,
                                                                    at=self._now())),
                           stage=self.stage_index) is not None

    def reveal(self) -> None:
        """Ctrl+R: show the room the results of the vote or question on screen now."""
        steps = self._stages()
        item = self._vote_item()
        if item is None:
            self._say("There is nothing to reveal in this segment.", error=True)
            return
        if steps[self.stage_index].reveals:
            self._reveal_item(item)
            return
        if self.stage_index + 1 < len(steps) and steps[self.stage_index + 1].reveals:
            self.next_step()

    # --- role-plays ---------------------------------------------------------------------------------------

    def _role_play(self) -> Any:
        segment = self.run.delivery.current
        if segment is None or rules(self.run.segment(segment).type).panel is not Panel.ROLES:
            self._say("The running segment is not a role-play.", error=True)
            return None
        return self.run.segment(segment)

    def assign_roles(self) -> None:
        segment = self._role_play()
        if segment is None:
            return
        people = [token for token, _ in self.role_panel.people.rows()]
        assignment = self._do(lambda: delivery_service.assign(
            self._ws, self.session_id, segment.id, people, opted_out=sorted(self.role_panel.people.opted_out),
            volunteers=sorted(self.role_panel.people.volunteers)))
        if assignment is not None:
            self._apply(delivery_service.session_run(self._ws, self.session_id), stage=self.stage_index)
            self._say(f"Parts assigned: {len(assignment.groups)} group(s). Print the role cards or read them out.")

    def rotate_roles(self) -> None:
        segment = self._role_play()
        if segment is None:
            return
        assignment = self._do(lambda: delivery_service.rotate(self._ws, self.session_id, segment.id))
        if assignment is not None:
            self._apply(delivery_service.session_run(self._ws, self.session_id), stage=self.stage_index)
            self._say(f"Parts rotated for round {assignment.round}.")

    def print_role_cards(self) -> None:
        from facilitator.ui.dialogs.role_cards import save_role_cards

        segment = self._role_play()
        if segment is not None:
            saved = save_role_cards(self, self._ws, self.session_id, segment.id)
            if saved is not None:
                self._say(f"Role cards saved to {saved}")

    # --- feedback -----------------------------------------------------------------------------------------

    def add_feedback(self, rating: int | None, comment: str) -> None:
        segment = self.run.delivery.current
        if segment is None or rules(self.run.segment(segment).type).panel is not Panel.FEEDBACK:
            self._say("Start the feedback segment first.", error=True)
            return
        summary = self._do(lambda: delivery_service.add_feedback(self._ws, self.session_id, segment, rating=rating,
                                                                 comment=comment))
        if summary is not None:
            self.feedback_panel.clear()
            self.feedback_panel.show_summary(summary)
            self._say(f"Response {summary.responses} added.")

    def undo_feedback(self) -> None:
        segment = self.run.delivery.current
        if segment is None:
            return
        summary = self._do(lambda: delivery_service.remove_last_feedback(self._ws, self.session_id, segment))
        if summary is not None:
            self.feedback_panel.show_summary(summary)
            self._say("The last response was removed.")

    # --- showing the state --------------------------------------------------------------------------------

    def _stages(self) -> list[Stage]:
        current = self.run.delivery.current
        return stages(self.run.segment(current)) if current is not None else []

    def _show_run(self, run: SessionRun) -> None:
        self.run = run
        steps = self._stages()
        self.stage_index = min(self.stage_index, max(len(steps) - 1, 0))
        now = self._now()
        starts = planned_starts([r.segment for r in run.delivery.runs], run.planned_start)
        self.agenda.set_rows([AgendaRow(i + 1, r, starts[i], r.state(run.delivery.paused_since),
                                        r.elapsed(now, run.delivery.paused_since if r.segment.id ==
                                                  run.delivery.current else None))
                              for i, r in enumerate(run.delivery.runs)])
        self._show_segment()
        self._show_panel()
        self.tick()
        self.update_slide()

    def _show_segment(self) -> None:
        d = self.run.delivery
        current = d.current_run
        steps = self._stages()
        if current is None:
            self.now_title.setText("Finished: every segment has been run or skipped" if d.finished
                                   else "Not running. Press Page Down to start the next segment.")
            self.notes.setHtml(self._notes_html(d.next_up))
            self.stage_label.setText("")
        else:
            kind = kind_label(current.segment.kind)
            self.now_title.setText(f"{current.segment.title} · {kind}")
            self.notes.setHtml(self._notes_html(current))
            stage = steps[self.stage_index]
            item = f" {stage.item + 1}" if stage.name in ("question", "answer", "round") else ""
            self.stage_label.setText(f"Step {self.stage_index + 1} of {len(steps)}: "
                                     f"{STAGE_NAMES.get(stage.name, stage.name)}{item}")
        following = d.next_up
        if current is not None and self.stage_index + 1 < len(steps):
            step = steps[self.stage_index + 1]
            self.next_label.setText(f"Page Down: {STAGE_NAMES.get(step.name, step.name).lower()} "
                                    f"(then next: {following.segment.title if following else 'the end'})")
        elif following is not None:
            self.next_label.setText(f"Page Down: next segment, {following.segment.title} "
                                    f"({following.segment.minutes} min)")
        else:
            self.next_label.setText("Page Down: end of the session" if current is not None else "")
        paused = d.paused_since is not None
        self.pause_button.setText("Resume (Ctrl+P)" if paused else "Pause (Ctrl+P)")
        self.pause_button.setEnabled(current is not None)
        self.next_button.setText("Start (Page Down)" if current is None else "Next (Page Down)")
        self.agenda_table.selectRow(next((i for i, r in enumerate(d.runs) if r.segment.id == d.current), -1))

    def _notes_html(self, run: SegmentRun | None) -> str:
        if run is None:
            return ""
        labels = {t.id: t.label for t in self._ws.library.topics}
        html = segment_html(self.run.segment(run.segment.id), labels)
        if run.notes:
            html += "<h3>Your notes</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in run.notes) + "</ul>"
        return html

    def _show_panel(self) -> None:
        current = self.run.delivery.current_run
        segment = self.run.segment(current.segment.id) if current else None
        panel = rules(segment.type).panel if segment is not None else Panel.NONE
        if segment is not None and current is not None and panel is Panel.VOTES:
            item = self._stages()[self.stage_index].item
            vote = vote_at(segment, item)
            self.vote_panel.show_vote(vote.question, vote.options, current.tallies.get(item), correct=vote.correct,
                                      explanation=vote.explanation, revealed=item in current.revealed)
            self.panels.setCurrentWidget(self.vote_panel)
        elif segment is not None and current is not None and panel is Panel.ROLES:
            self.role_panel.people.set_people(delivery_service.people_present(self._ws, self.session_id))
            names = delivery_service.names_by_token(self._ws, self.session_id)
            self.role_panel.show_assignment(current.role_rounds[-1] if current.role_rounds else None, names,
                                            segment.rounds)
            self.panels.setCurrentWidget(self.role_panel)
        elif segment is not None and panel is Panel.FEEDBACK:
            self.feedback_panel.show_round(segment.rating.question, segment.rating.scale,
                                           delivery_service.feedback_summary(self._ws, self.session_id, segment.id))
            self.panels.setCurrentWidget(self.feedback_panel)
        else:
            self.panels.setCurrentIndex(0)

    def clock(self) -> Clock:
        return clock(self.run.delivery, self.run.planned_start, self._now())

    def tick(self) -> None:
        """Once a second: the timer, ahead or behind, and every so often the count of who is in."""
        c = self.clock()
        if c.segment is None:
            self.timer_label.setText("—:—")
            colour = "idle"
        else:
            self.timer_label.setText(f"{mmss(c.left)} left" if not c.over else f"{mmss(-c.left)} over")
            colour = "over" if c.over else "warning" if c.warning else "ok"
        if self.run.delivery.paused_since is not None:
            self.timer_label.setText(self.timer_label.text() + " · paused")
        self.timer_label.setStyleSheet(f"color: {TIMER_COLOURS[colour]};")
        self.drift_label.setText(f"{drift_text(c.drift)} · ends {_hhmm(c.projected_end)} "
                                 f"(planned {_hhmm(c.planned_end)})")
        self._ticks += 1
        if self._ticks % 15 == 1:
            self._show_count()

    def _show_count(self) -> None:
        report = self.checkin.report
        if report is not None:
            self.count_label.setText(f"<b>{report.in_room} of {len(report.rows)}</b> in the room")

    def _scan_recorded(self, result: ScanResult) -> None:
        verdict = verdict_for(result)
        self.scan_label.setText(verdict.headline)
        self._show_count()
        if self.run.delivery.current is not None and self.panels.currentWidget() is self.role_panel:
            self._show_panel()  # a latecomer can join the role-play

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;" if error else "")
        self.message.setText(text)

    # --- the audience window ------------------------------------------------------------------------------

    def current_slide(self) -> Slide:
        d = self.run.delivery
        title = self.run.title
        if self.blanked:
            return BLANK
        current = d.current_run
        if current is None:
            if d.finished:
                return end_slide(title)
            if self.checkin_open or not any(r.spans for r in d.runs):
                return checkin_slide(title) if self.checkin_open else welcome_slide(title)
            following = d.next_up
            return welcome_slide(title, f"Next: {following.segment.title}" if following else "")
        segment = self.run.segment(current.segment.id)
        stage = self._stages()[self.stage_index]
        paused = d.paused_since is not None
        return slide(segment, stage, current, title=title, until=None if paused else self._until(segment, stage),
                     paused=paused)

    def _until(self, segment: Any, stage: Stage) -> datetime | None:
        if stage.name == "break":
            return self._now() + self.clock().left
        if stage.name == "round":
            run = self.run.delivery.current_run
            paused = run.paused if run is not None else timedelta()
            if self._round_started is None:
                self._round_started, self._round_stage, self._round_paused = self._now(), self.stage_index, paused
            # A pause stops the round's clock too: its end moves on by the time spent paused since it began.
            return self._round_started + timedelta(minutes=segment.round_minutes) + (paused - self._round_paused)
        return None

    def update_slide(self) -> Slide:
        new = self.current_slide()
        if new != self._slide:
            self._slide = new
            self.screen_label.setText(f"On screen: {new.kind.value.replace('-', ' ')}")
            if self.audience is not None:
                self.audience.show_slide(new)
            self.slide_changed.emit(new)
        return new

    def toggle_audience(self) -> Any:
        """Show the audience window on the chosen screen (full screen on a second one), or hide it."""
        from facilitator.ui.audience.window import AudienceWindow

        if self.audience is None:
            self.audience = AudienceWindow()
            self.audience.setWindowTitle(f"Audience: {self.run.title}")
            self.audience.show_slide(self.current_slide())
        if self.audience.isVisible():
            self.audience.hide()
            return self.audience
        screen = self.screens.currentData() or QGuiApplication.primaryScreen()
        own = self.screen()
        self.audience.place_on(screen, full_screen=screen is not own)
        self.window().activateWindow()  # keep the keyboard on the console, not the projector
        return self.audience

    def toggle_blank(self) -> None:
        self.blanked = not self.blanked
        self._slide = None
        self.update_slide()

    @property
    def checkin_open(self) -> bool:
        return self.right.currentWidget() is self.checkin

    def toggle_checkin(self) -> None:
        """F2: the check-in desk in place of the current segment, or back again."""
        shown = not self.checkin_open
        self.right.setCurrentWidget(self.checkin if shown else self.right.widget(0))
        if shown:
            self.checkin.field.setFocus()
        else:
            self.agenda_table.setFocus()
        self.update_slide()

    def zoom(self, step: int) -> None:
        """Bigger or smaller text on the presenter's screen (Ctrl+= and Ctrl+-)."""
        self._zoom = max(0, min(len(ZOOM_STEPS) - 1, self._zoom + step))
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(font.pointSizeF() * ZOOM_STEPS[self._zoom])
        self.setFont(font)
        self.now_title.setFont(_scaled(font, 1.5, bold=True))
        self.timer_label.setFont(_scaled(font, 2.6, bold=True))

    def refresh_after_seal(self) -> None:
        """The session was sealed: nothing more can be recorded, so the controls say so."""
        self._show_run(delivery_service.session_run(self._ws, self.session_id))
        self._say("This session is sealed: its delivery and attendance can no longer change.")
        for action in self.shortcuts.values():
            action.setEnabled(action.text() in ("Audience window", "Blank the audience window", "Larger text",
                                                "Smaller text", "Check-in desk"))

    # --- listening for scanners while the console is on screen -------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.catcher.install()
        self.checkin.sounds.prepare()
        self.ticker.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.catcher.uninstall()
        self.ticker.stop()
        super().hideEvent(event)

    def shut(self) -> None:
        """Close the audience window with the console."""
        if self.audience is not None:
            self.audience.close()
            self.audience.deleteLater()
            self.audience = None


def _scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    scaled.setBold(bold)
    return scaled
