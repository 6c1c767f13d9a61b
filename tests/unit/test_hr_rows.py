"""HR's rows written and read as the driver takes and gives them (storage/hr_rows.py, services/hr_writing.py, hr_due,
hr_employees), on SQLite and on PostgreSQL: stored exactly as SQLAlchemy's own types store them, a row already there
skipped, an import's people and credits exactly what the verified records say, and what `hr due` reads exactly what
SQLAlchemy's types and objects would have read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from facilitator.domain.due import TrainingCredit
from facilitator.domain.employees import Employee
from facilitator.services import hr_due, hr_import, hr_trust, hr_writing
from facilitator.services.exported_sessions import exported_session
from facilitator.services.hr_employees import has_employees, import_employees, listed_employees
from facilitator.services.hr_store import HrStore
from facilitator.storage.hr_models import HrAttendance, HrCredit, HrEmployee, HrSession
from facilitator.storage.hr_rows import day_for, day_from, insert_many, moment_for, plain, read_many
from tests.unit.hr_laptops import Laptops, workspace_of

EMPLOYEES = HrEmployee.__table__
COLUMNS = ("employee_key", "employee_id", "first_name", "last_name", "email", "jurisdictions", "is_supervisor",
           "hire_date", "supervisor_since", "listed_at")
EIGHT_EAST = timezone(timedelta(hours=8))


def values(key: str, listed_at: datetime, *, supervisor: bool, since: date | None) -> dict[str, object]:
    return {"employee_key": key, "employee_id": key.upper(), "first_name": "Zoë", "last_name": "Ng", "email": None,
            "jurisdictions": "ny-state", "is_supervisor": supervisor, "hire_date": date(2019, 2, 28),
            "supervisor_since": since, "listed_at": listed_at}


def raw(store: HrStore, key: str) -> tuple[object, ...]:
    """The row as the driver reads it back: what is really stored."""
    with store.looking() as conn:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        return tuple(conn.exec_driver_sql(f"SELECT {', '.join(COLUMNS[1:])} FROM hr_employees WHERE employee_key "
                                          f"= {mark}", (key,)).one())


@pytest.mark.parametrize("listed_at", [datetime(2026, 3, 1, 23, 30, 5, 123456, tzinfo=EIGHT_EAST),
                                       datetime(2026, 3, 1, 9, 0, tzinfo=UTC)], ids=["offset-micro", "utc-whole"])
@pytest.mark.parametrize("supervisor", [True, False])
def test_a_row_given_to_the_driver_is_stored_as_sqlalchemy_stores_it(store: HrStore, listed_at: datetime,
                                                                     supervisor: bool) -> None:
    since = date(2021, 12, 31) if supervisor else None
    moment, day = moment_for(store.dialect), day_for(store.dialect)
    with store.writing() as conn:
        conn.execute(insert(EMPLOYEES), values("by-sqlalchemy", listed_at, supervisor=supervisor, since=since))
        ours = values("by-driver", listed_at, supervisor=supervisor, since=since)
        ours.update(hire_date=day(ours["hire_date"]), supervisor_since=day(since), listed_at=moment(listed_at))
        insert_many(conn, EMPLOYEES, COLUMNS, [tuple(ours[c] for c in COLUMNS)])
    by_driver, by_sqlalchemy = raw(store, "by-driver"), raw(store, "by-sqlalchemy")
    assert by_driver[1:] == by_sqlalchemy[1:] and by_driver[0] == "BY-DRIVER"
    with store.reading() as db:
        read = {e.employee_key: e for e in db.scalars(select(HrEmployee))}
    assert read["by-driver"].listed_at == listed_at and read["by-driver"].listed_at.tzinfo == UTC
    assert (read["by-driver"].is_supervisor, read["by-driver"].supervisor_since) == (supervisor, since)


def test_a_row_whose_unique_key_is_there_is_skipped_and_the_columns_are_checked(store: HrStore) -> None:
    row = values("once", datetime(2026, 3, 1, tzinfo=UTC), supervisor=False, since=None)
    moment, day = moment_for(store.dialect), day_for(store.dialect)
    ready = tuple(moment(v) if c == "listed_at" else day(v) if c == "hire_date" else v
                  for c, v in ((c, row[c]) for c in COLUMNS))
    with store.writing() as conn:
        insert_many(conn, EMPLOYEES, COLUMNS, [ready, ready])
        insert_many(conn, EMPLOYEES, COLUMNS, [])
    with store.writing() as conn:
        insert_many(conn, EMPLOYEES, COLUMNS, [ready])
        with pytest.raises(ValueError, match="no column"):
            insert_many(conn, EMPLOYEES, ("employee_key", "salary"), [("x", 1)])
    with store.reading() as db:
        assert db.scalars(select(HrEmployee.employee_key)).all() == ["once"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_a_naive_moment_is_refused_and_none_stays_none(dialect: str) -> None:
    with pytest.raises(ValueError, match="naive"):
        moment_for(dialect)(datetime(2026, 3, 1, 9, 0))
    assert moment_for(dialect)(None) is None and day_for(dialect)(None) is None


@pytest.mark.slow
def test_an_import_writes_each_person_and_credit_as_the_verified_record_says(store: HrStore,
                                                                            laptops: Laptops) -> None:
    """Field by field, through the ORM: what the fast path wrote is what the record says: S1 and S2 as a1 added
    them, then S2's people written again as its amendment in a2 leaves them (an amendment decided José's outcome)."""
    hr_trust.add_trusted(store, laptops.trainer_a)
    results = hr_import.import_bundles(store, [laptops.a1, laptops.a2])
    assert [(r.outcome, r.added, r.amended) for r in results] == [(hr_import.Outcome.IMPORTED, 2, 0),
                                                                  (hr_import.Outcome.IMPORTED, 0, 1)]
    ws = workspace_of(laptops, "a")
    try:
        sessions = [exported_session(ws, sid) for sid in (laptops.s1, laptops.s2)]
    finally:
        ws.close()
    with store.reading() as db:
        for session in sessions:
            people = {p.badge_token: p for p in db.scalars(select(HrAttendance).join(HrSession).where(
                HrSession.session_id == session.session_id))}
            assert len(people) == len(session.people)
            amended = {a.person for a in session.amendments}
            for person in session.people:
                a, row = person.attendee, people[person.attendee.badge_token]
                moments = [None if m is None else datetime.fromisoformat(m) for m in (a.first_in, a.last_out)]
                assert (row.employee_id, row.email, row.email_key, row.first_name, row.last_name, row.walk_in,
                        row.completion, row.minutes, row.checked_in, row.checked_out, row.certificate_id, row.track,
                        row.acknowledged, row.amended) == (
                    a.employee_id, person.email, person.email.casefold() if person.email else None,
                    person.first_name, person.last_name, a.walk_in, person.completion, a.minutes, *moments,
                    a.certificate_id, a.track, a.acknowledged, a.badge_token in amended)
                assert row.completion_date == (session.ends.date() if person.completion == "completed" else None)
                credits = db.execute(select(HrCredit.code, HrCredit.name, HrCredit.standing).where(
                    HrCredit.attendance_id == row.id).order_by(HrCredit.id)).all()
                assert [tuple(c) for c in credits] == [(c.code, c.name, c.standing)
                                                      for c in hr_writing.credits_of(session, person)]
    assert any(r.amended for r in people.values()), "the amended record's decision is stored as such"


def test_read_many_gives_the_drivers_tuples_and_takes_no_parameters(store: HrStore) -> None:
    row = values("read", datetime(2026, 3, 1, tzinfo=UTC), supervisor=True, since=date(2021, 12, 31))
    with store.writing() as conn:
        conn.execute(insert(EMPLOYEES), row)
    with store.looking() as conn:
        [got] = read_many(conn, select(EMPLOYEES.c.employee_key, plain(EMPLOYEES.c.is_supervisor),
                                       plain(EMPLOYEES.c.hire_date), plain(EMPLOYEES.c.supervisor_since)))
        day = day_from(conn.dialect.name) or (lambda value: value)  # None: the driver gives dates
        assert (got[0], bool(got[1]), day(got[2]), day(got[3]), day(None)) == (
            "read", True, date(2019, 2, 28), date(2021, 12, 31), None)
        assert (day_from(conn.dialect.name) is None) == (conn.dialect.name == "postgresql")
        assert type(got) is tuple
        with pytest.raises(ValueError, match="without parameters"):
            read_many(conn, select(EMPLOYEES.c.id).where(EMPLOYEES.c.employee_key == "read"))


@pytest.mark.slow
def test_hr_due_reads_the_list_and_the_credits_as_the_orm_reads_them(store: HrStore, laptops: Laptops,
                                                                      tmp_path: Path) -> None:
    """`listed_employees` and `trainings` read as the driver gives them; what they give is what SQLAlchemy's types
    and objects give, value for value: dates, booleans, None, the places split, the order of the list."""
    assert not has_employees(store) and listed_employees(store) == []
    hr_trust.add_trusted(store, laptops.trainer_a)
    hr_import.import_bundles(store, [laptops.a1, laptops.a2])
    listed = tmp_path / "employees.csv"
    listed.write_text("Employee ID,First name,Last name,Email,Jurisdictions,Supervisor,Hire date,Supervisor since\r\n"
                      "E2,José,Núñez,jose@example.com,ca-supervisors,yes,2019-05-01,2021-03-01\r\n"
                      "E1,Zoë,O'Neil,,ny-state; nyc,no,2020-01-06,\r\n"
                      "E9,Ada,Ng,,ct,no,,\r\n", encoding="utf-8")
    import_employees(store, listed)
    assert has_employees(store)
    with store.reading() as db:
        by_orm = [Employee(r.employee_id, r.first_name, r.last_name, tuple(r.jurisdictions.split("; ")),
                           r.is_supervisor, r.hire_date, r.supervisor_since, r.email)
                  for r in db.scalars(select(HrEmployee).order_by(HrEmployee.id))]
        credits = db.execute(select(HrAttendance.employee_id, HrSession.date, HrCredit.code, HrAttendance.track,
                                    HrCredit.standing, HrSession.session_id)
                             .join(HrSession, HrAttendance.session_row_id == HrSession.id)
                             .join(HrCredit, HrCredit.attendance_id == HrAttendance.id)
                             .where(HrAttendance.employee_id.is_not(None), HrAttendance.track.is_not(None))).all()
    assert listed_employees(store) == by_orm and [e.employee_id for e in by_orm] == ["E2", "E1", "E9"]
    assert by_orm[0].is_supervisor is True and by_orm[2].hire_date is None
    read = hr_due.trainings(store)
    assert sorted(read) == sorted(TrainingCredit(*c) for c in credits) and read
    assert all(isinstance(c.on, date) and type(c) is TrainingCredit for c in read)
