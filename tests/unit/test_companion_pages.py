"""The phone pages over real HTTP on loopback, with the session's store on a real SQLite file and the wall clock
injected (docs/companion.md): joining with a fresh code only, checking in once, asking to be added, signing the
acknowledgment, answering the question on the screen once, asking a question and giving feedback — and every
refusal as a clear page that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.companion import room_pass
from facilitator.companion.server import CompanionServer
from facilitator.domain import rotation
from facilitator.domain.segment_kinds import stages, vote_at
from facilitator.services import audience_questions, companion, delivery, phone_votes, presenter_state
from facilitator.services.attendance_record import attendance_log_entries, attendance_report
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import AttendanceEvent
from tests.phone_pages import FEEDBACK, SCENARIO, Clock, Phone


def joined(server: CompanionServer, ws: Workspace, sid: str, clock: Clock) -> Phone:
    phone = Phone(server)
    phone.get(f"/j/{companion.join_code(ws, sid, clock()).code}")
    assert phone.status == 200 and "In the room" in phone.page
    return phone


def test_only_a_fresh_code_lets_a_phone_in(server: CompanionServer, workspace: Workspace, sid: str,
                                           clock: Clock) -> None:
    code = companion.join_code(workspace, sid, clock()).code
    stranger = Phone(server)
    stranger.get("/here")
    assert stranger.status == 403 and "Scan the QR code" in stranger.page
    clock.now += 2 * rotation.PERIOD + timedelta(seconds=1)  # a screenshot shared 41 s later
    stranger.get(f"/j/{code}")
    assert stranger.status == 403 and "expired" in stranger.page
    assert "room" not in stranger.cookies
    phone = joined(server, workspace, sid, clock)
    assert "/j/" not in phone.page
    assert "HttpOnly" not in phone.cookies["room"]  # (the value only: the attributes are the server's)
    phone.cookies["room"] = phone.cookies["room"][:-1] + ("0" if phone.cookies["room"][-1] != "0" else "1")
    phone.get("/here")
    assert phone.status == 403  # a pass changed by hand is no pass


def test_a_phone_finds_itself_checks_in_once_and_signs_the_acknowledgment(
        server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    person = get_session(workspace, sid).roster[0]
    phone = joined(server, workspace, sid, clock)
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": f"{person.first_name} {person.last_name}"})
    assert f"I am {person.first_name} {person.last_name[0]}." in phone.page
    assert person.last_name not in phone.page  # a phone sees an initial, not the surname
    confirm = phone.token("/checkin/confirm")
    phone.post("/checkin/confirm", {"entry": str(person.id)}, confirm)
    assert phone.status == 200 and "Checked in" in phone.page and "8-107(30)" in phone.page
    sign = phone.token("/checkin/sign")
    phone.post("/checkin/confirm", {"entry": str(person.id)}, confirm)  # the same form sent again
    assert phone.status == 400 and "already sent" in phone.page
    phone.post("/checkin/sign", {"entry": str(person.id), "name": "Somebody Else"}, sign)
    assert phone.status == 400 and "Type your full name" in phone.page
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": f"{person.first_name} {person.last_name}"})
    phone.post("/checkin/confirm", {"entry": str(person.id)})
    assert "already checked in" in phone.page  # the desk's words, and the form to sign again
    phone.post("/checkin/sign", {"entry": str(person.id), "name": f"{person.first_name} {person.last_name}"})
    assert phone.status == 200 and "Your signed acknowledgment is recorded" in phone.page
    rows = {row.person.id: row for row in attendance_report(workspace, sid).rows}
    assert rows[person.id].is_in and rows[person.id].acknowledged


def test_a_confirm_form_cannot_be_turned_to_someone_else(server: CompanionServer, workspace: Workspace,
                                                         sid: str, clock: Clock) -> None:
    first, other = get_session(workspace, sid).roster[:2]
    phone = joined(server, workspace, sid, clock)
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": f"{first.first_name} {first.last_name}"})
    token = phone.token("/checkin/confirm")
    phone.post("/checkin/confirm", {"entry": str(other.id)}, token)
    assert phone.status == 400
    assert attendance_log_entries(workspace, sid) == []


def test_checking_in_needs_a_code_scanned_in_the_last_minutes(server: CompanionServer, workspace: Workspace,
                                                              sid: str, clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    clock.now += timedelta(minutes=16)
    phone.get("/checkin")
    assert phone.status == 403
    phone.get("/ask")  # the room's other pages stay open all day
    assert phone.status == 200


def test_someone_not_on_the_list_waits_for_the_trainer(server: CompanionServer, workspace: Workspace, sid: str,
                                                       clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    phone.get("/walkin")
    phone.post("/walkin", {"first": "Ama", "last": "Owusu", "employee": ""})
    assert "Waiting for the trainer" in phone.page
    [waiting] = companion.waiting_walk_ins(workspace, sid)
    assert (waiting.full_name, waiting.asked_at) == ("Ama Owusu", clock.now)


def test_a_phone_answers_the_question_on_the_screen_once(server: CompanionServer, workspace: Workspace,
                                                         sid: str, clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    phone.get("/answer")
    assert "Nothing to answer" in phone.page
    delivery.start(workspace, sid, SCENARIO)
    steps = stages(delivery.session_run(workspace, sid).segment(SCENARIO))
    presenter_state.save_step(workspace, sid, SCENARIO, [s.name for s in steps].index("vote"))
    phone.get("/here")
    assert "Answer the question on the screen" in phone.page
    phone.get("/answer")
    token = phone.token("/answer")
    phone.post("/answer", {"question": f"{SCENARIO}.0", "option": "2"}, token)
    assert "Your answer is counted" in phone.page
    phone.get("/answer")
    phone.post("/answer", {"question": f"{SCENARIO}.0", "option": "1"})
    assert phone.status == 400 and "already answered" in phone.page
    assert set(phone.cookies) == {room_pass.COOKIE}  # the ballot is made from the pass: nothing else to send
    phone.cookies[f"b-{SCENARIO}-0"] = "a-ballot-of-its-own-choosing-0123"  # the old trick changes nothing
    phone.get("/answer")
    phone.post("/answer", {"question": f"{SCENARIO}.0", "option": "1"})
    assert phone.status == 400 and "already answered" in phone.page
    assert phone_votes.phone_votes(workspace, sid, SCENARIO, 0) == (0, 0, 1, 0)
    delivery.reveal(workspace, sid, SCENARIO, 0)
    phone.get("/answer")  # after the reveal: the room's results, and with one answer only their total
    assert phone.status == 200 and "Results" in phone.page and "Answers in all: 1" in phone.page
    assert " — " not in phone.page


def test_a_phone_sees_a_knowledge_checks_answer_and_counts_after_the_reveal(
        server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    delivery.start(workspace, sid, "knowledge-check")
    delivery.tally(workspace, sid, "knowledge-check", 0, [2, 7])
    delivery.reveal(workspace, sid, "knowledge-check", 0)
    phone.get("/answer")
    vote = vote_at(delivery.session_run(workspace, sid).segment("knowledge-check"), 0)
    right = vote.correct[0]
    assert f"{vote.options[right]} (right answer) — {(2, 7)[right]}" in phone.page
    assert f"{vote.options[1 - right]} — {(2, 7)[1 - right]}" in phone.page


def test_questions_and_feedback_from_a_phone(server: CompanionServer, workspace: Workspace, sid: str,
                                             clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    phone.get("/ask")
    phone.post("/ask", {"question": "What if it is my manager?"})
    assert "Question sent" in phone.page
    assert [q.text for q in audience_questions.questions(workspace, sid)] == ["What if it is my manager?"]
    delivery.start(workspace, sid, FEEDBACK)
    phone.get("/answer")
    phone.post("/answer", {"question": f"{FEEDBACK}.0", "rating": "5", "comment": "Practical"})
    assert "Your feedback is in" in phone.page
    assert delivery.feedback_summary(workspace, sid, FEEDBACK).responses == 1


def test_a_megabyte_body_is_refused_with_a_page(server: CompanionServer, workspace: Workspace, sid: str,
                                                clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    phone.get("/ask")
    phone.post("/ask", {"question": "x" * 1_000_000})
    assert phone.status == 413 and "<h1>" in phone.page
    assert audience_questions.questions(workspace, sid) == []


def test_the_command_prints_each_new_join_address_until_stopped(workspace: Workspace, sid: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Started with a shortened id in lower case, as a trainer may type it: the session's own codes."""
    import argparse
    import threading

    from facilitator.cli.companion import serve

    clock = Clock()
    stop = threading.Event()
    args = argparse.Namespace(data_dir=str(workspace.data_dir), session_id=sid[:6].lower(), host="127.0.0.1", port=0)
    worker = threading.Thread(target=serve, args=(args,), kwargs={"stop": stop, "clock": clock})
    worker.start()
    try:
        first = _wait_for_lines(capsys, 2)
        clock.now += rotation.PERIOD  # the code rotates: a new line
        lines = first + _wait_for_lines(capsys, 1)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert lines[0].startswith("Serving phones on http://127.0.0.1:")
    codes = [line.rsplit("/j/", 1)[1] for line in lines[1:]]
    assert lines[1].startswith("http://127.0.0.1:") and len(set(codes)) == 2
    assert all(companion.code_accepted(workspace, sid, code, clock()) for code in codes)


def _wait_for_lines(capsys: pytest.CaptureFixture[str], count: int) -> list[str]:
    """Lines printed since the last look, waiting (up to 30 s) until there are `count`."""
    import time

    seen: list[str] = []
    deadline = time.monotonic() + 30
    while len(seen) < count and time.monotonic() < deadline:
        seen += [line for line in capsys.readouterr().out.splitlines() if line]
        time.sleep(0.02)  # polling the captured output; the condition, not the time, ends the wait
    assert len(seen) >= count, seen
    return seen


def test_the_pages_look_a_shortened_session_id_up_once(workspace: Workspace, sid: str) -> None:
    from facilitator.companion.phone_pages import PhonePages

    assert PhonePages(workspace, sid[:6].lower()).session_id == sid


def _checked_in(phone: Phone, person: object) -> None:
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": f"{person.first_name} {person.last_name}"})  # type: ignore[attr-defined]
    phone.post("/checkin/confirm", {"entry": str(person.id)})  # type: ignore[attr-defined]


def test_one_scan_checks_in_one_person_and_signs_only_for_them(server: CompanionServer, workspace: Workspace,
                                                                sid: str, clock: Clock) -> None:
    """A colleague's phone cannot check in (or sign for) the whole list: each scan of the screen checks in one
    person; the same person again is fine, and the log names them, not the trainer, as the one who did it."""
    ana, ben = get_session(workspace, sid).roster[:2]
    phone = joined(server, workspace, sid, clock)
    _checked_in(phone, ana)
    assert phone.status == 200 and "Checked in" in phone.page
    sign = phone.token("/checkin/sign")  # Ana's own form, to be carried over to another phone below
    _checked_in(phone, ana)
    assert phone.status == 200 and "already checked in" in phone.page
    _checked_in(phone, ben)
    assert phone.status == 403 and "already checked someone in" in phone.page
    assert {r.person.id for r in attendance_report(workspace, sid).rows if r.visits} == {ana.id}
    with workspace.store.transaction() as db:
        [(actor, source)] = db.execute(select(AttendanceEvent.actor, AttendanceEvent.source).where(
            AttendanceEvent.kind == "check-in")).all()
    assert (actor, source) == (ana.full_name, "phone")
    other = joined(server, workspace, sid, clock)  # another phone may not sign for Ana
    other.post("/checkin/sign", {"entry": str(ana.id), "name": ana.full_name}, sign)
    assert other.status == 400 and "Sign on the phone you checked in with" in other.page


def test_what_a_phone_types_must_name_a_person_in_whole(server: CompanionServer, workspace: Workspace, sid: str,
                                                        clock: Clock) -> None:
    """Part of a name, a surname alone, an e-mail: nothing. So a phone cannot list the roster, or learn a surname or
    an id, a letter at a time."""
    person = get_session(workspace, sid).roster[0]
    phone = joined(server, workspace, sid, clock)
    phone.get("/checkin")
    for typed in (person.last_name, person.first_name[:4], f"{person.first_name} {person.last_name[:3]}",
                  person.email or "@example.com", "com a", (person.employee_id or "X")[:-1]):
        phone.get("/checkin")
        phone.post("/checkin/find", {"who": typed})
        assert "No one on the list matches that" in phone.page, typed
    for typed in (f"{person.last_name.upper()} {person.first_name.lower()}", person.employee_id or ""):
        phone.get("/checkin")
        phone.post("/checkin/find", {"who": typed})
        assert f"I am {person.first_name} {person.last_name[0]}." in phone.page, typed


def test_one_scan_asks_for_one_walk_in_and_a_few_questions(server: CompanionServer, workspace: Workspace,
                                                             sid: str, clock: Clock) -> None:
    from facilitator.companion.phone_pages import QUESTIONS_PER_PASS

    phone = joined(server, workspace, sid, clock)
    for last in ("Owusu", "Mensah"):
        phone.get("/walkin")
        phone.post("/walkin", {"first": "Ama", "last": last})
    assert phone.status == 400 and "already asked for someone to be added" in phone.page
    assert [w.full_name for w in companion.waiting_walk_ins(workspace, sid)] == ["Ama Owusu"]
    for n in range(QUESTIONS_PER_PASS + 1):
        phone.get("/ask")
        phone.post("/ask", {"question": f"Question {n}?"})
    assert phone.status == 400 and f"sent {QUESTIONS_PER_PASS} questions" in phone.page
    assert len(audience_questions.questions(workspace, sid)) == QUESTIONS_PER_PASS
    again = joined(server, workspace, sid, clock)  # scanning the screen again: a new pass
    again.get("/ask")
    again.post("/ask", {"question": "One more?"})
    assert again.status == 200


@pytest.mark.parametrize("room", ["١٢٣.ab.cd", "²³.x.y", "1.2", "x" * 200])
def test_a_broken_pass_is_no_pass_and_never_a_failure(server: CompanionServer, room: str) -> None:
    phone = Phone(server)
    phone.cookies["room"] = room.encode().decode("latin-1")  # its UTF-8 bytes on the wire, as a phone would send
    phone.get("/here")
    assert phone.status == 403 and "Scan the QR code" in phone.page


def test_a_confirm_form_with_an_odd_entry_or_charset_is_refused_with_a_page(
        server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    phone = joined(server, workspace, sid, clock)
    phone.get("/checkin")
    phone.post("/checkin/confirm", {"entry": "²"}, "no-token")  # the entry is read before the token is checked
    assert phone.status == 400 and "could not be checked" in phone.page
    phone.post("/checkin/confirm", {"entry": "1"}, "no-token",
               content_type="application/x-www-form-urlencoded; charset=x-nope")
    assert phone.status == 400 and "<h1>" in phone.page
