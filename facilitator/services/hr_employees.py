"""HR's employee list (`facilitator hr employees import FILE`): who works where, since when, and who supervises.

The file is the list as it stands: importing it replaces the list in one transaction, all or nothing (the reader
refuses a file with any bad row, naming each: facilitator/content/hr_employees.py). What training each person had
comes from the imported bundles, never from this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

from sqlalchemy import delete, select

from facilitator.content.hr_employees import EmployeeListError, load_employees
from facilitator.content.roster_table import RosterFileError
from facilitator.domain.due import employee_key
from facilitator.domain.employees import Employee
from facilitator.i18n import _, ngettext
from facilitator.services.errors import Remedy, UserError
from facilitator.services.library import builtin_library
from facilitator.storage.hr_database import HrStore
from facilitator.storage.hr_models import HrEmployee
from facilitator.storage.hr_rows import day_from, plain, read_many

SEPARATOR = "; "


class EmployeeListRefused(UserError):
    """The list has problems, so nothing was imported: the message names the first twenty, `problems` has every
    one (each with its row and column), for a window that can show them all."""

    def __init__(self, message: str, remedy: Remedy, problems: list[str]) -> None:
        super().__init__(message, remedy)
        self.problems = problems


@dataclass(frozen=True)
class EmployeesListed:
    """What importing a list changed: how many are on it now, and how many were added, changed or removed."""

    total: int
    added: int
    changed: int
    removed: int

    @property
    def message(self) -> str:
        return ngettext("{total} employee on HR's list ({added} added, {changed} changed, {removed} removed)",
                        "{total} employees on HR's list ({added} added, {changed} changed, {removed} removed)",
                        self.total).format(total=self.total, added=self.added, changed=self.changed,
                                           removed=self.removed)

    def to_json(self) -> dict[str, int]:
        return {"total": self.total, "added": self.added, "changed": self.changed, "removed": self.removed}


def import_employees(store: HrStore, path: Path) -> EmployeesListed:
    """Replace HR's employee list with the one in `path` (CSV or XLSX); a UserError naming every bad row, and
    nothing changed, if any row is wrong."""
    people = _read(path)
    now = datetime.now(UTC)
    with store.transaction() as db:
        before = {row.employee_key: _values(row) for row in db.scalars(select(HrEmployee))}
        db.execute(delete(HrEmployee))
        rows = [_row(person, now) for person in people]
        db.add_all(rows)
        after = {row.employee_key: _values(row) for row in rows}
    return EmployeesListed(len(after), len(after.keys() - before.keys()),
                           sum(1 for k in after.keys() & before.keys() if after[k] != before[k]),
                           len(before.keys() - after.keys()))


_EMPLOYEES = HrEmployee.__table__
# The list as `hr due` reads it: tens of thousands of rows, read as the driver gives them (hr_rows.plain) rather
# than as ORM objects, which cost ten times the reading.
_LISTED = select(*(plain(_EMPLOYEES.c[name]) for name in (
    "employee_id", "first_name", "last_name", "jurisdictions", "is_supervisor", "hire_date", "supervisor_since",
    "email"))).order_by(_EMPLOYEES.c.id)
_ANYONE = select(_EMPLOYEES.c.id).limit(1)


def listed_employees(store: HrStore) -> list[Employee]:
    """HR's list, in the order it was imported."""
    with store.looking() as conn:
        day, rows = day_from(conn.dialect.name), read_many(conn, _LISTED)
    # Each list of places (and on SQLite each date) made once: a company shares a few lists and hire dates.
    places = {where: tuple(filter(None, where.split(SEPARATOR))) for where in set(map(itemgetter(3), rows))}
    make = tuple.__new__  # Employee from its values as NamedTuple._make makes it, without a Python call a person
    if day is None:  # the driver gave dates
        return [make(Employee, (eid, first, last, places[where], supervisor == 1, hired, since, email))
                for eid, first, last, where, supervisor, hired, since, email in rows]
    days = {on: day(on) for on in {*map(itemgetter(5), rows), *map(itemgetter(6), rows)}}
    return [make(Employee, (eid, first, last, places[where], supervisor == 1, days[hired], days[since], email))
            for eid, first, last, where, supervisor, hired, since, email in rows]


def has_employees(store: HrStore) -> bool:
    """Whether HR's list has anyone on it (without reading the list)."""
    with store.looking() as conn:
        return conn.execute(_ANYONE).first() is not None


def _read(path: Path) -> list[Employee]:
    try:
        people = load_employees(path, builtin_library().jurisdictions.keys())
    except RosterFileError as exc:
        raise UserError(str(exc)) from exc
    except EmployeeListError as exc:
        shown = "\n".join(f"  {p}" for p in exc.problems[:20])
        more = len(exc.problems) - 20
        if more > 0:
            shown += "\n  " + ngettext("… and {n} more problem", "… and {n} more problems", more).format(n=more)
        raise EmployeeListRefused(ngettext("{file} has {n} problem, so nothing was imported:\n{problems}",
                                           "{file} has {n} problems, so nothing was imported:\n{problems}",
                                           len(exc.problems)).format(file=path, n=len(exc.problems), problems=shown),
                                  Remedy(command=_("fix the rows named and import the whole list again"),
                                         menu=_("fix the rows named and import the whole list again")),
                                  [str(p) for p in exc.problems]) from exc
    keys = [employee_key(p.employee_id) for p in people]
    if len(set(keys)) != len(keys):  # the reader refuses repeated ids; this is the store's own guard
        raise UserError(_("{file} lists an employee id twice").format(file=path))
    return people


def _row(person: Employee, now: datetime) -> HrEmployee:
    return HrEmployee(employee_key=employee_key(person.employee_id), employee_id=person.employee_id,
                      first_name=person.first_name, last_name=person.last_name, email=person.email,
                      jurisdictions=SEPARATOR.join(person.jurisdictions), is_supervisor=person.is_supervisor,
                      hire_date=person.hire_date, supervisor_since=person.supervisor_since, listed_at=now)


def _values(row: HrEmployee) -> tuple[object, ...]:
    return (row.employee_id, row.first_name, row.last_name, row.email, row.jurisdictions, row.is_supervisor,
            row.hire_date, row.supervisor_since)
