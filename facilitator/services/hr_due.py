"""`facilitator hr due`: per employee and jurisdiction, the last training that counted, the rule, and when the next
is due — from HR's employee list and the sealed records imported from bundles, by the pure rules in domain/due.py.

Only credits the sealed record (as amended) gives as "met" count; a partial one never does. The table is written
for a person (a terminal), a spreadsheet (CSV, with cells a spreadsheet would run as formulas neutralised; XLSX,
with every text cell stored as text) or a program (JSON).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from facilitator.domain.due import DueRow, TrainingCredit, due_rows
from facilitator.i18n import _
from facilitator.records.hr_csv import neutralised
from facilitator.services.bulk import collector_held
from facilitator.services.errors import UserError
from facilitator.services.files import save
from facilitator.services.hr_employees import listed_employees
from facilitator.services.library import builtin_library
from facilitator.storage.hr_database import HrStore
from facilitator.storage.hr_models import HrAttendance, HrCredit, HrSession
from facilitator.storage.hr_rows import day_from, plain, read_many

FORMATS = ("table", "csv", "xlsx", "json")
COLUMNS = ("employee_id", "name", "jurisdiction", "rule", "last_training", "last_session", "due", "status",
           "days_left", "note")  # not user text: the columns' names in CSV, XLSX and JSON


_PEOPLE, _SESSIONS, _CREDITS = HrAttendance.__table__, HrSession.__table__, HrCredit.__table__
# Every credit, with the person's id and track and the session's day: tens of thousands of rows for a company,
# read as the driver gives them (hr_rows.plain), built once.
_TRAININGS = (select(_PEOPLE.c.employee_id, plain(_SESSIONS.c.date), _CREDITS.c.code, _PEOPLE.c.track,
                     _CREDITS.c.standing, _SESSIONS.c.session_id)
              .join(_SESSIONS, _PEOPLE.c.session_row_id == _SESSIONS.c.id)
              .join(_CREDITS, _CREDITS.c.attendance_id == _PEOPLE.c.id)
              .where(_PEOPLE.c.employee_id.is_not(None), _PEOPLE.c.track.is_not(None)))
# How many records the store holds of each session two laptops sealed differently (none, nearly always).
_RECORDS = (select(_SESSIONS.c.session_id, func.count()).group_by(_SESSIONS.c.session_id)
            .having(func.count() > 1))


def trainings(store: HrStore) -> list[TrainingCredit]:
    """Every credit the imported records give someone with an employee id and a track, whatever its standing
    (the rules count "met" only). Of a session two laptops sealed differently (a conflict, both records kept), a
    credit is "met" only where every record of it says so: the more generous record is not taken on trust."""
    with store.looking() as conn:
        day, rows = day_from(conn.dialect.name), read_many(conn, _TRAININGS)
        records = dict(conn.execute(_RECORDS).all())  # only sessions with more than one record
    make = tuple.__new__  # TrainingCredit as NamedTuple._make makes it, without a Python call a credit
    if records:
        rows = _agreed(rows, records)
    if day is None:  # the driver gave dates: each row is a credit's values as they stand
        return [make(TrainingCredit, row) for row in rows]
    days = {on: day(on) for on in set(map(itemgetter(1), rows))}  # a few hundred session days, each made once
    return [make(TrainingCredit, (eid, days[on], code, track, standing, sid))
            for eid, on, code, track, standing, sid in rows]


def _agreed(rows: Sequence[Sequence[Any]], records: dict[str, int]) -> list[Sequence[Any]]:
    """`rows`, with a conflicted session's credits kept once per person and jurisdiction: "met" where all of that
    session's `records` give it as met, else "not-met"."""
    kept: list[Sequence[Any]] = []
    met: dict[tuple[str, str, str], list[Sequence[Any]]] = {}
    for row in rows:
        eid, _on, code, _track, _standing, sid = row
        if sid not in records:
            kept.append(row)
        else:
            met.setdefault((eid, sid, code), []).append(row)
    for (_eid, sid, _code), said in met.items():
        agreed = len(said) == records[sid] and all(row[4] == "met" for row in said)
        kept.append((*said[0][:4], "met" if agreed else "not-met", sid))
    return kept


def due_dates(store: HrStore, today: date, *, within_days: int | None = None, jurisdiction: str | None = None
              ) -> list[DueRow]:
    """The rows `hr due` lists: everyone on HR's list under each jurisdiction where they work (never trained
    included), overdue first, then by the date due; filtered to those due within `within_days` and to one
    `jurisdiction` (its code, as HR listed it or as applied) when given."""
    library = builtin_library()
    if jurisdiction is not None and jurisdiction not in library.jurisdictions:
        raise UserError(_("no jurisdiction '{code}'; the codes are: {codes}").format(
            code=jurisdiction, codes=", ".join(sorted(library.jurisdictions))))
    with collector_held():  # a value for each of a company's rows, none of them in a cycle (bulk.py)
        rows = due_rows(listed_employees(store), trainings(store), library.jurisdictions, today,
                        soon_days=within_days if within_days is not None else 60, within_days=within_days)
        if jurisdiction is not None:
            rows = [r for r in rows if jurisdiction in (r.jurisdiction, r.listed_as)]
        return sorted(rows, key=lambda r: (r.due is None, r.due or date.max, r.name, r.jurisdiction))


def cells(row: DueRow) -> dict[str, Any]:
    """One row by COLUMNS, as JSON's plain types."""
    last = row.last_training
    return {"employee_id": row.employee_id, "name": row.name, "jurisdiction": row.jurisdiction, "rule": row.rule,
            "last_training": last.on.isoformat() if last else None, "last_session": last.session_id if last else None,
            "due": row.due.isoformat() if row.due else None, "status": str(row.status),
            "days_left": row.days_left, "note": row.note}


def write_due(rows: Sequence[DueRow], form: str, out: Path | None) -> str | None:
    """`rows` as `form`: the text to print (when `out` is None), or written whole to `out` (then None). XLSX needs
    a file."""
    if form == "xlsx":
        if out is None:
            raise UserError(_("an XLSX table needs a file: give --out FILE.xlsx"))
        save(out, _xlsx(rows))
        return None
    text = {"json": _json, "csv": _csv, "table": _table}[form](rows)
    if out is None:
        return text
    save(out, text.encode("utf-8-sig" if form == "csv" else "utf-8"))
    return None


def _json(rows: Sequence[DueRow]) -> str:
    return json.dumps([cells(r) for r in rows], indent=2, ensure_ascii=False) + "\n"


def _csv(rows: Sequence[DueRow]) -> str:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(neutralised("" if v is None else str(v)) for v in cells(row).values())
    return text.getvalue()


def _xlsx(rows: Sequence[DueRow]) -> bytes:
    from openpyxl import Workbook  # only this format needs it

    book = Workbook()
    sheet = book.active
    sheet.title = _("Due dates")
    sheet.append(COLUMNS)
    for row in rows:
        values = cells(row)
        sheet.append([date.fromisoformat(values[k]) if k in ("due", "last_training") and values[k] else values[k]
                      for k in COLUMNS])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: a name starting with "=" is never a formula
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _table(rows: Sequence[DueRow]) -> str:
    if not rows:
        return ""
    lines = [f"{_('Due'):<11} {_('Status'):<13} {_('Jurisdiction'):<20} {_('Employee')}"]
    for row in rows:
        last = row.last_training.on.isoformat() if row.last_training else _("never")
        lines.append(f"{row.due.isoformat() if row.due else '—':<11} {row.status_words:<13} {row.jurisdiction:<20} "
                     f"{row.name} ({row.employee_id}); " + _("last: {last}; {rule}").format(last=last, rule=row.rule)
                     + (f"; {row.note}" if row.note else ""))
    return "\n".join(lines) + "\n"
