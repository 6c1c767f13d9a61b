"""A session's roster: importing the file HR sent, adding walk-ins, listing. Everyone gets a fresh badge code.

An import is all or nothing: if any row has a problem, nothing is added and every problem is reported with
its row, so the trainer fixes the file and imports it again. With `skip_invalid` the good rows are added (in
one transaction) and the others reported as skipped. People already on the roster (same employee id or
email) count as problems, so importing the same file twice adds no one twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from facilitator.content.roster_file import (
    FIELDS,
    ParsedRoster,
    RawRow,
    RosterFileError,
    RosterProblem,
    RosterRow,
    check_person,
    choose_columns,
    guess_columns,
    parse_roster,
    read_table,
)
from facilitator.domain.attendance import EventKind, Source
from facilitator.domain.ids import group_code, new_badge_token
from facilitator.domain.roster import Person
from facilitator.i18n import _
from facilitator.services.attendance import append, refuse_lost_events, witness_event
from facilitator.services.attendance_record import withdrawn_entries
from facilitator.services.errors import UserError
from facilitator.services.sessions import RosterPerson, find_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import RosterEntry, TrainingSession

# Re-exported for the UI and the command line, which may not import the content or domain layers.
__all__ = ["FIELDS", "RawRow", "RosterImportResult", "RosterPerson", "RosterPreview", "RosterProblem",
           "add_people", "add_walk_in", "group_code", "import_roster", "list_roster", "preview_roster"]

PREVIEW_ROWS = 20
# What the trainer chose in the mapping dialog or with --map: field -> 0-based column index, header text,
# a 1-based column number as text, or None to leave the field out. Fields not named keep the guess.
ColumnChoices = Mapping[str, int | str | None]


@dataclass(frozen=True)
class RosterPreview:
    """Everything a preview dialog shows before importing: how the file was read, its first rows, which
    column was taken for which field, and what would go wrong."""

    session_id: str
    file: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int | None
    headers: list[str]
    sample: list[RawRow]  # the first rows below the header, as read
    fields: dict[str, str]  # every field a column can be mapped to, with its words
    mapping: dict[str, int]  # field -> 0-based column
    columns: dict[str, str]  # field -> the header of its column
    rows_read: int
    ready: int  # how many people an import would add
    problems: list[RosterProblem]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class RosterImportResult:
    """What an import did; `imported` is 0 when problems stopped it."""

    session_id: str
    file: str
    kind: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    columns: dict[str, str]  # field -> the header of its column
    unused_columns: list[str]
    rows_read: int
    imported: int
    skipped_rows: list[int]  # rows with problems (not imported)
    already_on_roster: int  # rows naming someone the roster already has
    problems: list[RosterProblem]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def add_people(ws: Workspace, session_id: str, people: Iterable[Person], *, walk_in: bool = False) -> int:
    """Add `people` to the roster in one transaction; returns how many were added."""
    with ws.store.write_transaction() as db:  # the write lock first: two adders must not both miss each other
        return len(_insert(db, _changeable_session(db, session_id), people, walk_in=walk_in))


def list_roster(ws: Workspace, session_id: str) -> list[RosterPerson]:
    """Everyone on a session's roster, in the order they were added."""
    with ws.store.transaction() as db:
        return [_roster_person(entry) for entry in find_session(db, session_id).roster]


def preview_roster(ws: Workspace, session_id: str, path: str | os.PathLike[str],
                   mapping: ColumnChoices | None = None) -> RosterPreview:
    """Read a roster file and check it against the session without changing anything."""
    session_id = _session_id(ws, session_id)
    parsed = _read(Path(path), mapping)
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        problems = _sorted(parsed.problems + _against_roster(session, parsed))
        sealed = session.is_sealed
    if sealed:
        problems.insert(0, RosterProblem(None, None, _("session {session} is sealed; its roster can no longer "
                                                       "change").format(session=session_id)))
    table = parsed.table
    return RosterPreview(
        session_id=session_id, file=str(table.file), kind=table.kind, encoding=table.encoding,
        delimiter=table.delimiter, sheet=table.sheet, header_row=table.header_row, headers=table.headers,
        sample=table.rows[:PREVIEW_ROWS], fields={name: _(words) for name, words in FIELDS.items()},
        mapping=parsed.mapping,
        columns=_columns(parsed), rows_read=parsed.rows_read, ready=len(_ready(parsed, problems)),
        problems=problems)


def import_roster(ws: Workspace, session_id: str, path: str | os.PathLike[str], *,
                  mapping: ColumnChoices | None = None, skip_invalid: bool = False) -> RosterImportResult:
    """Add the people in a roster file to the session: all of them, or (with `skip_invalid`) the good rows.

    Raises UserError if the file cannot be read at all or the session is sealed; problems with rows are in
    the result, and then `imported` says whether anyone was added.
    """
    session_id = _session_id(ws, session_id)
    parsed = _read(Path(path), mapping)
    # The write lock from the start: a second import at the same moment waits for this one, then sees its people
    # as already on the roster, rather than both missing each other (or failing with "database is locked").
    with ws.store.write_transaction() as db:
        session = _changeable_session(db, session_id)
        on_roster = _against_roster(session, parsed)
        problems = _sorted(parsed.problems + on_roster)
        ready = _ready(parsed, problems)
        whole_file = any(p.row is None for p in problems)
        if ready and not whole_file and (skip_invalid or not problems):
            _insert(db, session, [r.person for r in ready], walk_in=False)
        else:
            ready = []
    table = parsed.table
    used = set(parsed.mapping.values())
    return RosterImportResult(
        session_id=session_id, file=str(table.file), kind=table.kind, encoding=table.encoding,
        delimiter=table.delimiter, sheet=table.sheet, columns=_columns(parsed),
        unused_columns=[h for i, h in enumerate(table.headers) if h and i not in used],
        rows_read=parsed.rows_read, imported=len(ready),
        skipped_rows=sorted({p.row for p in problems if p.row is not None}),
        already_on_roster=len({p.row for p in on_roster}), problems=problems)


def add_walk_in(ws: Workspace, session_id: str, first_name: str, last_name: str, employee_id: str | None = None,
                email: str | None = None, department: str | None = None, *, actor: str | None = None,
                source: str = Source.CLI) -> RosterPerson:
    """Add someone who came without being on the roster; checked as a roster row is. Returns them with
    their new badge code."""
    values = {"first_name": first_name, "last_name": last_name, "employee_id": employee_id, "email": email,
              "department": department}
    person, problems = check_person(values)
    if person is None:
        raise UserError("; ".join(str(p) for p in problems))
    with ws.store.write_transaction() as db:  # the write lock, since the attendance log is appended to
        session = _changeable_session(db, session_id)
        refuse_lost_events(ws, session.id, conn=db.connection())
        gone = withdrawn_entries(db, session.id)  # a walk-in undone may be added again
        clash = _roster_clash([e for e in session.roster if e.id not in gone], person)
        if clash:
            raise UserError(clash)
        [entry] = _insert(db, session, [person], walk_in=True)
        db.flush()  # gives the entry its id
        # The log records that someone not on HR's list was added at the door, and when.
        link = append(db.connection(), session.id, EventKind.WALK_IN, datetime.now(UTC), entry=entry,
                      actor=actor or session.trainer, source=source)
        person = _roster_person(entry)
    witness_event(ws, session.id, link)
    return person


# --- helpers -------------------------------------------------------------------------------------------

def _session_id(ws: Workspace, session_id: str) -> str:
    """The full id, checked before a possibly large file is read, so a mistyped id is reported first."""
    with ws.store.transaction() as db:
        return find_session(db, session_id).id


def _changeable_session(db: Session, session_id: str) -> TrainingSession:
    session = find_session(db, session_id)
    if session.is_sealed:
        raise UserError(_("session {session} is sealed; its roster can no longer change").format(session=session.id))
    return session


def _read(path: Path, choices: ColumnChoices | None) -> ParsedRoster:
    try:
        table = read_table(path)
        mapping = guess_columns(table)
        if choices:
            mapping = choose_columns(table.headers, mapping, choices, table.file)
        return parse_roster(table, mapping)
    except RosterFileError as exc:
        raise UserError(str(exc)) from exc


def _insert(db: Session, session: TrainingSession, people: Iterable[Person], *, walk_in: bool) -> list[RosterEntry]:
    now = datetime.now(UTC)
    rows = [RosterEntry(session_id=session.id, first_name=p.first_name, last_name=p.last_name,
                        employee_id=p.employee_id, email=p.email, department=p.department,
                        supervisor=p.supervisor, language=p.language, is_supervisor=p.is_supervisor,
                        walk_in=walk_in, badge_token=new_badge_token(), added_at=now) for p in people]
    db.add_all(rows)
    return rows


def _against_roster(session: TrainingSession, parsed: ParsedRoster) -> list[RosterProblem]:
    """Rows naming someone already on the roster, matched by employee id or email (case ignored)."""
    ids = {e.employee_id.casefold(): e for e in session.roster if e.employee_id}
    emails = {e.email.casefold(): e for e in session.roster if e.email}
    columns = _columns(parsed)
    problems = []
    for row in parsed.people:
        for name, value, known in (("employee_id", row.person.employee_id, ids), ("email", row.person.email, emails)):
            entry = known.get(value.casefold()) if value else None
            if entry is not None:
                fix = _("leave the row out if it is the same person, or correct the value")
                problems.append(RosterProblem(row.row, columns.get(name), _already(name, value or "", entry, fix)))
                break  # one message per person is enough
    return problems


def _roster_clash(roster: Iterable[RosterEntry], person: Person) -> str | None:
    for entry in roster:
        for name, value, known in (("employee_id", person.employee_id, entry.employee_id),
                                   ("email", person.email, entry.email)):
            if value and known and value.casefold() == known.casefold():
                return _already(name, value, entry, _("check them in instead, or correct the value"))
    return None


def _already(name: str, value: str, entry: RosterEntry, fix: str) -> str:
    who = f"{entry.first_name} {entry.last_name}".strip()
    return _("{field} '{value}' is already on this session's roster ({who}); {fix}").format(
        field=_(FIELDS[name]), value=value, who=who, fix=fix)


def _ready(parsed: ParsedRoster, problems: list[RosterProblem]) -> list[RosterRow]:
    bad = {p.row for p in problems}
    return [r for r in parsed.people if r.row not in bad]


def _sorted(problems: list[RosterProblem]) -> list[RosterProblem]:
    """Problems with the whole file first, then by row."""
    return sorted(problems, key=lambda p: -1 if p.row is None else p.row)


def _columns(parsed: ParsedRoster) -> dict[str, str]:
    headers = parsed.table.headers
    return {name: headers[i] if i < len(headers) and headers[i] else _("column {number}").format(number=i + 1)
            for name, i in parsed.mapping.items()}


def _roster_person(entry: RosterEntry) -> RosterPerson:
    return RosterPerson(entry.id, entry.first_name, entry.last_name, entry.employee_id, entry.email,
                        entry.department, entry.is_supervisor, entry.walk_in, entry.badge_token)
