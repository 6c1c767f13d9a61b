"""Questions from the room at the console (docs/companion.md): sent from phones through another connection, they
wait in a tab beside the notes that counts them and turns red for new ones; Enter puts one on the projector
(recorded as shown first), Esc or Page Down takes it down; Delete dismisses one; nothing waiting or dismissed
ever reaches the projector."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from facilitator.services import audience_questions
from facilitator.services.audience_questions import QuestionState
from facilitator.services.slides import SlideKind
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.ui.console.questions import NEW
from facilitator.ui.console.view import ConsoleView
from tests.gui.waiting import WAIT_MS

from ..test_console import CTRL, SHIFT, WHAT_IT_IS, collect_slides, page_down, press, start_from_agenda

WITHIN_MS = 2000
MANAGER = "What if the person making the jokes is my own manager?"
JOKE = "Is a joke between friends ever OK?"


def ask_from_phones(workspace: Workspace, session_id: str, *questions: str) -> None:
    server = open_workspace(workspace.data_dir)  # the phones' server writes on a connection of its own
    try:
        for question in questions:
            audience_questions.ask(server, session_id, question)
    finally:
        server.close()


def states(workspace: Workspace, session_id: str) -> dict[str, str]:
    return {q.text: q.state for q in audience_questions.questions(workspace, session_id)}


def tab(console: ConsoleView) -> tuple[str, bool]:
    bar, index = console.notes_tabs.tabBar(), console.questions.index
    return bar.tabText(index), bar.tabTextColor(index) == NEW


def test_questions_wait_in_a_tab_that_counts_them_and_never_reach_the_projector_by_themselves(
        qtbot, phones_console, workspace, session_id) -> None:
    console = phones_console
    slides = collect_slides(console)
    assert tab(console) == ("Questions from the room (0)", False)
    assert console.notes_tabs.currentWidget() is console.notes  # the notes keep their place
    ask_from_phones(workspace, session_id, MANAGER, JOKE)
    qtbot.waitUntil(lambda: tab(console) == ("Questions from the room (2)", True), timeout=WITHIN_MS)
    press(qtbot, Qt.Key.Key_Q, CTRL | SHIFT)
    assert console.notes_tabs.currentWidget() is console.questions
    assert QApplication.focusWidget() is console.questions.table
    assert tab(console) == ("Questions from the room (2)", False)  # looked at: no longer new
    assert [q.text for q in console.questions.waiting()] == [MANAGER, JOKE]
    assert not any(MANAGER in s.body or JOKE in s.body for s in slides)


def test_enter_shows_a_question_on_the_projector_and_esc_takes_it_down(qtbot, phones_console, workspace,
                                                                      session_id) -> None:
    console = phones_console
    start_from_agenda(qtbot, console, WHAT_IT_IS)
    before = console.current_slide()
    ask_from_phones(workspace, session_id, MANAGER, JOKE)
    qtbot.waitUntil(lambda: len(console.questions.waiting()) == 2, timeout=WITHIN_MS)
    console.questions.focus()
    qtbot.keyClick(console.questions.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.current_slide().kind is SlideKind.ROOM_QUESTION, timeout=WAIT_MS)
    window = console.link.toggle()
    assert (window.slide.heading, window.slide.body) == ("Question from the room", MANAGER)
    assert states(workspace, session_id) == {MANAGER: QuestionState.SHOWN, JOKE: QuestionState.WAITING}
    assert [q.text for q in console.questions.waiting()] == [JOKE]
    assert console.questions.take_down_button.isEnabled()
    qtbot.keyClick(console.questions.table, Qt.Key.Key_Escape)  # the list leaves Esc to the console
    assert console.current_slide() == before and window.slide == before
    assert not console.questions.take_down_button.isEnabled()


def test_page_down_first_takes_a_question_down_then_moves_on(qtbot, phones_console, workspace, session_id) -> None:
    console = phones_console
    start_from_agenda(qtbot, console, WHAT_IT_IS)
    step = console.stage_index
    ask_from_phones(workspace, session_id, JOKE)
    qtbot.waitUntil(lambda: bool(console.questions.waiting()), timeout=WITHIN_MS)
    console.questions.show_on_screen()
    assert console.current_slide().kind is SlideKind.ROOM_QUESTION
    console.agenda_table.setFocus()
    page_down(qtbot)
    assert console.current_slide().kind is not SlideKind.ROOM_QUESTION and console.stage_index == step
    assert console.run.delivery.current == WHAT_IT_IS


def test_delete_dismisses_a_question_which_never_reaches_the_projector(qtbot, phones_console, workspace,
                                                                      session_id) -> None:
    console = phones_console
    slides = collect_slides(console)
    ask_from_phones(workspace, session_id, MANAGER, JOKE)
    qtbot.waitUntil(lambda: len(console.questions.waiting()) == 2, timeout=WITHIN_MS)
    console.questions.focus()
    qtbot.keyClick(console.questions.table, Qt.Key.Key_Down)
    qtbot.keyClick(console.questions.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: [q.text for q in console.questions.waiting()] == [MANAGER], timeout=WAIT_MS)
    assert states(workspace, session_id)[JOKE] == QuestionState.DISMISSED
    assert tab(console)[0] == "Questions from the room (1)"
    assert not any(JOKE in s.body for s in slides) and console.current_slide().kind is not SlideKind.ROOM_QUESTION
