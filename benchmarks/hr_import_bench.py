"""The HR import figures: real signed export bundles imported into HR's store, against a bare `executemany` of the
same rows into the same tables, on SQLite and on PostgreSQL, in the same run.

What is measured is `hr_import.import_bundles`, as `facilitator hr import` runs it: each bundle copied and hashed,
verified in full (the manifest's signature and every file's hash, the seal and the attendance log's chain, every
certificate PDF's PAdES signature and the facts in its QR code, the sign-in sheet and report's signatures, every
credential's VC-JWT, attendance.csv and the xAPI statements made again and compared), then written in one
transaction. Verification is most of that time, and it is inherent: a 200-person bundle holds 202 signed PDFs, and
pyHanko reads and checks each one. A bare `executemany` does none of it, so the figure the issue's target (3x)
speaks of is the write phase, timed inside the same `import_bundles` call (what it does in the database: the
look-up of a bundle imported before, and the transaction that writes the bundle, its session record, its people
and their credits). The whole call is the `_total` figure beside it, against the same baseline, with no target;
`split` says how the whole divides into verifying, writing and the rest (copying and hashing the file, reading the
verified records).

The baseline writes, for each bundle, exactly the rows our import wrote for it (read back from our store: the
bundle's row, its session record, its attendance rows and their credit rows, ids and all), into the same tables (a
second store made by the same migrations: same indexes and unique keys, and on SQLite the same WAL and full-sync
connection), with the driver's own `executemany`, one transaction per bundle as ours: no ORM, no `ON CONFLICT`, no
ids read back, no conflict check. Both run interleaved, 10 bundles of ours then the same 10 of the baseline, so
that a busy moment affects both alike. PostgreSQL is a throwaway cluster on loopback (tests/pg.py), run without
fsync (its data is thrown away): both sides alike.

The bundles are real: one trainer's laptop (a data folder of its own, with its own signing key) delivers `count`
sessions of `people` people each (one a day, going back; every person checked in for the whole session, so every
one completes and has a certificate), seals each and exports each as a bundle of its own, exactly as `facilitator
export` does. Certificates dominate that (about 50-100 ms each, drawn and signed on every core), so 100 bundles of
200 people take a quarter to half an hour to make. They are made once and kept in a folder under the system's
temporary folder, named after the sizes and a hash of the code that makes them (hr_bundles.py says which: not the
importer, HR's store or this file, so the code measured here can change without making them again); a later run
with the same making code reuses them, and says how long making them took. The folder is made under another name
and renamed when complete, so a run stopped midway leaves nothing that a later run would take for ready.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmarks.hr_bundles import Prepared, prepared_bundles

COUNT, PEOPLE = 100, 200
CHUNK = 10  # bundles of ours, then the same bundles of the baseline
TABLES = ("hr_bundles", "hr_sessions", "hr_attendance", "hr_credits")  # in the order a bundle's rows are written


@dataclass
class Side:
    """One database's figures, in milliseconds per bundle."""

    total: float  # import_bundles, whole
    verify: float  # of which verify_bundle
    write: float  # of which the database: the look-up of an earlier import, and the writing transaction
    rest: float  # of which everything else: copying and hashing the file, reading the verified records
    bare: float  # the baseline: the same rows with the driver's executemany
    rows: int  # rows written (and written again by the baseline), in all


@dataclass
class Measured:
    prepared: Prepared
    used: int  # how many of the prepared bundles were imported (all, but for a quicker run)
    sides: dict[str, Side] = field(default_factory=dict)  # "sqlite", "postgresql"
    unavailable: str | None = None  # why there is no PostgreSQL figure


# --- measuring --------------------------------------------------------------------------------------------------

class _Clock:
    """Seconds spent in some of hr_import's own steps, while `timing` is in force."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextlib.contextmanager
    def timing(self, module: Any, steps: dict[str, str]) -> Iterator[None]:
        """Time each function `module.NAME` as `steps[NAME]`; put them back afterwards."""
        originals = {name: getattr(module, name) for name in steps}

        def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                began = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    self.spent[steps[name]] = self.spent.get(steps[name], 0.0) + time.perf_counter() - began
            return call

        for name, function in originals.items():
            setattr(module, name, timed(name, function))
        try:
            yield
        finally:
            for name, function in originals.items():
                setattr(module, name, function)


def _import_side(prepared: Prepared, where: str | None, data_dir: Path, bare_where: str | None,
                 bare_dir: Path) -> Side:
    """Our import of every bundle into one store, and the baseline's writing of the same rows into another."""
    from facilitator.services import hr_import, hr_trust
    from facilitator.services.hr_store import open_hr_store

    ours, bare = open_hr_store(where, data_dir), open_hr_store(bare_where, bare_dir)
    try:
        hr_trust.add_trusted(ours, prepared.trainer_cert)
        clock, total, bare_seconds, rows = _Clock(), 0.0, 0.0, 0
        steps = {"verify_bundle": "verify", "_imported_before": "write", "_store": "write"}
        for start in range(0, len(prepared.bundles), CHUNK):
            chunk = prepared.bundles[start:start + CHUNK]
            with clock.timing(hr_import, steps):
                began = time.perf_counter()
                results = hr_import.import_bundles(ours, chunk)
                total += time.perf_counter() - began
            wrong = [r.message for r in results if r.outcome is not hr_import.Outcome.IMPORTED or r.conflicts]
            if wrong:
                raise RuntimeError(f"the benchmark's bundles did not all import as new: {wrong[0]}")
            written = _rows_of(ours, [r.sha256 for r in results if r.sha256])
            rows += sum(len(table) for bundle_rows in written for table in bundle_rows.values())
            bare_seconds += _bare_insert(bare, written)
        n = len(prepared.bundles)
        verify, write = clock.spent.get("verify", 0.0), clock.spent.get("write", 0.0)
        return Side(*(seconds * 1000 / n for seconds in (total, verify, write, total - verify - write,
                                                         bare_seconds)), rows)
    finally:
        ours.close()
        bare.close()


def _columns(table: str) -> list[str]:
    from facilitator.storage.hr_models import HrBase

    return [c.name for c in HrBase.metadata.tables[table].columns]


def _rows_of(store: Any, digests: Sequence[str]) -> list[dict[str, list[tuple[Any, ...]]]]:
    """For each bundle, the rows our import wrote for it, table by table, as the driver reads them (unmeasured)."""
    mark = "?" if store.dialect == "sqlite" else "%s"
    conn = store.engine.raw_connection()
    try:
        cursor, found = conn.cursor(), []
        for digest in digests:
            def rows(table: str, where: str, *args: Any) -> list[tuple[Any, ...]]:
                cursor.execute(f"SELECT {', '.join(_columns(table))} FROM {table} WHERE {where} ORDER BY id", args)
                return [tuple(row) for row in cursor.fetchall()]

            bundle_rows = {"hr_bundles": rows("hr_bundles", f"sha256 = {mark}", digest)}
            bundle_id = bundle_rows["hr_bundles"][0][0]
            bundle_rows["hr_sessions"] = rows("hr_sessions", f"bundle_id = {mark}", bundle_id)
            in_bundle = f"session_row_id IN (SELECT id FROM hr_sessions WHERE bundle_id = {mark})"
            bundle_rows["hr_attendance"] = rows("hr_attendance", in_bundle, bundle_id)
            bundle_rows["hr_credits"] = rows("hr_credits", f"attendance_id IN (SELECT id FROM hr_attendance WHERE "
                                                           f"{in_bundle})", bundle_id)
            found.append(bundle_rows)
        conn.rollback()
        return found
    finally:
        conn.close()


def _bare_insert(store: Any, bundles: list[dict[str, list[tuple[Any, ...]]]]) -> float:
    """Seconds to write each bundle's rows with the driver's executemany, one transaction a bundle."""
    sqlite = store.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    statements = {table: f"INSERT INTO {table} ({', '.join(_columns(table))}) VALUES "
                         f"({', '.join([mark] * len(_columns(table)))})" for table in TABLES}
    conn = store.engine.raw_connection()  # on SQLite, with the store's own WAL and full sync
    try:
        cursor = conn.cursor()
        began = time.perf_counter()
        for bundle_rows in bundles:
            if sqlite:
                cursor.execute("BEGIN IMMEDIATE")  # the store's connections leave beginning to us
            for table in TABLES:
                cursor.executemany(statements[table], bundle_rows[table])
            conn.commit()
        return time.perf_counter() - began
    finally:
        conn.close()


def measure(count: int = COUNT, people: int = PEOPLE, *, cache: Path | None = None, server: Any = None,
            postgres: bool = True, use: int | None = None, say: Callable[[str], None] = lambda _text: None
            ) -> Measured:
    """Import `count` bundles of `people` (or only the first `use` of them, for a quicker figure: the bundles made
    and kept are still `count`) into a new SQLite store and (with `postgres`) a new PostgreSQL database, each beside
    the baseline. PostgreSQL is `server` (a tests.pg.Postgres) or else a throwaway cluster of its own; where it
    cannot run here, `unavailable` says why, and there is no PostgreSQL figure."""
    prepared = prepared_bundles(count, people, cache, say)
    chosen = prepared.bundles[:use] if use else prepared.bundles
    measured = Measured(prepared, len(chosen))
    prepared = replace(prepared, bundles=chosen)
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-hr-") as tmp:
        folder = Path(tmp)
        say("importing into SQLite")
        measured.sides["sqlite"] = _import_side(prepared, None, folder / "ours", None, folder / "bare")
        if server is not None:
            measured.sides["postgresql"] = _postgresql_side(prepared, server, folder, say)
        elif postgres:
            from tests.pg import Unavailable, running_cluster

            try:
                with running_cluster() as own:
                    measured.sides["postgresql"] = _postgresql_side(prepared, own, folder, say)
            except Unavailable as exc:
                measured.unavailable = str(exc)
    return measured


def _postgresql_side(prepared: Prepared, server: Any, folder: Path, say: Callable[[str], None]) -> Side:
    say("importing into PostgreSQL")
    return _import_side(prepared, server.new_database(), folder / "pg", server.new_database(), folder / "pg-bare")
