"""Open HR's store: `hr.sqlite` in the data folder by default, or a PostgreSQL database a company shares.

Where: `--db URL` or $FACILITATOR_HR_DB, else `hr.sqlite` in the data folder. A URL is `postgresql+psycopg://USER
@HOST:PORT/DATABASE` (`postgresql://` means the same here), `sqlite:///PATH`, or a plain path to a SQLite file.

SQLite gets the care the trainer's store gets (database.py, whose engine this reuses): WAL and full sync on every
connection, writers taking the write lock up front and waiting for one another, the file and its folder private
to their owner, a backup before an upgrade. PostgreSQL gets a connect timeout, and its upgrades hold an advisory
lock so that two computers opening a new database at once create its tables once; its backups are the
database administrator's. Every failure to use either is a StoreError saying what happened and what to do, with
the password never shown.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, exc, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from facilitator.i18n import _
from facilitator.storage.database import backup_database, make_engine, refuse_unless_a_file
from facilitator.storage.faults import StoreError, create_private, diagnose, make_private, move_it_aside

log = logging.getLogger("facilitator.storage")

HR_DB_ENV = "FACILITATOR_HR_DB"
HR_DATABASE_NAME = "hr.sqlite"
MIGRATIONS = Path(__file__).with_name("hr_migrations")
VERSION_TABLE = "hr_alembic_version"  # as hr_migrations/env.py names it
SCHEMA_HEAD = "0002"  # the newest revision; a test checks it against Alembic's own head
CONNECT_TIMEOUT = 10  # seconds to reach a PostgreSQL server before saying it cannot be reached
UPGRADE_LOCK = 0x48520001  # PostgreSQL advisory lock held while the schema is created or upgraded
BACKUPS_DIR = "backups"
Failure = Callable[[StoreError], Exception]


def alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class HrStore:
    """HR's open database. Every transaction's failure to use it (a full disk, a lost server, a database kept
    locked) is raised as `failure(StoreError)`; a failed transaction changes nothing."""

    def __init__(self, engine: Engine, where: str, path: Path | None, failure: Failure | None = None) -> None:
        self.engine = engine
        self.where = where  # the file, or the URL without its password: what messages name
        self.path = path  # the SQLite file; None on PostgreSQL
        self.failure: Failure = failure or (lambda error: error)
        self.notices: list[str] = []
        self.writer = engine.execution_options(sqlite_begin_immediate=True) if path is not None else engine
        self._writer = sessionmaker(self.writer, expire_on_commit=False)
        self._reader = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @classmethod
    def open(cls, db: str | None, data_dir: Path) -> HrStore:
        """Open (creating or upgrading as needed) the store `db` names, else $FACILITATOR_HR_DB's, else hr.sqlite
        in `data_dir`."""
        chosen = db or os.environ.get(HR_DB_ENV) or None
        if chosen is None:
            return _open_sqlite(data_dir / HR_DATABASE_NAME, data_dir)
        url = _parse(chosen)
        if url.get_backend_name() == "sqlite":
            path = Path(url.database or "").expanduser()
            return _open_sqlite(path, path.parent)
        return _open_postgresql(url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises; on SQLite it holds the write
        lock from the start (another writer waits, then goes on), so a read-then-insert is never out of date."""
        with self._told(), self._writer.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only."""
        with self._told(), self._reader.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """`transaction`, as a Core connection rather than an ORM session: for writing many rows at once without
        the ORM's bookkeeping (hr_rows). The same write lock up front on SQLite, commit and roll back."""
        with self._told(), self.writer.begin() as conn:
            yield conn

    @contextmanager
    def looking(self) -> Iterator[Connection]:
        """`reading`, as a Core connection: for a quick look-up that needs no ORM session."""
        with self._told(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _told(self) -> Iterator[None]:
        try:
            yield
        except (exc.OperationalError, exc.InterfaceError, sqlite3.OperationalError) as error:
            raise self.failure(self._diagnosed(error)) from error
        except exc.DatabaseError as error:
            if isinstance(error, exc.IntegrityError | exc.ProgrammingError):
                raise  # a rule of the schema or a mistake in the code, not something the user can put right
            raise self.failure(self._diagnosed(error)) from error

    def _diagnosed(self, error: BaseException) -> StoreError:
        if self.path is not None:
            return diagnose(self.path, error)
        return _server_error(self.where, error)

    def close(self) -> None:
        self.engine.dispose()


def _parse(chosen: str) -> URL:
    """The URL of `--db`, with PostgreSQL's driver made psycopg's; a StoreError for anything else."""
    if "://" not in chosen:
        return URL.create("sqlite", database=chosen)
    try:
        url = make_url(chosen)
    except (exc.ArgumentError, ValueError) as error:
        raise _bad_url(_("'{url}' is not a database URL ({reason})").format(url=_hidden(chosen), reason=error)
                       ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres") and url.get_driver_name() in ("", "psycopg", "psycopg2", None):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.database and url.database != ":memory:":
        return url
    raise _bad_url(_("'{url}' is not a database HR's store can use: it runs on PostgreSQL or SQLite").format(
        url=url.render_as_string(hide_password=True)))


def _bad_url(message: str) -> StoreError:
    return StoreError(message, _("give --db postgresql+psycopg://USER@HOST:5432/DATABASE, or a SQLite file's path"),
                      _("give the address of a PostgreSQL database, or a SQLite file"))


def _hidden(chosen: str) -> str:
    """`chosen` with anything between '://' and '@' hidden: it may hold a password."""
    scheme, _sep, rest = chosen.partition("://")
    who, at, host = rest.rpartition("@")
    return f"{scheme}://***@{host}" if at and who else chosen


# --- SQLite ----------------------------------------------------------------------------------------------------

def _open_sqlite(path: Path, folder: Path) -> HrStore:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(_("cannot create the folder {folder} for HR's database ({reason})").format(
            folder=folder, reason=error.strerror), _("choose another with --data-dir or --db"),
            _("check that its disk is connected and the folder may be written to")) from error
    refuse_unless_a_file(path)
    try:
        create_private(path)
    except OSError as error:
        raise diagnose(path, error) from error
    notices = make_private(folder, path, folder / BACKUPS_DIR) if path.parent == folder else []
    engine = make_engine(path)
    store = HrStore(engine, str(path), path)
    try:
        _bring_up_to_date(store)
    except (exc.DBAPIError, sqlite3.Error) as error:
        engine.dispose()
        raise diagnose(path, error) from error
    except BaseException:
        engine.dispose()
        raise
    store.notices = notices
    return store


# --- PostgreSQL ------------------------------------------------------------------------------------------------

def _open_postgresql(url: URL) -> HrStore:
    where = url.render_as_string(hide_password=True)
    query = dict(url.query)
    connect_args: dict[str, Any] = {} if "connect_timeout" in query else {"connect_timeout": CONNECT_TIMEOUT}
    try:
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise StoreError(_("cannot use the PostgreSQL database {url}: {reason}").format(url=where, reason=error),
                         _("install Facilitator with its PostgreSQL driver (pip install 'psycopg[binary]')"),
                         _("ask whoever installed Facilitator to add its PostgreSQL driver")) from None
    store = HrStore(engine, where, None)
    try:
        _bring_up_to_date(store)
    except exc.DBAPIError as error:
        engine.dispose()
        raise _server_error(where, error) from error
    except BaseException:
        engine.dispose()
        raise
    return store


def _server_error(where: str, error: BaseException) -> StoreError:
    """What stopped PostgreSQL, on one line: its own first line of explanation, which names the cause (connection
    refused, password authentication failed, database does not exist, timeout expired)."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    said = reason[0] if reason else type(error).__name__
    return StoreError(_("cannot use the HR database {url}: {reason}").format(url=where, reason=said),
                      _("check that the server is running and the address, user and password in --db (or "
                        "{env}) are right").format(env=HR_DB_ENV),
                      _("check that the database server is running and its address is right"))


# --- the schema ------------------------------------------------------------------------------------------------

def _bring_up_to_date(store: HrStore) -> None:
    """Create the schema in a new database, or upgrade an older one (on SQLite, backed up first); refuse a
    database this version of Facilitator does not know."""
    revision = _revision(store)
    if revision == SCHEMA_HEAD:
        return
    if revision is not None and revision not in known_revisions():
        raise StoreError(_("{where} was written by a newer version of Facilitator, or by another program (HR "
                           "schema {revision})").format(where=store.where, revision=revision),
                         _("install that version, or give another database with --db"),
                         _("install that version of Facilitator"))
    if revision is not None and store.path is not None:
        backup = backup_database(store.path, revision)
        log.info("backed up %s to %s before upgrading from HR schema %s", store.path, backup, revision)
    from alembic import command

    with store.writer.begin() as conn:
        if store.dialect == "postgresql":  # a second computer opening it now waits, then finds nothing to do
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _revision(store: HrStore) -> str | None:
    """The schema revision (None for a database with none of HR's tables); a StoreError for a database that has
    HR's tables but no version, which Facilitator did not make."""
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        revision = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
        if revision is None:
            tables = {name for name in inspect(conn).get_table_names() if name.startswith("hr_")}
            if tables - {VERSION_TABLE}:
                raise StoreError(_("{where} is not Facilitator's HR database (it has HR's tables but no schema "
                                   "version)").format(where=store.where),
                                 _("give another database with --db"), move_it_aside())
    return revision


# --- inserting what is not there yet --------------------------------------------------------------------------

def insert_new(db: Session | Connection | str, model: Any) -> Any:
    """An INSERT of `model` (a mapped class or a table) that skips, rather than fails on, a row whose unique key is
    there already (imported before, or by another import committing first): `ON CONFLICT DO NOTHING` in the
    database's own dialect (`db`'s, or the dialect named), which on PostgreSQL waits for a concurrent insert of the
    same key to commit or roll back before deciding."""
    dialect = db if isinstance(db, str) else (db.get_bind() if isinstance(db, Session) else db).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model).on_conflict_do_nothing()
