"""The local store on a real SQLite file: pragmas, append-only history, refusals and backups."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy

from facilitator.storage import database
from facilitator.storage.database import DATABASE_NAME, Store, StoreError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "databases"


def test_a_new_store_uses_wal_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("integrity_check") == "ok"
    store.close()
    assert database.inspect_file(tmp_path / DATABASE_NAME) == database.head_revision()


def test_the_data_folder_is_created(tmp_path: Path) -> None:
    Store.open(tmp_path / "a" / "b").close()
    assert (tmp_path / "a" / "b" / DATABASE_NAME).is_file()


def upgraded_fixture(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "0001.sqlite", tmp_path / DATABASE_NAME)
    Store.open(tmp_path).close()
    return tmp_path / DATABASE_NAME


def test_attendance_events_cannot_be_updated_or_deleted(tmp_path: Path) -> None:
    db = sqlite3.connect(upgraded_fixture(tmp_path))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE attendance_events SET kind = 'check-out'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM attendance_events")
    assert db.execute("SELECT count(*) FROM attendance_events").fetchone() == (1,)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with pytest.raises(sqlalchemy.exc.IntegrityError), store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO session_jurisdictions VALUES ('NOSUCH', 'ny-state', 0)")
    store.close()


def test_a_database_from_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = upgraded_fixture(tmp_path)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    before = path.read_bytes()
    backups_before = sorted((tmp_path / "backups").glob("*"))
    with pytest.raises(StoreError, match="newer version of Facilitator"):
        Store.open(tmp_path)
    assert path.read_bytes() == before
    assert sorted((tmp_path / "backups").glob("*")) == backups_before


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / DATABASE_NAME).write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a readable SQLite database"):
        Store.open(tmp_path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.close()
    before = (tmp_path / DATABASE_NAME).read_bytes()
    with pytest.raises(StoreError, match="not a Facilitator database"):
        Store.open(tmp_path)
    assert (tmp_path / DATABASE_NAME).read_bytes() == before


def test_an_unwritable_data_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data folder"):
        Store.open(blocker / "data")


def test_a_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.connection().exec_driver_sql(
            "INSERT INTO training_sessions VALUES ('X', 'w', '1', 't', 'h', 's', '2026-01-01', '09:00:00', 'l', "
            "'t', 'en', 10, 'planned', '2026-01-01T00:00:00+00:00', NULL)")
        raise RuntimeError("interrupted")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM training_sessions").scalar() == 0
    store.close()


def test_a_status_edited_outside_facilitator_is_shown_not_a_crash(workspace, tmp_path) -> None:
    """The status is stored as a SessionStatus's value; a value Facilitator never writes does not stop the
    session list (issue 11 makes such an edit detected)."""
    from datetime import date

    from facilitator.domain.sessions import SessionStatus
    from facilitator.services.sessions import create_session, list_sessions

    detail = create_session(workspace, workshop_id="bystander-intervention", on=date(2026, 12, 3), start="09:00",
                            location="Depot", trainer="Sam Lee", jurisdictions=["none"])
    assert detail.status is SessionStatus.PLANNED
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    with db:
        assert db.execute("SELECT status FROM training_sessions").fetchone() == ("planned",)
        db.execute("UPDATE training_sessions SET status = 'open'")
    db.close()
    [listed] = list_sessions(workspace)
    assert listed.status == "open" and listed.status != SessionStatus.SEALED
