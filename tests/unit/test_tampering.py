"""Records that cannot be quietly changed: each edit someone with the laptop's files might make to a session's
database or witness is caught by `verify` or `attendance verify`, and no document is made from tampered data.

Edits go around the store's append-only triggers with plain SQL, as an attacker would. The last test runs 50
random edits from a catalogue against copies of one sealed session, and asks for every one to be caught.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.domain.roster import Person
from facilitator.records import witness
from facilitator.records.sealed import ChainHead, SealedRecord
from facilitator.services import attendance, certificates, closing, delivery, verification
from facilitator.services.errors import UserError
from facilitator.services.identity import create_identity, signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME

NOW = datetime.now(UTC)
TRIGGERS = ("attendance_events_no_update", "attendance_events_no_delete", "session_seals_no_update",
            "session_seals_no_delete", "session_amendments_no_update", "session_amendments_no_delete",
            "delivery_events_no_update", "delivery_events_no_delete")


def sql(ws: Workspace, *statements: str, params: tuple = ()) -> None:
    """Edit the database as someone with its file would: the append-only triggers dropped first."""
    db = sqlite3.connect(ws.data_dir / DATABASE_NAME)
    with db:
        for trigger in TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            db.execute(statement, params if "?" in statement else ())
    db.close()


def open_session(ws: Workspace) -> tuple[str, list[str]]:
    """Four people at a session that started 160 minutes ago; Bo checks out early, Di never comes."""
    start = (NOW - timedelta(minutes=160)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-employees", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee", jurisdictions=["none"])
    add_people(ws, detail.id, [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2"), Person("Cy", "Ng", "E3"),
                               Person("Di", "Ow", "E4")])
    codes = [p.badge_code for p in get_session(ws, detail.id).roster]
    attendance.check_in(ws, detail.id, codes[0], at=NOW - timedelta(minutes=158))
    attendance.check_in(ws, detail.id, codes[1], at=NOW - timedelta(minutes=158))
    attendance.check_out(ws, detail.id, codes[1], at=NOW - timedelta(minutes=150))
    attendance.check_in(ws, detail.id, codes[2], at=NOW - timedelta(minutes=150))
    return detail.id, codes


def sealed_session(ws: Workspace) -> str:
    """The open session delivered in part (two steps and one feedback response), sealed and amended twice."""
    sid, _ = open_session(ws)
    delivery.start(ws, sid, "welcome", at=NOW - timedelta(minutes=155))
    delivery.advance(ws, sid, at=NOW - timedelta(minutes=150))
    delivery.add_feedback(ws, sid, "feedback", rating=4, comment="useful")
    sign = signer(ws, create_as="Sam Lee")
    closing.close_session(ws, sid, sign, at=NOW)
    closing.amend(ws, sid, sign, person="E2", eligible=True, reason="made up the hour on 3 Dec")
    closing.amend(ws, sid, sign, person="E3", eligible=False, reason="left for the whole scenario")
    set_setting(ws, "organisation", "Depot Ltd")
    return sid


def minutes_of(ws: Workspace, sid: str) -> dict[str, int]:
    return {r.person.full_name: r.minutes for r in attendance.attendance_report(ws, sid, now=NOW).rows}


# --- the chain covers the person ------------------------------------------------------------------------------

def test_attendance_moved_to_another_person_is_caught_and_counts_for_no_one(workspace: Workspace) -> None:
    sid, _ = open_session(workspace)
    before = minutes_of(workspace, sid)
    ana, di = (e.id for e in get_session(workspace, sid).roster if e.full_name in ("Ana Díaz", "Di Ow"))
    sql(workspace, f"UPDATE attendance_events SET roster_entry_id = {di} WHERE roster_entry_id = {ana}")
    check = attendance.verify_attendance(workspace, sid)
    assert not check.intact and "moved to another person" in check.message
    assert minutes_of(workspace, sid) == before  # read by the hashed badge: Di gained nothing
    with pytest.raises(UserError, match="tampered with"):
        closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=NOW)


# --- the end of the log is witnessed ----------------------------------------------------------------------------

def test_removing_the_last_events_of_an_open_session_is_caught(workspace: Workspace) -> None:
    sid, _ = open_session(workspace)
    assert attendance.verify_attendance(workspace, sid).intact
    sql(workspace, "DELETE FROM attendance_events WHERE seq >= 4")
    check = attendance.verify_attendance(workspace, sid)
    assert not check.intact and "events were removed from its end" in check.message


def test_a_lost_write_ahead_log_is_caught(workspace: Workspace, tmp_path: Path) -> None:
    """The database file as it was before its last writes (what a lost WAL leaves), beside a witness that saw
    them."""
    sid, codes = open_session(workspace)
    workspace.close()
    snapshot = tmp_path / "before.sqlite"
    shutil.copy(workspace.data_dir / DATABASE_NAME, snapshot)
    ws = open_workspace(workspace.data_dir)
    attendance.check_out(ws, sid, codes[0])
    ws.close()
    shutil.copy(snapshot, workspace.data_dir / DATABASE_NAME)
    ws = open_workspace(workspace.data_dir)
    check = attendance.verify_attendance(ws, sid)
    ws.close()
    assert not check.intact and "lost its last writes" in check.message


def test_a_sealed_log_is_checked_against_the_seal_s_head(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "DELETE FROM attendance_events WHERE seq = (SELECT max(seq) FROM attendance_events)")
    (workspace.data_dir / witness.FOLDER / f"{sid}.heads").unlink()  # the witness gone too: the seal still knows
    check = attendance.verify_attendance(workspace, sid)
    assert not check.intact and "no longer ends where it was sealed" in check.message


# --- the sealed record covers the roster and the status ---------------------------------------------------------

def test_a_sealed_roster_cannot_be_renamed_and_no_sheet_is_made_from_it(workspace: Workspace, tmp_path: Path,
                                                                         capsys) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "UPDATE roster_entries SET first_name = 'Anna' WHERE employee_id = 'E1'")
    assert main(["verify", sid]) == 1
    assert "roster was changed after it was sealed" in capsys.readouterr().err
    assert main(["signin-sheet", sid, "--out", str(tmp_path / "sheet.pdf")]) == 1
    assert "does not verify" in capsys.readouterr().err and not (tmp_path / "sheet.pdf").exists()


def test_a_status_set_back_to_planned_takes_no_check_ins(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    codes = [p.badge_code for p in get_session(workspace, sid).roster]
    sql(workspace, "UPDATE training_sessions SET status = 'planned'")
    with pytest.raises(UserError, match="sealed"):
        attendance.check_in(workspace, sid, codes[3])
    verdict = verification.verify(workspace, sid)
    assert not verdict.valid and "status" in verdict.message


# --- amendments form their own chain ----------------------------------------------------------------------------

def test_an_inserted_amendment_with_a_junk_signature_is_caught(workspace: Workspace, tmp_path: Path) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "INSERT INTO session_amendments (session_id, created_at, payload, jws, signer_cert, fingerprint) "
                   "SELECT session_id, created_at, payload, 'e30.e30.AAAA', signer_cert, fingerprint "
                   "FROM session_amendments ORDER BY id DESC LIMIT 1")
    assert not verification.verify(workspace, sid).valid
    with pytest.raises(UserError, match="does not verify"):
        certificates.make_certificates(workspace, sid, tmp_path / "certs")


@pytest.mark.parametrize("which", ["first", "last"])
def test_a_deleted_amendment_is_caught(workspace: Workspace, which: str) -> None:
    sid = sealed_session(workspace)
    order = "ASC" if which == "first" else "DESC"
    sql(workspace, f"DELETE FROM session_amendments WHERE id = (SELECT id FROM session_amendments ORDER BY id "
                   f"{order} LIMIT 1)")
    verdict = verification.verify(workspace, sid)
    assert not verdict.valid and "amendment" in verdict.message


def test_the_seal_copied_into_the_amendments_is_caught(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "INSERT INTO session_amendments (session_id, created_at, payload, jws, signer_cert, fingerprint) "
                   "SELECT session_id, created_at, payload, jws, signer_cert, fingerprint FROM session_seals")
    verdict = verification.verify(workspace, sid)
    assert not verdict.valid and "not one Facilitator writes" in verdict.message


def test_reordered_amendments_are_caught(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "UPDATE session_amendments SET id = id + 100 WHERE id = (SELECT min(id) FROM session_amendments)")
    assert not verification.verify(workspace, sid).valid


# --- revocation -------------------------------------------------------------------------------------------------

def test_a_certificate_amended_away_is_reported_revoked_here(workspace: Workspace, tmp_path: Path) -> None:
    sid, _ = open_session(workspace)
    sign = signer(workspace, create_as="Sam Lee")
    closing.close_session(workspace, sid, sign, at=NOW)
    set_setting(workspace, "organisation", "Depot Ltd")
    made = certificates.make_certificates(workspace, sid, tmp_path / "certs").files
    [pdf] = [f for f in made if verification.verify(workspace, str(f)).facts.get("name") == "Ana Díaz"]
    closing.amend(workspace, sid, sign, person="E1", eligible=False, reason="attended a different session")
    verdict = verification.verify(workspace, str(pdf))
    assert not verdict.valid and "revoked by amendment 1" in verdict.message
    assert "attended a different session" in verdict.message
    fresh = open_workspace(tmp_path / "hr")  # a laptop that does not know the session: the signature stands
    exported = tmp_path / "trainer.pem"
    exported.write_bytes((workspace.data_dir / "identity" / "cert.pem").read_bytes())
    assert verification.verify(fresh, str(pdf), [exported]).valid
    fresh.close()


# --- what the witness and the seal's own fields add ------------------------------------------------------------

def test_no_scan_is_recorded_over_lost_events(workspace: Workspace) -> None:
    """A junk scan after the end of the log was cut would take the lost events' numbers and hide the loss."""
    sid, codes = open_session(workspace)
    sql(workspace, "DELETE FROM attendance_events WHERE seq >= 4")
    for record in (lambda: attendance.check_in(workspace, sid, "NOT-A-BADGE"),
                   lambda: attendance.check_in(workspace, sid, codes[3]),
                   lambda: attendance.void(workspace, sid, 1, "scanned twice")):
        with pytest.raises(UserError, match="lost events its witness saw"):
            record()
    assert not attendance.verify_attendance(workspace, sid).intact


def test_a_witness_with_two_hashes_for_one_event_is_damaged(workspace: Workspace) -> None:
    sid, _ = open_session(workspace)
    path = witness.path_of(workspace.data_dir, sid)
    first = path.read_text().splitlines()[0]
    kind, seq, _hash = first.split()
    with path.open("a") as out:
        out.write(f"{kind} {seq} {'f' * 64}\n")
    assert witness.read(workspace.data_dir, sid).damaged
    assert not attendance.verify_attendance(workspace, sid).intact


def test_a_witness_that_is_a_folder_is_told_not_raised(workspace: Workspace, capsys) -> None:
    sid = sealed_session(workspace)
    path = witness.path_of(workspace.data_dir, sid)
    path.unlink()
    path.mkdir()
    assert main(["verify", sid]) == 1
    err = capsys.readouterr().err
    assert "witness" in err and "Traceback" not in err


def test_a_removed_seal_is_told_as_removed(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    sql(workspace, "DELETE FROM session_seals")
    verdict = verification.verify(workspace, sid)
    assert not verdict.valid and "removed" in verdict.message


def test_a_removed_seal_and_a_status_set_back_is_still_seen_by_the_witness(workspace: Workspace,
                                                                           tmp_path: Path) -> None:
    sid = sealed_session(workspace)
    made = certificates.make_certificates(workspace, sid, tmp_path / "certs").files
    sql(workspace, "DELETE FROM session_seals", "DELETE FROM session_amendments",
        "UPDATE training_sessions SET status = 'closed'")
    assert "removed" in verification.verify(workspace, sid).message
    verdict = verification.verify(workspace, str(made[0]))
    assert not verdict.valid and "removed from this computer" in verdict.message


def test_the_seal_s_signer_is_named_after_the_identity_is_replaced(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    create_identity(workspace, "Alex Kim", replace=True)
    closing.amend(workspace, sid, signer(workspace), person="E4", eligible=False, reason="never came")
    verdict = verification.verify(workspace, sid)
    assert verdict.valid, verdict.message
    assert "Sam Lee" in verdict.message and "Alex Kim" not in verdict.message


def test_a_seal_signed_by_someone_else_does_not_make_the_log_intact(workspace: Workspace, tmp_path: Path) -> None:
    """A seal re-signed with a stranger's key over an edited log: `attendance verify` trusts only this laptop's
    own identities for the seal's head."""
    sid = sealed_session(workspace)
    sql(workspace, "DELETE FROM attendance_events WHERE seq = (SELECT max(seq) FROM attendance_events)")
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    (payload,) = db.execute("SELECT payload FROM session_seals").fetchone()
    events, head = db.execute("SELECT seq, hash FROM attendance_events ORDER BY seq DESC LIMIT 1").fetchone()
    db.close()
    (workspace.data_dir / witness.FOLDER / f"{sid}.heads").unlink()
    record = SealedRecord.decode(payload)
    forged = dataclasses.replace(record, chain=ChainHead(events, head))
    stranger = open_workspace(tmp_path / "stranger")
    mallory = signer(stranger, create_as="Mallory")
    sql(workspace, "UPDATE session_seals SET payload = ?, jws = ?, signer_cert = ?, fingerprint = ?",
        params=(forged.encode(), mallory.sign(forged.to_payload()), mallory.cert_pem, mallory.fingerprint))
    stranger.close()
    assert not attendance.verify_attendance(workspace, sid).intact
    assert not verification.verify(workspace, sid).valid


# --- 50 random edits --------------------------------------------------------------------------------------------

Edit = Callable[[Workspace, str, random.Random], None]


def _column_edit(table: str, column: str, value: str) -> Edit:
    def edit(ws: Workspace, sid: str, pick: random.Random) -> None:
        rows = _ids(ws, table)
        sql(ws, f"UPDATE {table} SET {column} = {value} WHERE rowid = {pick.choice(rows)}")
    edit.__name__ = f"{table}.{column}"
    return edit


def _ids(ws: Workspace, table: str) -> list[int]:
    db = sqlite3.connect(ws.data_dir / DATABASE_NAME)
    rows = [r[0] for r in db.execute(f"SELECT rowid FROM {table}")]
    db.close()
    return rows


def _flip_json(table: str) -> Edit:
    """Change one value inside a signed record's stored JSON, keeping it valid JSON."""
    def edit(ws: Workspace, sid: str, pick: random.Random) -> None:
        db = sqlite3.connect(ws.data_dir / DATABASE_NAME)
        rowid, payload = pick.choice(list(db.execute(f"SELECT rowid, payload FROM {table}")))
        db.close()
        data = json.loads(payload)
        if "attendees" in data:
            data["attendees"][pick.randrange(len(data["attendees"]))]["minutes"] += pick.randint(1, 90)
        else:
            data["eligible"] = not data["eligible"]
        sql(ws, f"UPDATE {table} SET payload = ? WHERE rowid = {rowid}",
            params=(json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False),))
    edit.__name__ = f"{table}.payload"
    return edit


def _delete(table: str, where: str = "1") -> Edit:
    def edit(ws: Workspace, sid: str, pick: random.Random) -> None:
        rows = _ids(ws, f"{table}") if where == "1" else None
        target = pick.choice(rows) if rows else None
        sql(ws, f"DELETE FROM {table} WHERE rowid = {target}" if target is not None else f"DELETE FROM {table}")
    edit.__name__ = f"delete from {table}"
    return edit


def _witness_rewritten(ws: Workspace, sid: str, pick: random.Random) -> None:
    path = ws.data_dir / witness.FOLDER / f"{sid}.heads"
    lines = path.read_text().splitlines()
    kind, seq, _hash = lines[-1].split()
    lines[-1] = f"{kind} {seq} {'0' * 64}"
    path.write_text("\n".join(lines) + "\n")


EDITS: list[Edit] = [
    _column_edit("attendance_events", "occurred_at", "'2020-01-01T00:00:00.000000+00:00'"),
    _column_edit("attendance_events", "kind", "CASE kind WHEN 'check-in' THEN 'check-out' ELSE 'check-in' END"),
    _column_edit("attendance_events", "roster_entry_id", "(SELECT max(id) FROM roster_entries)"),
    _column_edit("attendance_events", "person_token", "(SELECT badge_token FROM roster_entries WHERE badge_token "
                                                      "IS NOT attendance_events.person_token LIMIT 1)"),
    _column_edit("attendance_events", "reason", "'edited'"),
    _column_edit("attendance_events", "source", "CASE source WHEN 'paper' THEN 'desk' ELSE 'paper' END"),
    _column_edit("attendance_events", "monotonic_ms", "monotonic_ms + 60000"),
    _column_edit("attendance_events", "seq", "seq + 100"),
    _column_edit("attendance_events", "hash", "'" + "0" * 64 + "'"),
    _delete("attendance_events"),
    _column_edit("roster_entries", "first_name", "'Anna'"),
    _column_edit("roster_entries", "last_name", "'Smith'"),
    _column_edit("roster_entries", "employee_id", "'E9'"),
    _column_edit("roster_entries", "walk_in", "1 - walk_in"),
    _column_edit("roster_entries", "badge_token", "'ZZZZZZZZZZZZZZZZZZZZ'"),
    _column_edit("training_sessions", "status", "'planned'"),
    _column_edit("training_sessions", "location", "'Head office'"),
    _column_edit("training_sessions", "trainer", "'Someone Else'"),
    _column_edit("training_sessions", "workshop_title", "'Another workshop'"),
    _column_edit("training_sessions", "scheduled_date", "'2020-01-01'"),
    _column_edit("training_sessions", "start_time", "time(start_time, '+1 hour') || '.000000'"),
    _column_edit("training_sessions", "grace_minutes", "120"),
    _column_edit("training_sessions", "closed_at", "'2020-01-01T00:00:00.000000+00:00'"),
    _column_edit("training_sessions", "workshop_snapshot", "replace(workshop_snapshot, 'minutes', 'minutes ')"),
    _column_edit("session_jurisdictions", "code", "'ny-state'"),
    _column_edit("delivery_events", "occurred_at", "'2020-01-01T00:00:00.000000+00:00'"),
    _column_edit("delivery_events", "segment_id", "'feedback'"),
    _delete("delivery_events"),
    _column_edit("feedback_responses", "rating", "1"),
    _column_edit("feedback_responses", "comment", "'useless'"),
    _delete("feedback_responses"),
    _column_edit("session_seals", "jws", "substr(jws, 1, length(jws) - 4) || 'AAAA'"),
    _flip_json("session_seals"),
    _flip_json("session_amendments"),
    _column_edit("session_amendments", "jws", "(SELECT jws FROM session_seals)"),
    _delete("session_amendments"),
    _witness_rewritten,
]


@pytest.mark.slow
def test_fifty_random_edits_are_each_caught_and_nothing_is_made_from_them(tmp_path: Path) -> None:
    pristine = tmp_path / "pristine"
    ws = open_workspace(pristine)
    sid = sealed_session(ws)
    ws.close()
    pick = random.Random(20261129)
    for round_ in range(50):
        folder = tmp_path / f"round-{round_}"
        shutil.copytree(pristine, folder)
        ws = open_workspace(folder)
        edit = pick.choice(EDITS)
        edit(ws, sid, pick)
        assert not verification.verify(ws, sid).valid, f"round {round_}: {edit.__name__} went unnoticed"
        out = tmp_path / f"out-{round_}"
        with pytest.raises(UserError):
            certificates.make_certificates(ws, sid, out / "certs")
        assert not (out / "certs").exists() or not any((out / "certs").iterdir())
        ws.close()
        shutil.rmtree(folder)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("pristine") / "data"
    ws = open_workspace(folder)
    sid = sealed_session(ws)
    ws.close()
    return folder, sid


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_each_kind_of_edit_is_caught(pristine: tuple[Path, str], tmp_path: Path, edit: Edit) -> None:
    folder = tmp_path / "data"
    shutil.copytree(pristine[0], folder)
    ws = open_workspace(folder)
    edit(ws, pristine[1], random.Random(7))
    verdict = verification.verify(ws, pristine[1])
    ws.close()
    assert not verdict.valid, verdict.message


def test_the_witness_flushes_amendments_always_and_events_at_most_once_a_second(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    flushed: list[int] = []
    real = witness.os.fsync
    monkeypatch.setattr(witness.os, "fsync", lambda fd: (flushed.append(fd), real(fd)))
    for n, at in enumerate((100.0, 100.2, 100.9, 101.1), start=1):
        witness.record(tmp_path, "S1", "event", n, f"{n:064x}", now=at)
    assert len(flushed) == 2  # at 100.0 and at 101.1
    witness.record(tmp_path, "S1", "amendment", 1, "a" * 64, now=101.2)
    assert len(flushed) == 3
    seen = witness.read(tmp_path, "S1")
    assert seen is not None and seen.events == witness.Head(4, f"{4:064x}") and not seen.damaged
