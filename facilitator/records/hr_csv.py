"""The bundle's `attendance.csv`: one row per person per session, in the columns HR systems share.

Every export format is written from `ExportedSession` (a verified seal as amended); this one is the spreadsheet
HR opens or imports. Its columns are declared once, in `COLUMNS`: a stable snake_case name, the line the bundle's
README says about it, and how its value is read from a session and a person. A `ColumnMap`
(`facilitator.domain.hr_columns`) renames, orders and selects them for one HR system's import.

What is claimed is what the seal says: `jurisdictions_credited` lists only the jurisdictions a person met in
full, and those met in part are listed apart, never as met (DESIGN.md §3, "Partial is printed as partial").

The file is for spreadsheets as much as for importers: UTF-8 with a byte order mark (without it Excel reads
UTF-8 as the local code page, and "Zoë" becomes "ZoÃ«"), CRLF line ends and quoting as RFC 4180 has them, and
every cell that a spreadsheet would take for a formula is neutralised (`neutralised`).

Pure: no store, no files of its own, no clock. Moments are written on the trainer's clock, the UTC offset the
session's own times carry, never on the clock of whoever runs the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, TextIO

from facilitator.domain.hr_columns import DATE_FORMATS, ColumnMap, DateFormat, MappedColumn
from facilitator.i18n import N_, _
from facilitator.records.export_record import DELIVERY_METHOD, ExportedPerson, ExportedSession

Cell = str | int | date | datetime | None  # a date or a moment is written as the map's date format asks
BOM = "\ufeff"
# OWASP's "CSV injection" advice: a cell starting with one of these is read by spreadsheets as a formula (or,
# for tab and CR, can hide one after them). One apostrophe in front makes the cell text in Excel and LibreOffice.
# Our own values never start with these (moments start with a year, minutes are never negative), so every cell
# is treated alike and only text that came from people or settings can ever be changed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES, NO = "yes", "no"  # values of the record, the same in every language, as DELIVERY_METHOD is
LIST_SEPARATOR = "; "  # jurisdiction codes hold no semicolons, and a comma would be read as a column by some tools


@dataclass(frozen=True)
class Column:
    """One column of `attendance.csv`: its name, its line in the bundle's README, and how its value is read."""

    name: str
    description: str  # marked with N_: translated where the README is written
    value: Callable[[ExportedSession, ExportedPerson], Cell]


def _moment(session: ExportedSession, stored: str | None) -> datetime | None:
    """A moment the record stores in UTC, on the trainer's clock: the offset of the session's own start."""
    if stored is None:
        return None
    return datetime.fromisoformat(stored).astimezone(session.starts.tzinfo)


def _completion_date(session: ExportedSession, person: ExportedPerson) -> date | None:
    return session.ends.date() if person.completion == "completed" else None


def _hours(session: ExportedSession, person: ExportedPerson) -> str:
    # minutes / 60 never ends in an exact half at the third decimal, so rounding a float is exact enough here
    return f"{person.attendee.minutes / 60:.2f}"


def _codes(session: ExportedSession, person: ExportedPerson, standing: str) -> str:
    return LIST_SEPARATOR.join(c.code for c in session.credits(person, standing))


def _acknowledgment(session: ExportedSession, person: ExportedPerson) -> str:
    signed = person.attendee.acknowledged
    return "" if signed is None else (YES if signed else NO)


def _amended(session: ExportedSession, person: ExportedPerson) -> str:
    # The amendments themselves, not `attendee.overridden`: that also marks a decision the trainer made at the
    # close, which the seal itself covers; this column answers "did a correction after sealing decide it?".
    return YES if any(a.person == person.attendee.badge_token for a in session.amendments) else NO


COLUMNS: tuple[Column, ...] = (
    Column("employee_id", N_("The employee id on the roster; empty when the roster gave none."),
           lambda s, p: p.attendee.employee_id),
    Column("email", N_("The e-mail address on the roster; empty when the roster gave none."), lambda s, p: p.email),
    Column("first_name", N_("The first name, as on the roster."), lambda s, p: p.first_name),
    Column("last_name", N_("The last name, as on the roster."), lambda s, p: p.last_name),
    Column("course_code", N_("The workshop's id in Facilitator's library: the course HR records it under."),
           lambda s, p: s.record.workshop),
    Column("course_version", N_("The version of the workshop that was delivered."),
           lambda s, p: s.record.workshop_version),
    Column("course_title", N_("The workshop's title."), lambda s, p: s.record.workshop_title),
    Column("session_id", N_("The session's id, the same in every file of the bundle."), lambda s, p: s.session_id),
    Column("session_start", N_("When the session was planned to start: ISO 8601 with the trainer's UTC offset."),
           lambda s, p: s.starts),
    Column("session_end", N_("When the delivery ended (the planned end when no delivery was logged): ISO 8601 with "
                             "the trainer's UTC offset."), lambda s, p: s.ends),
    Column("checked_in", N_("The person's first check-in, on the trainer's clock (ISO 8601 with the offset); empty "
                            "for a no-show."), lambda s, p: _moment(s, p.attendee.first_in)),
    Column("checked_out", N_("The person's last check-out, on the trainer's clock; empty for a no-show."),
           lambda s, p: _moment(s, p.attendee.last_out)),
    Column("completion_status", N_("completed, incomplete or no-show."), lambda s, p: p.completion),
    Column("completion_date", N_("The day the session ended, for a completed training; empty otherwise."),
           _completion_date),
    Column("training_minutes", N_("Minutes of delivered teaching the person was present for; breaks and pauses "
                                  "do not count."), lambda s, p: p.attendee.minutes),
    Column("training_hours", N_("The same time in hours, with two decimals."), _hours),
    Column("instructor", N_("The trainer who delivered and sealed the session."), lambda s, p: s.record.trainer),
    Column("training_provider", N_("The organisation the trainer delivered for, as sealed; empty when the "
                                   "trainer's profile names none."),
           lambda s, p: s.record.trainer_organisation),
    Column("location", N_("Where the session was held."), lambda s, p: s.record.location),
    Column("delivery_method", N_("How it was delivered: always 'instructor-led, in person'."),
           lambda s, p: DELIVERY_METHOD),
    Column("language", N_("The language the session was delivered in, as a language code."),
           lambda s, p: s.record.language),
    Column("certificate_id", N_("The id of the person's certificate; empty when they earned none."),
           lambda s, p: p.attendee.certificate_id),
    Column("track", N_("employee or supervisor: the training the person's role asks for."),
           lambda s, p: p.attendee.track),
    Column("jurisdictions_credited", N_("The jurisdictions whose training this person met in full, separated by "
                                        "'; '."), lambda s, p: _codes(s, p, "met")),
    Column("jurisdictions_partial", N_("The jurisdictions met only in part for this person, separated by '; ': "
                                       "never counted as met."), lambda s, p: _codes(s, p, "partial")),
    Column("acknowledgment", N_("yes when a signed acknowledgment was on record at the close, no when none was; "
                                "empty when the seal predates acknowledgments."), _acknowledgment),
    Column("amended", N_("yes when a signed amendment made after the seal decided this person's outcome."),
           _amended),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_BY_NAME = {c.name: c for c in COLUMNS}
# The bundle's own file: every column under its own name, every person, moments in ISO 8601.
ALL_COLUMNS = ColumnMap("attendance.csv", tuple(MappedColumn(n, source=n) for n in COLUMN_NAMES))  # not user text


def column_descriptions() -> list[tuple[str, str]]:
    """Each column's name and its line for the bundle's README, in the chosen language."""
    return [(c.name, _(c.description)) for c in COLUMNS]


def neutralised(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text: an apostrophe before a leading =, +, -, @, tab or CR."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def table(sessions: Sequence[ExportedSession], columns: ColumnMap | None = None) -> Iterator[list[str]]:
    """The header and then one row per person per session, as text, before neutralising: what each cell says."""
    chosen = columns or ALL_COLUMNS
    unknown = [name for name in chosen.sources if name not in _BY_NAME]
    if unknown:  # a map from a file is checked as it is read (content.hr_columns); this is a programming error
        raise ValueError(f"unknown HR CSV columns {unknown}")  # not user text
    return _rows(sessions, chosen)


def _rows(sessions: Sequence[ExportedSession], chosen: ColumnMap) -> Iterator[list[str]]:
    yield list(chosen.headers)
    for session in sessions:
        for person in session.people:
            if chosen.rows == "all" or person.completion == "completed":
                yield [_cell(column, session, person, chosen.date_format) for column in chosen.columns]


def write_csv(sessions: Sequence[ExportedSession], out: BinaryIO | TextIO, columns: ColumnMap | None = None) -> int:
    """Write the CSV of `sessions` to `out` (every column, or as `columns` maps them); return the rows written,
    the header aside. A binary stream gets UTF-8 bytes; a text stream must be opened with newline="" so that
    the CRLF line ends reach the file as they are. `out` is left open."""
    if isinstance(out, io.TextIOBase):
        return _write(sessions, out, columns)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        return _write(sessions, text, columns)
    finally:
        text.flush()
        text.detach()  # the caller's stream stays open: closing the wrapper would close it


def _write(sessions: Sequence[ExportedSession], out: TextIO, columns: ColumnMap | None) -> int:
    rows = table(sessions, columns)  # checks the map before anything is written
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180's line end, whatever the platform's
    writer.writerow([neutralised(cell) for cell in next(rows)])  # a map's headers come from a file too
    written = 0
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
        written += 1
    return written


def _cell(column: MappedColumn, session: ExportedSession, person: ExportedPerson, date_format: DateFormat) -> str:
    if column.constant is not None:
        return column.constant
    assert column.source is not None  # MappedColumn holds one or the other
    return _text(_BY_NAME[column.source].value(session, person), date_format)


def _text(value: Cell, date_format: DateFormat) -> str:
    """A value as the CSV writes it: moments and dates in ISO 8601 unless the map names another date format, in
    which a moment is written as its date on the trainer's clock."""
    pattern = DATE_FORMATS[date_format]
    if value is None:
        return ""
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.isoformat(timespec="seconds") if pattern is None else value.strftime(pattern)
    if isinstance(value, date):
        return value.isoformat() if pattern is None else value.strftime(pattern)
    return str(value)
