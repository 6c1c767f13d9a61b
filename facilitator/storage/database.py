"""Open the local SQLite store: pragmas on every connection, migrations, backups, and version checks."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from facilitator.i18n import _

log = logging.getLogger("facilitator.storage")

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest schema revision. Checked against Alembic's own head by a test; kept here so that opening an
# up-to-date database (every start but the first after an upgrade) needs no Alembic import at all.
SCHEMA_HEAD = "0004"
DATABASE_NAME = "facilitator.sqlite"
BACKUPS_DIR = "backups"


class StoreError(Exception):
    """The store cannot be opened: `message` says why; `command` and `menu` what to do about it, on the command
    line and in the app (services turn them into a UserError's Remedy: this layer cannot import services).
    `str()` is the command-line form, "message; command"."""

    def __init__(self, message: str, command: str = "", menu: str = "") -> None:
        super().__init__(f"{message}; {command}" if command else message)
        self.message = message
        self.command = command
        self.menu = menu


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
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    # Let SQLAlchemy, not the sqlite3 module, say when a transaction begins, so a writer can take the write
    # lock up front (see _begin) instead of failing when it upgrades a read lock another writer beat it to.
    dbapi_connection.isolation_level = None


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("sqlite_begin_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


class Store:
    """The open database of one data folder."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._immediate = engine.execution_options(sqlite_begin_immediate=True)
        self._writer = sessionmaker(self._immediate, expire_on_commit=False)

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating or upgrading as needed) the store in `data_dir`."""
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(_("cannot create the data folder {folder} ({reason})").format(
                folder=data_dir, reason=exc.strerror), _("choose another with --data-dir"),
                _("check that its disk is connected and the folder may be written to")) from exc
        path = data_dir / DATABASE_NAME
        revision = inspect_file(path)  # read-only: a file we refuse is left exactly as it was
        engine = make_engine(path)
        if revision != SCHEMA_HEAD:
            try:
                upgrade(engine, path, revision)
            except Exception:
                engine.dispose()
                raise
        return cls(path, engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self._factory.begin() as session:
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Session]:
        """Like transaction(), but holding the write lock from the start: for read-then-append work such as
        numbering the next attendance event, where two writers must not both read the same last number."""
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A plain connection holding the write lock, committed when the block ends: for the check-in path,
        where the ORM's bookkeeping would cost more than the work itself."""
        with self._immediate.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def _move_it_aside() -> str:
    """What the app says about a file in the data folder that is not its database (no command line there)."""
    return _("move it aside and start Facilitator again, which then makes a new database")


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
    except sqlite3.DatabaseError as exc:
        raise StoreError(_("{path} is not a readable SQLite database ({reason})").format(path=path, reason=exc),
                         _("move it aside or choose another folder with --data-dir"), _move_it_aside()) from exc
    revision = row[0] if row else None
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(_("{path} is not a Facilitator database (it has tables but no schema version)").format(
            path=path), _("move it aside or choose another folder with --data-dir"), _move_it_aside())
    if revision is not None and revision != SCHEMA_HEAD:
        refuse_newer(path, revision)
    return revision


def upgrade(engine: Engine, path: Path, revision: str | None) -> None:
    """Bring the database to the newest schema, backing up an existing one first."""
    if revision is not None:
        backup = backup_database(path, revision)
        log.info("backed up %s to %s before upgrading from schema %s", path, backup, revision)
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def refuse_newer(path: Path, revision: str) -> None:
    if revision not in known_revisions():
        raise StoreError(_("{path} was written by a newer version of Facilitator (schema {revision})").format(
            path=path, revision=revision), _("install that version, or use another folder with --data-dir"),
            _("install that version of Facilitator"))


def backup_database(path: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup (safe with WAL) into the data folder's backups."""
    folder = path.parent / BACKUPS_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-schema-{label}-{stamp}.sqlite"
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target
