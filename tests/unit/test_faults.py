"""Crashes and faults (issue 11): a full disk, read-only files and folders, a database that is a folder or a link
to /dev/null, racing and killed processes, Ctrl-C, a huge logo, bad text given to `verify`, an empty passphrase and
a name the fonts cannot print. Each ends in a one-line message (exit 1, or 130 for Ctrl-C) and changes nothing it
should not; none reaches the user as a traceback.

The full-disk cases run twice where they can: on a real 2 MB tmpfs (as root, where `mount` works) and, always,
with the same failure injected where SQLite or the file system would report it. Read-only files are made so with
`chattr +i` as root (whom permissions do not stop) and with `chmod` otherwise.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pytest
import sqlalchemy
from sqlalchemy import event

from facilitator import files
from facilitator.cli import main
from facilitator.domain.roster import Person
from facilitator.records import identity as records
from facilitator.services import attendance, certificates, closing
from facilitator.services.errors import UserError
from facilitator.services.identity import get_identity, signer
from facilitator.services.roster import add_people, list_roster
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage import database
from facilitator.storage.database import DATABASE_NAME

ROOT = Path(__file__).parents[2]
POSIX = os.name == "posix"
IS_ROOT = POSIX and os.geteuid() == 0
NOW = datetime.now(UTC)


# --- helpers ------------------------------------------------------------------------------------------------

def cli(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    """Run the command in this process: an exception escaping it (a traceback for the user) fails the test, and so
    does Ctrl-C reaching the caller."""
    capsys.readouterr()
    try:
        code = main(list(words))
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped the command instead of stopping it cleanly")
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def planned(ws: Workspace, people: int = 3) -> str:
    """A session today with `people` on its roster."""
    detail = create_session(ws, workshop_id="allyship", on=date.today(), start="00:00", location="Hall",
                            trainer="Sam Lee", jurisdictions=["none"])
    add_people(ws, detail.id, [Person(f"Person{i}", "Tester", f"P{i}") for i in range(people)])
    return detail.id


def sealed_session(ws: Workspace, people: list[Person]) -> str:
    """A sealed session in which everyone in `people` attended long enough for a certificate."""
    start = (NOW - timedelta(minutes=160)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Main St warehouse", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    add_people(ws, detail.id, people)
    for person in get_session(ws, detail.id).roster:
        attendance.check_in(ws, detail.id, person.badge_code, at=NOW - timedelta(minutes=158))
    set_setting(ws, "organisation", "Harbor View Clinic")
    closing.close_session(ws, detail.id, signer(ws, create_as="Sam Lee"), at=NOW)
    return detail.id


def write_roster(path: Path, prefix: str, rows: int) -> Path:
    path.write_text("first_name,last_name,employee_id\n"
                    + "".join(f"{prefix}{i},Tester,{prefix}{i}\n" for i in range(rows)), encoding="utf-8")
    return path


def count(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()


def integrity(db: Path) -> str:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only for this process: `chattr +i` as root, `chmod` otherwise."""
    if IS_ROOT:
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("root is not stopped by permissions, and chattr +i is not available here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        path.chmod(stat.S_IMODE(mode))


@contextlib.contextmanager
def held_open(db: Path) -> Iterator[sqlite3.Connection]:
    """A second connection keeping the database's -wal and -shm in place, with the log emptied, so that the next
    write must grow the -wal (and a full disk is met there, not when the -shm is made)."""
    connection = sqlite3.connect(db)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        yield connection
    finally:
        connection.close()


def fill(disk: Path) -> Path:
    """Fill the disk holding `disk` to the last byte; returns the filler file, to be removed to free it."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as file, contextlib.suppress(OSError):  # unbuffered: nothing left to flush
        while file.write(b"\0" * 4096):
            pass
    return filler


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs, mounted for the test (root only: the fault-injection tests cover the same paths)."""
    if not IS_ROOT or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root; the fault-injection tests cover the same paths")
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def sqlite_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every INSERT on a new store fails as SQLite fails on a full disk (until monkeypatch undoes it:
    never with monkeypatch.undo(), which would also forget the test's data folder)."""
    make = database.make_engine

    def full_engine(path: Path) -> sqlalchemy.Engine:
        engine = make(path)

        @event.listens_for(engine, "before_cursor_execute")
        def no_space(conn: object, cursor: object, statement: str, parameters: object, context: object,
                     executemany: bool) -> None:
            if statement.lstrip().upper().startswith("INSERT"):
                raise sqlalchemy.exc.OperationalError(statement, parameters,
                                                      sqlite3.OperationalError("database or disk is full"))

        return engine

    monkeypatch.setattr(database, "make_engine", full_engine)


# --- a full disk --------------------------------------------------------------------------------------------

def test_a_full_disk_says_so_and_changes_nothing(small_disk: Path, capsys, tmp_path: Path) -> None:
    data = small_disk / "data"
    ws = open_workspace(data)
    session_id = planned(ws)
    code = get_session(ws, session_id).roster[0].badge_code
    ws.close()
    roster = write_roster(tmp_path / "roster.csv", "R", 2000)
    db = data / DATABASE_NAME
    with held_open(db):
        filler = fill(small_disk)
        for words in (["roster", "import", session_id, str(roster)], ["checkin", session_id, "--code", code],
                      ["roster", "add", session_id, "--first", "Wal", "--last", "Kin"],
                      ["keys", "create", "--name", "Sam Lee"]):
            status, _out, err = cli(capsys, "--data-dir", str(data), *words)
            assert status == 1 and "is full" in err and err.startswith("facilitator: "), (words, err)
        assert not list((data / "identity").glob("*.pem")), "no key without its certificate, nor the reverse"
        filler.unlink()
    assert integrity(db) == "ok"
    assert count(db, "roster_entries") == 3 and count(db, "attendance_events") == 0
    assert cli(capsys, "--data-dir", str(data), "keys", "create", "--name", "Sam Lee")[0] == 0, "not blocked"


def test_a_full_disk_during_the_upgrade_backup_changes_nothing(small_disk: Path, capsys) -> None:
    data = small_disk / "old"
    data.mkdir()
    fixture = ROOT / "tests" / "fixtures" / "databases" / "0001.sqlite"
    shutil.copy(fixture, data / DATABASE_NAME)
    filler = fill(small_disk)
    status, _out, err = cli(capsys, "--data-dir", str(data), "session", "list")
    assert status == 1 and "is full" in err and "backed up" in err
    assert (data / DATABASE_NAME).read_bytes() == fixture.read_bytes()
    assert list(data.glob("backups/*")) == [], "no half-made backup left"
    filler.unlink()
    assert cli(capsys, "--data-dir", str(data), "session", "list")[0] == 0


def test_a_full_disk_reported_by_sqlite_is_a_message_everywhere(workspace: Workspace, capsys, tmp_path: Path,
                                                                monkeypatch) -> None:
    """The same as on the tmpfs, with SQLite's "database or disk is full" injected where SQLite raises it."""
    session_id = planned(workspace)
    code = get_session(workspace, session_id).roster[0].badge_code
    roster = write_roster(tmp_path / "roster.csv", "R", 50)
    sqlite_full(monkeypatch)
    for words in (["roster", "import", session_id, str(roster)], ["checkin", session_id, "--code", code],
                  ["roster", "add", session_id, "--first", "Wal", "--last", "Kin"]):
        status, _out, err = cli(capsys, *words)
        assert status == 1 and "is full; nothing was changed" in err, (words, err)
    assert len(list_roster(workspace, session_id)) == 3
    assert count(workspace.data_dir / DATABASE_NAME, "attendance_events") == 0


def test_a_full_disk_while_making_the_identity_leaves_none_and_blocks_nothing(data_dir: Path, capsys,
                                                                              monkeypatch) -> None:
    """The certificate cannot be written (the disk filled up after the key): neither file is left, and the next
    `keys create` works without --replace."""
    create = files._create

    class NoRoom:
        """The temporary certificate file, on a disk with no room left for its bytes."""

        def __init__(self, handle: BinaryIO) -> None:
            self.handle = handle

        def __enter__(self) -> NoRoom:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def flush(self) -> None:
            self.handle.flush()

        def fileno(self) -> int:
            return self.handle.fileno()

    def no_room_for_the_certificate(path: Path, mode: int) -> BinaryIO | NoRoom:
        handle = create(path, mode)
        return NoRoom(handle) if "cert.pem" in path.name else handle

    monkeypatch.setattr(files, "_create", no_room_for_the_certificate)
    status, _out, err = cli(capsys, "keys", "create", "--name", "Sam Lee")
    assert status == 1 and "full" in err
    assert not (data_dir / "identity" / records.KEY_FILE).exists()
    assert not list((data_dir / "identity").glob(".*.part"))
    monkeypatch.setattr(files, "_create", create)  # room again
    assert cli(capsys, "keys", "create", "--name", "Sam Lee")[0] == 0


def test_a_full_disk_while_backing_up_before_an_upgrade(tmp_path: Path, capsys, monkeypatch) -> None:
    """As on the tmpfs: SQLite's online backup meets a full disk (a one-page limit on the backup's file)."""
    fixture = ROOT / "tests" / "fixtures" / "databases" / "0001.sqlite"
    data = tmp_path / "old"
    data.mkdir()
    shutil.copy(fixture, data / DATABASE_NAME)
    real = sqlite3

    class BackupsMeetAFullDisk:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def connect(self, target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
            connection = real.connect(target, *args, **kwargs)  # type: ignore[arg-type]
            if database.BACKUPS_DIR in Path(str(target)).parts:
                connection.execute("PRAGMA max_page_count = 1")
            return connection

    monkeypatch.setattr(database, "sqlite3", BackupsMeetAFullDisk())
    status, _out, err = cli(capsys, "--data-dir", str(data), "session", "list")
    assert status == 1 and "is full" in err and "backed up" in err
    assert (data / DATABASE_NAME).read_bytes() == fixture.read_bytes()
    assert list((data / "backups").glob("*")) == []


# --- read-only files and folders, and a database that is not a file ---------------------------------------------

@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A data folder with a session in it, every connection closed (no -wal, no -shm)."""
    folder = tmp_path / "kept"
    ws = open_workspace(folder)
    planned(ws)
    ws.close()
    return folder


def create_words(folder: Path) -> list[str]:
    return ["--data-dir", str(folder), "session", "create", "--workshop", "allyship", "--date", "2026-12-03",
            "--start", "09:00", "--location", "Hall", "--trainer", "Sam", "--jurisdiction", "none"]


def test_a_read_only_database_is_named_as_such(kept: Path, capsys) -> None:
    db = kept / DATABASE_NAME
    before = db.read_bytes()
    with read_only(db):
        assert cli(capsys, "--data-dir", str(kept), "session", "list")[0] == 0  # reading still works
        status, _out, err = cli(capsys, *create_words(kept))
    assert status == 1 and f"{db} cannot be written to" in err and "nothing was changed" in err
    assert "not a readable SQLite database" not in err and "move it aside" not in err
    assert db.read_bytes() == before


def test_a_read_only_shm_is_named_as_such(kept: Path, capsys, tmp_path: Path) -> None:
    """The -wal and -shm a crash left behind (copied while a connection had them open), the -shm read-only."""
    db = kept / DATABASE_NAME
    side = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
    connection = sqlite3.connect(db)
    connection.execute("SELECT count(*) FROM training_sessions").fetchone()
    for file in side:
        shutil.copy(file, tmp_path / file.name)
    connection.close()
    for file in side:
        shutil.copy(tmp_path / file.name, file)
    with read_only(side[1]):
        status, _out, err = cli(capsys, *create_words(kept))
    assert status == 1 and f"{side[1]} cannot be written to" in err and "move it aside" not in err
    assert count(db, "training_sessions") == 1


def test_a_read_only_data_folder_is_not_called_a_damaged_database(kept: Path, capsys) -> None:
    with read_only(kept):
        status, _out, err = cli(capsys, "--data-dir", str(kept), "session", "list")
    assert status == 1 and f"the data folder {kept} cannot be written to" in err
    assert "not a readable SQLite database" not in err and "move it aside" not in err


def test_a_database_that_is_a_folder_or_a_link_to_dev_null(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "a"
    (folder / DATABASE_NAME).mkdir(parents=True)
    status, _out, err = cli(capsys, "--data-dir", str(folder), "session", "list")
    assert status == 1 and "is a folder, not a database file" in err and "--data-dir" in err
    linked = tmp_path / "b"
    linked.mkdir()
    (linked / DATABASE_NAME).symlink_to(os.devnull)
    status, _out, err = cli(capsys, "--data-dir", str(linked), "session", "list")
    assert status == 1 and "not a database file" in err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode), "/dev/null is left as it was"


# --- a locked database: wait, try again, then say so -------------------------------------------------------

@contextlib.contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_a_database_kept_locked_is_waited_for_then_reported(workspace: Workspace, tmp_path: Path, capsys,
                                                          monkeypatch) -> None:
    session_id = planned(workspace)
    roster = write_roster(tmp_path / "roster.csv", "L", 20)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(database, "LOCK_RETRIES", (0.05, 0.1))
    with write_lock(workspace.data_dir / DATABASE_NAME):
        status, _out, err = cli(capsys, "roster", "import", session_id, str(roster))
    assert status == 1 and "is busy" in err and "try again in a moment" in err
    assert len(list_roster(workspace, session_id)) == 3


def test_a_lock_released_while_waiting_lets_the_write_through(workspace: Workspace, tmp_path: Path, capsys,
                                                             monkeypatch) -> None:
    session_id = planned(workspace)
    roster = write_roster(tmp_path / "roster.csv", "L", 20)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)  # far shorter than the lock is held: the retries wait
    monkeypatch.setattr(database, "LOCK_RETRIES", (0.2, 0.4, 0.8))
    holding = threading.Event()

    def hold() -> None:
        with write_lock(workspace.data_dir / DATABASE_NAME):
            holding.set()
            time.sleep(0.4)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    status, out, _err = cli(capsys, "roster", "import", session_id, str(roster))
    holder.join()
    assert status == 0 and "Imported 20 people" in out


def import_process(data_dir: Path, session_id: str, roster: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "roster", "import",
                             session_id, str(roster)], env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                            text=True, **kwargs)  # type: ignore[call-overload]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_racing_and_killed_importers_leave_a_whole_roster(workspace: Workspace, tmp_path: Path) -> None:
    """Two processes importing two rosters into one session at the same moment each wait for the other, and
    both land; an import killed (kill -9) at any moment adds everyone or no one, and leaves a sound database."""
    for round_ in range(2):
        session_id = planned(workspace, people=0)
        rosters = [write_roster(tmp_path / f"{side}{round_}.csv", f"{side}{round_}x", 2000) for side in "AB"]
        racers = [import_process(workspace.data_dir, session_id, roster, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE) for roster in rosters]
        results = [racer.communicate(timeout=120) for racer in racers]
        for racer, (_out, err) in zip(racers, results, strict=True):
            assert racer.returncode == 0 and "Traceback" not in err, err
        assert len(list_roster(workspace, session_id)) == 4000
    session_id = planned(workspace, people=0)
    roster = write_roster(tmp_path / "big.csv", "K", 3000)
    chance = random.Random(11)
    for _round in range(4):
        killed = import_process(workspace.data_dir, session_id, roster, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.5, 2.5))
        with contextlib.suppress(ProcessLookupError):
            os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=60)
        assert integrity(workspace.data_dir / DATABASE_NAME) == "ok"
        assert len(list_roster(workspace, session_id)) in (0, 3000)


# --- certificates: Ctrl-C, a logo too large, a name the fonts cannot print --------------------------------------

def test_ctrl_c_during_certificates_stops_cleanly_with_a_summary(workspace: Workspace, tmp_path: Path, capsys,
                                                                 monkeypatch) -> None:
    session_id = sealed_session(workspace, [Person("Zoë", "O'Neil", "E1"), Person("Ana", "Díaz", "E2"),
                                            Person("Sam", "Lee", "E3")])
    real_save = certificates.save
    saved: list[Path] = []

    def interrupted_on_the_second(target: Path, data: bytes, **kwargs: object) -> object:
        saved.append(target)
        if len(saved) == 2:  # Ctrl-C half-way through writing the second file
            def half(file: BinaryIO) -> None:
                file.write(data[: len(data) // 2])
                raise KeyboardInterrupt
            return real_save(target, half, **kwargs)
        return real_save(target, data, **kwargs)

    monkeypatch.setattr(certificates, "save", interrupted_on_the_second)
    out = tmp_path / "certs"
    status, _out, err = cli(capsys, "certificates", session_id, "--out", str(out))
    assert status == 130
    assert err.strip() == f"facilitator: stopped: wrote 1 of 3 certificates to {out}"
    assert [p.name for p in out.iterdir()] == [saved[0].name], "one whole file, no partial one, no litter"


def test_ctrl_c_just_after_a_file_is_in_place_counts_it(workspace: Workspace, tmp_path: Path, capsys,
                                                       monkeypatch) -> None:
    """Ctrl-C while the folder is synced after the second file was moved into place (the file is whole and there):
    the summary counts it, as the folder shows."""
    session_id = sealed_session(workspace, [Person("Zoë", "O'Neil", "E1"), Person("Ana", "Díaz", "E2"),
                                            Person("Sam", "Lee", "E3")])
    real_save = certificates.save
    saved: list[Path] = []

    def interrupted_once_the_second_is_placed(target: Path, data: bytes, **kwargs: object) -> object:
        real_save(target, data, **kwargs)
        saved.append(target)
        if len(saved) == 2:
            raise KeyboardInterrupt
        return None

    monkeypatch.setattr(certificates, "save", interrupted_once_the_second_is_placed)
    out = tmp_path / "certs"
    status, _out, err = cli(capsys, "certificates", session_id, "--out", str(out))
    assert status == 130
    assert err.strip() == f"facilitator: stopped: wrote 2 of 3 certificates to {out}"
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in saved)


def tiny_png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says `width` by `height` pixels (its picture data is a few bytes: only headers are read
    before the size is judged)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + chunk(b"IEND", b"")


def test_a_huge_logo_already_set_is_a_message_at_certificate_time(workspace: Workspace, tmp_path: Path,
                                                                 capsys) -> None:
    session_id = sealed_session(workspace, [Person("Zoë", "O'Neil", "E1")])
    logo = tmp_path / "logo.png"
    logo.write_bytes(tiny_png_claiming(20000, 20000))
    settings = workspace.data_dir / "settings.json"
    saved = json.loads(settings.read_text(encoding="utf-8"))
    settings.write_text(json.dumps({**saved, "logo": str(logo)}), encoding="utf-8")  # set by an older version
    out = tmp_path / "certs"
    status, _out, err = cli(capsys, "certificates", session_id, "--out", str(out))
    assert status == 1 and "too large to print" in err and "settings set logo" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_a_name_the_fonts_cannot_print_leaves_out_that_certificate_only(workspace: Workspace, tmp_path: Path,
                                                                       capsys) -> None:
    session_id = sealed_session(workspace, [Person("小明", "王", "E1"), Person("Zoë", "O'Neil", "E2")])
    out = tmp_path / "certs"
    status, stdout, err = cli(capsys, "certificates", session_id, "--out", str(out))
    assert status == 1
    assert "Wrote 1 signed certificate" in stdout
    assert "1 certificate could not be made" in err and "小明 王" in err
    [made] = list(out.iterdir())
    assert made.read_bytes().startswith(b"%PDF")
    result = certificates.make_certificates(workspace, session_id, tmp_path / "again")
    assert len(result.files) == 1 and len(result.not_made) == 1 and "小明" in result.not_made[0]


# --- verify: text that is no file, and a folder -----------------------------------------------------------

def test_verify_refuses_junk_text_and_folders_with_a_message(workspace: Workspace, tmp_path: Path, capsys) -> None:
    for junk in ("eyJhbGciOiJFUzI1NiJ9" * 300, "x" * 5000, "not/a/real/thing"):
        status, _out, err = cli(capsys, "verify", junk)
        assert status == 1 and err.startswith("certificate QR code: ") and "is not a certificate's QR text" in err
        assert len(err) < 400, "the junk is not echoed whole"
    status, _out, err = cli(capsys, "verify", str(tmp_path))
    assert status == 1 and f"{tmp_path} is a folder" in err and "no session" not in err


# --- passphrases, and an identity made halfway ------------------------------------------------------------

class Terminal:
    """stdin as a person at a terminal: isatty() says so, and each line read is the next answer."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answers.pop(0) + "\n" if self.answers else ""


def test_an_empty_passphrase_at_the_prompt_is_called_that(data_dir: Path, tmp_path: Path, capsys,
                                                          monkeypatch) -> None:
    records.create(data_dir / "identity", "Sam Lee", passphrase="s3cret")
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "")
    status, _out, err = cli(capsys, "keys", "csr", "--out", str(tmp_path / "me.csr"))
    assert status == 1 and "no passphrase was typed" in err and "in a terminal" not in err
    assert not (tmp_path / "me.csr").exists()


def test_a_key_left_without_its_certificate_never_signs_and_blocks_nothing(data_dir: Path, capsys) -> None:
    folder = data_dir / "identity"
    folder.mkdir(parents=True)
    made = records.create(data_dir / "elsewhere", "Old Name")
    shutil.copy(made.key_path, folder / records.KEY_FILE)  # what a full disk left under an older version
    ws = open_workspace(data_dir)
    with pytest.raises(UserError, match="no signing identity"):
        get_identity(ws)  # the half-made identity signs nothing
    with pytest.raises(records.IdentityMissing):
        records.load(folder)
    status, out, _err = cli(capsys, "keys", "create", "--name", "Sam Lee")
    assert status == 0 and "A key without its certificate" in out and "moved to" in out
    [aside] = folder.glob("incomplete-*")
    assert (aside / records.KEY_FILE).read_bytes() == made.key_path.read_bytes()
    assert get_identity(ws).cert.subject.rfc4514_string() == "CN=Sam Lee"


# --- private by default ---------------------------------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_the_data_folder_and_database_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        folder = tmp_path / "fresh"
        ws = open_workspace(folder)
        planned(ws)
        db = folder / DATABASE_NAME
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [db, *folder.glob(DATABASE_NAME + "-*")]}
        ws.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert set(modes) >= {DATABASE_NAME, DATABASE_NAME + "-wal", DATABASE_NAME + "-shm"}
    assert set(modes.values()) == {0o600}, modes


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_an_existing_folder_database_and_backups_are_tightened_when_opened(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "databases" / "0001.sqlite", folder / DATABASE_NAME)
    folder.chmod(0o755)
    (folder / DATABASE_NAME).chmod(0o644)
    old = os.umask(0)
    try:
        ws = open_workspace(folder)  # upgraded: a backup is made first
        ws.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / DATABASE_NAME).stat().st_mode) == 0o600
    [backup] = (folder / "backups").iterdir()
    assert stat.S_IMODE((folder / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert ws.store.notices == []


@pytest.mark.skipif(not IS_ROOT, reason="making chmod fail needs chattr +i, as root")
def test_a_database_that_cannot_be_made_private_is_said(kept: Path, capsys) -> None:
    db = kept / DATABASE_NAME
    db.chmod(0o644)
    with read_only(db):
        status, _out, err = cli(capsys, "--data-dir", str(kept), "session", "list")
    assert status == 0 and f"warning: could not make {db} private to you" in err
