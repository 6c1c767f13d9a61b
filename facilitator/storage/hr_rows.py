"""Many rows of HR's store at once, as the database driver takes and gives them: `hr import`'s people and credits
written, and `hr due`'s employees and credits read.

A Core INSERT given a list of dicts has SQLAlchemy build each row's parameters and run each value through its
column's type in Python, and for a bundle of 200 people (and 400 credits) that costs several times what the
database then does with the rows. So the importer makes its rows ready for the driver itself, once, as plain tuples
in a table's column order, and `insert_many` hands them to the driver's own `executemany`.

Ready for the driver means stored exactly as SQLAlchemy's types would store them (a test holds the two to the same
stored values, on both databases): an aware moment (`UTCMoment`) as UTC text on SQLite, in SQLite DateTime's own
format, and as itself, in UTC, on PostgreSQL; a date as ISO text on SQLite; text, numbers and booleans as they are
(the sqlite3 module stores a boolean as 0 or 1, as SQLAlchemy does).

Reading tens of thousands of rows is the same story the other way round: SQLAlchemy makes a Row of each tuple and
turns each value back into a Python one, in Python, one value at a time. `read_many` fetches a statement's rows as
the driver's plain tuples, `plain` columns are read as the driver gives them, and `day_from` says how a stored date
becomes a `date` once more, as SQLAlchemy's Date would (where the driver has not already). Tests hold what is read
so to what SQLAlchemy's types and objects read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, Date, Integer, Select, String, Table, type_coerce
from sqlalchemy.sql.elements import ColumnElement

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
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")  # not user text: a bug
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


def read_many(conn: Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Every row of `statement` (one without parameters) as the driver gives them: plain tuples, fetched at once,
    with none of SQLAlchemy's work on each (a Row made of every tuple costs half as much again as reading it). Read
    in `conn`'s own connection, so in its transaction where it has begun one."""
    compiled = statement.compile(dialect=conn.dialect)
    if compiled.params:
        raise ValueError("read_many takes a statement without parameters")  # not user text: a bug
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr] # an open connection has one
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()


def plain(column: Column[Any]) -> ColumnElement[Any]:
    """`column` read as the driver gives it, with no SQLAlchemy type processing each value: a date as ISO text on
    SQLite (a `date` on PostgreSQL; `day_from` makes either a date), a boolean as 0 or 1 on SQLite (`bool` of it)."""
    if isinstance(column.type, Date):
        return type_coerce(column, String)
    if isinstance(column.type, Boolean):
        return type_coerce(column, Integer)
    return column


def day_from(dialect: str) -> Callable[[Any], date | None] | None:
    """How a date read `plain` from `dialect` becomes a `date`: from its ISO text on SQLite (as SQLAlchemy's Date
    reads it); None on PostgreSQL, whose driver gives dates already (so a reader can take its rows as they are)."""
    if dialect == "sqlite":
        return lambda value: None if value is None else date.fromisoformat(value)
    return None
