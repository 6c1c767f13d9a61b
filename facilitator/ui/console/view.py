"""The presenter console: run a session from the laptop while the projector shows only the audience window.

The trainer sees the agenda with planned and actual times, the current segment with its notes, what comes
next, and a timer that says how much time is left and how far the session is ahead of or behind its plan.
Every step (start, next, pause, extend, skip, a vote's counts, a reveal, role-play groups) goes through the
delivery service and is on disk before the console shows it, so the session report can print it and a crash
loses nothing: reopening the console replays the log. A badge scanner works from anywhere in the console; the
check-in desk is one key away (F2).

This module is the view: its layout, its keys and what it shows. The steps are recorded by `StepController`
(console/steps.py), what the room does in a segment by `ActivityController` (console/activities.py), the
projector is kept in step by `AudienceLink` (console/audience_link.py), and the agenda's model and the clock's
words are in console/agenda.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QGuiApplication, QHideEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import Source
from facilitator.domain.changes import EVERYTHING, ChangeKind, Changes
from facilitator.domain.delivery import Clock, SegmentRun
from facilitator.domain.segment_kinds import Stage, step_text
from facilitator.i18n import N_, _
from facilitator.services import delivery as delivery_service
from facilitator.services.attendance import ScanResult
from facilitator.services.delivery import SessionRun
from facilitator.services.presenter import Presenter
from facilitator.services.slides import Slide, SlideKind
from facilitator.services.workspace import Workspace
from facilitator.ui.audience.charts import countdown_text
from facilitator.ui.checkin.banner import SHOW_FOR_MS, Sounds, verdict_for
from facilitator.ui.checkin.camera import FrameSource, find_camera
from facilitator.ui.checkin.desk import CheckinView
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.console.activities import ActivityController
from facilitator.ui.console.agenda import (
    AGENDA,
    TIMER_COLOURS,
    AgendaModel,
    agenda_rows,
    next_text,
    now_title,
    plan_text,
    timer_text,
)
from facilitator.ui.console.audience_link import AudienceLink
from facilitator.ui.console.phones import PhonesController
from facilitator.ui.console.questions import QuestionsPanel
from facilitator.ui.console.steps import StepController
from facilitator.ui.library.segment_html import segment_html
from facilitator.ui.phones.server import StartPhones, server_start
from facilitator.ui.phones.watch import PhonesWatch
from facilitator.ui.store_watch import StoreWatch
from facilitator.ui.widgets import configure_table, plain_label, rich_label

if TYPE_CHECKING:
    from facilitator.ui.audience.window import AudienceWindow

Now = Callable[[], datetime]
ZOOM_STEPS = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75)
# The keys that still work once the session is sealed: they change nothing on record.
# What the console follows from elsewhere: its steps, and who is in the room (a role-play's parts go to them).
FOLLOWED = (ChangeKind.DELIVERY, ChangeKind.SEAL, ChangeKind.ATTENDANCE, ChangeKind.FEEDBACK)
KEPT_AFTER_SEAL = {N_("Audience window"), N_("Blank the audience window"), N_("Larger text"), N_("Smaller text"),
                   N_("Check-in desk")}


class ConsoleView(QWidget):
    """The presenter's console for one session."""

    delivery_changed = Signal(object)  # the SessionRun after a recorded step
    slide_changed = Signal(object)  # the Slide the audience window should show
    close_requested = Signal(str)  # the session id: the trainer asked to close and seal it

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None, *,
                 sounds: Sounds | None = None, camera_factory: Callable[[], FrameSource | None] = find_camera,
                 catcher: ScanCatcher | None = None, now: Now = delivery_service.now,
                 changes: StoreWatch | None = None, start_phones: StartPhones | None = None,
                 phones_watch: PhonesWatch | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.now = now
        # The session as the presenter moves through it: a console reopened mid-segment resumes on the step it was
        # on, and steps taken elsewhere are caught up with (services/presenter.py).
        self.presenter = Presenter(workspace, session_id, now=now)
        self.session_id = self.presenter.session_id
        self._zoom = 1
        self.steps = StepController(self)
        self.activities = ActivityController(self)
        self.link = AudienceLink(self)
        self.catcher = catcher or ScanCatcher(self)
        self.catcher.scanned.connect(lambda code: self.checkin.scan(code, Source.SCANNER))
        self.checkin = CheckinView(workspace, session_id, self, sounds=sounds, camera_factory=camera_factory,
                                   listen=False, changes=changes)
        self.checkin.scan_recorded.connect(self._scan_recorded)
        self.setAccessibleName(_("Presenter console: {title}").format(title=self.run.title))
        # The phones' server for this session, started from here (Ctrl+Shift+P); `start_phones` stands in for it
        # in tests.
        self.phones = PhonesController(self, start_phones or server_start(), watch=phones_watch)
        self._build()
        self.checkin.refreshed.connect(self._show_count)  # someone checked in elsewhere: a phone, the command line
        self._build_actions()
        self._scan_shown = QTimer(self, singleShot=True, interval=SHOW_FOR_MS)
        self._scan_shown.timeout.connect(self.scan_label.clear)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self._ticks = 0
        self.show_run()
        if self.run.sealed:
            self.refresh_after_seal()
        if changes is not None:
            changes.changed.connect(self._store_changed)
            changes.changed.connect(self._phones_changed)

    @property
    def run(self) -> SessionRun:
        """The delivery as last recorded (the presenter's)."""
        return self.presenter.run

    @property
    def stage_index(self) -> int:
        """The step of the running segment on screen."""
        return self.presenter.step

    def _store_changed(self, changes: Changes = EVERYTHING) -> None:
        """A step recorded elsewhere (the command line, a second window) is shown here too; once the session is
        sealed, the console stops offering steps that would change it."""
        if self.run.sealed or not changes.touches(self.session_id, *FOLLOWED):
            return
        logged = self.run.delivery.log_length
        if self.presenter.catch_up():
            self.steps.shown(moved=False, recorded=self.run.delivery.log_length != logged)
            if self.run.sealed:
                self.refresh_after_seal()

    def _phones_changed(self, changes: Changes) -> None:
        """A phone voted or asked something (the phones' server writes from its own thread and connection)."""
        if changes.touches(self.session_id, ChangeKind.PHONES):
            self.activities.show_phone_votes()
            self.questions.refresh()

    # --- layout -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.agenda = AgendaModel(AGENDA, [], self)
        self.agenda_table = QTableView(accessibleName=_("Agenda: planned and actual times"))
        configure_table(self.agenda_table, self.agenda, 2)
        self.agenda_table.activated.connect(lambda index: self.steps.start_segment(self.agenda.row(index.row()).run
                                                                                   .segment.id))
        self.panels: QStackedWidget = self.activities.panels
        self.vote_panel = self.activities.vote_panel
        self.role_panel = self.activities.role_panel
        self.feedback_panel = self.activities.feedback_panel
        self.notes = QTextBrowser(accessibleName=_("Facilitator notes for this segment"), openExternalLinks=False)
        # Questions from the room share the notes' place, a tab away, so the notes keep their room.
        self.notes_tabs = QTabWidget(documentMode=True)
        self.notes_tabs.addTab(self.notes, _("Notes"))
        self.questions = QuestionsPanel(self, self.notes_tabs)
        self.notes_tabs.addTab(self.questions, "")
        self.questions.refresh()
        centre = QSplitter(Qt.Orientation.Vertical)
        centre.addWidget(self.panels)
        centre.addWidget(self.notes_tabs)
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
        self.message = plain_label(wordWrap=True, accessibleName=_("Console messages"))
        layout.addWidget(self.message)

    def _top_bar(self) -> QHBoxLayout:
        self.title = rich_label(f"<b>{escape(self.run.title)}</b>")  # the workshop's own words, from its file
        self.count_label = rich_label(accessibleName=_("People in the room"))
        # The last scan names the person: from HR's roster, typed at the desk, or asked for from a phone.
        self.scan_label = plain_label(accessibleName=_("Last scan"))
        self.screen_label = plain_label(accessibleName=_("What the audience window shows"))
        self.screens = QComboBox(accessibleName=_("Screen for the audience window"))
        for screen in QGuiApplication.screens():
            size = screen.size()
            self.screens.addItem(_("{screen} ({width} x {height})").format(screen=screen.name(), width=size.width(),
                                                                           height=size.height()), screen)
        if self.screens.count() > 1:
            self.screens.setCurrentIndex(1)  # a second screen is usually the projector
        bar = QHBoxLayout()
        for widget in (self.title, self.count_label, self.scan_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.phones.button)
        bar.addWidget(self.screen_label)
        bar.addWidget(QLabel(_("Audience on:")))
        bar.addWidget(self.screens)
        return bar

    def _now_pane(self, centre: QWidget) -> QWidget:
        self.now_title = plain_label(wordWrap=True, accessibleName=_("Current segment"))
        self.now_title.setFont(_scaled(self.font(), 1.5, bold=True))
        self.timer_label = plain_label(accessibleName=_("Time left in this segment"))
        self.timer_label.setFont(_scaled(self.font(), 2.6, bold=True))
        self.drift_label = plain_label(accessibleName=_("Ahead of or behind the plan"))
        self.stage_label = plain_label(accessibleName=_("Step within this segment"))
        self.next_label = plain_label(wordWrap=True, accessibleName=_("What comes next"))
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
        self.next_button = QPushButton(autoDefault=False, accessibleName=_("Next step or segment"))
        self.pause_button = QPushButton(autoDefault=False, accessibleName=_("Pause or resume the clock"))
        buttons = [self.next_button, self.pause_button]
        row = QHBoxLayout()
        self.next_button.clicked.connect(self.steps.next_step)
        self.pause_button.clicked.connect(self.steps.toggle_pause)
        for text, name, slot in (
                (_("+1 min (Ctrl+E)"), _("Extend this segment by a minute"), lambda: self.steps.extend(1)),
                (_("Skip next (Ctrl+K)"), _("Skip the next segment"), self.steps.skip_next),
                (_("Note (Ctrl+Shift+N)"), _("Add a note on this segment"), lambda: self.add_note()),
                (_("Check-in (F2)"), _("Show or hide the check-in desk"), self.toggle_checkin),
                (_("Audience window (F7)"), _("Show or hide the audience window"), self.link.toggle),
                (_("Blank screen (Ctrl+B)"), _("Blank the audience window"), self.link.toggle_blank)):
            button = QPushButton(text, autoDefault=False, accessibleName=name)
            button.clicked.connect(slot)
            buttons.append(button)
        close = QPushButton(_("Close and seal… (Ctrl+Shift+S)"), autoDefault=False,
                            accessibleName=_("Close and seal the session"))
        close.clicked.connect(lambda: self.close_requested.emit(self.session_id))
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    def _build_actions(self) -> None:
        steps, activities = self.steps, self.activities
        keys: list[tuple[str, list[QKeySequence], Callable[[], object]]] = [
            (N_("Next step"), [QKeySequence("PgDown")], steps.next_step),
            (N_("Previous step"), [QKeySequence("PgUp")], steps.previous_step),
            (N_("Next segment"), [QKeySequence("Ctrl+PgDown")], steps.next_segment),
            (N_("Pause or resume"), [QKeySequence("Ctrl+P")], steps.toggle_pause),
            (N_("Extend by a minute"), [QKeySequence("Ctrl+E")], lambda: steps.extend(1)),
            (N_("Extend by five minutes"), [QKeySequence("Ctrl+Shift+E")], lambda: steps.extend(5)),
            (N_("Skip the next segment"), [QKeySequence("Ctrl+K")], steps.skip_next),
            (N_("End this segment"), [QKeySequence("Ctrl+End")], steps.end_segment),
            (N_("Reveal results"), [QKeySequence("Ctrl+R")], activities.reveal),
            (N_("Count hands"), [QKeySequence("Ctrl+T")], activities.focus_counts),
            (N_("Add a note"), [QKeySequence("Ctrl+Shift+N")], lambda: self.add_note()),
            (N_("Close and seal"), [QKeySequence("Ctrl+Shift+S")], lambda: self.close_requested.emit(self.session_id)),
            (N_("Assign role-play parts"), [QKeySequence("Ctrl+G")], activities.assign_roles),
            (N_("Rotate role-play parts"), [QKeySequence("Ctrl+Shift+G")], activities.rotate_roles),
            (N_("Check-in desk"), [QKeySequence("F2")], self.toggle_checkin),
            (N_("Audience window"), [QKeySequence("F7")], self.link.toggle),
            (N_("Phones"), [QKeySequence("Ctrl+Shift+P")], lambda: self.phones.open_dialog()),
            (N_("Questions from the room"), [QKeySequence("Ctrl+Shift+Q")], lambda: self.questions.focus()),
            (N_("Blank the audience window"), [QKeySequence("Ctrl+B")], self.link.toggle_blank),
            (N_("Larger text"), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")], lambda: self.zoom(1)),
            (N_("Smaller text"), [QKeySequence("Ctrl+-")], lambda: self.zoom(-1)),
        ]
        self.shortcuts: dict[str, QAction] = {}  # by the English name, which stays the same in every language
        for name, sequences, slot in keys:
            action = QAction(_(name), self)
            action.setShortcuts(sequences)
            # Window-wide, so the keys work wherever the focus is on the Run tab (a Tab out of the last count box
            # lands on the tab bar); they are off whenever the console is hidden, as actions of hidden widgets are.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            self.shortcuts[name] = action

    # --- what the trainer does here -----------------------------------------------------------------------

    def move_to_step(self, index: int) -> None:
        """Move within the running segment (see `Presenter.move_to`)."""
        self.steps.move_to_step(index)

    def add_note(self, text: str | None = None) -> SessionRun | None:
        """A note on the running segment, asked for unless given; it is printed in the session report."""
        segment = self.run.delivery.current
        if segment is None:
            self.say(_("Start a segment first: notes belong to a segment."), error=True)
            return None
        if text is None:
            from facilitator.ui.dialogs.note import ask_note

            text = ask_note(self)
            if text is None:
                return None
        return self.steps.note(segment, text)

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
        self.phones.stop()  # phones can no longer join or vote
        self.presenter.catch_up()
        self.show_run()
        self.say(_("This session is sealed: its delivery and attendance can no longer change."))
        for name, action in self.shortcuts.items():
            action.setEnabled(name in KEPT_AFTER_SEAL)

    # --- showing the state --------------------------------------------------------------------------------

    def _stages(self) -> list[Stage]:
        return self.presenter.stages()

    def show_run(self) -> None:
        """Show the presenter's session everywhere: the agenda, the segment and its panel, the timer and the room's
        slide."""
        run = self.presenter.run
        self.agenda.set_rows(agenda_rows(run, self.now()))
        self._show_segment()
        self.activities.show_panel()
        self.tick()
        self.update_slide()

    def _show_segment(self) -> None:
        d = self.run.delivery
        current = d.current_run
        steps = self._stages()
        self.now_title.setText(now_title(self.run))
        self.notes.setHtml(self._notes_html(d.next_up if current is None else current))
        self.stage_label.setText(step_text(steps, self.stage_index) if current is not None else "")
        self.next_label.setText(next_text(self.run, steps, self.stage_index))
        paused = d.paused_since is not None
        self.pause_button.setText(_("Resume (Ctrl+P)") if paused else _("Pause (Ctrl+P)"))
        self.pause_button.setEnabled(current is not None)
        self.next_button.setText(_("Start (Page Down)") if current is None else _("Next (Page Down)"))
        self.agenda_table.selectRow(next((i for i, r in enumerate(d.runs) if r.segment.id == d.current), -1))

    def _notes_html(self, run: SegmentRun | None) -> str:
        if run is None:
            return ""
        labels = {t.id: t.label for t in self.workspace.library.topics}
        html = segment_html(self.run.segment(run.segment.id), labels)
        if run.notes:
            html += (f"<h3>{escape(_('Your notes'))}</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in run.notes)
                     + "</ul>")
        return html

    def clock(self) -> Clock:
        return self.presenter.clock()

    def tick(self) -> None:
        """Once a second: the timer, ahead or behind, and every so often the count of who is in."""
        c = self.clock()
        text, colour = timer_text(c, paused=self.run.delivery.paused_since is not None)
        self.timer_label.setText(text)
        self.timer_label.setStyleSheet(f"color: {TIMER_COLOURS[colour]};")
        self.drift_label.setText(plan_text(c))
        self._show_round_clock()
        if self.presenter.moved_elsewhere():  # `facilitator run SESSION step` moves the step without a commit
            self._store_changed()
        self._ticks += 1
        if self._ticks % 15 == 1:
            self._show_count()

    def _show_round_clock(self) -> None:
        """During a role-play round the trainer sees the room's countdown too, beside the step."""
        current = self.run.delivery.current
        steps = self._stages()
        if current is None or not steps:
            return
        step = step_text(steps, self.stage_index)
        shown = self.link.current_slide()
        if shown.kind is SlideKind.ROUND:
            left = countdown_text(shown.kind, shown.until, shown.paused, self.now())
            step = _("{step} · round clock {left}").format(step=step, left=left)
        self.stage_label.setText(step)

    def _show_count(self) -> None:
        report = self.checkin.report
        if report is not None:
            self.count_label.setText(_("<b>{present} of {total}</b> in the room").format(present=report.in_room,
                                                                                        total=len(report.rows)))

    def _scan_recorded(self, result: ScanResult) -> None:
        verdict = verdict_for(result)
        self.scan_label.setText(verdict.headline)
        self._scan_shown.start()  # cleared as the desk's banner is: an old "Checked in" must not look like news
        self._show_count()
        if self.run.delivery.current is not None and self.panels.currentWidget() is self.role_panel:
            self.activities.show_panel()  # a latecomer can join the role-play

    def say(self, text: str, *, error: bool = False) -> None:
        """A line in the console's message area: red and bold for a refusal, plain otherwise."""
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;" if error else "")
        self.message.setText(text)

    # --- the audience window ------------------------------------------------------------------------------

    @property
    def audience(self) -> AudienceWindow | None:
        """The audience window, once it has been shown."""
        return self.link.window

    def current_slide(self) -> Slide:
        return self.link.current_slide()

    def update_slide(self) -> Slide:
        return self.link.update()

    # --- listening for scanners while the console is on screen -------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.catcher.install()
        self.checkin.sounds.prepare()
        self.ticker.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc, wherever it lands unused in the console, takes a question from the room off the projector (a key
        event, not a shortcut, so the desk's own Esc, which leaves a search, is never made ambiguous)."""
        if event.key() == Qt.Key.Key_Escape and self.questions.take_down():
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.catcher.uninstall()
        self.ticker.stop()
        super().hideEvent(event)

    def shut(self) -> None:
        """Close the audience window and stop the phones' server with the console."""
        self.phones.stop()
        self.link.shut()


def _scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    scaled.setBold(bold)
    return scaled
