"""The phones' companion through its services, on a real SQLite file (docs/companion.md): the rotating join code
with an injected clock, self check-in with the desk's rules, walk-ins waiting for the trainer, votes that cannot be
linked to a phone or a person and that join the counted hands, feedback, and moderated questions."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from facilitator.domain import rotation
from facilitator.domain.attendance import EventKind, Outcome, Source
from facilitator.domain.segment_kinds import stages
from facilitator.services import (
    audience_questions,
    closing,
    companion,
    delivery,
    phone_votes,
    presenter_state,
)
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME
from tests.phone_pages import demo_session

NOW = datetime.now(UTC).replace(microsecond=0)
SCENARIO = "scenario-out-of-town-job"  # one vote, four options
QUIZ = "knowledge-check"  # six questions
FEEDBACK = "feedback"


def t(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def sid(workspace: Workspace) -> str:
    return demo_session(workspace)


def rows(ws: Workspace, sql: str) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(ws.data_dir / DATABASE_NAME)) as conn:
        return conn.execute(sql).fetchall()


def on_screen(ws: Workspace, sid: str, segment: str, stage: str, item: int = 0) -> None:
    """Put the presenter on a step of a running segment, as the console does."""
    run = delivery.session_run(ws, sid)
    steps = stages(run.segment(segment))
    presenter_state.save_step(ws, sid, segment, next(i for i, s in enumerate(steps)
                                                     if (s.name, s.item) == (stage, item)))


# --- the rotating join code --------------------------------------------------------------------------------------

def test_a_code_is_accepted_for_its_slot_the_one_after_and_the_one_before_then_refused() -> None:
    secret = b"k" * 32
    shown_at = datetime(2026, 11, 30, 9, 0, 3, tzinfo=UTC)
    code = rotation.current_code(secret, shown_at)
    assert rotation.accepted(secret, code, shown_at)
    assert rotation.accepted(secret, code.lower(), shown_at + rotation.PERIOD)  # one slot later: still fine
    assert not rotation.accepted(secret, code, shown_at + 2 * rotation.PERIOD)  # a screenshot, 40 s on
    assert rotation.accepted(secret, code, shown_at - rotation.PERIOD)  # a projector clock a little ahead
    assert not rotation.accepted(secret, code, shown_at - 2 * rotation.PERIOD)
    assert not rotation.accepted(b"x" * 32, code, shown_at)  # another session's secret
    for junk in ("", "A" * 9, "A" * 11, "0" * 10, code[:-1] + "!"):
        assert not rotation.accepted(secret, junk, shown_at)
    assert rotation.next_change(shown_at) == datetime(2026, 11, 30, 9, 0, 20, tzinfo=UTC)
    assert rotation.current_code(secret, rotation.next_change(shown_at)) != code


def test_the_code_survives_reopening_the_data_folder(workspace: Workspace, sid: str) -> None:
    first = companion.join_code(workspace, sid, t(0))
    assert companion.code_accepted(workspace, sid, first.code, t(0) + timedelta(seconds=5))
    again = open_workspace(workspace.data_dir)
    try:
        assert companion.join_code(again, sid, t(0)).code == first.code
    finally:
        again.close()
    assert not companion.code_accepted(workspace, sid, first.code, t(2))
    assert companion.join_address("192.168.4.1", 8765, first.code) == f"http://192.168.4.1:8765/j/{first.code}"
    assert companion.join_address("fe80::1", 80, "X").startswith("http://[fe80::1]:80/")


def test_a_sealed_session_gives_no_join_code(workspace: Workspace, sid: str) -> None:
    closing.close_session(workspace, sid, signer(workspace, create_as="Jordan Ellis"), at=t(1))
    with pytest.raises(UserError, match="sealed"):
        companion.join_code(workspace, sid, t(2))


# --- checking oneself in ----------------------------------------------------------------------------------------

def test_a_phone_finds_someone_only_from_three_characters_and_sees_a_first_name_and_initial(
        workspace: Workspace, sid: str) -> None:
    person = get_session(workspace, sid).roster[0]
    assert companion.find_on_phone(workspace, sid, person.first_name[:2]) == []
    found = companion.find_on_phone(workspace, sid, f"{person.first_name} {person.last_name}")
    assert [m.entry_id for m in found] == [person.id]
    assert found[0].shown_name == f"{person.first_name} {person.last_name[0]}."
    assert person.last_name not in found[0].shown_name
    assert companion.find_on_phone(workspace, sid, "   a  e i ") == []  # short words match too much: a word of 3
    many = companion.find_on_phone(workspace, sid, "@")  # everyone's e-mail: too short, nobody
    assert many == []
    assert len(companion.find_on_phone(workspace, sid, "example")) <= companion.SEARCH_SHOWN


def test_a_phone_check_in_is_the_desks_check_in_with_source_phone_and_happens_once(
        workspace: Workspace, sid: str) -> None:
    person = get_session(workspace, sid).roster[0]
    first = companion.check_in_from_phone(workspace, sid, person.id).result
    assert first.outcome is Outcome.CHECKED_IN
    second = companion.check_in_from_phone(workspace, sid, person.id).result
    assert second.outcome is Outcome.ALREADY_IN
    events = rows(workspace, "SELECT kind, source FROM attendance_events ORDER BY seq")
    assert events[-2:] == [(EventKind.CHECK_IN.value, Source.PHONE.value), (EventKind.REJECTED.value,
                                                                            Source.PHONE.value)]
    with pytest.raises(UserError, match="not on this session's list"):
        companion.check_in_from_phone(workspace, sid, 999_999)


def test_a_phone_signs_the_acknowledgment_by_typing_the_name_on_the_list(workspace: Workspace, sid: str) -> None:
    text = companion.acknowledgment_text(workspace, sid)
    assert "8-107(30)" in text  # the demo is held under New York City's law
    person = get_session(workspace, sid).roster[0]
    assert companion.check_in_from_phone(workspace, sid, person.id).result.accepted
    with pytest.raises(UserError, match="type your full name"):
        companion.acknowledge_by_phone(workspace, sid, person.id, "Someone Else")
    typed = f"  {person.first_name.upper()}   {person.last_name} "
    companion.acknowledge_by_phone(workspace, sid, person.id, typed)
    kind, source, reason, actor = rows(workspace, "SELECT kind, source, reason, actor FROM attendance_events "
                                                  "ORDER BY seq DESC LIMIT 1")[0]
    assert (kind, source, actor) == (EventKind.ACKNOWLEDGED.value, "phone", person.full_name)
    assert reason.endswith(f"{person.first_name.upper()} {person.last_name}")


def test_a_walk_in_waits_for_the_trainer_who_approves_or_declines(workspace: Workspace, sid: str) -> None:
    asked = companion.ask_to_join(workspace, sid, "Ama", "Owusu", "E-77", at=t(-1))
    assert companion.ask_to_join(workspace, sid, "ama", "OWUSU") == asked  # asked twice: waiting once
    other = companion.ask_to_join(workspace, sid, "Lee", "Park")
    assert [w.full_name for w in companion.waiting_walk_ins(workspace, sid)] == ["Ama Owusu", "Lee Park"]
    roster_before = len(get_session(workspace, sid).roster)
    result = companion.approve_walk_in(workspace, sid, asked.id)
    assert result.accepted and result.person is not None and result.person.walk_in
    assert result.at == asked.asked_at.astimezone()  # checked in when they arrived, not when approved
    assert len(get_session(workspace, sid).roster) == roster_before + 1
    companion.decline_walk_in(workspace, sid, other.id)
    assert companion.waiting_walk_ins(workspace, sid) == []
    with pytest.raises(UserError, match="already approved"):
        companion.approve_walk_in(workspace, sid, asked.id)
    with pytest.raises(UserError, match="the name is empty"):
        companion.ask_to_join(workspace, sid, " ", "")


def test_someone_who_asked_hours_early_is_checked_in_when_approved(workspace: Workspace, sid: str) -> None:
    asked = companion.ask_to_join(workspace, sid, "Early", "Bird", at=t(-60 * 5))  # before the day's window
    result = companion.approve_walk_in(workspace, sid, asked.id)
    assert result.accepted and abs(result.at - datetime.now(UTC).astimezone()) < timedelta(minutes=1)


def test_approving_someone_already_on_the_roster_leaves_them_waiting_with_the_reason(
        workspace: Workspace, sid: str) -> None:
    person = get_session(workspace, sid).roster[0]
    asked = companion.ask_to_join(workspace, sid, person.first_name, person.last_name, person.employee_id)
    with pytest.raises(UserError):
        companion.approve_walk_in(workspace, sid, asked.id)
    assert [w.id for w in companion.waiting_walk_ins(workspace, sid)] == [asked.id]


# --- votes --------------------------------------------------------------------------------------------------------

def test_a_phone_answers_only_the_question_on_screen_until_it_is_revealed(workspace: Workspace, sid: str) -> None:
    assert phone_votes.open_question(workspace, sid) is None  # nothing running
    delivery.start(workspace, sid, SCENARIO, at=t(0))
    on_screen(workspace, sid, SCENARIO, "screen")
    assert phone_votes.open_question(workspace, sid) is None  # the scenario is being read
    on_screen(workspace, sid, SCENARIO, "vote")
    asked = phone_votes.open_question(workspace, sid)
    assert asked is not None and (asked.segment_id, asked.item, len(asked.options)) == (SCENARIO, 0, 4)
    ballots = [secrets.token_urlsafe(16) for _ in range(3)]
    for ballot, option in zip(ballots, (2, 2, 0), strict=True):
        phone_votes.cast_vote(workspace, sid, SCENARIO, 0, option, ballot)
    with pytest.raises(UserError, match="already answered"):
        phone_votes.cast_vote(workspace, sid, SCENARIO, 0, 1, ballots[0])
    with pytest.raises(UserError, match="choose one of the answers"):
        phone_votes.cast_vote(workspace, sid, SCENARIO, 0, 4, secrets.token_urlsafe(16))
    assert phone_votes.phone_votes(workspace, sid, SCENARIO, 0) == (1, 0, 2, 0)
    assert phone_votes.results(workspace, sid, SCENARIO, 0) is None  # nothing before the reveal
    delivery.tally(workspace, sid, SCENARIO, 0, [1, 1, 1, 1], at=t(1))
    run = delivery.reveal(workspace, sid, SCENARIO, 0, at=t(2))
    assert run.delivery.run_of(SCENARIO).tallies[0] == (2, 1, 3, 1)  # hands and phones together
    assert run.delivery.run_of(SCENARIO).hands[0] == (1, 1, 1, 1)
    with pytest.raises(UserError, match="closed"):
        phone_votes.cast_vote(workspace, sid, SCENARIO, 0, 1, secrets.token_urlsafe(16))
    shown = phone_votes.results(workspace, sid, SCENARIO, 0)
    assert shown is not None and shown.counts == (2, 1, 3, 1)


def test_phones_alone_can_be_revealed_and_a_small_group_shows_only_a_total(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, SCENARIO, at=t(0))
    on_screen(workspace, sid, SCENARIO, "vote")
    for option in (0, 1):
        phone_votes.cast_vote(workspace, sid, SCENARIO, 0, option, secrets.token_urlsafe(16))
    run = delivery.reveal(workspace, sid, SCENARIO, 0, at=t(1))  # no hands counted: the phones' votes suffice
    assert run.delivery.run_of(SCENARIO).tallies[0] == (1, 1, 0, 0)
    shown = phone_votes.results(workspace, sid, SCENARIO, 0)
    assert shown is not None and shown.counts is None and shown.total == 2


def test_a_vote_after_the_tally_is_in_the_record_of_the_reveal(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, SCENARIO, at=t(0))
    on_screen(workspace, sid, SCENARIO, "vote")
    delivery.tally(workspace, sid, SCENARIO, 0, [5, 0, 0, 0], at=t(1))
    phone_votes.cast_vote(workspace, sid, SCENARIO, 0, 3, secrets.token_urlsafe(16))
    run = delivery.reveal(workspace, sid, SCENARIO, 0, at=t(2))
    assert run.delivery.run_of(SCENARIO).tallies[0] == (5, 0, 0, 1)
    reopened = open_workspace(workspace.data_dir)  # replayed from the log as the seal will see it
    try:
        assert delivery.session_run(reopened, sid).delivery.run_of(SCENARIO).tallies[0] == (5, 0, 0, 1)
    finally:
        reopened.close()


def test_nothing_stored_ties_a_vote_to_a_phone_a_person_or_another_vote(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, QUIZ, at=t(0))
    ballot_one, ballot_two = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    on_screen(workspace, sid, QUIZ, "question", 0)
    phone_votes.cast_vote(workspace, sid, QUIZ, 0, 1, ballot_one)
    on_screen(workspace, sid, QUIZ, "question", 1)
    phone_votes.cast_vote(workspace, sid, QUIZ, 1, 0, ballot_two)
    # Counts, not votes: one row per option chosen, with a count and nothing else.
    assert sorted(rows(workspace, "SELECT segment_id, item, option, count FROM phone_votes")) == [
        (QUIZ, 0, 1, 1), (QUIZ, 1, 0, 1)]
    columns = {r[1] for r in rows(workspace, "PRAGMA table_info(used_ballots)")}
    assert columns == {"session_id", "segment_id", "item", "ballot_sha256"}
    spent = rows(workspace, "SELECT ballot_sha256 FROM used_ballots")
    assert ballot_one not in str(spent) and ballot_two not in str(spent)
    assert rows(workspace, "SELECT sql FROM sqlite_master WHERE name = 'used_ballots'")[0][0].strip().endswith(
        "WITHOUT ROWID")
    for table in ("phone_votes", "used_ballots", "audience_questions"):
        names = {r[1] for r in rows(workspace, f"PRAGMA table_info({table})")}
        assert not names & {"at", "created_at", "asked_at", "address", "entry_id", "person", "ip"}


def test_a_phone_gives_feedback_once_per_round(workspace: Workspace, sid: str) -> None:
    delivery.start(workspace, sid, FEEDBACK, at=t(0))
    asked = phone_votes.open_question(workspace, sid)
    assert asked is not None and asked.asking is phone_votes.Asking.FEEDBACK and asked.scale == 5
    ballot = secrets.token_urlsafe(16)
    with pytest.raises(UserError, match="rating"):
        phone_votes.give_feedback(workspace, sid, FEEDBACK, ballot, rating=9)
    phone_votes.give_feedback(workspace, sid, FEEDBACK, ballot, rating=4, comment="Clear examples")  # corrected
    with pytest.raises(UserError, match="already answered"):
        phone_votes.give_feedback(workspace, sid, FEEDBACK, ballot, rating=5)
    assert rows(workspace, "SELECT rating, comment, source FROM feedback_responses") == [(4, "Clear examples",
                                                                                          "phone")]


# --- questions from the room --------------------------------------------------------------------------------------

def test_questions_wait_for_the_trainer_who_shows_or_dismisses_them(workspace: Workspace, sid: str) -> None:
    audience_questions.ask(workspace, sid, "  What if the   person is my manager? ")
    audience_questions.ask(workspace, sid, "Is a joke ever OK?")
    waiting = audience_questions.questions(workspace, sid, audience_questions.QuestionState.WAITING)
    assert [q.text for q in waiting] == ["What if the person is my manager?", "Is a joke ever OK?"]
    audience_questions.show(workspace, sid, waiting[0].id)
    audience_questions.dismiss(workspace, sid, waiting[1].id)
    assert [q.state for q in audience_questions.questions(workspace, sid)] == ["shown", "dismissed"]
    for bad, why in (("", "write a question"), ("x" * 501, "keep it to 500"),
                     ("evil \u202e txet", "cannot be shown"), ("nul\x00", "cannot be shown")):
        with pytest.raises(UserError, match=why):
            audience_questions.ask(workspace, sid, bad)
    with pytest.raises(UserError, match="no question"):
        audience_questions.show(workspace, sid, 12345)
    assert rows(workspace, "SELECT COUNT(*) FROM audience_questions")[0][0] == 2


@pytest.mark.parametrize(("typed", "first", "last", "employee_id", "found"), [
    ("Zoë O'Neil", "Zoë", "O'Neil", None, True),
    ("zoe o\u2019neil", "Zoë", "O'Neil", None, True),  # a phone's curly apostrophe, no accent
    ("ZOE ONEIL", "Zoë", "O'Neil", None, True),
    ("Samantha Lee-Okonkwo", "Samantha", "Lee-Okonkwo", None, True),
    ("Samantha Okonkwo", "Samantha", "Lee-Okonkwo", None, True),  # one word of a double-barrelled surname
    ("Mary Ann Smith", "Mary Ann", "Smith", None, True),
    ("Ann Smith", "Mary Ann", "Smith", None, True),
    ("Smith", "Mary Ann", "Smith", None, False),  # a surname alone lists a family
    ("Mar Smith", "Mary Ann", "Smith", None, False),  # part of a word
    ("Mary Smith Jones", "Mary", "Smith", None, False),  # a word that is not theirs
    ("Prince", "Prince", "", None, True),  # known by one name
    ("hv-1001", "Amara", "Okafor", "HV-1001", True),
    ("HV-100", "Amara", "Okafor", "HV-1001", False),
    ("amara@example.com", "Amara", "Okafor", "HV-1001", False),
    ("", "Amara", "Okafor", "HV-1001", False),
])
def test_a_phone_names_a_person_only_in_whole(typed: str, first: str, last: str, employee_id: str | None,
                                              found: bool) -> None:
    from facilitator.domain.roster import names_person

    assert names_person(typed, first, last, employee_id) is found
