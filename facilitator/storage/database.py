"""Open the local SQLite store: pragmas on every connection, migrations, backups, and version checks."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("facilitator.storage")

MIGRATIONS = Path(__file__).with_name("migrations")
DATABASE_NAME = "facilitator.sqlite"
BACKUPS_DIR = "backups"


class StoreError(Exception):
    """The store cannot be opened; the message says why and what to do."""


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # WAL lets the UI read while a check-in commits; FULL sync so a confirmed commit survives power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    return engine


class Store:
    """The open database of one data folder."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        """Open (creating or upgrading as needed) the store in `data_dir`."""
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data folder {data_dir} ({exc.strerror}); "
                             "choose another with --data-dir") from exc
        path = data_dir / DATABASE_NAME
        engine = make_engine(path)
        try:
            migrate(engine, path)
        except Exception:
            engine.dispose()
            raise
        return cls(path, engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self._factory.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, path: Path) -> None:
    """Bring the database to the newest schema, backing it up first; refuse newer or foreign databases."""
    try:
        revision = current_revision(engine)
        tables = set(inspect(engine).get_table_names())
    except Exception as exc:  # sqlite3 raises DatabaseError for a file that is not a database
        raise StoreError(f"{path} is not a readable SQLite database ({exc.__class__.__name__}); "
                         "move it aside or choose another folder with --data-dir") from exc
    head = head_revision()
    if revision == head:
        return
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(f"{path} is not a Facilitator database (it has tables but no schema version); "
                         "move it aside or choose another folder with --data-dir")
    if revision is not None and revision not in known_revisions():
        raise StoreError(f"{path} was written by a newer version of Facilitator (schema {revision}); "
                         "install that version, or use another folder with --data-dir")
    if revision is not None:
        backup = backup_database(path, revision)
        log.info("backed up %s to %s before upgrading from schema %s", path, backup, revision)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
