"""Writing many rows of HR's store at once, as the database driver takes them: `hr import`'s people and credits.

A Core INSERT given a list of dicts has SQLAlchemy build each row's parameters and run each value through its
column's type in Python, and for a bundle of 200 people (and 400 credits) that costs several times what the
database then does with the rows. So the importer makes its rows ready for the driver itself, once, as plain tuples
in a table's column order, and `insert_many` hands them to the driver's own `executemany`.

Ready for the driver means stored exactly as SQLAlchemy's types would store them (a test holds the two to the same
stored values, on both databases): an aware moment (`UTCMoment`) as UTC text on SQLite, in SQLite DateTime's own
format, and as itself, in UTC, on PostgreSQL; a date as ISO text on SQLite; text, numbers and booleans as they are
(the sqlite3 module stores a boolean as 0 or 1, as SQLAlchemy does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table

Moment = Callable[[datetime | None], Any]
Day = Callable[[date | None], Any]


def moment_for(dialect: str) -> Moment:
    """How an aware moment is given to `dialect`'s driver, as UTCMoment stores it; a naive one is refused."""

    def sqlite(value: datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")  # not user text: a bug
        # SQLAlchemy's SQLite DateTime writes "YYYY-MM-DD HH:MM:SS.ffffff", microseconds always; so does this.
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    def postgresql(value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC)

    return sqlite if dialect == "sqlite" else postgresql


def day_for(dialect: str) -> Day:
    """How a date is given to `dialect`'s driver: ISO text on SQLite (SQLAlchemy's Date there), itself elsewhere."""
    if dialect == "sqlite":
        return lambda value: None if value is None else value.isoformat()
    return lambda value: value


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert `rows` (values in `columns`' order, ready for the driver) into `table` with the driver's executemany,
    skipping, rather than failing on, a row whose unique key is there already (`ON CONFLICT DO NOTHING`, which
    SQLite and PostgreSQL spell alike)."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    known = table.columns.keys()
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"{table.name} has no column {unknown[0]}")  # not user text: a bug
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
                         " ON CONFLICT DO NOTHING", list(rows))
