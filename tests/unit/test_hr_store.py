"""HR's store, on SQLite and on a real PostgreSQL: bundles from several laptops imported, refused into quarantine,
imported again without a change, amended, in conflict, and imported by several processes at once; the schema is
what the migrations make; `facilitator hr` says what happened, exits 0, 1 or 2, and never shows a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from facilitator.cli import main
from facilitator.domain.compliance import Standing
from facilitator.services import hr_history, hr_import, hr_trust, hr_writing
from facilitator.services.errors import UserError
from facilitator.services.exported_sessions import exported_session
from facilitator.services.hr_store import HrStore, open_hr_store
from facilitator.services.identity import export_certificate, get_identity
from facilitator.services.workspace import open_workspace
from facilitator.storage import database, hr_database
from facilitator.storage.hr_models import (
    HrAttendance,
    HrBase,
    HrCredit,
    HrSession,
    ImportedBundle,
    QuarantinedBundle,
    TrustedCertificate,
)
from tests.unit.hr_laptops import Laptops, workspace_of

ROOT = Path(__file__).parents[2]
TABLES = {"bundles": ImportedBundle, "quarantine": QuarantinedBundle, "sessions": HrSession,
          "people": HrAttendance, "credits": HrCredit, "trusted": TrustedCertificate}
Outcome = hr_import.Outcome


def counts(store: HrStore) -> dict[str, int]:
    with store.reading() as db:
        return {name: db.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}


def outcomes(results: list[hr_import.BundleResult]) -> list[str]:
    return [str(r.outcome) for r in results]


def person_row(store: HrStore, session_id: str, employee_id: str) -> HrAttendance:
    with store.reading() as db:
        return db.scalars(select(HrAttendance).join(HrSession, HrSession.id == HrAttendance.session_row_id).where(
            HrSession.session_id == session_id, HrAttendance.employee_id == employee_id)).one()


@pytest.mark.slow
def test_the_trusted_laptop_imports_the_untrusted_and_the_tampered_are_quarantined_and_again_changes_nothing(
        store: HrStore, laptops: Laptops) -> None:
    hr_trust.add_trusted(store, laptops.trainer_a)
    first = hr_import.import_bundles(store, [laptops.a1, laptops.b1])
    assert outcomes(first) == ["imported", "quarantined"]
    assert (first[0].sessions, first[0].added, first[0].people) == (2, 2, 8)
    assert "signed by CN=Kai Moreno, whom you have not trusted" in first[1].reason
    assert "hr trust add" in first[1].message
    after_first = counts(store)
    assert after_first == {"bundles": 1, "quarantine": 1, "sessions": 2, "people": 8, "credits": 8, "trusted": 1}

    again = hr_import.import_bundles(store, [laptops.a1])
    assert outcomes(again) == ["already-imported"] and counts(store) == after_first

    tampered = hr_import.import_bundles(store, [laptops.tampered])
    assert outcomes(tampered) == ["quarantined"]
    assert tampered[0].reason == "attendance.csv does not match its hash in SHA256SUMS: it was changed"
    with store.reading() as db:
        kept = {q.file_name: q for q in db.scalars(select(QuarantinedBundle))}
    assert set(kept) == {"b1.zip", "tampered.zip"}
    assert kept["tampered.zip"].content == laptops.tampered.read_bytes(), "the refused file itself is kept"
    assert kept["b1.zip"].sha256 == first[1].sha256
    assert counts(store) == {**after_first, "quarantine": 2}
    zoe = person_row(store, laptops.s1, "E1")
    assert (zoe.first_name, zoe.email, zoe.completion, zoe.track) == ("Zoë", "zoe@example.com", "completed",
                                                                      "supervisor")


@pytest.mark.slow
def test_a_re_export_adds_only_its_bundle_and_a_later_amendment_is_applied_once_and_never_undone(
        store: HrStore, laptops: Laptops) -> None:
    hr_trust.add_trusted(store, laptops.trainer_a)
    hr_import.import_bundles(store, [laptops.a1])
    before = counts(store)
    assert person_row(store, laptops.s2, "E2").completion == "incomplete"
    [again] = hr_import.import_bundles(store, [laptops.a1_again])
    assert (again.outcome, again.added, again.amended, again.people) == (Outcome.IMPORTED, 0, 0, 0)
    assert counts(store) == {**before, "bundles": 2}, "a re-export adds its bundle's row and nothing else"

    [amended] = hr_import.import_bundles(store, [laptops.a2])
    assert (amended.added, amended.amended, amended.people) == (0, 1, 4)
    jose = person_row(store, laptops.s2, "E2")
    assert (jose.completion, jose.amended, jose.certificate_id is not None) == ("completed", True, True)
    assert jose.completion_date is not None
    assert counts(store) == {**before, "bundles": 3}, "the amended record replaced its people; nothing was added"
    sessions = {s.session_id: s for s in hr_history.imported_sessions(store)}
    assert sessions[laptops.s2].amendments == 1 and sessions[laptops.s2].completed == 3


@pytest.mark.slow
def test_an_older_bundle_imported_after_an_amended_one_changes_nothing(store: HrStore, laptops: Laptops) -> None:
    hr_trust.add_trusted(store, laptops.trainer_a)
    hr_import.import_bundles(store, [laptops.a2])
    [older] = hr_import.import_bundles(store, [laptops.a1])
    assert (older.added, older.amended) == (1, 0), "S1 is new; S2 stays as its amendment left it"
    assert person_row(store, laptops.s2, "E2").completion == "completed"


@pytest.mark.slow
def test_each_person_is_credited_as_the_record_says_standing_by_standing(laptops: Laptops) -> None:
    """The import takes a person's credits in one pass (credits_of); they are the record's, standing by standing:
    "met" only for someone who completed, an amendment's decision included."""
    ws = workspace_of(laptops, "a")
    try:
        sessions = [exported_session(ws, sid) for sid in (laptops.s1, laptops.s2)]
    finally:
        ws.close()
    assert any(s.amendments for s in sessions)
    standings = set()
    for session in sessions:
        for person in session.people:
            expected = [c for standing in Standing for c in session.credits(person, standing)]
            assert hr_writing.credits_of(session, person) == expected
            standings |= {c.standing for c in expected}
    assert len(standings) > 1, "the laptops' sessions credit more than one standing"


@pytest.mark.slow
def test_one_session_sealed_on_two_laptops_is_kept_twice_and_flagged(store: HrStore, laptops: Laptops) -> None:
    hr_trust.add_trusted(store, laptops.trainer_a)
    results = hr_import.import_bundles(store, [laptops.a1, laptops.c1])
    assert results[0].conflicts == () and results[1].conflicts == (laptops.s1,)
    assert "sealed" in results[1].message and laptops.s1 in results[1].message
    records = [s for s in hr_history.imported_sessions(store) if s.session_id == laptops.s1]
    assert len(records) == 2 and all(s.conflict for s in records)
    assert len({s.seal_sha256 for s in records}) == 2
    assert [s.conflict for s in hr_history.imported_sessions(store) if s.session_id == laptops.s2] == [False]
    zoe = hr_history.person_history(store, "ZOE@example.com")
    assert [s.conflict for s in zoe.sessions].count(True) == 2 and zoe.employee_ids == ("E1",)


@pytest.mark.slow
def test_an_organisation_ca_vouches_for_its_trainer_and_the_bundle_leaves_quarantine(
        store: HrStore, laptops: Laptops) -> None:
    [refused] = hr_import.import_bundles(store, [laptops.b1])
    assert refused.outcome is Outcome.QUARANTINED
    added = hr_trust.add_trusted(store, laptops.trainer_b)
    assert added.left_out == 1, "the trainer's file carries their CA after their certificate; only theirs is trusted"
    hr_trust.remove_trusted(store, added.trusted.fingerprint[:11])
    ca = hr_trust.add_trusted(store, laptops.ca, name="Acme CA")
    assert ca.trusted.name == "Acme CA" and not ca.already
    [imported] = hr_import.import_bundles(store, [laptops.b1])
    assert imported.outcome is Outcome.IMPORTED and imported.signer == "CN=Kai Moreno"
    assert counts(store)["quarantine"] == 0, "imported now: no longer held back"


@pytest.mark.slow
@pytest.mark.parametrize("processes", [3])
def test_imports_running_at_once_never_duplicate_a_row(where: tuple[str | None, Path], laptops: Laptops,
                                                       processes: int) -> None:
    db, data = where
    opened = open_hr_store(db, data)
    hr_trust.add_trusted(opened, laptops.trainer_a)
    opened.close()
    bundles = [str(p) for p in (laptops.a1, laptops.c1, laptops.a1_again, laptops.a2, laptops.b1)]
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
    if db:
        env["FACILITATOR_HR_DB"] = db
    started = [subprocess.Popen([sys.executable, "-m", "facilitator", "hr", "import", "--json", *bundles],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _n in range(processes)]
    done = [(p.wait(timeout=300), *p.communicate()) for p in started]
    assert all(code == 1 for code, _out, _err in done), done  # 1: b1.zip is quarantined, each time
    said = [json.loads(out) for _code, out, _err in done]
    for number, name in enumerate(bundles[:4]):
        told = sorted(result[number]["outcome"] for result in said)
        assert told.count("imported") == 1, (name, told)  # once, by whichever process got there first
    store = open_hr_store(db, data)
    try:
        assert counts(store) == {"bundles": 4, "quarantine": 1, "sessions": 3, "people": 12, "credits": 12,
                                 "trusted": 1}
        assert person_row(store, laptops.s2, "E2").completion == "completed"
    finally:
        store.close()


def test_the_models_match_the_migrations_on_each_database(store: HrStore) -> None:
    assert hr_database.head_revision() == hr_database.SCHEMA_HEAD
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": hr_database.VERSION_TABLE})
        assert compare_metadata(context, HrBase.metadata) == []
        assert context.get_current_revision() == hr_database.SCHEMA_HEAD


def test_the_sqlite_store_is_private_and_beside_the_trainers(tmp_path: Path) -> None:
    store = open_hr_store(None, tmp_path / "data")
    store.close()
    path = tmp_path / "data" / hr_database.HR_DATABASE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert not (tmp_path / "data" / database.DATABASE_NAME).exists(), "HR's store is not the trainer's"


# --- the command line -------------------------------------------------------------------------------------------

def hr(capsys: pytest.CaptureFixture[str], data: Path, *words: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(data), "hr", *words])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.slow
def test_the_command_line_trusts_imports_and_looks_up(where: tuple[str | None, Path], laptops: Laptops,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db, data = where
    given = ["--db", db] if db else []
    code, out, _err = hr(capsys, data, *given, "trust", "add", str(laptops.trainer_a), "--name", "Sam's laptop")
    assert code == 0 and "Trusted CN=Sam Lee as 'Sam's laptop'" in out
    code, out, _err = hr(capsys, data, "trust", "list", *given)
    assert code == 0 and out.startswith("Sam's laptop  ") and "CN=Sam Lee" in out
    code, out, err = hr(capsys, data, *given, "import", str(laptops.a1), str(laptops.b1), str(laptops.c1))
    assert code == 1, "a bundle was quarantined: the command says so in its exit code, after importing the rest"
    assert "a1.zip: imported 2 sessions (2 new, 0 amended, 8 people written)" in out
    assert "conflict: another laptop sealed" in out
    assert "b1.zip: quarantined: signed by CN=Kai Moreno, whom you have not trusted" in err
    assert "3 bundles: 2 imported, 0 imported before, 1 quarantined, 0 not read" in out
    code, out, _err = hr(capsys, data, *given, "import", str(laptops.a1), "--json")
    assert code == 0 and json.loads(out)[0]["outcome"] == "already-imported"
    code, out, _err = hr(capsys, data, *given, "sessions")
    assert code == 0 and out.count("CONFLICT") == 2 and out.count("Main St warehouse") == 3
    code, out, _err = hr(capsys, data, *given, "sessions", "--json")
    assert sorted(s["session"] for s in json.loads(out)) == sorted([laptops.s1, laptops.s1, laptops.s2])
    code, out, _err = hr(capsys, data, *given, "person", "E1")
    assert code == 0 and out.startswith("Zoë O'Neil, E1, zoe@example.com: 3 sessions")
    assert "credited: ca-supervisors met" in out
    code, out, _err = hr(capsys, data, *given, "person", "kim@example.com", "--json")
    assert code == 0 and [s["completion"] for s in json.loads(out)["sessions"]] == ["no-show"] * 3
    code, _out, err = hr(capsys, data, *given, "person", "E404")
    assert code == 1 and "no one with the employee id or e-mail address 'E404'" in err
    code, out, _err = hr(capsys, data, *given, "trust", "remove", "Sam's laptop")
    assert code == 0 and "No longer trusted: Sam's laptop" in out
    code, out, _err = hr(capsys, data, *given, "trust", "list", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(("words", "said"), [
    (["--db", "mysql://hr@localhost/hr", "sessions"], "is not a database HR's store can use"),
    (["--db", "postgresql+psycopg://hr:s3cret@127.0.0.1:9/hr", "sessions"], "cannot use the HR database"),
    (["--db", "postgresql://hr:s3cret@[::1/hr", "sessions"], "is not a database URL"),
    (["--db", "sqlite://", "sessions"], "is not a database HR's store can use"),
    (["trust", "remove", "nobody"], "no trusted certificate is named 'nobody'"),
    (["trust", "add", "missing.pem"], "cannot read missing.pem"),
    (["import", "missing.zip"], "there is no file missing.zip"),
])
def test_bad_input_is_one_line_that_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch, words: list[str], said: str
                                                     ) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = hr(capsys, tmp_path / "data", *words)
    told = [line for line in err.splitlines() if line and not line.startswith("facilitator: warning:")]
    assert code == 1 and said in err and len(told) == 1, err
    assert "s3cret" not in err, "a password in --db is never shown"


def test_files_that_are_not_bundles_or_certificates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    (tmp_path / "notes.pem").write_text("hello")
    code, _out, err = hr(capsys, data, "trust", "add", str(tmp_path / "notes.pem"))
    assert code == 1 and "notes.pem holds no PEM certificate" in err
    (tmp_path / "photo.zip").write_bytes(b"\x89PNG not a zip at all")
    code, out, err = hr(capsys, data, "import", str(tmp_path / "photo.zip"), str(tmp_path), "--json")
    assert code == 1
    results = json.loads(out)
    assert [r["outcome"] for r in results] == ["quarantined", "not-read"]
    assert "cannot be read as a zip file" in results[0]["reason"] and "it is a folder" in results[1]["reason"]
    assert results[0]["reason"].startswith(f"{tmp_path / 'photo.zip'} is not a bundle"), "the file HR gave, named"
    assert "no certificate is trusted yet" in err
    with pytest.raises(SystemExit) as wrong:  # argparse's own exit for wrong usage, as for every command
        main(["--data-dir", str(data), "hr", "trust"])
    assert wrong.value.code == 2 and "the following arguments are required: VERB" in capsys.readouterr().err


def test_a_database_that_is_not_one_or_is_busy_is_told_on_one_line(tmp_path: Path, laptops_free_cert: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "folder-db").mkdir()
    (tmp_path / "folder-db" / hr_database.HR_DATABASE_NAME).mkdir()
    code, _out, err = hr(capsys, tmp_path / "folder-db", "sessions")
    assert code == 1 and "is a folder, not a database file" in err
    (tmp_path / "text.sqlite").write_text("not a database\n" * 100)
    code, _out, err = hr(capsys, tmp_path, "--db", str(tmp_path / "text.sqlite"), "sessions")
    assert code == 1 and "is not a readable SQLite database" in err
    assert (tmp_path / "text.sqlite").read_text() == "not a database\n" * 100, "a file refused is left as it was"

    data = tmp_path / "busy"
    hr(capsys, data, "sessions")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(database, "LOCK_RETRIES", (0.01,))
    holder = sqlite3.connect(data / hr_database.HR_DATABASE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _out, err = hr(capsys, data, "trust", "add", str(laptops_free_cert))
    finally:
        holder.rollback()
        holder.close()
    assert code == 1 and "is busy" in err and "nothing was changed" in err
    code, out, _err = hr(capsys, data, "trust", "list", "--json")
    assert json.loads(out) == []


def exported_certificate(folder: Path) -> Path:
    """A new trainer's certificate, as `facilitator keys export-cert` writes it (no session needed)."""
    ws = open_workspace(folder / "trainer")
    try:
        get_identity(ws, create_as="Ana Díaz")
        return export_certificate(ws, folder / "ana.pem")
    finally:
        ws.close()


@pytest.fixture
def laptops_free_cert(tmp_path: Path) -> Path:
    return exported_certificate(tmp_path)


def test_a_trusted_name_is_one_certificate_s(store: HrStore, laptops_free_cert: Path, tmp_path: Path) -> None:
    first = hr_trust.add_trusted(store, laptops_free_cert, name="Ana")
    assert hr_trust.add_trusted(store, laptops_free_cert).already, "the same certificate again: trusted already"
    other = exported_certificate(tmp_path / "other")
    with pytest.raises(UserError, match="another certificate is trusted under the name 'Ana'"):
        hr_trust.add_trusted(store, other, name="Ana")
    with pytest.raises(UserError, match="no trusted certificate"):
        hr_trust.remove_trusted(store, "AB")
    assert [t.fingerprint for t in hr_trust.list_trusted(store)] == [first.trusted.fingerprint]


def test_a_certificate_is_read_before_it_is_trusted_and_a_file_changed_since_is_refused(
        store: HrStore, laptops_free_cert: Path, tmp_path: Path) -> None:
    read = hr_trust.read_certificate(laptops_free_cert)
    assert (read.name, read.left_out, read.expired) == ("Ana Díaz", 0, False)
    bare = read.fingerprint.replace(":", "")
    assert read.short_fingerprint == " ".join(bare[i:i + 4] for i in range(0, 16, 4)), "as the trainer's app shows it"
    assert hr_trust.list_trusted(store) == [], "reading trusts nothing"
    other = exported_certificate(tmp_path / "other")
    laptops_free_cert.write_bytes(other.read_bytes())  # the file HR checked is replaced before they trust it
    with pytest.raises(UserError, match="has changed since it was read"):
        hr_trust.add_trusted(store, laptops_free_cert, expected=read.fingerprint)
    assert hr_trust.list_trusted(store) == []
    added = hr_trust.add_trusted(store, other, expected=hr_trust.read_certificate(other).fingerprint)
    assert not added.already


@pytest.mark.slow
def test_the_quarantine_is_listed_newest_first_and_a_cancel_stops_between_bundles(
        store: HrStore, laptops: Laptops) -> None:
    from datetime import UTC, datetime, timedelta

    from facilitator.services.errors import Cancelled, Stopped

    hr_trust.add_trusted(store, laptops.trainer_a)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    hr_import.import_bundles(store, [laptops.b1], now=start)
    hr_import.import_bundles(store, [laptops.tampered], now=start + timedelta(hours=1))
    listed = hr_import.quarantined(store)
    assert [(q.file_name, q.quarantined_at, q.kept) for q in listed] == [
        ("tampered.zip", start + timedelta(hours=1), True), ("b1.zip", start, True)]
    assert "whom you have not trusted" in listed[1].reason and listed[1].size == laptops.b1.stat().st_size

    def cancel_after_one(done: int, total: int) -> None:
        if done == 1:
            raise Cancelled

    with pytest.raises(Stopped) as stopped:
        hr_import.import_bundles(store, [laptops.a1, laptops.a2], progress=cancel_after_one)
    assert isinstance(stopped.value, hr_import.ImportStopped)
    assert outcomes(stopped.value.results) == ["imported"]
    assert stopped.value.summary == "stopped: 1 of 2 bundles dealt with; the rest were not read"
    assert counts(store)["bundles"] == 1, "a2.zip was not read"
    hr_trust.add_trusted(store, laptops.ca)
    hr_import.import_bundles(store, [laptops.b1])
    assert [q.file_name for q in hr_import.quarantined(store)] == ["tampered.zip"], "imported: out of quarantine"
