"""The `hr due` figure: who is due for training, over 50,000 employees, against reading the same rows bare.

What is measured is `hr_due.due_dates(store, today, within_days=60)`, what `facilitator hr due --within 60d`
computes before printing: HR's employee list and every credit of the imported records read from the store, every
employee's date due under each jurisdiction they work under (domain/due.py), filtered to those overdue or due
within 60 days, and sorted. The built-in library it reads the laws' schedules from is loaded once in the process
before, as the app and a test run have it (its loading is the startup benchmark's business, not this one's).

The baseline is the cost of just loading the data: the same employee rows and the same credit rows (the same
columns, the same join of credits to people to sessions), read with the database driver's bare cursor, no
SQLAlchemy, no objects, nothing computed. So the ratio is what the due-date rules, and turning rows into values,
cost on top of reading. Both sides are held to the same terms: each lets go of everything it read before its clock
stops, and each runs with Python's cyclic collector held off, as due_dates holds it (services/bulk.py; the bare
read would otherwise pay about a tenth more for it, and the ratio look better than it is). The two are run in
turn, `repeat` times each, and the medians compared, so that a busy moment affects both alike.

The data is a company of 50,000 employees, made the same way every run (a fixed random seed, dates counted back from
`today`), across sites under every law the library has a schedule for: California (employees and supervisors each
under their own profile, and some supervisors listed under the employees' one, as HR lists them), New York State
and New York City, Illinois and Chicago (training years), Connecticut (every 10 years), Delaware, Maine (once
only), and sites where no law applies. About one in eight is a supervisor (most with the date they became one),
hire dates spread over 25 years (recent ones more common), a few with no hire date. The list is imported as HR
imports it, from a CSV file by `hr employees import`'s rules (unmeasured). About four in five have training
history: one to four sessions over the past five years, held at their site on its training days (so sessions have
dozens of people), each crediting the session's jurisdictions, mostly met, some partial or not met, on the track
they were on then; people who have left (not on the list) and walk-ins without an employee id are in the records
too. That history is written straight into HR's tables as an import leaves them (bundles, session records, people,
credits): the import is the hr_import benchmark's; this one measures what is read from the rows it leaves.

On PostgreSQL, the same on a throwaway cluster on loopback (tests/pg.py).
"""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

EMPLOYEES = 50_000
SEED = 16  # the number: any fixed seed makes every run's company the same
WITHIN_DAYS = 60
SUPERVISORS = 0.12  # the share of supervisors
TRAINED = 0.8  # the share with any training history
# (share of the company, what HR lists for an employee there, for a supervisor there)
SITES = ((0.30, "ca-employees", "ca-supervisors"), (0.10, "ny-state; nyc", "ny-state; nyc"),
         (0.12, "ny-state", "ny-state"), (0.08, "il; chicago", "il; chicago-supervisors"), (0.10, "il", "il"),
         (0.10, "ct", "ct"), (0.08, "de", "de"), (0.06, "me", "me"), (0.06, "none", "none"))
SESSION_DAYS = 14  # each site holds a session every this many days, one for each track


@dataclass
class Side:
    """One database's figures, in milliseconds: medians of `repeat` runs each."""

    ours: float  # due_dates
    bare: float  # the driver's bare read of the same rows
    rows: int  # rows due_dates returned
    employees: int
    credits: int  # credit rows read
    made: float  # seconds making the company's data (unmeasured)


@dataclass
class Measured:
    sides: dict[str, Side] = field(default_factory=dict)  # "sqlite", "postgresql"
    unavailable: str | None = None  # why there is no PostgreSQL figure


# --- the company ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Person:
    employee_id: str
    first: str
    last: str
    site: int
    supervisor: bool
    hired: date | None
    since: date | None  # supervisor since (None: not one, or not given)


def _people(count: int, today: date, rng: random.Random) -> list[_Person]:
    weights = [share for share, _employees, _supervisors in SITES]
    people = []
    for n in range(count):
        site = rng.choices(range(len(SITES)), weights)[0]
        hired = None if rng.random() < 0.005 else today - timedelta(days=min(int(rng.expovariate(1 / 1500)), 9000))
        supervisor = rng.random() < SUPERVISORS
        since = None
        if supervisor and hired is not None and rng.random() < 0.7:
            since = hired + timedelta(days=rng.randint(0, max(0, (today - hired).days)))
        people.append(_Person(f"E{n + 1:06}", f"First{n % 977}", f"Last{n}", site, supervisor, hired, since))
    return people


def _employee_list(people: list[_Person], path: Path) -> None:
    """HR's list as its HR system exports it: a CSV file."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Employee ID", "First name", "Last name", "Email", "Jurisdictions", "Supervisor",
                         "Hire date", "Supervisor since"])
        for p in people:
            listed = SITES[p.site][2 if p.supervisor else 1]
            if p.supervisor and p.site == 0 and int(p.employee_id[1:]) % 3 == 0:
                listed = "ca-employees"  # HR lists the place; the rules hold a supervisor to the supervisors' profile
            writer.writerow([p.employee_id, p.first, p.last, f"{p.employee_id.lower()}@example.com", listed,
                             "yes" if p.supervisor else "no", p.hired.isoformat() if p.hired else "",
                             p.since.isoformat() if p.since else ""])


@dataclass
class _History:
    """Training history as an import leaves it: rows of hr_sessions, hr_attendance and hr_credits, with their ids."""

    sessions: dict[tuple[int, date, str], int] = field(default_factory=dict)  # (site, day, track) -> id
    people: list[tuple[int, int, str | None, str, date]] = field(default_factory=list)  # id, session, id, track, day
    credits: list[tuple[int, int, str, str]] = field(default_factory=list)  # id, attendance id, code, standing

    def attend(self, site: int, day: date, employee_id: str | None, track: str, codes: list[str],
               rng: random.Random) -> None:
        session = self.sessions.setdefault((site, day, track), len(self.sessions) + 1)
        person = len(self.people) + 1
        standing = rng.choices(("met", "partial", "not-met"), (0.93, 0.05, 0.02))[0]
        self.people.append((person, session, employee_id, track, day))
        for code in codes:
            self.credits.append((len(self.credits) + 1, person, code, standing))


def _history(people: list[_Person], today: date, rng: random.Random) -> _History:
    history = _History()
    for p in [*people, *_leavers(len(people) // 20, today, rng)]:
        if rng.random() >= TRAINED:
            continue
        start = max(p.hired or today - timedelta(days=3650), today - timedelta(days=5 * 365))
        if start >= today:
            continue
        day = today - timedelta(days=rng.randint(0, min(540, (today - start).days)))
        for _time in range(rng.randint(1, 4)):
            if day < start:
                break
            supervisor = p.supervisor and (p.since is None or day >= p.since)
            codes = [c.strip() for c in SITES[p.site][2 if supervisor else 1].split(";") if c.strip() != "none"]
            on = day - timedelta(days=(day - date(2000, 1, 3)).days % SESSION_DAYS)  # the site's session day
            history.attend(p.site, on, p.employee_id, "supervisor" if supervisor else "employee", codes, rng)
            day -= timedelta(days=rng.randint(330, 750))
    for n in range(len(people) // 200):  # walk-ins who gave no employee id
        on = today - timedelta(days=rng.randint(0, 900))
        on -= timedelta(days=(on - date(2000, 1, 3)).days % SESSION_DAYS)
        history.attend(n % len(SITES), on, None, "employee", ["ny-state"], rng)
    return history


def _leavers(count: int, today: date, rng: random.Random) -> Iterator[_Person]:
    """People in the records who are no longer on HR's list."""
    for n in range(count):
        yield _Person(f"X{n + 1:06}", "Left", f"Before{n}", rng.randrange(len(SITES)), False,
                      today - timedelta(days=rng.randint(400, 4000)), None)


def _write_history(store: Any, history: _History, now: datetime) -> None:
    """The history's rows, written as hr_import leaves them (ids given, so credits need no ids read back)."""
    from facilitator.services.hr_writing import PERSON_COLUMNS
    from facilitator.services.library import builtin_library
    from facilitator.storage.hr_models import HrAttendance, HrCredit, HrSession, ImportedBundle
    from facilitator.storage.hr_rows import day_for, insert_many, moment_for

    moment, day = moment_for(store.dialect), day_for(store.dialect)
    fingerprint = ":".join(["AB"] * 32)
    per_bundle = 10
    bundles = [(n, f"{n:064x}", f"bundle-{n}.zip", fingerprint, "CN=Sam Lee", per_bundle, moment(now))
               for n in range(1, len(history.sessions) // per_bundle + 2)]
    sessions = []
    for (site, on, track), number in history.sessions.items():
        starts = datetime.combine(on, clock(9), UTC)
        codes = SITES[site][2 if track == "supervisor" else 1]
        sessions.append((number, f"S{number:07}", f"{number:064x}", number // per_bundle + 1, fingerprint,
                         "Sam Lee", "Harbor View Training", "Harbor View Clinic", day(on), "09:00", moment(starts),
                         moment(starts + timedelta(hours=2)), f"Site {site + 1}", "en",
                         f"harassment-prevention-{track}s", "1", "Harassment prevention", codes, moment(now), 0,
                         f"{number:064x}", moment(now), moment(now)))
    people = [(pid, session, f"T{pid:019}", eid, f"{(eid or 'walk-in').lower()}@example.com",
               f"{(eid or 'walk-in').lower()}@example.com", "First", "Last", eid is None, "completed", day(on),
               120, moment(datetime.combine(on, clock(9), UTC)), moment(datetime.combine(on, clock(11), UTC)),
               f"C{pid:019}", track, True, False) for pid, session, eid, track, on in history.people]
    names = {code: j.name for code, j in builtin_library().jurisdictions.items()}
    credits = [(cid, pid, code, names[code], standing) for cid, pid, code, standing in history.credits]
    with store.writing() as conn:
        insert_many(conn, ImportedBundle.__table__, ("id", "sha256", "file_name", "signer_fingerprint",
                                                     "signer_subject", "sessions", "imported_at"), bundles)
        insert_many(conn, HrSession.__table__, ("id", "session_id", "seal_sha256", "bundle_id", "signer_fingerprint",
                                                "trainer", "trainer_organisation", "employer", "date", "start_time",
                                                "starts_at", "ends_at", "location", "language", "workshop_id",
                                                "workshop_version", "workshop_title", "jurisdictions", "closed_at",
                                                "amendments", "amended_sha256", "imported_at", "updated_at"),
                    sessions)
        insert_many(conn, HrAttendance.__table__, ("id", *PERSON_COLUMNS), people)
        insert_many(conn, HrCredit.__table__, ("id", "attendance_id", "code", "name", "standing"), credits)
        if store.dialect == "postgresql":  # ids were given: move each table's sequence past them
            for table in ("hr_bundles", "hr_sessions", "hr_attendance", "hr_credits"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")


def _company(store: Any, count: int, today: date, folder: Path) -> None:
    """The company's employee list (imported by `hr employees import`'s rules) and training history, in `store`."""
    from facilitator.services.hr_employees import import_employees

    rng = random.Random(SEED)
    people = _people(count, today, rng)
    listed = folder / "employees.csv"
    _employee_list(people, listed)
    if import_employees(store, listed).total != count:
        raise RuntimeError("the benchmark's employee list did not import whole")
    _write_history(store, _history(people, today, rng), datetime.now(UTC))


# --- measuring --------------------------------------------------------------------------------------------------

EMPLOYEE_READ = ("SELECT employee_id, first_name, last_name, email, jurisdictions, is_supervisor, hire_date, "
                 "supervisor_since FROM hr_employees ORDER BY id")
CREDIT_READ = ("SELECT a.employee_id, s.date, c.code, a.track, c.standing, s.session_id FROM hr_attendance a "
               "JOIN hr_sessions s ON a.session_row_id = s.id JOIN hr_credits c ON c.attendance_id = a.id "
               "WHERE a.employee_id IS NOT NULL AND a.track IS NOT NULL")


def _bare_read(store: Any) -> tuple[float, int, int]:
    """Seconds to read the employee rows and the credit rows with the driver's bare cursor, and let them go (as
    due_dates lets go of what it read), with Python's cyclic collector held off as due_dates holds it (so neither
    side pays for it); how many rows of each."""
    from facilitator.services.bulk import collector_held

    conn = store.engine.raw_connection()
    try:
        cursor = conn.cursor()
        with collector_held():
            began = time.perf_counter()
            cursor.execute(EMPLOYEE_READ)
            employees = cursor.fetchall()
            cursor.execute(CREDIT_READ)
            credits = cursor.fetchall()
            counted = len(employees), len(credits)
            del employees, credits
            seconds = time.perf_counter() - began
        conn.rollback()
        return seconds, *counted
    finally:
        conn.close()


def _side(where: str | None, folder: Path, count: int, today: date, repeat: int) -> Side:
    from facilitator.services.hr_due import due_dates
    from facilitator.services.hr_store import open_hr_store
    from facilitator.services.library import builtin_library

    folder.mkdir(parents=True, exist_ok=True)  # the employee list's file (and on SQLite, the store) go here
    store = open_hr_store(where, folder)
    try:
        began = time.perf_counter()
        _company(store, count, today, folder)
        made = time.perf_counter() - began
        builtin_library()  # loaded once in the process, as the app and the command line have it
        ours, bare, rows, employees, credits = [], [], 0, 0, 0
        for _ in range(repeat):
            seconds, employees, credits = _bare_read(store)
            bare.append(seconds)
            began = time.perf_counter()
            rows = len(due_dates(store, today, within_days=WITHIN_DAYS))
            ours.append(time.perf_counter() - began)
        return Side(statistics.median(ours) * 1000, statistics.median(bare) * 1000, rows, employees, credits, made)
    finally:
        store.close()


def measure(count: int = EMPLOYEES, repeat: int = 5, *, server: Any = None, postgres: bool = True,
            say: Callable[[str], None] = lambda _text: None) -> Measured:
    """`hr due` over a company of `count` employees in a new SQLite store and (with `postgres`) a new PostgreSQL
    database, each beside the bare read. PostgreSQL is `server` (a tests.pg.Postgres) or a throwaway cluster of
    its own; where it cannot run here, `unavailable` says why."""
    measured, today = Measured(), date.today()
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-hr-due-") as tmp:
        folder = Path(tmp)
        say(f"hr due: {count} employees in SQLite")
        measured.sides["sqlite"] = _side(None, folder / "sqlite", count, today, repeat)
        if server is not None:
            say(f"hr due: {count} employees in PostgreSQL")
            measured.sides["postgresql"] = _side(server.new_database(), folder / "pg", count, today, repeat)
        elif postgres:
            from tests.pg import Unavailable, running_cluster

            try:
                with running_cluster() as own:
                    say(f"hr due: {count} employees in PostgreSQL")
                    measured.sides["postgresql"] = _side(own.new_database(), folder / "pg", count, today, repeat)
            except Unavailable as exc:
                measured.unavailable = str(exc)
    return measured
