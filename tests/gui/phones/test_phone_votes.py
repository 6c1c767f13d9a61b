"""Phones' votes in the console's vote panel (docs/companion.md): beside each count box as they arrive from the
phones' server (another connection), with the total the room will see; never on the projector before the reveal;
after it, the projector's chart holds hands and phones together, under the small-group rule."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from facilitator.services import phone_votes
from facilitator.services.slides import SlideKind
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.ui.console.view import ConsoleView
from tests.gui.waiting import WAIT_MS

from ..test_console import OUT_OF_TOWN, page_down, start_from_agenda, type_counts

WITHIN_MS = 2000


def phones_vote(workspace: Workspace, session_id: str, segment: str, options: Sequence[int]) -> None:
    """Phones answer the question on screen, each with a ballot of its own, through the server's own connection."""
    server = open_workspace(workspace.data_dir)
    try:
        for option in options:
            phone_votes.cast_vote(server, session_id, segment, 0, option, secrets.token_urlsafe(16))
    finally:
        server.close()


def on_the_vote(qtbot, console: ConsoleView) -> None:
    start_from_agenda(qtbot, console, OUT_OF_TOWN)
    page_down(qtbot)  # from the scenario's text to its vote
    assert console.current_slide().kind is SlideKind.VOTE and len(console.vote_panel.spins) == 4


def phone_texts(console: ConsoleView) -> list[str]:
    return [label.text() for label in console.vote_panel.phone_labels]


def test_phone_votes_show_beside_the_hands_as_they_arrive_and_never_on_the_projector(
        qtbot, phones_console, keys, workspace, session_id) -> None:
    console = phones_console
    on_the_vote(qtbot, console)
    assert not any(label.isVisible() for label in console.vote_panel.phone_labels)  # no phones: no column
    console.phones.start("127.0.0.1", 8765)
    assert phone_texts(console) == ["+ 0 by phone"] * 4
    assert all(label.isVisible() for label in console.vote_panel.phone_labels)
    type_counts(qtbot, console, keys, [3, 0, 5, 1])
    phones_vote(workspace, session_id, OUT_OF_TOWN, [2, 2, 0])
    qtbot.waitUntil(lambda: phone_texts(console) == ["+ 1 by phone", "+ 0 by phone", "+ 2 by phone",
                                                     "+ 0 by phone"], timeout=WITHIN_MS)
    assert console.vote_panel.total.text() == "Total at the reveal: 12 (9 hands + 3 by phone)"
    shown = console.current_slide()  # the trainer's screen only, until the reveal
    assert shown.kind is SlideKind.VOTE and shown.counts is None and "by phone" not in shown.body
    window = console.link.toggle()
    assert not any("phone" in text or text.startswith("+") for text in window.composition().texts())
    page_down(qtbot)  # reveal: the counts typed are recorded, the phones' joined to them
    qtbot.waitUntil(lambda: console.current_slide().kind is SlideKind.RESULTS, timeout=WAIT_MS)
    assert console.current_slide().counts == (4, 0, 7, 1)  # hands + phones, as the chart shows them
    assert window.slide.counts == (4, 0, 7, 1)
    assert console.vote_panel.counts() == [3, 0, 5, 1]  # the boxes keep the hands alone
    assert console.vote_panel.total.text() == "Shown to the room: 12 (9 hands + 3 by phone)"


def test_few_answers_show_only_a_total_on_the_projector_hands_and_phones_alike(
        qtbot, phones_console, keys, workspace, session_id) -> None:
    console = phones_console
    on_the_vote(qtbot, console)
    console.phones.start("127.0.0.1", 8765)
    type_counts(qtbot, console, keys, [1, 0, 0, 0])
    phones_vote(workspace, session_id, OUT_OF_TOWN, [1, 3])
    qtbot.waitUntil(lambda: console.vote_panel.phones == (0, 1, 0, 1), timeout=WITHIN_MS)
    page_down(qtbot)
    qtbot.waitUntil(lambda: console.current_slide().kind is SlideKind.RESULTS, timeout=WAIT_MS)
    results = console.current_slide()
    assert results.counts is None and "3 hands in all: too few to show per option" in results.body


def test_phones_that_voted_stay_beside_the_hands_after_phones_are_stopped(qtbot, phones_console, workspace,
                                                                          session_id) -> None:
    console = phones_console
    on_the_vote(qtbot, console)
    console.phones.start("127.0.0.1", 8765)
    phones_vote(workspace, session_id, OUT_OF_TOWN, [0])
    qtbot.waitUntil(lambda: console.vote_panel.phones == (1, 0, 0, 0), timeout=WITHIN_MS)
    console.phones.stop()
    assert console.vote_panel.phones == (1, 0, 0, 0)  # they will be in the reveal: the trainer keeps seeing them
