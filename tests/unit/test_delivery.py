"""Running a session through the services, on a real SQLite file: each step is appended to the delivery log in
its own transaction, refused steps change nothing, a sealed session takes no more steps, reopening the folder
replays the same delivery, the log cannot be edited, and anonymous feedback keeps nothing about who gave it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from facilitator.domain.delivery import DeliveryKind, RunState, rotate_roles
from facilitator.services import attendance, closing, delivery
from facilitator.services.demo import ensure_demo_session
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME

NOW = datetime.now(UTC).replace(microsecond=0)
ROLE_PLAY = "practice-saying-something"  # Speaker, Coworker, Observer: three parts, no volunteer-only one
SCENARIO = "scenario-out-of-town-job"  # four options
QUIZ = "knowledge-check"  # six questions; the last has four options
FEEDBACK = "feedback"  # a rating from 1 to 5


def t(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def sid(workspace: Workspace) -> str:
    return ensure_demo_session(workspace, date.today())


def db_file(ws: Workspace) -> Path:
    return ws.data_dir / DATABASE_NAME


def count(ws: Workspace, table: str) -> int:
    with contextlib.closing(sqlite3.connect(db_file(ws))) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def check_in(ws: Workspace, sid: str, how_many: int) -> list[str]:
    """Check the first `how_many` on the demo roster in; their badge tokens."""
    codes = [p.badge_code for p in get_session(ws, sid).roster][:how_many]
    for code in codes:
        assert attendance.check_in(ws, sid, code).accepted
    return codes


def segment_ids(ws: Workspace, sid: str) -> list[str]:
    return [s.id for s in delivery.session_run(ws, sid).workshop.segments]


# --- the presenter's controls --------------------------------------------------------------------------------

def test_advance_runs_the_segments_in_order_and_ends_after_the_last(workspace: Workspace, sid: str) -> None:
    ids = segment_ids(workspace, sid)
    for i, segment in enumerate(ids):
        run = delivery.advance(workspace, sid, at=t(i))
        assert run.delivery.current == segment
        assert run.delivery.current_run is not None and run.delivery.current_run.spans == [(t(i), None)]
    run = delivery.advance(workspace, sid, at=t(len(ids)))  # after the last, it just ends
    assert run.delivery.current is None and run.delivery.next_up is None and run.delivery.finished
    assert {r.state(None) for r in run.delivery.runs} == {RunState.DONE}
    assert [r.segment.id for r in run.delivery.runs] == ids
    with pytest.raises(UserError, match="every segment has been run or skipped"):
        delivery.advance(workspace, sid, at=t(len(ids) + 1))
    assert count(workspace, "delivery_events") == len(ids) + 1


def test_pause_resume_extend_end_and_a_note(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, "welcome", at=t(0))
    paused = delivery.pause(workspace, sid, at=t(2))
    assert paused.delivery.current_run is not None
    assert paused.delivery.current_run.state(paused.delivery.paused_since) is RunState.PAUSED
    delivery.resume(workspace, sid, at=t(5))
    delivery.extend(workspace, sid, 3, at=t(6))
    delivery.note(workspace, sid, "welcome", "  ran long:\n good   questions  ", at=t(6))
    run = delivery.end(workspace, sid, at=t(9)).delivery
    welcome = run.run_of("welcome")
    assert welcome.spans == [(t(0), t(9))] and welcome.paused == timedelta(minutes=3)
    assert welcome.elapsed(t(60)) == timedelta(minutes=6)
    assert welcome.extra_minutes == 3 and welcome.allowed == timedelta(minutes=4 + 3)
    assert welcome.notes == ["ran long: good questions"]  # whitespace tidied
    assert run.current is None and run.next_up is not None and run.next_up.segment.id == "what-harassment-is"
    assert count(workspace, "delivery_events") == 6


def test_ending_while_paused_closes_the_pause(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, "welcome", at=t(0))
    delivery.pause(workspace, sid, at=t(1))
    run = delivery.end(workspace, sid, at=t(4)).delivery
    assert run.paused_since is None and run.run_of("welcome").paused == timedelta(minutes=3)
    run = delivery.advance(workspace, sid, at=t(5)).delivery
    assert run.current == "what-harassment-is" and run.paused_since is None


def test_skipping_passes_over_the_next_segment_or_a_named_one(workspace: Workspace, sid: str) -> None:
    run = delivery.skip(workspace, sid, at=t(0)).delivery
    assert run.run_of("welcome").state(None) is RunState.SKIPPED
    assert run.next_up is not None and run.next_up.segment.id == "what-harassment-is"
    delivery.advance(workspace, sid, at=t(1))
    run = delivery.skip(workspace, sid, "identity-and-abusive-conduct", at=t(2)).delivery
    assert run.next_up is not None and run.next_up.segment.id == SCENARIO
    run = delivery.end(workspace, sid, at=t(3)).delivery
    assert run.next_up is not None and run.next_up.segment.id == SCENARIO  # not past it, to the-law
    assert delivery.advance(workspace, sid, at=t(4)).delivery.current == SCENARIO
    run = delivery.advance(workspace, sid, at=t(5)).delivery
    assert run.current == "scenario-group-chat"  # the skipped one is passed over


def test_going_back_to_an_earlier_segment_then_on(workspace: Workspace, sid: str) -> None:
    for i in range(3):
        delivery.advance(workspace, sid, at=t(i))
    run = delivery.start(workspace, sid, "welcome", at=t(10)).delivery
    assert len(run.run_of("welcome").spans) == 2 and run.run_of(SCENARIO).state(None) is RunState.DONE
    assert run.next_up is not None and run.next_up.segment.id == "identity-and-abusive-conduct"
    assert delivery.advance(workspace, sid, at=t(11)).delivery.current == "identity-and-abusive-conduct"


def test_nothing_to_skip_after_the_last_segment(workspace: Workspace, sid: str) -> None:
    for segment in segment_ids(workspace, sid):
        delivery.skip(workspace, sid, segment, at=t(0))
    with pytest.raises(UserError, match="no segment left to skip"):
        delivery.skip(workspace, sid, at=t(1))


# --- refusals change nothing ---------------------------------------------------------------------------------

Action = Callable[[Workspace, str], object]


def running(ws: Workspace, sid: str) -> None:
    delivery.start(ws, sid, "welcome", at=t(0))


def paused(ws: Workspace, sid: str) -> None:
    running(ws, sid)
    delivery.pause(ws, sid, at=t(1))


def ended(ws: Workspace, sid: str) -> None:
    running(ws, sid)
    delivery.end(ws, sid, at=t(2))


def nothing(ws: Workspace, sid: str) -> None:
    pass


REFUSALS: list[tuple[str, Action, Action, str]] = [
    ("pause twice", paused, lambda ws, s: delivery.pause(ws, s, at=t(3)), "already paused"),
    ("resume, not paused", running, lambda ws, s: delivery.resume(ws, s, at=t(3)), "not paused"),
    ("resume, nothing run", nothing, lambda ws, s: delivery.resume(ws, s, at=t(3)), "not paused"),
    ("pause, nothing running", ended, lambda ws, s: delivery.pause(ws, s, at=t(3)), "no segment is running"),
    ("end, nothing running", nothing, lambda ws, s: delivery.end(ws, s, at=t(3)), "no segment is running"),
    ("end twice", ended, lambda ws, s: delivery.end(ws, s, at=t(3)), "no segment is running"),
    ("end another segment", running,
     lambda ws, s: delivery.record(ws, s, DeliveryKind.ENDED, SCENARIO, at=t(3)), "not running"),
    ("extend, nothing running", nothing, lambda ws, s: delivery.extend(ws, s, 5, at=t(3)), "no segment is running"),
    ("extend 0", running, lambda ws, s: delivery.extend(ws, s, 0, at=t(3)), "1 to 60"),
    ("extend 61", running, lambda ws, s: delivery.extend(ws, s, 61, at=t(3)), "1 to 60"),
    ("extend True", running, lambda ws, s: delivery.extend(ws, s, True, at=t(3)), "1 to 60"),
    ("skip a segment run", ended, lambda ws, s: delivery.skip(ws, s, "welcome", at=t(3)), "not been run"),
    ("skip the running one", running, lambda ws, s: delivery.skip(ws, s, "welcome", at=t(3)), "not been run"),
    ("start an unknown segment", nothing, lambda ws, s: delivery.start(ws, s, "no-such", at=t(3)), "no segment"),
    ("tally a negative count", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, -1, 0, 0], at=t(3)), "whole numbers"),
    ("tally a bool", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, True, 0, 0], at=t(3)), "whole numbers"),
    ("tally too many", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, 10_001, 0, 0], at=t(3)), "whole numbers"),
    ("tally a fraction", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, 2.5, 0, 0], at=t(3)), "whole numbers"),
    ("tally nothing", nothing, lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [], at=t(3)), "one count per option"),
    ("tally too few counts", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, 2, 3], at=t(3)), "4 options, 3 counts"),
    ("tally too many counts", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, 2, 3, 4, 5], at=t(3)), "4 options, 5 counts"),
    ("tally a second scenario vote", nothing,
     lambda ws, s: delivery.tally(ws, s, SCENARIO, 1, [1, 2, 3, 4], at=t(3)), "no vote or question 2"),
    ("tally a question past the last", nothing,
     lambda ws, s: delivery.tally(ws, s, QUIZ, 6, [1, 2, 3, 4], at=t(3)), "no vote or question 7"),
    ("tally question -1", nothing,
     lambda ws, s: delivery.tally(ws, s, QUIZ, -1, [1, 2, 3, 4], at=t(3)), "no vote or question"),
    ("tally a talk", nothing, lambda ws, s: delivery.tally(ws, s, "welcome", 0, [1], at=t(3)), "no vote"),
    ("reveal before the tally", nothing,
     lambda ws, s: delivery.reveal(ws, s, SCENARIO, 0, at=t(3)), "count the hands first"),
    ("an empty note", nothing, lambda ws, s: delivery.note(ws, s, "welcome", " \n\t ", at=t(3)), "empty"),
    ("a long note", nothing, lambda ws, s: delivery.note(ws, s, "welcome", "x" * 2001, at=t(3)), "keep it to 2000"),
    ("a NUL in a note", nothing, lambda ws, s: delivery.note(ws, s, "welcome", "a\x00b", at=t(3)), "U\\+0000"),
    ("assign a talk", nothing, lambda ws, s: delivery.assign(ws, s, "welcome", ["a", "b", "c"]), "not a role-play"),
    ("assign too few", nothing,
     lambda ws, s: delivery.assign(ws, s, ROLE_PLAY, ["a", "b", "c"], opted_out=["c"]), "2 people can play"),
    ("assign nobody", nothing, lambda ws, s: delivery.assign(ws, s, ROLE_PLAY, []), "0 people can play"),
    ("rotate before assigning", nothing, lambda ws, s: delivery.rotate(ws, s, ROLE_PLAY), "assign the roles first"),
]


@pytest.mark.parametrize("setup, action, message", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refused_step_is_a_user_error_and_changes_nothing(workspace: Workspace, sid: str, setup: Action,
                                                            action: Action, message: str) -> None:
    setup(workspace, sid)
    before = delivery.session_run(workspace, sid).delivery
    rows = count(workspace, "delivery_events")
    with pytest.raises(UserError, match=message):
        action(workspace, sid)
    assert count(workspace, "delivery_events") == rows
    assert delivery.session_run(workspace, sid).delivery == before


# --- votes -------------------------------------------------------------------------------------------------------

def test_a_tally_needs_one_count_per_option_and_a_later_one_replaces_it(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, SCENARIO, at=t(0))
    delivery.tally(workspace, sid, SCENARIO, 0, [1, 2, 3, 4], at=t(1))
    run = delivery.tally(workspace, sid, SCENARIO, 0, [0, 1, 17, 2], at=t(2)).delivery
    assert run.run_of(SCENARIO).tallies == {0: (0, 1, 17, 2)}
    assert run.run_of(SCENARIO).revealed == set()
    run = delivery.reveal(workspace, sid, SCENARIO, 0, at=t(3)).delivery
    assert run.run_of(SCENARIO).revealed == {0}
    # A knowledge check: each question has its own tally, with its own number of options.
    delivery.tally(workspace, sid, QUIZ, 0, [3, 9], at=t(4))
    run = delivery.tally(workspace, sid, QUIZ, 5, [1, 2, 3, 4], at=t(5)).delivery
    assert run.run_of(QUIZ).tallies == {0: (3, 9), 5: (1, 2, 3, 4)}
    with pytest.raises(UserError, match="count the hands first"):
        delivery.reveal(workspace, sid, QUIZ, 1, at=t(6))
    assert count(workspace, "delivery_events") == 6


# --- a sealed session --------------------------------------------------------------------------------------------

def test_a_sealed_session_refuses_every_step_and_all_feedback(workspace: Workspace, sid: str) -> None:
    tokens = check_in(workspace, sid, 4)
    delivery.start(workspace, sid, SCENARIO, at=t(0))
    delivery.tally(workspace, sid, SCENARIO, 0, [0, 0, 4, 0], at=t(1))
    delivery.assign(workspace, sid, ROLE_PLAY, tokens, seed=1, at=t(2))
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=5, comment="useful")
    closing.close_session(workspace, sid, signer(workspace, create_as="Jordan Ellis"), at=t(3))
    rows, responses = count(workspace, "delivery_events"), count(workspace, "feedback_responses")
    before = delivery.session_run(workspace, sid)
    assert before.sealed
    steps: list[Action] = [
        lambda ws, s: delivery.start(ws, s, "welcome", at=t(4)),
        lambda ws, s: delivery.advance(ws, s, at=t(4)),
        lambda ws, s: delivery.end(ws, s, at=t(4)),
        lambda ws, s: delivery.pause(ws, s, at=t(4)),
        lambda ws, s: delivery.resume(ws, s, at=t(4)),
        lambda ws, s: delivery.extend(ws, s, 5, at=t(4)),
        lambda ws, s: delivery.skip(ws, s, at=t(4)),
        lambda ws, s: delivery.skip(ws, s, "the-law", at=t(4)),
        lambda ws, s: delivery.note(ws, s, "welcome", "late note", at=t(4)),
        lambda ws, s: delivery.tally(ws, s, SCENARIO, 0, [1, 1, 1, 1], at=t(4)),
        lambda ws, s: delivery.reveal(ws, s, SCENARIO, 0, at=t(4)),
        lambda ws, s: delivery.assign(ws, s, ROLE_PLAY, tokens, seed=2, at=t(4)),
        lambda ws, s: delivery.rotate(ws, s, ROLE_PLAY, at=t(4)),
        lambda ws, s: delivery.record(ws, s, DeliveryKind.NOTE, "welcome", {"text": "x"}, at=t(4)),
        lambda ws, s: delivery.add_feedback(ws, s, FEEDBACK, rating=1, comment="after the seal"),
        lambda ws, s: delivery.add_feedback(ws, s, FEEDBACK, rating=None, comment="comment only"),
        lambda ws, s: delivery.remove_last_feedback(ws, s, FEEDBACK),
    ]
    for i, action in enumerate(steps):
        with pytest.raises(UserError, match="sealed"):
            action(workspace, sid)
        assert (count(workspace, "delivery_events"), count(workspace, "feedback_responses")) == (rows, responses), i
    assert delivery.session_run(workspace, sid).delivery == before.delivery


# --- the log is the state ----------------------------------------------------------------------------------------

def test_reopening_the_folder_replays_the_same_delivery(workspace: Workspace, sid: str, data_dir: Path) -> None:
    tokens = check_in(workspace, sid, 6)
    delivery.advance(workspace, sid, at=t(0))
    delivery.skip(workspace, sid, at=t(1))
    delivery.start(workspace, sid, SCENARIO, at=t(2))
    delivery.tally(workspace, sid, SCENARIO, 0, [1, 0, 5, 0], at=t(3))
    delivery.reveal(workspace, sid, SCENARIO, 0, at=t(4))
    delivery.note(workspace, sid, SCENARIO, "lively", at=t(5))
    delivery.extend(workspace, sid, 2, at=t(6))
    delivery.assign(workspace, sid, ROLE_PLAY, tokens, opted_out=tokens[:1], seed=3, at=t(7))
    delivery.rotate(workspace, sid, ROLE_PLAY, at=t(8))
    before = delivery.pause(workspace, sid, at=t(9))  # pulled the plug while paused
    workspace.close()
    again = open_workspace(data_dir)
    try:
        after = delivery.session_run(again, sid)
        assert after.delivery == before.delivery
        assert after.delivery.current == SCENARIO and after.delivery.paused_since == t(9)
        assert after.delivery.log_length == 10
        assert after.planned_start == before.planned_start
        resumed = delivery.resume(again, sid, at=t(12)).delivery  # and carries on from there
        assert resumed.run_of(SCENARIO).paused == timedelta(minutes=3)
    finally:
        again.close()


def test_the_delivery_log_refuses_update_and_delete(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, "welcome", at=t(0))
    delivery.end(workspace, sid, at=t(3))
    with contextlib.closing(sqlite3.connect(db_file(workspace))) as conn:
        before = conn.execute("SELECT * FROM delivery_events ORDER BY id").fetchall()
        for sql in ("UPDATE delivery_events SET occurred_at = '2000-01-01T00:00:00+00:00'",
                    "UPDATE delivery_events SET kind = 'skipped' WHERE seq = 1",
                    "DELETE FROM delivery_events WHERE seq = 2",
                    "DELETE FROM delivery_events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
            conn.rollback()
        assert conn.execute("SELECT * FROM delivery_events ORDER BY id").fetchall() == before
    assert len(before) == 2
    assert delivery.session_run(workspace, sid).delivery.run_of("welcome").spans == [(t(0), t(3))]


# --- role-plays --------------------------------------------------------------------------------------------------

def test_assign_among_those_present_then_rotate_both_replay_from_the_log(workspace: Workspace, sid: str) -> None:
    tokens = check_in(workspace, sid, 8)
    assert attendance.check_out(workspace, sid, tokens[7]).accepted  # left: not in the room any more
    present = delivery.people_present(workspace, sid)
    assert sorted(token for token, _ in present) == sorted(tokens[:7])
    assert dict(present)[tokens[0]] == "Amara Okafor"
    people = [token for token, _ in present]
    first = delivery.assign(workspace, sid, ROLE_PLAY, people, opted_out=[tokens[0]], volunteers=[tokens[1]],
                            seed=42, at=t(0))
    assert first.round == 1
    assert sorted(p for g in first.groups for p in g.people) == sorted(people)
    assert [w for g in first.groups for w in g.watchers] == [tokens[0]]
    assert all(person is not None for g in first.groups for _, person in g.players)
    second = delivery.rotate(workspace, sid, ROLE_PLAY, at=t(1))
    assert second.round == 2
    roles = delivery.roles_of(delivery.session_run(workspace, sid).segment(ROLE_PLAY))
    assert second == rotate_roles(first, roles)
    assert delivery.session_run(workspace, sid).delivery.run_of(ROLE_PLAY).role_rounds == [first, second]
    names = delivery.names_by_token(workspace, sid)
    assert names[tokens[0]] == "Amara Okafor" and len(names) == 24


def test_the_same_seed_gives_the_same_groups(workspace: Workspace, sid: str) -> None:
    people = check_in(workspace, sid, 9)
    one = delivery.assign(workspace, sid, ROLE_PLAY, people, seed=7, at=t(0))
    two = delivery.assign(workspace, sid, ROLE_PLAY, people, seed=7, at=t(1))
    assert one == two
    assert delivery.session_run(workspace, sid).delivery.run_of(ROLE_PLAY).role_rounds == [one, two]


# --- anonymous feedback ------------------------------------------------------------------------------------------

def test_feedback_rows_hold_nothing_that_could_say_who_or_when(workspace: Workspace, sid: str) -> None:
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=4, comment="good")
    with contextlib.closing(sqlite3.connect(db_file(workspace))) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback_responses)")}
        assert columns == {"id", "session_id", "segment_id", "rating", "comment", "source"}
        assert conn.execute("SELECT session_id, segment_id, rating, comment, source FROM feedback_responses"
                            ).fetchall() == [(sid, FEEDBACK, 4, "good", "paper")]
    # and nothing about it reaches the delivery log
    assert count(workspace, "delivery_events") == 0


def test_the_spread_of_ratings_shows_only_from_five_ratings(workspace: Workspace, sid: str) -> None:
    for rating in (5, 4, 4, 2):
        summary = delivery.add_feedback(workspace, sid, FEEDBACK, rating=rating)
    assert summary.responses == summary.rated == 4 and summary.distribution is None
    assert summary.scale == 5 and summary.average == pytest.approx(3.75)
    summary = delivery.add_feedback(workspace, sid, FEEDBACK, rating=1)
    assert summary.distribution == (1, 1, 0, 2, 1)


def test_comment_only_responses_do_not_unlock_the_spread_of_a_few_ratings(workspace: Workspace, sid: str) -> None:
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=5)
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=1)
    for comment in ("ok", "fine", "thanks"):
        summary = delivery.add_feedback(workspace, sid, FEEDBACK, rating=None, comment=comment)
    assert summary.responses == 5 and summary.rated == 2
    assert summary.distribution is None


def test_comments_come_back_sorted(workspace: Workspace, sid: str) -> None:
    for comment in ("zebra crossing", "apples", "Mango", "  padded  "):
        summary = delivery.add_feedback(workspace, sid, FEEDBACK, rating=None, comment=comment)
    assert summary.comments == ("Mango", "apples", "padded", "zebra crossing")
    assert delivery.feedback_summary(workspace, sid).comments == summary.comments  # the whole session too


@pytest.mark.parametrize("rating, comment, message", [
    (0, "", "from 1 to 5"),
    (6, "", "from 1 to 5"),
    (-1, "fine", "from 1 to 5"),
    (True, "", "from 1 to 5"),
    (2.5, "", "from 1 to 5"),
    (None, "", "a rating, a comment, or both"),
    (None, " \n\t ", "a rating, a comment, or both"),
    (4, "x" * 2001, "2001 characters long; keep it to 2000"),
    (4, "bad\x00byte", "control character \\(U\\+0000\\)"),
    (None, "\x1b[31mred", "control character \\(U\\+001B\\)"),
    (None, "bell\x07", "control character"),
])
def test_bad_feedback_is_refused_and_stores_nothing(workspace: Workspace, sid: str, rating: object, comment: str,
                                                    message: str) -> None:
    with pytest.raises(UserError, match=message):
        delivery.add_feedback(workspace, sid, FEEDBACK, rating=rating, comment=comment)  # type: ignore[arg-type]
    assert count(workspace, "feedback_responses") == 0


def test_feedback_only_goes_to_a_feedback_round_from_paper_or_phone(workspace: Workspace, sid: str) -> None:
    with pytest.raises(UserError, match="not a feedback round"):
        delivery.add_feedback(workspace, sid, "welcome", rating=4)
    with pytest.raises(UserError, match="no segment 'nope'"):
        delivery.add_feedback(workspace, sid, "nope", rating=4)
    with pytest.raises(UserError, match="paper or phone"):
        delivery.add_feedback(workspace, sid, FEEDBACK, rating=4, source="10.0.0.23")
    assert count(workspace, "feedback_responses") == 0
    assert delivery.add_feedback(workspace, sid, FEEDBACK, rating=4, source="phone").responses == 1


def test_a_comment_of_exactly_the_limit_is_kept(workspace: Workspace, sid: str) -> None:
    text = "é" * 2000
    assert delivery.add_feedback(workspace, sid, FEEDBACK, rating=None, comment=text).comments == (text,)


HOSTILE = [
    "<script>alert('x')</script><b>bold</b> &amp;",
    "\u202egnp.exe \u202d mixed \u200f",  # right-to-left override, isolates, marks
    "👍🏽 great 🎉 👩‍👩‍👧",  # emoji with a skin tone and a joiner sequence
    "Robert'); DROP TABLE feedback_responses;--",
    "=HYPERLINK(\"http://example.com\",\"click\")",
    "line one\nline two\ttabbed",
    "e\u0301 combining, \ufeff BOM, \U0001d54f",
]


@pytest.mark.parametrize("comment", HOSTILE)
def test_hostile_comments_are_stored_and_returned_verbatim(workspace: Workspace, sid: str, comment: str) -> None:
    summary = delivery.add_feedback(workspace, sid, FEEDBACK, rating=3, comment=comment)
    assert summary.comments == (comment,)
    with contextlib.closing(sqlite3.connect(db_file(workspace))) as conn:
        assert conn.execute("SELECT comment FROM feedback_responses").fetchall() == [(comment,)]


def test_remove_last_feedback_undoes_only_the_last(workspace: Workspace, sid: str) -> None:
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=5, comment="first")
    delivery.add_feedback(workspace, sid, FEEDBACK, rating=2, comment="second")
    summary = delivery.remove_last_feedback(workspace, sid, FEEDBACK)
    assert summary.responses == 1 and summary.comments == ("first",) and summary.average == 5
    summary = delivery.remove_last_feedback(workspace, sid, FEEDBACK)
    assert summary.responses == 0 and summary.average is None and summary.comments == ()
    with pytest.raises(UserError, match="no response to remove"):
        delivery.remove_last_feedback(workspace, sid, FEEDBACK)
    assert count(workspace, "feedback_responses") == 0
