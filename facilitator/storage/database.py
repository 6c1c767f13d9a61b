"""Open the local SQLite store: pragmas on every connection, migrations, backups, and version checks.

Failures become StoreErrors that say what happened (faults.py): a busy database is waited for and retried first,
a full disk or a read-only file is named as such. The data folder and the database are kept private to their owner.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from facilitator.domain.changes import EVERYTHING, Changes
from facilitator.i18n import _
from facilitator.storage.faults import (
    StoreError,
    create_private,
    diagnose,
    disk_full,
    is_sqlite_file,
    make_private,
    move_it_aside,
    not_a_database,
)

log = logging.getLogger("facilitator.storage")

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest schema revision. Checked against Alembic's own head by a test; kept here so that opening an
# up-to-date database (every start but the first after an upgrade) needs no Alembic import at all.
SCHEMA_HEAD = "0009"
DATABASE_NAME = "facilitator.sqlite"
BACKUPS_DIR = "backups"
BUSY_TIMEOUT_MS = 5000  # SQLite waits this long for another writer before saying "database is locked" …
LOCK_RETRIES = (0.25, 0.5, 1.0)  # … and a writer then tries again after each of these pauses (seconds)
Failure = Callable[[StoreError], Exception]  # what a StoreError becomes for the layer above (a UserError)


def alembic_config() -> Any:
    # Alembic is imported only when a schema must be created or upgraded, not on every start.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets the UI read while a check-in commits; FULL sync so a confirmed commit survives power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, say when a transaction begins, so a writer can take the write
    # lock up front (see _begin) instead of failing when it upgrades a read lock another writer beat it to.
    dbapi_connection.isolation_level = None


def _begin(conn: Connection) -> None:
    """Begin a transaction; a writer takes the write lock now, waiting (busy_timeout) and then trying again a few
    times with growing pauses while another process holds it, before the caller is told the database is busy."""
    immediate = conn.get_execution_options().get("sqlite_begin_immediate", False)
    statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    driver = conn.connection.driver_connection
    assert driver is not None, "a connection being begun has a driver connection"
    for pause in (*LOCK_RETRIES, None):
        try:
            driver.execute(statement)
            return
        except sqlite3.OperationalError as error:
            if pause is None or "locked" not in str(error):
                raise
            log.info("the database is locked; trying again in %s s", pause)
            time.sleep(pause)


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


class Store:
    """The open database of one data folder.

    Every transaction's failure to use the database (a full disk, a read-only file, a database kept locked by
    another process beyond the retries) is raised as `failure(StoreError)`: by default the StoreError itself; the
    services make it a UserError. A failed transaction changes nothing. `notices` are what opening found worth
    telling (the files could not be made private)."""

    def __init__(self, path: Path, engine: Engine, failure: Failure | None = None) -> None:
        self.path = path
        self.engine = engine
        self.failure: Failure = failure or (lambda error: error)
        self.notices: list[str] = []
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._immediate = engine.execution_options(sqlite_begin_immediate=True)
        self._writer = sessionmaker(self._immediate, expire_on_commit=False)
        # Writers of this process queue here, in turn, rather than in SQLite's busy handler, which sleeps in
        # growing steps (up to 100 ms) between looks: with the phones' companion, the window and its operations
        # all writing, that sleeping made a few answers wait seconds. Other processes still meet busy_timeout.
        self._write_turn = threading.RLock()

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating or upgrading as needed) the store in `data_dir`, private to its owner."""
        try:
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(_("cannot create the data folder {folder} ({reason})").format(
                folder=data_dir, reason=error.strerror), _("choose another with --data-dir"),
                _("check that its disk is connected and the folder may be written to")) from error
        path = data_dir / DATABASE_NAME
        refuse_unless_a_file(path)
        revision = inspect_file(path)  # read-only: a file we refuse is left exactly as it was
        try:
            create_private(path)
        except OSError as error:
            raise diagnose(path, error) from error
        notices = make_private(data_dir, path, data_dir / BACKUPS_DIR)
        engine = make_engine(path)
        if revision != SCHEMA_HEAD:
            try:
                upgrade(engine, path, revision)
            except (exc.DBAPIError, sqlite3.Error) as error:
                engine.dispose()
                raise diagnose(path, error) from error
            except BaseException:
                engine.dispose()
                raise
        store = cls(path, engine)
        store.notices = notices
        return store

    @contextmanager
    def _told(self) -> Iterator[None]:
        """SQLite's errors (locked, full, read-only …) as `failure(StoreError)`; the transaction rolled back."""
        try:
            yield
        except (exc.OperationalError, sqlite3.OperationalError) as error:
            raise self.failure(diagnose(self.path, error)) from error
        except (exc.DatabaseError, sqlite3.DatabaseError) as error:
            if isinstance(error, exc.IntegrityError | exc.ProgrammingError | sqlite3.IntegrityError
                          | sqlite3.ProgrammingError):
                raise  # a rule of the schema or a mistake in the code, not something the user can put right
            raise self.failure(diagnose(self.path, error)) from error

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self._told(), self._factory.begin() as session:
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """Like transaction(), but holding the write lock from the start: for read-then-append work such as
        numbering the next attendance event, where two writers must not both read the same last number."""
        with self._write_turn, self._told(), self._writer.begin() as session:
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A plain connection holding the write lock, committed when the block ends: for the check-in path,
        where the ORM's bookkeeping would cost more than the work itself."""
        with self._write_turn, self._told(), self._immediate.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def changes(self) -> ChangeProbe:
        """A probe that tells when anything committed to this store since it last looked."""
        return ChangeProbe(self.path)


class ChangeProbe:
    """What changed in the database since the last look, whoever changed it: this process through its own
    connections, the command line, a second window. SQLite's `PRAGMA data_version` moves whenever another
    connection commits (the probe keeps one read-only connection of its own, which never writes, so every commit
    is another connection's); then the journal that the store's triggers keep (migration 0006) says which sessions
    and which kinds of their data. Cheap enough to ask a few times a second."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2, check_same_thread=False)
        self._seen = self._version()
        self._last = self._newest()

    def _version(self) -> int | None:
        try:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:  # locked for longer than the timeout, or the file is gone: ask again next time
            return None

    def _newest(self) -> int:
        try:
            return int(self._db.execute("SELECT coalesce(max(id), 0) FROM store_changes").fetchone()[0])
        except sqlite3.Error:
            return 0

    def changed(self) -> Changes | None:
        """What changed since the last look, once for each look after a commit elsewhere; None if nothing did."""
        now = self._version()
        if now is None or now == self._seen:
            return None
        self._seen = now
        try:
            rows = self._db.execute("SELECT id, session_id, kind FROM store_changes WHERE id > ? ORDER BY id",
                                    (self._last,)).fetchall()
        except sqlite3.Error:  # cannot tell what changed: say everything did
            return EVERYTHING
        if not rows:  # a commit that changed nothing the journal watches (a pragma, a backup)
            return Changes()
        behind = rows[0][0] > self._last + 1 and self._last != 0  # the journal dropped rows this probe never saw
        self._last = rows[-1][0]
        return EVERYTHING if behind else Changes.of((session, kind) for _id, session, kind in rows)

    def close(self) -> None:
        self._db.close()


def refuse_unless_a_file(path: Path) -> None:
    """The database's name must be a file (or nothing yet): not a folder, a device or a link to /dev/null."""
    try:
        mode = path.stat().st_mode  # links followed: a link to a database elsewhere is fine
    except FileNotFoundError:
        if path.is_symlink():
            raise StoreError(_("{path} is a link to something that is not there").format(path=path),
                             _("move it aside or choose another folder with --data-dir"), move_it_aside()) from None
        return
    except OSError as error:
        raise diagnose(path, error) from error
    if stat.S_ISDIR(mode):
        raise StoreError(_("{path} is a folder, not a database file").format(path=path),
                         _("move it aside or choose another folder with --data-dir"), move_it_aside())
    if not stat.S_ISREG(mode):
        raise StoreError(_("{path} is not a database file but a device, a pipe or a socket").format(path=path),
                         _("move it aside or choose another folder with --data-dir"), move_it_aside())


def inspect_file(path: Path) -> str | None:
    """The schema revision of the database at `path` (None if new), read without changing the file.

    Raises StoreError for a file that is not a database, another program's database, or one written by a
    newer version of Facilitator.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = db.execute("SELECT version_num FROM alembic_version").fetchone() \
                if "alembic_version" in tables else None
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        if is_sqlite_file(path):  # a database all the same: what stopped SQLite is its folder, disk or files
            raise diagnose(path, error) from error
        raise not_a_database(path, error) from error
    revision = row[0] if row else None
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(_("{path} is not a Facilitator database (it has tables but no schema version)").format(
            path=path), _("move it aside or choose another folder with --data-dir"), move_it_aside())
    if revision is not None and revision != SCHEMA_HEAD:
        refuse_newer(path, revision)
    return revision


def upgrade(engine: Engine, path: Path, revision: str | None) -> None:
    """Bring the database to the newest schema, backing up an existing one first. The upgrade holds the write
    lock, so a second process opening the same new database waits and then finds nothing left to do."""
    if revision is not None:
        backup = backup_database(path, revision)
        log.info("backed up %s to %s before upgrading from schema %s", path, backup, revision)
    from alembic import command

    with engine.execution_options(sqlite_begin_immediate=True).begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def refuse_newer(path: Path, revision: str) -> None:
    if revision not in known_revisions():
        raise StoreError(_("{path} was written by a newer version of Facilitator (schema {revision})").format(
            path=path, revision=revision), _("install that version, or use another folder with --data-dir"),
            _("install that version of Facilitator"))


def backup_database(path: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup (safe with WAL) into the data folder's backups, readable by
    its owner only. A backup that cannot be made whole (a full disk) is removed and nothing else is changed."""
    folder = path.parent / BACKUPS_DIR
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-schema-{label}-{stamp}.sqlite"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        create_private(target)
        source = sqlite3.connect(path)
        try:
            dest = sqlite3.connect(target)
            try:
                with dest:
                    source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            target.unlink()
        reason = getattr(error, "strerror", None) or str(error)
        if "full" in reason.lower() or getattr(error, "errno", None) == errno.ENOSPC:
            cause = disk_full(path.parent)
            raise StoreError(_("the disk holding {folder} is full, so the database could not be backed up before "
                               "its upgrade; nothing was changed").format(folder=path.parent), cause.command,
                             cause.menu) from error
        raise StoreError(_("the database could not be backed up to {folder} before its upgrade ({reason}); nothing "
                           "was changed").format(folder=folder, reason=reason),
                         _("check that the data folder may be written to, then try again"),
                         _("check that the data folder may be written to, then try again")) from error
    return target
