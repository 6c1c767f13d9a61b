"""Check-in and check-out through the services and the CLI, on a real SQLite file: idempotent scans, rejected
scans kept, voids, latecomers, the per-person record, and tamper detection on the hash chain."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from facilitator.cli import main
from facilitator.domain.attendance import Direction, Outcome, Source, Status
from facilitator.domain.ids import badge_payload, group_code
from facilitator.domain.roster import Person
from facilitator.records import attendance_log
from facilitator.services import attendance
from facilitator.services.errors import UserError
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.workspace import Workspace
from facilitator.storage.database import DATABASE_NAME

PEOPLE = [Person("Zoë", "O'Neil", "E-1"), Person("José", "Núñez", "E-2"), Person("Renée", "Fischer", "E-3")]


def make_session(ws: Workspace, start: str = "00:00", on: date | None = None) -> tuple[str, list[str]]:
    """A session today (starting at midnight unless said otherwise, so nobody checking in now is early)."""
    detail = create_session(ws, workshop_id="harassment-prevention-employees", on=on or date.today(),
                            start=start, location="Depot", trainer="Sam Lee", jurisdictions=["ny-state"])
    add_people(ws, detail.id, PEOPLE)
    return detail.id, [p.badge_code for p in get_session(ws, detail.id).roster]


def events(ws: Workspace, session_id: str) -> list[attendance.LogEntry]:
    return attendance.attendance_log_entries(ws, session_id)


def test_a_badge_checks_its_holder_in_and_a_repeat_counts_once(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    first = attendance.check_in(workspace, sid, codes[0])
    assert first.outcome is Outcome.CHECKED_IN and first.person is not None
    assert first.message.startswith("Welcome, Zoë O'Neil")
    again = attendance.check_in(workspace, sid, badge_payload(sid, codes[0]))  # the QR text this time
    assert again.outcome is Outcome.ALREADY_IN and not again.accepted
    assert again.since is not None and f"since {again.since:%H:%M}" in again.message
    report = attendance.attendance_report(workspace, sid)
    assert report.in_room == 1
    assert [e.kind for e in events(workspace, sid)] == ["check-in", "rejected"]  # the repeat is kept, rejected


def test_typed_codes_forgive_case_hyphens_and_look_alike_letters(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    typed = group_code(codes[1]).lower()
    assert attendance.check_in(workspace, sid, typed).outcome is Outcome.CHECKED_IN


@pytest.mark.parametrize("code, outcome", [
    ("hello world", Outcome.NOT_A_BADGE),
    ("", Outcome.NOT_A_BADGE),
    ("ABCDEFGHJK0123456789", Outcome.UNKNOWN_CODE),
    ("FACZZZZZZZZABCDEFGHJK0123456789", Outcome.OTHER_SESSION),
    ("\x00\x1b[31m" + "A" * 10_000, Outcome.NOT_A_BADGE),
])
def test_bad_codes_are_rejected_and_kept(workspace: Workspace, code: str, outcome: Outcome) -> None:
    sid, _ = make_session(workspace)
    result = attendance.check_in(workspace, sid, code)
    assert result.outcome is outcome and result.person is None
    log = events(workspace, sid)
    assert [e.kind for e in log] == ["rejected"] and log[0].detail
    assert attendance.verify_attendance(workspace, sid).intact


def test_a_badge_from_another_session_is_named_as_such(workspace: Workspace) -> None:
    sid, _ = make_session(workspace)
    other, other_codes = make_session(workspace)
    result = attendance.check_in(workspace, sid, other_codes[0])
    assert result.outcome is Outcome.OTHER_SESSION and "another session" in result.message
    assert attendance.attendance_report(workspace, other).in_room == 0


def test_leaving_and_returning_and_leaving_without_arriving(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    assert attendance.check_out(workspace, sid, codes[0]).outcome is Outcome.NOT_IN
    attendance.check_in(workspace, sid, codes[0])
    assert attendance.check_out(workspace, sid, codes[0]).outcome is Outcome.CHECKED_OUT
    assert attendance.check_out(workspace, sid, codes[0]).outcome is Outcome.ALREADY_OUT
    assert attendance.check_in(workspace, sid, codes[0]).outcome is Outcome.WELCOME_BACK
    row = attendance.attendance_report(workspace, sid).rows[0]
    assert row.is_in and row.first_in is not None


def test_latecomers_are_flagged_by_the_grace_period(workspace: Workspace) -> None:
    now = datetime.now().astimezone()
    began = now - timedelta(minutes=30)  # just after midnight that is yesterday's date, which works the same
    sid, codes = make_session(workspace, start=f"{began:%H:%M}", on=began.date())
    result = attendance.check_in(workspace, sid, codes[0])
    assert result.late and "late" in result.message
    on_time = now - timedelta(minutes=28)  # keyed in from a paper sheet
    assert not attendance.check_in(workspace, sid, codes[1], at=on_time, source=Source.PAPER).late
    statuses = {r.person.last_name: r.status for r in attendance.attendance_report(workspace, sid).rows}
    assert statuses == {"O'Neil": Status.LATE, "Núñez": Status.PRESENT, "Fischer": Status.ABSENT}


def test_paper_times_must_be_on_the_day_and_not_in_the_future(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    with pytest.raises(UserError, match="in the future"):
        attendance.check_in(workspace, sid, codes[0], at=datetime.now() + timedelta(hours=1))
    with pytest.raises(UserError, match="not on the session's date"):
        attendance.check_in(workspace, sid, codes[0], at=datetime.now() - timedelta(days=3))
    assert events(workspace, sid) == []


def test_a_void_undoes_an_event_with_a_reason_and_keeps_it(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    seq = attendance.check_in(workspace, sid, codes[2]).seq
    with pytest.raises(UserError, match="say why"):
        attendance.void(workspace, sid, seq, "   ")
    result = attendance.void(workspace, sid, seq, "scanned the wrong badge")
    assert "Renée Fischer" in result.message
    log = events(workspace, sid)
    assert [e.kind for e in log] == ["check-in", "void"] and log[0].voided_by == result.seq
    assert attendance.attendance_report(workspace, sid).in_room == 0
    with pytest.raises(UserError, match="already undone"):
        attendance.void(workspace, sid, seq, "again")
    with pytest.raises(UserError, match="only check-ins"):
        attendance.void(workspace, sid, result.seq, "undo the undo")
    with pytest.raises(UserError, match="no event 99"):
        attendance.void(workspace, sid, 99, "nothing")


def test_search_finds_people_by_name_without_accents_and_by_id(workspace: Workspace) -> None:
    sid, _ = make_session(workspace)
    assert [p.last_name for p in attendance.find_people(workspace, sid, "jose nunez")] == ["Núñez"]
    assert [p.last_name for p in attendance.find_people(workspace, sid, "e-3")] == ["Fischer"]
    assert [p.last_name for p in attendance.find_people(workspace, sid, "o'neil")] == ["O'Neil"]
    assert attendance.find_people(workspace, sid, "   ") == []


def test_the_record_of_many_scans_verifies(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    for code in codes * 2:
        attendance.scan(workspace, sid, code, Direction.IN, source=Source.SCANNER)
    for code in codes:
        attendance.scan(workspace, sid, code, Direction.OUT, source=Source.SCANNER)
    check = attendance.verify_attendance(workspace, sid)
    assert check.intact and check.events == 9


# --- tampering --------------------------------------------------------------------------------------------

def tamper(ws: Workspace, *statements: str) -> None:
    """What someone editing the file by hand would do: lift the append-only guard, change history."""
    db = sqlite3.connect(ws.data_dir / DATABASE_NAME)
    with db:
        db.execute("DROP TRIGGER attendance_events_no_update")
        db.execute("DROP TRIGGER attendance_events_no_delete")
        for statement in statements:
            db.execute(statement)
    db.close()


@pytest.fixture
def scanned(workspace: Workspace) -> str:
    sid, codes = make_session(workspace)
    for code in codes:
        attendance.check_in(workspace, sid, code)
    attendance.check_out(workspace, sid, codes[0])
    return sid


@pytest.mark.parametrize("statements, seq, words", [
    (["UPDATE attendance_events SET occurred_at = '2020-01-01T09:00:00.000000+00:00' WHERE seq = 2"], 2, "altered"),
    (["UPDATE attendance_events SET kind = 'check-out' WHERE seq = 3"], 3, "altered"),
    (["DELETE FROM attendance_events WHERE seq = 2"], 3, "missing"),
    (["DELETE FROM attendance_events WHERE seq = 2", "UPDATE attendance_events SET seq = seq - 1 WHERE seq > 2"],
     2, "link between them is broken"),
    (["UPDATE attendance_events SET seq = 99 WHERE seq = 2", "UPDATE attendance_events SET seq = 2 WHERE seq = 3",
      "UPDATE attendance_events SET seq = 3 WHERE seq = 99"], 3, "out of order"),
])
def test_an_edited_removed_or_reordered_event_fails_verification(
        workspace: Workspace, scanned: str, statements: list[str], seq: int, words: str, capsys) -> None:
    assert attendance.verify_attendance(workspace, scanned).intact
    tamper(workspace, *statements)
    check = attendance.verify_attendance(workspace, scanned)
    assert not check.intact and check.problem_seq == seq and words in check.message
    assert main(["attendance", "verify", scanned]) == 1
    assert f"event {seq}" in capsys.readouterr().err


def test_an_edit_with_its_own_hash_recomputed_breaks_the_next_link(workspace: Workspace, scanned: str) -> None:
    """Someone who edits an event and recomputes its hash is caught by the following event's link."""
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    row = db.execute("SELECT session_id, seq, kind, occurred_at, monotonic_ms, person_token, code, reason, actor, "
                     "source, voids_seq, prev_hash FROM attendance_events WHERE seq = 2").fetchone()
    db.close()
    forged_time = datetime.fromisoformat(row[3]) - timedelta(hours=1)  # "arrived an hour earlier"
    forged = attendance_log.ChainedEvent(row[0], row[1], row[2], forged_time, row[4], *row[5:11])
    tamper(workspace, f"UPDATE attendance_events SET occurred_at = '{forged_time.isoformat(timespec='microseconds')}', "
                      f"hash = '{attendance_log.link(forged, row[11])}' WHERE seq = 2")
    check = attendance.verify_attendance(workspace, scanned)
    assert not check.intact and check.problem_seq == 3 and "link" in check.message


# --- the command line -------------------------------------------------------------------------------------

def test_cli_checkin_checkout_and_the_record(workspace: Workspace, capsys) -> None:
    sid, codes = make_session(workspace)
    assert main(["checkin", sid, "--code", codes[0]]) == 0
    assert "Welcome, Zoë O'Neil" in capsys.readouterr().out
    assert main(["checkin", sid, "--code", codes[0]]) == 0  # already in: not an error
    assert "already checked in" in capsys.readouterr().err
    assert main(["checkin", sid, "--code", "NOT-A-CODE"]) == 1
    assert "Not a Facilitator badge" in capsys.readouterr().err
    assert main(["checkin", sid, "--code", "ABCDEFGHJK0123456789", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["outcome"] == "unknown-code"
    assert main(["checkout", sid.lower()[:6], "--code", codes[0]]) == 0
    capsys.readouterr()
    assert main(["attendance", sid]) == 0
    out = capsys.readouterr().out
    assert "Zoë O'Neil" in out and "absent" in out
    assert main(["attendance", sid, "--json"]) == 0
    people = {p["name"]: p for p in json.loads(capsys.readouterr().out)["people"]}
    assert people["Zoë O'Neil"]["last_out"] and people["José Núñez"]["status"] == "absent"
    assert main(["attendance", "log", sid]) == 0
    assert capsys.readouterr().out.count("rejected") == 3
    assert main(["attendance", "verify", sid]) == 0
    assert "intact: 5 events" in capsys.readouterr().out


def test_cli_paper_sheet_time_and_void(workspace: Workspace, capsys) -> None:
    sid, codes = make_session(workspace)
    assert main(["checkin", sid, "--code", codes[1], "--at", "00:05", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["at"].startswith(f"{date.today().isoformat()}T00:05")
    assert main(["attendance", "void", sid, "--event", str(result["seq"]), "--reason", "wrong row on the sheet"]) == 0
    assert "Undid event 1" in capsys.readouterr().out
    assert main(["attendance", "void", sid, "--event", "1"]) == 2
    assert main(["checkin", sid, "--code", codes[1], "--at", "nine"]) == 1
    assert "is not a time" in capsys.readouterr().err


def test_cli_attendance_usage_errors(workspace: Workspace, capsys) -> None:
    assert main(["attendance", "verify", "A", "B"]) == 2
    assert main(["attendance", "NOSUCH"]) == 1
    assert "no session" in capsys.readouterr().err


def test_database_integrity_after_scanning(workspace: Workspace, scanned: str) -> None:
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_events_are_stored_with_portable_fields(workspace: Workspace, scanned: str) -> None:
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    rows = db.execute("SELECT person_token, source, occurred_at FROM attendance_events ORDER BY seq").fetchall()
    db.close()
    assert all(token and len(token) == 20 for token, _, _ in rows)
    assert {source for _, source, _ in rows} == {"cli"}
    assert all(at.endswith("+00:00") for _, _, at in rows)


def test_a_sealed_session_refuses_check_ins(workspace: Workspace) -> None:
    sid, codes = make_session(workspace)
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    with db:
        db.execute("UPDATE training_sessions SET status = 'sealed' WHERE id = ?", (sid,))
    db.close()
    with pytest.raises(UserError, match="sealed"):
        attendance.check_in(workspace, sid, codes[0])
    assert events(workspace, sid) == []

