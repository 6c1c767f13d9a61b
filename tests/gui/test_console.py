"""The presenter console, driven as a trainer drives it: Page Down (a presentation clicker) through the steps and
segments, shortcuts for the clock, a badge scanner typing anywhere, and the panels for votes, role-plays and
feedback forms. The console's clock is a fake that moves only when a test says so; every step must be on disk
before the console shows it, and the audience slide must never carry notes, names or unrevealed results."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from sqlalchemy import select

from facilitator.domain.delivery import DeliveryKind, RunState
from facilitator.domain.ids import badge_payload
from facilitator.services import attendance as attendance_service
from facilitator.services import delivery as delivery_service
from facilitator.services.closing import close_session
from facilitator.services.demo import demo_people, ensure_demo_session
from facilitator.services.identity import signer
from facilitator.services.sessions import get_session
from facilitator.services.slides import Slide, SlideKind
from facilitator.services.workspace import Workspace
from facilitator.storage.models import DeliveryRecord, FeedbackResponse
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.console.view import TIMER_COLOURS, ConsoleView
from facilitator.ui.main_window import RUN_TAB, SESSIONS_TAB, MainWindow
from tests.gui.waiting import WAIT_MS

from .test_checkin import HeardSounds
from .test_scanner import FakeClock, type_keys

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
PAGE_DOWN, PAGE_UP = Qt.Key.Key_PageDown, Qt.Key.Key_PageUp
# The agenda's columns.
PLANNED, SEGMENT, MINUTES, STARTED, ENDED, TOOK, STATE = 1, 2, 4, 5, 6, 7, 8
# The demo workshop (harassment-prevention-employees), in order.
WELCOME, WHAT_IT_IS, OUT_OF_TOWN = "welcome", "what-harassment-is", "scenario-out-of-town-job"
GROUP_CHAT = "scenario-group-chat"
ROLE_PLAY, KNOWLEDGE_CHECK, FEEDBACK = "practice-saying-something", "knowledge-check", "feedback"


class Wall:
    """The console's wall clock: it moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def hhmm(self) -> str:
        return self.now.astimezone().strftime("%H:%M")


# --- fixtures and helpers -----------------------------------------------------------------------------------

@pytest.fixture
def session_id(workspace: Workspace) -> str:
    return ensure_demo_session(workspace, date.today())


@pytest.fixture
def planned_start(workspace: Workspace, session_id: str) -> datetime:
    return delivery_service.session_run(workspace, session_id).planned_start


@pytest.fixture
def wall(planned_start: datetime) -> Wall:
    """09:00 today, the demo session's planned start."""
    return Wall(planned_start)


@pytest.fixture
def keys() -> FakeClock:
    """The scan catcher's clock: key gaps are what the test says they are."""
    return FakeClock()


def make_console(qtbot, workspace: Workspace, session_id: str, wall: Wall, keys: FakeClock) -> ConsoleView:
    view = ConsoleView(workspace, session_id, sounds=HeardSounds(), catcher=ScanCatcher(clock=keys),
                       camera_factory=lambda: None, now=wall)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitActive(view)
    focus(qtbot, view.agenda_table)
    return view


def close_console(view: ConsoleView) -> None:
    view.shut()
    view.hide()  # stops listening for scanners


@pytest.fixture
def console(qtbot, workspace: Workspace, session_id: str, wall: Wall, keys: FakeClock) -> ConsoleView:
    view = make_console(qtbot, workspace, session_id, wall, keys)
    yield view
    close_console(view)


def focus(qtbot, widget: QWidget, reason: Qt.FocusReason = Qt.FocusReason.OtherFocusReason) -> QWidget:
    widget.setFocus(reason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=WAIT_MS)
    return widget


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed by the trainer: it goes to whatever has the keyboard focus (or the window, if nothing has)."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    qtbot.keyClick(target, key, modifiers)


def page_down(qtbot, times: int = 1) -> None:
    for _ in range(times):
        press(qtbot, PAGE_DOWN)


def type_text(qtbot, widget: QWidget, keys: FakeClock, text: str) -> None:
    """A person typing into `widget`, a key every 150 ms; the scan catcher hands the last key on after 50 ms."""
    type_keys(qtbot, widget, keys, text, gap_ms=150, end=None)


def type_count(qtbot, spin, keys: FakeClock, count: int) -> None:
    """Go to a count box, select what it shows (Ctrl+A) and type the number of hands."""
    focus(qtbot, spin, Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
    type_text(qtbot, spin, keys, str(count))
    qtbot.waitUntil(lambda: spin.value() == count, timeout=WAIT_MS)


def type_counts(qtbot, console: ConsoleView, keys: FakeClock, counts: list[int]) -> None:
    assert len(console.vote_panel.spins) == len(counts)
    for spin, count in zip(console.vote_panel.spins, counts, strict=True):
        type_count(qtbot, spin, keys, count)


def scan(qtbot, keys: FakeClock, code: str, widget: QWidget | None = None) -> None:
    """A USB scanner typing `code` into whatever has the focus: 6 ms a key, then Enter."""
    type_keys(qtbot, widget or QApplication.focusWidget(), keys, code, gap_ms=6)
    keys.advance(500)


def roster(workspace: Workspace, session_id: str) -> dict[str, object]:
    return {p.full_name: p for p in get_session(workspace, session_id).roster}


def badge(workspace: Workspace, session_id: str, name: str) -> str:
    return badge_payload(session_id, roster(workspace, session_id)[name].badge_code)


def token(workspace: Workspace, session_id: str, name: str) -> str:
    return roster(workspace, session_id)[name].badge_code


def row_of(console: ConsoleView, segment_id: str) -> int:
    return next(i for i, r in enumerate(console.agenda.rows()) if r.run.segment.id == segment_id)


def cell(console: ConsoleView, row: int, column: int) -> str:
    return console.agenda.data(console.agenda.index(row, column))


def agenda_text(console: ConsoleView) -> list[list[str]]:
    model = console.agenda
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def start_from_agenda(qtbot, console: ConsoleView, segment_id: str) -> None:
    """Arrow to a segment in the agenda and press Enter, as a trainer jumps ahead."""
    focus(qtbot, console.agenda_table)
    console.agenda_table.setCurrentIndex(console.agenda.index(row_of(console, segment_id), 0))
    qtbot.keyClick(console.agenda_table, Qt.Key.Key_Return)
    assert console.run.delivery.current == segment_id


def log(workspace: Workspace, session_id: str) -> list[tuple[str, str | None]]:
    """The delivery log as stored: (kind, segment) in order."""
    with workspace.store.transaction() as db:
        rows = db.execute(select(DeliveryRecord.kind, DeliveryRecord.segment_id)
                          .where(DeliveryRecord.session_id == session_id).order_by(DeliveryRecord.seq)).all()
    return [(kind, segment) for kind, segment in rows]


def stored_run(workspace: Workspace, session_id: str):
    return delivery_service.session_run(workspace, session_id)


def slide_text(s: Slide) -> str:
    return "\n".join([s.heading, s.body, *s.options, s.explanation, s.footer, s.content_warning, s.qr_text or ""])


def private_lines(segment) -> list[str]:
    """What only the trainer may read: the notes, debrief points, role cards and observer checklist, line by line."""
    texts = [segment.notes or "", *(getattr(segment, "debrief", None) or ()),
             *(role.card for role in getattr(segment, "roles", None) or ()),
             *(getattr(segment, "observer_checklist", None) or ())]
    lines = (line.strip().lstrip("-").strip() for text in texts for line in text.splitlines())
    return [line for line in lines if len(line) > 24]


def segment_of(console: ConsoleView, segment_id: str):
    return console.run.segment(segment_id)


def option_labels(console: ConsoleView) -> list[str]:
    grid = console.vote_panel.grid
    return [grid.itemAtPosition(i, 0).widget().text() for i in range(len(console.vote_panel.spins))]


def collect_slides(console: ConsoleView) -> list[Slide]:
    shown: list[Slide] = [console.current_slide()]
    console.slide_changed.connect(shown.append)
    return shown


# --- starting, the timer, pausing and extending ------------------------------------------------------------

def test_before_the_start_the_console_says_how_to_begin(console, wall) -> None:
    assert console.run.delivery.current is None
    assert "Press Page Down to start" in console.now_title.text()
    assert console.timer_label.text() == "—:—" and TIMER_COLOURS["idle"] in console.timer_label.styleSheet()
    assert console.next_label.text().startswith("Page Down: next segment, ")
    assert [cell(console, r, STATE) for r in range(console.agenda.rowCount())] == [""] * 13
    assert cell(console, 0, PLANNED) == wall.hhmm() == "09:00"
    assert console.current_slide().kind is SlideKind.WELCOME
    assert console.count_label.text() == "<b>0 of 24</b> in the room"


def test_page_down_starts_the_first_segment_and_the_timer_counts_down(qtbot, console, wall, workspace,
                                                                      session_id) -> None:
    wall.advance(minutes=7)  # the room was slow to settle
    page_down(qtbot)
    assert log(workspace, session_id) == [("started", WELCOME)]
    assert console.run.delivery.current == WELCOME
    assert cell(console, 0, STARTED) == "09:07" and cell(console, 0, PLANNED) == "09:00"
    assert cell(console, 0, STATE) == "▶ now" and cell(console, 0, ENDED) == ""
    assert console.timer_label.text() == "4:00 left"
    assert TIMER_COLOURS["ok"] in console.timer_label.styleSheet()
    assert console.drift_label.text().startswith("7 min behind plan · ends ")
    assert "Welcome" in console.now_title.text() and console.next_button.text() == "Next (Page Down)"
    assert console.agenda_table.selectionModel().isRowSelected(0)

    wall.advance(minutes=3, seconds=20)  # into the last fifth (48 seconds) of a 4-minute segment
    console.tick()
    assert console.timer_label.text() == "0:40 left"
    assert TIMER_COLOURS["warning"] in console.timer_label.styleSheet()

    wall.advance(seconds=50)
    console.tick()
    assert console.timer_label.text() == "0:10 over"
    assert TIMER_COLOURS["over"] in console.timer_label.styleSheet()

    wall.advance(minutes=2)  # running on eats into the plan
    console.tick()
    assert console.drift_label.text().startswith("9 min behind plan")


def test_starting_early_is_ahead_of_plan_and_on_time_is_on_plan(qtbot, console, wall) -> None:
    wall.advance(minutes=-5)
    page_down(qtbot)
    assert console.drift_label.text().startswith("5 min ahead of plan")
    assert cell(console, 0, STARTED) == "08:55"
    wall.advance(minutes=4)  # the welcome took its 4 minutes
    page_down(qtbot)
    assert console.run.delivery.current == WHAT_IT_IS
    assert cell(console, 0, STATE) == "done" and cell(console, 0, ENDED) == "08:59" and cell(console, 0, TOOK) == "4"
    assert cell(console, 1, STARTED) == "08:59"
    assert console.drift_label.text().startswith("5 min ahead of plan")  # the welcome kept to its time
    wall.advance(minutes=14)  # the definitions ran 5 minutes over, which eats the 5 minutes in hand
    console.tick()
    assert console.timer_label.text() == "5:00 over"
    assert console.drift_label.text() == "On plan · ends 10:19 (planned 10:19)"


def test_pause_freezes_the_time_left_and_resume_carries_on(qtbot, console, wall, workspace, session_id) -> None:
    page_down(qtbot)
    wall.advance(minutes=1)
    press(qtbot, Qt.Key.Key_P, CTRL)
    assert log(workspace, session_id)[-1] == ("paused", None)
    assert console.run.delivery.paused_since == wall.now
    assert console.timer_label.text() == "3:00 left · paused"
    assert cell(console, 0, STATE) == "paused" and console.pause_button.text() == "Resume (Ctrl+P)"
    wall.advance(minutes=5)  # a fire alarm
    console.tick()
    assert console.timer_label.text() == "3:00 left · paused"
    press(qtbot, Qt.Key.Key_P, CTRL)
    assert log(workspace, session_id)[-1] == ("resumed", None)
    assert console.timer_label.text() == "3:00 left" and console.pause_button.text() == "Pause (Ctrl+P)"
    assert cell(console, 0, STATE) == "▶ now"
    wall.advance(minutes=1)
    console.tick()
    assert console.timer_label.text() == "2:00 left"


def test_extending_adds_minutes_to_the_agenda_and_the_timer(qtbot, console, wall, workspace, session_id) -> None:
    page_down(qtbot)
    wall.advance(minutes=3)
    press(qtbot, Qt.Key.Key_E, CTRL)
    assert cell(console, 0, MINUTES) == "5" and console.timer_label.text() == "2:00 left"
    assert console.drift_label.text().startswith("1 min behind plan")
    press(qtbot, Qt.Key.Key_E, CTRL | SHIFT)
    assert cell(console, 0, MINUTES) == "10" and console.timer_label.text() == "7:00 left"
    assert console.drift_label.text().startswith("6 min behind plan")
    assert log(workspace, session_id)[1:] == [("extended", WELCOME), ("extended", WELCOME)]
    assert stored_run(workspace, session_id).delivery.run_of(WELCOME).extra_minutes == 6


def test_skip_next_and_end_segment(qtbot, console, wall, workspace, session_id) -> None:
    page_down(qtbot)
    press(qtbot, Qt.Key.Key_K, CTRL)  # no time for the definitions talk today
    assert cell(console, 1, STATE) == "skipped"
    assert console.drift_label.text().startswith("9 min ahead of plan")
    wall.advance(minutes=4)
    page_down(qtbot)
    assert console.run.delivery.current == OUT_OF_TOWN  # the skipped segment is passed over
    wall.advance(minutes=2)
    press(qtbot, Qt.Key.Key_End, CTRL)
    assert console.run.delivery.current is None
    assert cell(console, 2, STATE) == "done" and cell(console, 2, ENDED) == "09:06"
    assert console.timer_label.text() == "—:—" and "Not running" in console.now_title.text()
    assert console.current_slide().kind is SlideKind.WELCOME  # between segments: what comes next
    assert log(workspace, session_id) == [("started", WELCOME), ("skipped", WHAT_IT_IS), ("started", OUT_OF_TOWN),
                                          ("ended", OUT_OF_TOWN)]


def test_the_last_segment_ends_the_session(qtbot, console, wall, workspace, session_id) -> None:
    start_from_agenda(qtbot, console, FEEDBACK)  # short of time: straight to the feedback
    for _ in range(12):
        press(qtbot, Qt.Key.Key_K, CTRL)  # and everything else is skipped
    assert [cell(console, r, STATE) for r in range(13)] == ["skipped"] * 12 + ["▶ now"]
    assert console.next_label.text() == "Page Down: end of the session"
    wall.advance(minutes=3)
    page_down(qtbot)
    assert console.run.delivery.finished and console.now_title.text().startswith("Finished")
    assert console.current_slide().kind is SlideKind.END
    before = log(workspace, session_id)
    page_down(qtbot)
    assert console.message.text() == ("Every segment has been run or skipped; close the session when the room has "
                                      "left")
    assert log(workspace, session_id) == before


def test_a_note_is_kept_for_the_report_and_never_reaches_the_room(qtbot, console, workspace, session_id) -> None:
    from PySide6.QtCore import QTimer

    from facilitator.ui.dialogs.note import NoteDialog

    def type_the_note() -> None:  # the console's scanner catcher would take a test's instant keystrokes
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, NoteDialog) and w.isVisible())
        dialog.editor.setPlainText("Ran long: good questions about remote work")
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter saves

    page_down(qtbot)
    QTimer.singleShot(200, type_the_note)
    press(qtbot, Qt.Key.Key_N, CTRL | SHIFT)
    assert log(workspace, session_id)[-1] == ("note", WELCOME)
    assert stored_run(workspace, session_id).delivery.run_of(WELCOME).notes == [
        "Ran long: good questions about remote work"]
    assert "Ran long: good questions about remote work" in console.notes.toPlainText()
    assert "remote work" not in slide_text(console.current_slide())


def test_a_step_that_makes_no_sense_is_refused_with_a_message(qtbot, console, workspace, session_id) -> None:
    press(qtbot, Qt.Key.Key_P, CTRL)  # nothing is running yet
    assert "start one first" in console.message.text() and "#b71c1c" in console.message.styleSheet()
    press(qtbot, Qt.Key.Key_R, CTRL)
    assert console.message.text() == "There is nothing to reveal in this segment."
    press(qtbot, Qt.Key.Key_G, CTRL)
    assert console.message.text() == "The running segment is not a role-play."
    assert log(workspace, session_id) == []
    page_down(qtbot)
    assert console.message.text() == ""  # a step that worked clears the complaint


# --- a scenario's vote ---------------------------------------------------------------------------------------

def to_out_of_town_vote(qtbot, console: ConsoleView) -> None:
    page_down(qtbot, 3)
    assert console.run.delivery.current == OUT_OF_TOWN
    assert console.current_slide().kind is SlideKind.TEXT and console.stage_label.text() == "Step 1 of 3: On screen"
    page_down(qtbot)
    assert console.stage_label.text() == "Step 2 of 3: Vote"


def test_a_vote_is_counted_then_page_down_reveals_it(qtbot, console, keys, workspace, session_id) -> None:
    to_out_of_town_vote(qtbot, console)
    vote = console.current_slide()
    assert vote.kind is SlideKind.VOTE and vote.counts is None
    assert vote.heading == "Which best describes what Colleen is doing?" and len(vote.options) == 4
    assert console.panels.currentWidget() is console.vote_panel
    assert all(spin.value() == 0 for spin in console.vote_panel.spins)
    type_counts(qtbot, console, keys, [2, 1, 14, 3])
    assert console.vote_panel.total.text() == "Total: 20"
    assert console.current_slide().counts is None  # typing is not recording, nor showing
    page_down(qtbot)
    assert log(workspace, session_id)[-2:] == [("tally", OUT_OF_TOWN), ("revealed", OUT_OF_TOWN)]
    stored = stored_run(workspace, session_id).delivery.run_of(OUT_OF_TOWN)
    assert stored.tallies == {0: (2, 1, 14, 3)} and stored.revealed == {0}
    results = console.current_slide()
    assert results.kind is SlideKind.RESULTS and results.counts == (2, 1, 14, 3)
    assert results.options == vote.options and console.stage_label.text() == "Step 3 of 3: Results"
    assert "Revealed to the room" in console.vote_panel.status.text()


@pytest.mark.parametrize("record", ["page down", "ctrl+enter"])
def test_the_keyboard_stays_on_the_console_after_counts_are_recorded(qtbot, console, keys, record) -> None:
    """Recording counts rebuilds the count boxes, deleting the one the trainer typed in. The keyboard focus must
    stay in the console, or its shortcuts (all WidgetWithChildrenShortcut) go dead and the clicker stops working
    until the trainer clicks somewhere."""
    to_out_of_town_vote(qtbot, console)
    type_counts(qtbot, console, keys, [1, 0, 9, 0])
    if record == "ctrl+enter":
        press(qtbot, Qt.Key.Key_Return, CTRL)
        assert console.message.text() == "Counts recorded: 10 in all."
    else:
        page_down(qtbot)
        assert console.current_slide().kind is SlideKind.RESULTS
    qtbot.wait(20)  # the old count boxes are deleted by the event loop
    assert console.isAncestorOf(QApplication.focusWidget()), "the keyboard focus left the console"
    page_down(qtbot, 1 if record == "page down" else 2)
    assert console.run.delivery.current == "identity-and-abusive-conduct"


def test_revealing_with_no_counts_is_refused_and_records_nothing(qtbot, console, workspace, session_id) -> None:
    to_out_of_town_vote(qtbot, console)
    before = log(workspace, session_id)
    with qtbot.assertNotEmitted(console.delivery_changed):
        page_down(qtbot)
    assert log(workspace, session_id) == before
    assert console.message.text().startswith("Count the hands first")
    assert "#b71c1c" in console.message.styleSheet()
    assert console.stage_label.text() == "Step 2 of 3: Vote"
    assert console.current_slide().kind is SlideKind.VOTE and console.current_slide().counts is None
    assert "Page Down again" in console.message.text()


def test_a_clicker_never_gets_stuck_on_a_question_nobody_counted(qtbot, console, workspace, session_id) -> None:
    start_from_agenda(qtbot, console, KNOWLEDGE_CHECK)
    page_down(qtbot)  # past the quiz's own screen
    assert console.current_slide().kind is SlideKind.QUESTION
    page_down(qtbot)  # no hands counted: refused, and said how to go on
    assert console.stage_label.text().endswith("Question 1") and "Page Down again" in console.message.text()
    page_down(qtbot)  # a clicker has only this key: on to question 2, results never shown
    assert console.stage_label.text().endswith("Question 2") and console.message.text() == ""
    assert console.current_slide().kind is SlideKind.QUESTION
    assert not stored_run(workspace, session_id).delivery.run_of(KNOWLEDGE_CHECK).revealed


def test_counts_recorded_with_ctrl_enter_stay_hidden_until_the_reveal(qtbot, console, keys, workspace,
                                                                     session_id) -> None:
    to_out_of_town_vote(qtbot, console)
    type_counts(qtbot, console, keys, [0, 2, 11, 1])
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert log(workspace, session_id)[-1] == ("tally", OUT_OF_TOWN)
    assert console.message.text() == "Counts recorded: 14 in all."
    assert console.current_slide().kind is SlideKind.VOTE and console.current_slide().counts is None
    assert "Counts recorded" in console.vote_panel.status.text()
    focus(qtbot, console.agenda_table)
    press(qtbot, Qt.Key.Key_R, CTRL)  # Ctrl+R on the vote step moves on to the results
    assert console.current_slide().kind is SlideKind.RESULTS and console.current_slide().counts == (0, 2, 11, 1)
    assert log(workspace, session_id)[-1] == ("revealed", OUT_OF_TOWN)
    press(qtbot, PAGE_UP)  # back to the vote: the room sees the question again, not the counts
    assert console.current_slide().kind is SlideKind.VOTE and console.current_slide().counts is None
    assert [s.value() for s in console.vote_panel.spins] == [0, 2, 11, 1]


def test_ctrl_page_down_leaves_a_scenario_without_voting(qtbot, console, workspace, session_id) -> None:
    page_down(qtbot, 3)
    press(qtbot, PAGE_DOWN, CTRL)
    assert console.run.delivery.current == "identity-and-abusive-conduct"
    assert all(kind != "tally" for kind, _ in log(workspace, session_id))


# --- a knowledge check ---------------------------------------------------------------------------------------

def test_the_talk_on_reporting_shows_the_sessions_agencies_on_a_step_of_its_own(qtbot, console) -> None:
    start_from_agenda(qtbot, console, "speaking-up")
    assert console.current_slide().kind is SlideKind.TEXT
    assert console.next_label.text().startswith("Page Down: agencies")
    page_down(qtbot)
    shown = console.current_slide()
    assert shown.kind is SlideKind.CONTACTS and console.run.delivery.current == "speaking-up"
    for agency in console.run.contacts:  # the demo is in New York City
        assert agency.short_name in shown.body and agency.phone in shown.body
    assert {a.id for a in console.run.contacts} >= {"eeoc", "nyc-cchr", "nys-dhr"}
    assert "agencies" in console.screen_label.text()
    page_down(qtbot)
    assert console.run.delivery.current == "retaliation-and-supervisors"


def test_a_knowledge_check_marks_the_answer_for_the_trainer_and_shows_it_only_after_the_reveal(
        qtbot, console, keys, workspace, session_id) -> None:
    start_from_agenda(qtbot, console, KNOWLEDGE_CHECK)
    intro = console.current_slide()  # the quiz's own screen first: how it works
    assert intro.kind is SlideKind.TEXT and intro.heading == segment_of(console, KNOWLEDGE_CHECK).title
    page_down(qtbot)
    question = console.current_slide()
    assert question.kind is SlideKind.QUESTION and question.footer == "Question 1 of 6"
    assert question.correct == () and question.counts is None and question.explanation == ""
    assert "✓ correct" not in slide_text(question)
    labels = option_labels(console)
    assert "✓ correct" not in labels[0] and "✓ correct" in labels[1]  # "False" is right, on the laptop only
    assert "Explanation" in console.vote_panel.explanation.text()
    assert console.stage_label.text() == "Step 2 of 13: Question 1"
    type_counts(qtbot, console, keys, [4, 16])
    page_down(qtbot)
    answer = console.current_slide()
    assert answer.kind is SlideKind.ANSWER and answer.correct == (1,) and answer.counts == (4, 16)
    assert answer.explanation.startswith("False. Harassment because of race")
    assert console.stage_label.text() == "Step 3 of 13: Answer 1"
    assert log(workspace, session_id)[-2:] == [("tally", KNOWLEDGE_CHECK), ("revealed", KNOWLEDGE_CHECK)]
    focus(qtbot, console.agenda_table)
    page_down(qtbot)
    second = console.current_slide()
    assert second.kind is SlideKind.QUESTION and second.footer == "Question 2 of 6" and second.correct == ()
    assert "✓ correct" in option_labels(console)[1]
    type_counts(qtbot, console, keys, [3, 15, 2])
    press(qtbot, Qt.Key.Key_R, CTRL)
    assert console.current_slide().kind is SlideKind.ANSWER and console.current_slide().correct == (1,)
    stored = stored_run(workspace, session_id).delivery.run_of(KNOWLEDGE_CHECK)
    assert stored.tallies == {0: (4, 16), 1: (3, 15, 2)} and stored.revealed == {0, 1}


def test_several_correct_options_are_all_marked(qtbot, console) -> None:
    start_from_agenda(qtbot, console, KNOWLEDGE_CHECK)
    console.move_to_step(7)  # question 4 (after the quiz's own screen): the forms retaliation can take
    assert console.current_slide().footer == "Question 4 of 6" and console.current_slide().correct == ()
    marked = [i for i, label in enumerate(option_labels(console)) if "✓ correct" in label]
    assert marked == [0, 1, 2]


# --- check-in from anywhere in the console -----------------------------------------------------------------

def test_a_scanner_burst_checks_someone_in_from_the_agenda(qtbot, console, keys, workspace, session_id) -> None:
    assert QApplication.focusWidget() is console.agenda_table and not console.checkin_open
    with qtbot.waitSignal(console.checkin.scan_recorded, timeout=WAIT_MS) as blocker:
        scan(qtbot, keys, badge(workspace, session_id, "Amara Okafor"))
    assert blocker.args[0].person.full_name == "Amara Okafor"
    assert console.scan_label.text().startswith("✓ Welcome, Amara Okafor")
    assert console.count_label.text() == "<b>1 of 24</b> in the room"
    report = attendance_service.attendance_report(workspace, session_id)
    assert [r.person.full_name for r in report.rows if r.is_in] == ["Amara Okafor"]
    assert console.run.delivery.current is None  # the burst's characters and Enter did not start anything
    assert log(workspace, session_id) == []


def test_the_last_scan_leaves_the_top_bar_when_the_desks_banner_does(qtbot, console, keys, workspace,
                                                                      session_id) -> None:
    from facilitator.ui.checkin.banner import SHOW_FOR_MS

    assert console._scan_shown.interval() == SHOW_FOR_MS
    console._scan_shown.setInterval(50)  # the test need not wait six seconds
    scan(qtbot, keys, badge(workspace, session_id, "Amara Okafor"))
    qtbot.waitUntil(lambda: console.scan_label.text().startswith("✓ Welcome"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: console.scan_label.text() == "", timeout=WAIT_MS)
    assert console.count_label.text() == "<b>1 of 24</b> in the room"  # the count stays


def test_f2_swaps_in_the_check_in_desk_and_back(qtbot, console, keys, workspace, session_id) -> None:
    assert console.current_slide().kind is SlideKind.WELCOME
    press(qtbot, Qt.Key.Key_F2)
    assert console.checkin_open and console.right.currentWidget() is console.checkin
    qtbot.waitUntil(lambda: QApplication.focusWidget() is console.checkin.field, timeout=WAIT_MS)
    assert console.current_slide().kind is SlideKind.CHECKIN
    assert console.screen_label.text() == "On screen: check-in"
    # The scanner is heard with the keyboard in the agenda too, and nothing lands in the desk's box.
    focus(qtbot, console.agenda_table)
    scan(qtbot, keys, badge(workspace, session_id, "Mei Chen"))
    assert console.checkin.count.text() == "1 of 24 in the room" and console.checkin.field.text() == ""
    assert console.count_label.text() == "<b>1 of 24</b> in the room"
    assert console.checkin.banner.headline.text().startswith("✓ Welcome, Mei Chen")
    press(qtbot, Qt.Key.Key_F2)
    assert not console.checkin_open and QApplication.focusWidget() is console.agenda_table
    assert console.current_slide().kind is SlideKind.WELCOME


def test_starting_the_session_puts_the_desk_away(qtbot, console) -> None:
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is console.checkin.field, timeout=WAIT_MS)
    page_down(qtbot)  # from the desk's box
    assert console.run.delivery.current == WELCOME and not console.checkin_open
    assert console.current_slide().kind is SlideKind.TEXT
    press(qtbot, Qt.Key.Key_F2)  # the desk comes back for a latecomer, and the room keeps the segment's slide
    assert console.checkin_open and console.current_slide().kind is SlideKind.TEXT


# --- role-play ------------------------------------------------------------------------------------------------

ARRIVING = ["Amara Okafor", "Luis Hernández", "Mei Chen", "Daniel O'Brien"]


def test_role_play_parts_are_assigned_among_those_present_and_rotate(qtbot, console, keys, wall, workspace,
                                                                     session_id) -> None:
    shown = collect_slides(console)
    for name in ARRIVING[:3]:
        scan(qtbot, keys, badge(workspace, session_id, name))
    assert console.count_label.text() == "<b>3 of 24</b> in the room"
    start_from_agenda(qtbot, console, ROLE_PLAY)
    assert console.panels.currentWidget() is console.role_panel
    people = console.role_panel.people
    assert [name for _, name in people.rows()] == ["Mei Chen", "Luis Hernández", "Amara Okafor"]
    scan(qtbot, keys, badge(workspace, session_id, "Daniel O'Brien"))  # a latecomer joins the role-play
    assert console.count_label.text() == "<b>4 of 24</b> in the room"
    assert [name for _, name in people.rows()] == ["Mei Chen", "Luis Hernández", "Daniel O'Brien", "Amara Okafor"]
    # Mei would rather observe: tick her box with the keyboard.
    table = console.role_panel.people_table
    focus(qtbot, table)
    table.setCurrentIndex(people.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_Space)
    mei = token(workspace, session_id, "Mei Chen")
    qtbot.waitUntil(lambda: people.opted_out == {mei}, timeout=WAIT_MS)
    assert people.data(people.index(0, 1), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    scan(qtbot, keys, badge(workspace, session_id, "Priya Raman"))  # one more arrives: the tick is kept
    assert people.rowCount() == 5 and people.opted_out == {mei}

    with qtbot.waitSignal(console.delivery_changed, timeout=WAIT_MS):
        press(qtbot, Qt.Key.Key_G, CTRL)
    assert console.message.text().startswith("Parts assigned: 1 group.")
    rounds = stored_run(workspace, session_id).delivery.run_of(ROLE_PLAY).role_rounds
    assert len(rounds) == 1 and rounds[0].round == 1
    [group] = rounds[0].groups
    assert mei not in {p for _, p in group.players} and group.watchers == (mei,)
    playing = {token(workspace, session_id, n) for n in [*ARRIVING, "Priya Raman"] if n != "Mei Chen"}
    assert {p for _, p in group.players} | set(group.observers) == playing and len(group.observers) == 1
    groups = console.role_panel.groups.rows()
    assert (1, "Observing (opted out)", "Mei Chen") in groups
    assert "Round 1 of 2" in console.role_panel.summary.text()

    page_down(qtbot)  # round 1: the countdown starts
    assert console.stage_label.text().startswith("Step 2 of 3: Round 1")
    round_one = console.current_slide()
    assert round_one.kind is SlideKind.ROUND and round_one.until == wall.now + timedelta(minutes=3)
    wall.advance(minutes=3)
    page_down(qtbot)  # round 2: everyone moves one part along
    assert console.stage_label.text().startswith("Step 3 of 3: Round 2")
    assert [kind for kind, _ in log(workspace, session_id)].count("roles") == 2
    rounds = stored_run(workspace, session_id).delivery.run_of(ROLE_PLAY).role_rounds
    assert [r.round for r in rounds] == [1, 2]
    before, after = dict(rounds[0].groups[0].players), dict(rounds[1].groups[0].players)
    assert all(before[part] != after[part] for part in before)  # each plays another part
    assert rounds[1].groups[0].watchers == (mei,) and mei not in after.values()
    assert "Round 2 of 2" in console.role_panel.summary.text()
    assert console.current_slide().footer == "Round 2 of 2"

    names = [p.full_name for p in demo_people()] + [p.last_name for p in demo_people()]
    codes = [p.badge_code for p in roster(workspace, session_id).values()]
    assert len(shown) > 3
    for s in shown:
        text = slide_text(s)
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), (name, s)
        assert not any(code in text for code in codes)


def test_ctrl_shift_g_rotates_parts_for_the_next_round(qtbot, console, keys, workspace, session_id) -> None:
    for name in ARRIVING:
        scan(qtbot, keys, badge(workspace, session_id, name))
    start_from_agenda(qtbot, console, ROLE_PLAY)
    press(qtbot, Qt.Key.Key_G, CTRL)
    press(qtbot, Qt.Key.Key_G, CTRL | SHIFT)
    assert console.message.text() == "Parts rotated for round 2."
    rounds = stored_run(workspace, session_id).delivery.run_of(ROLE_PLAY).role_rounds
    assert [r.round for r in rounds] == [1, 2]
    page_down(qtbot, 2)  # round 2 was already rotated into by hand: no third set of parts
    assert len(stored_run(workspace, session_id).delivery.run_of(ROLE_PLAY).role_rounds) == 2


def test_too_few_players_are_refused_and_nothing_is_stored(qtbot, console, keys, workspace, session_id) -> None:
    for name in ARRIVING[:2]:
        scan(qtbot, keys, badge(workspace, session_id, name))
    start_from_agenda(qtbot, console, ROLE_PLAY)
    press(qtbot, Qt.Key.Key_G, CTRL)
    assert "2 people can play, but each group needs at least 3" in console.message.text()
    assert [kind for kind, _ in log(workspace, session_id)] == ["started"]
    press(qtbot, Qt.Key.Key_G, CTRL | SHIFT)
    assert console.message.text() == "Assign the roles first"


def test_a_pause_stops_a_rounds_countdown_and_resuming_carries_on(qtbot, console, wall, keys, workspace,
                                                                  session_id) -> None:
    start_from_agenda(qtbot, console, ROLE_PLAY)
    page_down(qtbot)
    assert console.current_slide().until == wall.now + timedelta(minutes=3)
    wall.advance(minutes=1)
    press(qtbot, Qt.Key.Key_P, CTRL)
    paused = console.current_slide()
    assert paused.kind is SlideKind.ROUND and paused.paused and paused.until is None
    wall.advance(minutes=5)
    press(qtbot, Qt.Key.Key_P, CTRL)
    resumed = console.current_slide()
    assert not resumed.paused
    assert resumed.until == wall.now + timedelta(minutes=2), "the round should go on with the 2 minutes it had left"


def test_a_talks_notes_get_the_room_a_votes_panel_shows_when_needed(qtbot, console) -> None:
    start_from_agenda(qtbot, console, WHAT_IT_IS)
    assert not console.panels.isVisible() and console.notes.height() > 400  # at 1366 x 768
    start_from_agenda(qtbot, console, OUT_OF_TOWN)
    page_down(qtbot)  # the vote: its counts panel comes back
    assert console.panels.isVisible() and console.panels.currentWidget() is console.vote_panel


def test_the_trainer_sees_the_rounds_clock_too(qtbot, console, wall) -> None:
    start_from_agenda(qtbot, console, ROLE_PLAY)
    page_down(qtbot)
    wall.advance(seconds=45)
    console.tick()
    assert console.stage_label.text().endswith("round clock 2:15")
    press(qtbot, Qt.Key.Key_P, CTRL)
    console.tick()
    assert console.stage_label.text().endswith("round clock Paused")


def test_extending_the_segment_does_not_restart_a_rounds_countdown(qtbot, console, wall) -> None:
    start_from_agenda(qtbot, console, ROLE_PLAY)
    page_down(qtbot)
    ends = wall.now + timedelta(minutes=3)
    wall.advance(minutes=2)
    press(qtbot, Qt.Key.Key_E, CTRL)
    assert console.current_slide().until == ends


# --- feedback -------------------------------------------------------------------------------------------------

def test_paper_feedback_is_keyed_in_and_stored_without_names(qtbot, console, keys, workspace,
                                                             session_id) -> None:
    start_from_agenda(qtbot, console, FEEDBACK)
    panel = console.feedback_panel
    assert console.panels.currentWidget() is panel
    assert panel.question.text() == "How useful was this session for your day-to-day work?"
    assert len(panel.ratings.buttons()) == 5 and panel.summary.text() == "No responses yet."
    slide = console.current_slide()
    assert slide.kind is SlideKind.FEEDBACK and slide.options == ("1", "2", "3", "4", "5")

    # Form 1: rated 5 with the keyboard (Tab to the button, Space), and a comment.
    five = panel.ratings.button(5)
    focus(qtbot, five, Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(five, Qt.Key.Key_Space)
    qtbot.waitUntil(five.isChecked, timeout=WAIT_MS)
    assert panel.rating() == 5
    focus(qtbot, panel.comment, Qt.FocusReason.TabFocusReason)
    type_text(qtbot, panel.comment, keys, "Clear and useful")
    qtbot.waitUntil(lambda: panel.comment.toPlainText() == "Clear and useful", timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert console.message.text() == "Response 1 added."
    assert panel.rating() is None and panel.comment.toPlainText() == ""  # ready for the next form
    assert panel.summary.text().startswith("1 response, average 5.0 of 5")

    # Form 2: a 4 and no comment; changing one's mind from 2 to 4 leaves only the 4.
    qtbot.mouseClick(panel.ratings.button(2), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.ratings.button(4), Qt.MouseButton.LeftButton)
    assert panel.rating() == 4 and not panel.ratings.button(2).isChecked()
    focus(qtbot, panel.comment)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert console.message.text() == "Response 2 added."

    # Form 3: a comment only (the rating left blank on paper).
    focus(qtbot, panel.comment)
    type_text(qtbot, panel.comment, keys, "More time")
    qtbot.waitUntil(lambda: panel.comment.toPlainText() == "More time", timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert console.message.text() == "Response 3 added."
    assert panel.summary.text().startswith("3 responses, average 4.5 of 5")

    # A slip: undo the last one (Tab to the Undo button, Space).
    undo = next(b for b in panel.findChildren(QPushButton) if b.accessibleName() == "Remove the last response added")
    focus(qtbot, undo, Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(undo, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: console.message.text() == "The last response was removed.", timeout=WAIT_MS)
    assert panel.summary.text() == "2 responses, average 4.5 of 5; the spread shows from 5 responses."

    with workspace.store.transaction() as db:
        stored = db.scalars(select(FeedbackResponse).where(FeedbackResponse.session_id == session_id)).all()
        rows = sorted((r.segment_id, r.rating, r.comment, r.source) for r in stored)
    assert rows == [(FEEDBACK, 4, None, "paper"), (FEEDBACK, 5, "Clear and useful", "paper")]
    columns = {c.name for c in FeedbackResponse.__table__.columns}
    assert columns <= {"id", "session_id", "segment_id", "rating", "comment", "source"}  # no name, no time
    assert log(workspace, session_id) == [("started", FEEDBACK)]  # feedback is not part of the delivery log


def test_an_empty_form_is_refused(qtbot, console, workspace, session_id) -> None:
    start_from_agenda(qtbot, console, FEEDBACK)
    focus(qtbot, console.feedback_panel.comment)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert console.message.text() == "Give a rating, a comment, or both"
    assert delivery_service.feedback_summary(workspace, session_id, FEEDBACK).responses == 0


# --- the audience slide ---------------------------------------------------------------------------------------

def test_ctrl_b_blanks_the_audience_slide_and_brings_it_back(qtbot, console) -> None:
    page_down(qtbot)
    before = console.current_slide()
    assert before.kind is SlideKind.TEXT
    with qtbot.waitSignal(console.slide_changed, timeout=WAIT_MS) as blocker:
        press(qtbot, Qt.Key.Key_B, CTRL)
    assert blocker.args[0].kind is SlideKind.BLANK and console.current_slide().kind is SlideKind.BLANK
    assert console.screen_label.text() == "On screen: blank"
    page_down(qtbot)  # moving on while blank keeps the screen blank
    assert console.current_slide().kind is SlideKind.BLANK
    with qtbot.waitSignal(console.slide_changed, timeout=WAIT_MS) as blocker:
        press(qtbot, Qt.Key.Key_B, CTRL)
    assert blocker.args[0] == console.current_slide()
    assert console.current_slide().kind is SlideKind.TEXT and console.current_slide().heading != before.heading


def test_text_size_keys_make_the_console_bigger_and_smaller(qtbot, console) -> None:
    base = QApplication.font().pointSizeF()
    timer = console.timer_label.font().pointSizeF()
    press(qtbot, Qt.Key.Key_Equal, CTRL)
    assert console.font().pointSizeF() == pytest.approx(base * 1.15)
    assert console.timer_label.font().pointSizeF() > timer
    press(qtbot, Qt.Key.Key_Minus, CTRL)
    press(qtbot, Qt.Key.Key_Minus, CTRL)
    assert console.font().pointSizeF() == pytest.approx(base * 0.85)
    press(qtbot, Qt.Key.Key_Minus, CTRL)  # already the smallest
    assert console.font().pointSizeF() == pytest.approx(base * 0.85)


# --- reopening after a crash, and a sealed session ----------------------------------------------------------

def test_reopening_the_console_picks_the_session_up_where_the_log_left_it(qtbot, workspace, session_id, wall,
                                                                         keys) -> None:
    first = make_console(qtbot, workspace, session_id, wall, keys)
    page_down(qtbot)
    wall.advance(minutes=5)
    press(qtbot, Qt.Key.Key_E, CTRL)
    page_down(qtbot)
    press(qtbot, Qt.Key.Key_K, CTRL)  # the out-of-town-job scenario is skipped
    wall.advance(minutes=8)
    page_down(qtbot, 3)  # the next talk, then the group-chat scenario's screen and its vote
    assert first.run.delivery.current == GROUP_CHAT and first.stage_label.text() == "Step 2 of 3: Vote"
    type_counts(qtbot, first, keys, [3, 2, 10, 1])
    focus(qtbot, first.agenda_table)
    page_down(qtbot)
    wall.advance(minutes=1)
    press(qtbot, Qt.Key.Key_P, CTRL)
    agenda, timer, drift = agenda_text(first), first.timer_label.text(), first.drift_label.text()
    title = first.now_title.text()
    close_console(first)  # the laptop crashed

    again = make_console(qtbot, workspace, session_id, wall, keys)
    try:
        assert agenda_text(again) == agenda
        assert (again.timer_label.text(), again.drift_label.text(), again.now_title.text()) == (timer, drift, title)
        assert again.run.delivery.current == GROUP_CHAT and again.run.delivery.paused_since is not None
        assert again.pause_button.text() == "Resume (Ctrl+P)"
        assert cell(again, row_of(again, OUT_OF_TOWN), STATE) == "skipped"
        assert cell(again, row_of(again, WELCOME), MINUTES) == "5"
        # On the step it was on (the results, revealed), not step 1: the room sees what it saw.
        assert again.stage_label.text().startswith("Step 3 of 3: Results")
        assert again.current_slide().kind is SlideKind.RESULTS and again.current_slide().counts == (3, 2, 10, 1)
        before = log(workspace, session_id)
        press(qtbot, Qt.Key.Key_P, CTRL)
        assert log(workspace, session_id) == [*before, ("resumed", None)]
    finally:
        close_console(again)


def seal(workspace: Workspace, session_id: str) -> None:
    close_session(workspace, session_id, signer(workspace, create_as="Jordan Ellis"))


def test_a_sealed_sessions_console_refuses_steps(qtbot, workspace, session_id, wall, keys) -> None:
    seal(workspace, session_id)
    view = make_console(qtbot, workspace, session_id, wall, keys)
    refused = f"Session {session_id} is sealed; its delivery can no longer change"
    try:
        for key, modifiers in ((PAGE_DOWN, Qt.KeyboardModifier.NoModifier), (PAGE_DOWN, CTRL), (Qt.Key.Key_E, CTRL),
                               (Qt.Key.Key_K, CTRL)):  # the step keys are off: nothing happens, nothing is recorded
            with qtbot.assertNotEmitted(view.delivery_changed):
                press(qtbot, key, modifiers)
            assert "sealed" in view.message.text()
        view.message.clear()
        view.agenda_table.setCurrentIndex(view.agenda.index(row_of(view, FEEDBACK), 0))
        qtbot.keyClick(view.agenda_table, Qt.Key.Key_Return)
        assert view.message.text() == refused
        assert log(workspace, session_id) == [] and view.run.delivery.current is None
        assert view.current_slide().kind is SlideKind.WELCOME
    finally:
        close_console(view)


def test_a_console_opened_on_a_sealed_session_says_so_at_once(qtbot, workspace, session_id, wall, keys) -> None:
    seal(workspace, session_id)
    view = make_console(qtbot, workspace, session_id, wall, keys)
    try:
        assert "sealed" in view.message.text()
        assert not view.shortcuts["Next step"].isEnabled()
    finally:
        close_console(view)


def test_sealing_while_the_console_is_open_turns_its_steps_off(qtbot, console, workspace, session_id) -> None:
    page_down(qtbot)
    seal(workspace, session_id)
    console.refresh_after_seal()
    assert "This session is sealed" in console.message.text()
    before = log(workspace, session_id)
    page_down(qtbot)
    press(qtbot, Qt.Key.Key_P, CTRL)
    assert log(workspace, session_id) == before
    press(qtbot, Qt.Key.Key_B, CTRL)  # the screen can still be blanked
    assert console.current_slide().kind is SlideKind.BLANK


# --- signals ----------------------------------------------------------------------------------------------------

def test_delivery_changed_follows_every_recorded_step(qtbot, console, keys, workspace, session_id) -> None:
    steps = [(PAGE_DOWN, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_P, CTRL), (Qt.Key.Key_P, CTRL),
             (Qt.Key.Key_E, CTRL), (Qt.Key.Key_K, CTRL), (PAGE_DOWN, CTRL)]
    for n, (key, modifiers) in enumerate(steps, start=1):
        with qtbot.waitSignal(console.delivery_changed, timeout=WAIT_MS) as blocker:
            press(qtbot, key, modifiers)
        run = blocker.args[0]
        assert run.delivery.log_length == n == len(log(workspace, session_id))
        assert run is console.run
    assert console.run.delivery.current == OUT_OF_TOWN
    with qtbot.assertNotEmitted(console.delivery_changed):
        page_down(qtbot)  # onto the scenario's vote: a step within the segment, nothing recorded
    type_counts(qtbot, console, keys, [1, 1, 1, 1])
    with qtbot.waitSignal(console.delivery_changed, timeout=WAIT_MS) as blocker:
        page_down(qtbot)  # the counts, then the reveal: one step for the trainer, said once
    assert blocker.args[0].delivery.log_length == console.run.delivery.log_length == len(steps) + 2


def test_slide_changed_only_when_the_slide_changes(qtbot, console) -> None:
    with qtbot.waitSignal(console.slide_changed, timeout=WAIT_MS) as blocker:
        page_down(qtbot)
    assert blocker.args[0].kind is SlideKind.TEXT and blocker.args[0] == console.current_slide()
    with qtbot.assertNotEmitted(console.slide_changed):
        press(qtbot, Qt.Key.Key_E, CTRL)  # more time: the room's slide is the same
    with qtbot.waitSignal(console.slide_changed, timeout=WAIT_MS) as blocker:
        page_down(qtbot)
    assert blocker.args[0] == console.current_slide() and blocker.args[0].heading == "What harassment is"


def test_the_close_button_asks_to_close_and_seal_this_session(qtbot, console, session_id) -> None:
    button = next(b for b in console.findChildren(QPushButton) if b.accessibleName() == "Close and seal the session")
    with qtbot.waitSignal(console.close_requested, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [session_id]


# --- models -----------------------------------------------------------------------------------------------------

def test_every_model_passes_the_model_tester(qtmodeltester, qtbot, console, keys, workspace, session_id) -> None:
    for name in ARRIVING:
        scan(qtbot, keys, badge(workspace, session_id, name))
    page_down(qtbot)
    start_from_agenda(qtbot, console, ROLE_PLAY)
    people = console.role_panel.people
    people.setData(people.index(1, 1), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    press(qtbot, Qt.Key.Key_G, CTRL)
    for model in (console.agenda, people, console.role_panel.groups):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


# --- in the main window -----------------------------------------------------------------------------------------

def test_the_demo_opens_the_console_with_the_check_in_desk(qtbot, demo_window) -> None:
    win, session_id = demo_window
    console = win.open_console(session_id, checkin=True)
    assert console is win.console and console.session_id == session_id
    assert win.tabs.currentIndex() == RUN_TAB and console.checkin_open
    qtbot.waitUntil(lambda: QApplication.focusWidget() is console.checkin.field, timeout=WAIT_MS)
    assert console.catcher.installed and console.current_slide().kind is SlideKind.CHECKIN
    qtbot.keyClick(console.checkin.field, Qt.Key.Key_F2)  # the console's F2, not the window's
    assert not console.checkin_open and win.tabs.currentIndex() == RUN_TAB and win.checkin_view is None


def test_ctrl_4_runs_the_selected_session(qtbot, demo_window) -> None:
    win, session_id = demo_window
    assert win.tabs.currentIndex() == SESSIONS_TAB and win.console is None
    qtbot.keyClick(win.sessions_view.table, Qt.Key.Key_4, CTRL)
    assert win.tabs.currentIndex() == RUN_TAB
    assert win.console is not None and win.console.session_id == session_id and not win.console.checkin_open
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.console.agenda_table, timeout=WAIT_MS)
    qtbot.keyClick(win.console.agenda_table, PAGE_DOWN)
    assert win.console.run.delivery.current == WELCOME


def test_attach_with_run_opens_straight_into_the_console(qtbot, workspace, session_id) -> None:
    win = MainWindow()
    qtbot.addWidget(win)
    win.attach(workspace, session_id, run=True)
    win.show()
    qtbot.waitExposed(win)
    assert win.tabs.currentIndex() == RUN_TAB
    assert win.console is not None and win.console.session_id == session_id and win.console.checkin_open
    assert win.console.current_slide().kind is SlideKind.CHECKIN


def test_close_and_seal_in_the_console_opens_the_close_dialog(qtbot, demo_window) -> None:
    from facilitator.ui.dialogs.close_session import CloseSessionDialog

    win, session_id = demo_window
    console = win.open_console(session_id)
    button = next(b for b in console.findChildren(QPushButton) if b.accessibleName() == "Close and seal the session")
    button.click()
    dialog = win.findChild(CloseSessionDialog)
    assert dialog is not None and dialog.session.id == session_id
    dialog.reject()


# --- the audience window ----------------------------------------------------------------------------------------

def audience_module():
    return pytest.importorskip("facilitator.ui.audience.window", reason="the audience window is not written yet")


def test_f7_shows_the_audience_window_with_the_current_slide(qtbot, console) -> None:
    audience_module()
    press(qtbot, Qt.Key.Key_F7)
    audience = console.audience
    assert audience is not None  # closed with the console
    qtbot.waitExposed(audience)
    assert audience.slide == console.current_slide() and audience.slide.kind is SlideKind.WELCOME
    assert QApplication.activeWindow() is console  # the keyboard stays with the presenter
    focus(qtbot, console.agenda_table)
    page_down(qtbot)
    assert audience.slide == console.current_slide() and audience.slide.kind is SlideKind.TEXT
    press(qtbot, Qt.Key.Key_B, CTRL)
    assert audience.slide.kind is SlideKind.BLANK
    press(qtbot, Qt.Key.Key_F7)
    assert not audience.isVisible()


def test_the_audience_window_never_shows_the_trainers_notes(qtbot, console, keys, workspace, session_id) -> None:
    audience_module()
    press(qtbot, Qt.Key.Key_F7)
    audience = console.audience
    focus(qtbot, console.agenda_table)
    shown: list[Slide] = []
    audience.slide_shown.connect(shown.append)
    for name in ARRIVING:
        scan(qtbot, keys, badge(workspace, session_id, name))
    checked: set[str] = set()
    for segment_id in (OUT_OF_TOWN, ROLE_PLAY, KNOWLEDGE_CHECK):
        start_from_agenda(qtbot, console, segment_id)
        segment = segment_of(console, segment_id)
        secret = private_lines(segment)
        assert secret and any(line in console.notes.toPlainText() for line in secret)  # the trainer sees them
        for stage in range(len(console._stages())):
            if console.vote_panel.spins and console.panels.currentWidget() is console.vote_panel:
                type_counts(qtbot, console, keys, [1] * len(console.vote_panel.spins))
            focus(qtbot, console.agenda_table)
            if stage:
                page_down(qtbot)
            if segment_id == ROLE_PLAY and stage == 0:
                press(qtbot, Qt.Key.Key_G, CTRL)
            text = slide_text(audience.slide)
            assert audience.slide == console.current_slide()
            for line in secret:
                assert line not in text, (segment_id, stage, line)
            checked.add(f"{segment_id}:{audience.slide.kind}")
    assert {"scenario-out-of-town-job:results", "practice-saying-something:round",
            "knowledge-check:answer"} <= checked
    everything = "\n".join(slide_text(s) for s in shown)
    for person in demo_people():
        assert person.full_name not in everything
    assert DeliveryKind.REVEALED.value in {kind for kind, _ in log(workspace, session_id)}
    assert RunState.RUNNING in {r.state for r in console.agenda.rows()}
