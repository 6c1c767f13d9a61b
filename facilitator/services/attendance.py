"""Checking people in and out, undoing a slip, and reading the attendance record back.

Every scan, accepted or not, is appended to the session's hash-chained log inside one write transaction,
and the result is returned only after that transaction has committed: whatever the screen or the terminal
then says has already reached the disk (DESIGN.md §3).
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import Session

from facilitator.content.problems import ContentError
from facilitator.domain.attendance import (
    ClockJump,
    Direction,
    Event,
    EventKind,
    Outcome,
    PersonAttendance,
    Schedule,
    Source,
    Status,
    clock_jumps,
    decide,
    replay,
    status,
)
from facilitator.domain.ids import read_code
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import clock, iso
from facilitator.records import attendance_log
from facilitator.services.errors import UserError
from facilitator.services.sessions import RosterPerson, find_session, frozen_workshop, roster_person
from facilitator.services.workspace import Workspace
from facilitator.storage import attendance_queries as queries
from facilitator.storage.models import AttendanceEvent, RosterEntry, TrainingSession

# A roster entry as an ORM object or as a row straight from the check-in query; both have its columns.
Holder = RosterEntry | Row[Any]

MAX_CODE_LENGTH = 256  # what a scan may store; anything longer is cut, it is not a badge anyway
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ScanResult:
    """What the door should say about one scan, after it has been recorded."""

    outcome: Outcome
    message: str
    seq: int
    at: datetime  # local time of the scan
    person: RosterPerson | None = None
    since: datetime | None = None  # for "already checked in at 09:02": when they did
    late: bool = False

    @property
    def accepted(self) -> bool:
        return self.outcome.accepted

    def as_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome.value, "accepted": self.accepted, "message": self.message,
                "seq": self.seq, "at": iso(self.at),
                "person": None if self.person is None else self.person.full_name,
                "roster_id": None if self.person is None else self.person.id,
                "since": iso(self.since),
                "late": self.late}


def check_in(ws: Workspace, session_id: str, code: str, *, at: datetime | None = None,
             source: Source = Source.CLI, actor: str | None = None) -> ScanResult:
    """Record someone arriving, from a scanned or typed badge code."""
    return scan(ws, session_id, code, Direction.IN, at=at, source=source, actor=actor)


def check_out(ws: Workspace, session_id: str, code: str, *, at: datetime | None = None,
              source: Source = Source.CLI, actor: str | None = None) -> ScanResult:
    """Record someone leaving, from a scanned or typed badge code."""
    return scan(ws, session_id, code, Direction.OUT, at=at, source=source, actor=actor)


def scan(ws: Workspace, session_id: str, code: str, direction: Direction, *, at: datetime | None = None,
         source: Source = Source.CLI, actor: str | None = None) -> ScanResult:
    """Decide what a scan means, append it to the log (rejected or not) and commit; then say so."""
    with ws.store.write_connection() as conn:
        session = _door_session(ws, conn, session_id)
        when = _when(session, at)
        entry, outcome, reason = _identify(conn, session.id, code)
        since = None
        if entry is not None and outcome is None:
            history = _history(conn, session.id, entry.id)
            outcome = decide(history, direction)
            since = _since(history, outcome)
            reason = _reason(outcome, since)
        assert outcome is not None
        seq = append(conn, session.id, _kind(outcome, direction), when, entry=entry, code=code[:MAX_CODE_LENGTH],
                     reason=reason, actor=actor or session.trainer, source=source,
                     last=(session.last_seq, session.last_hash))
        late = outcome is Outcome.CHECKED_IN and _late_after(session) < when
    # Only now, with the transaction committed, is there anything to confirm.
    person = None if entry is None else roster_person(entry)
    return ScanResult(outcome, message(outcome, person, since, late), seq, when.astimezone(), person,
                      since.astimezone() if since else None, late)


def append(conn: Connection, session_id: str, kind: EventKind, when: datetime, *,
           entry: Holder | None = None, code: str | None = None, reason: str | None = None,
           actor: str | None = None, source: str | None = None, voids_seq: int | None = None,
           last: tuple[int | None, str | None] | None = None) -> int:
    """Append one event to the session's chain; the caller's transaction must hold the write lock.

    `last` is the newest event's (seq, hash) if the caller has already read it under that lock."""
    last_seq, last_hash = last if last is not None else (queries.last_link(conn, session_id) or (None, None))
    seq, prev = (last_seq + 1, last_hash) if last_seq is not None and last_hash is not None \
        else (1, attendance_log.genesis(session_id))
    chained = attendance_log.ChainedEvent(
        session_id=session_id, seq=seq, kind=kind.value, occurred_at=when, monotonic_ms=steady_ms(),
        person_token=entry.badge_token if entry else None, code=code, reason=reason, actor=actor,
        source=source, voids_seq=voids_seq)
    queries.insert_event(conn, {
        "session_id": session_id, "seq": seq, "kind": kind.value, "roster_entry_id": entry.id if entry else None,
        "person_token": chained.person_token, "code": code, "reason": reason, "actor": actor, "source": source,
        "voids_seq": voids_seq, "occurred_at": when, "monotonic_ms": chained.monotonic_ms, "prev_hash": prev,
        "hash": attendance_log.link(chained, prev)})
    return seq


def steady_ms() -> int:
    """The machine's steady clock, counting from its start and including sleep where the system allows."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    seconds = time.clock_gettime(clock) if clock is not None else time.monotonic()
    return int(seconds * 1000)


def message(outcome: Outcome, person: RosterPerson | None, since: datetime | None, late: bool) -> str:
    """The words the door shows, large, for each outcome."""
    name = person.full_name if person else ""
    at = clock(since)
    return {
        Outcome.CHECKED_IN: f"Welcome, {name}" + (" (arrived late)" if late else ""),
        Outcome.WELCOME_BACK: f"Welcome back, {name}",
        Outcome.CHECKED_OUT: f"Goodbye, {name}: checked out",
        Outcome.ALREADY_IN: f"{name} is already checked in (since {at})",
        Outcome.ALREADY_OUT: f"{name} already checked out at {at}",
        Outcome.NOT_IN: f"{name} was never checked in: check them in first",
        Outcome.UNKNOWN_CODE: "Unknown code: this badge is not on this session's roster",
        Outcome.OTHER_SESSION: f"{name or 'This badge'} belongs to another session" if name
        else "This badge belongs to another session",
        Outcome.NOT_A_BADGE: "Not a Facilitator badge: scan the code on the attendee's badge",
    }[outcome]


def _open_session(db: Session, session_id: str) -> TrainingSession:
    session = find_session(db, session_id)
    _refuse_sealed(session.id, session.status)
    return session


def _door_session(ws: Workspace, conn: Connection, session_id: str) -> Row[Any]:
    """The session a scan is for. The door passes the full id every time, so look that up first."""
    row = queries.door_session(conn, session_id.strip().upper())
    if row is None:
        with ws.store.transaction() as db:
            row = queries.door_session(conn, find_session(db, session_id).id)
    assert row is not None
    _refuse_sealed(row.id, row.status)
    return row


def _refuse_sealed(session_id: str, status: str) -> None:
    if status == SessionStatus.SEALED:
        raise UserError(f"session {session_id} is sealed; it accepts no more check-ins")


def _when(session: Row[Any], at: datetime | None) -> datetime:
    """Now, or a time keyed in from a paper sheet (naive times are the laptop's local time)."""
    now = datetime.now(UTC)
    if at is None:
        return now
    when = (at if at.tzinfo else at.astimezone()).astimezone(UTC)
    if when > now + FUTURE_TOLERANCE:
        raise UserError(f"{at.isoformat(timespec='minutes')} is in the future; give the time it happened")
    if abs(when.astimezone().date() - session.scheduled_date) > timedelta(days=1):
        raise UserError(f"{at.isoformat(timespec='minutes')} is not on the session's date "
                        f"({session.scheduled_date.isoformat()}); check the date on the sheet")
    return when


def _identify(conn: Connection, session_id: str, code: str) -> tuple[Holder | None, Outcome | None, str | None]:
    """Whose badge this is; or why it cannot be anybody's in this session."""
    read = read_code(code)
    if read is None:
        return None, Outcome.NOT_A_BADGE, "not a badge code"
    if read.session_id not in (None, session_id):
        return None, Outcome.OTHER_SESSION, f"a badge printed for session {read.session_id}"
    entry = queries.badge_holder(conn, read.token)
    if entry is None:
        return None, Outcome.UNKNOWN_CODE, "no one has this badge code"
    if entry.session_id != session_id:
        return None, Outcome.OTHER_SESSION, f"a badge for session {entry.session_id}"
    return entry, None, None


def _history(conn: Connection, session_id: str, entry_id: int) -> PersonAttendance | None:
    """One person's visits so far. Voids name the person too, so their events are all this query needs."""
    events = [Event(seq, EventKind(kind), at, person=entry_id, voids=voids)
              for seq, kind, at, voids in queries.person_events(conn, session_id, entry_id)]
    return replay(events).get(entry_id)


def _since(history: PersonAttendance | None, outcome: Outcome) -> datetime | None:
    if history is None:
        return None
    if outcome is Outcome.ALREADY_IN:
        return history.visits[-1].start
    if outcome is Outcome.ALREADY_OUT:
        return history.last_out
    return None


def _reason(outcome: Outcome, since: datetime | None) -> str | None:
    if outcome.accepted:
        return None
    when = f" at {since.astimezone(UTC).isoformat(timespec='seconds')}" if since else ""
    return {Outcome.ALREADY_IN: f"already checked in{when}", Outcome.ALREADY_OUT: f"already checked out{when}",
            Outcome.NOT_IN: "checking out someone who never checked in"}.get(outcome, outcome.value)


def _kind(outcome: Outcome, direction: Direction) -> EventKind:
    if not outcome.accepted:
        return EventKind.REJECTED
    return EventKind.CHECK_IN if direction is Direction.IN else EventKind.CHECK_OUT


def _late_after(session: Row[Any]) -> datetime:
    """When a check-in starts counting as late: the planned start plus the session's grace period."""
    start = datetime.combine(session.scheduled_date, session.start_time).astimezone()
    return start + timedelta(minutes=session.grace_minutes)


# --- undo -------------------------------------------------------------------------------------------------

VOIDABLE = {EventKind.CHECK_IN.value, EventKind.CHECK_OUT.value, EventKind.WALK_IN.value}


@dataclass(frozen=True)
class VoidResult:
    seq: int
    voided_seq: int
    message: str


def void(ws: Workspace, session_id: str, seq: int, reason: str, *, actor: str | None = None,
         source: Source = Source.CLI) -> VoidResult:
    """Undo an earlier check-in, check-out or walk-in by appending a void that names it and says why."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("say why the event is being undone (for example: scanned the wrong badge)")
    with ws.store.write_transaction() as db:
        session = _open_session(db, session_id)
        target = db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session.id,
                                                          AttendanceEvent.seq == seq)).first()
        if target is None:
            raise UserError(f"session {session.id} has no event {seq}; see 'facilitator attendance log'")
        if target.kind not in VOIDABLE:
            raise UserError(f"event {seq} is a {target.kind}; only check-ins, check-outs and walk-ins can be undone")
        already = db.scalar(select(AttendanceEvent.seq).where(AttendanceEvent.session_id == session.id,
                                                              AttendanceEvent.voids_seq == seq))
        if already is not None:
            raise UserError(f"event {seq} was already undone by event {already}")
        entry = db.get(RosterEntry, target.roster_entry_id) if target.roster_entry_id else None
        new_seq = append(db.connection(), session.id, EventKind.VOID, datetime.now(UTC), entry=entry, reason=reason,
                         actor=actor or session.trainer, source=source,
                         voids_seq=seq)
        name = f"{entry.first_name} {entry.last_name}".strip() if entry else "someone"
    return VoidResult(new_seq, seq, f"Undid event {seq} ({target.kind} of {name}): {reason}")


# --- reading the record -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    person: RosterPerson
    first_in: datetime | None  # local time
    last_out: datetime | None
    minutes: int
    status: Status
    is_in: bool

    def as_dict(self) -> dict[str, object]:
        return {"roster_id": self.person.id, "name": self.person.full_name, "employee_id": self.person.employee_id,
                "badge_code": self.person.badge_code, "walk_in": self.person.walk_in,
                "first_in": iso(self.first_in), "last_out": iso(self.last_out), "minutes": self.minutes,
                "status": self.status.value, "in_room": self.is_in}


@dataclass(frozen=True)
class AttendanceReport:
    session_id: str
    title: str
    planned_start: datetime
    planned_end: datetime
    grace_minutes: int
    rows: list[AttendanceRow]
    clock_jumps: list[ClockJump]
    events: int

    @property
    def in_room(self) -> int:
        return sum(r.is_in for r in self.rows)

    def count(self, wanted: Status) -> int:
        return sum(r.status is wanted for r in self.rows)

    def as_dict(self) -> dict[str, object]:
        return {"session": self.session_id, "title": self.title, "planned_start": iso(self.planned_start),
                "planned_end": iso(self.planned_end), "grace_minutes": self.grace_minutes,
                "in_room": self.in_room, "events": self.events,
                "clock_warnings": [clock_warning(j) for j in self.clock_jumps],
                "people": [r.as_dict() for r in self.rows]}


def clock_warning(jump: ClockJump) -> str:
    drift = (jump.wall - jump.steady).total_seconds() / 60
    return (f"between events {jump.after_seq} and {jump.seq} the clock moved {drift:+.0f} minutes more than "
            "time passed; check the laptop's clock")


def attendance_report(ws: Workspace, session_id: str, *, now: datetime | None = None) -> AttendanceReport:
    """Per person: first in, last out, minutes present (an open visit counts up to `now`) and status."""
    with ws.store.transaction() as db:
        return report_for(ws, db, find_session(db, session_id), now or datetime.now(UTC))


def report_for(ws: Workspace, db: Session, session: TrainingSession, now: datetime) -> AttendanceReport:
    """The attendance report inside the caller's transaction (closing a session needs it there).

    Once a session has closed, open visits end at its close, whatever the time is now."""
    until = min(now, session.closed_at) if session.closed_at else now
    events = _events(db, session.id)
    people = replay(events)
    schedule = planned_schedule(ws, session)
    rows = [_row(entry, people.get(entry.id), schedule, until) for entry in session.roster]
    return AttendanceReport(session.id, session.workshop_title, schedule.start, schedule.end,
                            session.grace_minutes, rows, clock_jumps(events), len(events))


def planned_schedule(ws: Workspace, session: TrainingSession) -> Schedule:
    """The session's planned start and end in local time, from the workshop as frozen for it."""
    try:
        minutes = frozen_workshop(ws, session).planned_minutes
    except ContentError:
        fallback = ws.library.workshops.get(session.workshop_id)
        minutes = fallback.planned_minutes if fallback else 0
    start = datetime.combine(session.scheduled_date, session.start_time).astimezone()
    return Schedule(start, start + timedelta(minutes=minutes), timedelta(minutes=session.grace_minutes))


def _events(db: Session, session_id: str) -> list[Event]:
    rows = db.execute(select(AttendanceEvent.seq, AttendanceEvent.kind, AttendanceEvent.occurred_at,
                             AttendanceEvent.roster_entry_id, AttendanceEvent.voids_seq, AttendanceEvent.source,
                             AttendanceEvent.monotonic_ms)
                      .where(AttendanceEvent.session_id == session_id).order_by(AttendanceEvent.seq)).all()
    return [Event(seq, EventKind(kind), at, person, voids, source, mono)
            for seq, kind, at, person, voids, source, mono in rows]


def _row(entry: RosterEntry, person: PersonAttendance | None, schedule: Schedule, now: datetime) -> AttendanceRow:
    first = person.first_in if person else None
    last = person.last_out if person else None
    return AttendanceRow(roster_person(entry), _local(first), _local(last), person.minutes(now) if person else 0,
                         status(person, schedule), bool(person and person.is_in))


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone()


@dataclass(frozen=True)
class LogEntry:
    """One line of the log as a trainer reads it."""

    seq: int
    at: datetime
    kind: str
    person: str | None
    source: str | None
    detail: str | None
    voided_by: int | None

    def as_dict(self) -> dict[str, object]:
        return {"seq": self.seq, "at": iso(self.at), "kind": self.kind, "person": self.person,
                "source": self.source, "detail": self.detail, "voided_by": self.voided_by}


def attendance_log_entries(ws: Workspace, session_id: str) -> list[LogEntry]:
    """Every event in order, rejected scans and voids included."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        names = {e.id: f"{e.first_name} {e.last_name}".strip() for e in session.roster}
        rows = db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session.id)
                          .order_by(AttendanceEvent.seq)).all()
        voided_by = {r.voids_seq: r.seq for r in rows if r.voids_seq is not None}
        return [LogEntry(r.seq, r.occurred_at.astimezone(), r.kind, names.get(r.roster_entry_id or -1),
                         r.source, _detail(r), voided_by.get(r.seq)) for r in rows]


def _detail(row: AttendanceEvent) -> str | None:
    if row.kind == EventKind.VOID:
        return f"undoes event {row.voids_seq}: {row.reason}"
    return row.reason


# --- verifying the chain ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    session_id: str
    events: int
    head: str
    intact: bool
    problem_seq: int | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"session": self.session_id, "events": self.events, "head": self.head, "intact": self.intact,
                "problem_event": self.problem_seq, "message": self.message}


def verify_attendance(ws: Workspace, session_id: str) -> ChainCheck:
    """Recompute the chain in the order the events were written and report the first broken link."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        report = chain_report(db, session.id)
    if report.problem is None:
        return ChainCheck(session.id, report.events, report.head, True, None,
                          f"the attendance log of session {session.id} is intact: {report.events} events, "
                          f"head {report.head[:16]}…")
    return ChainCheck(session.id, report.events, report.head, False, report.problem.seq, report.problem.message)


def chain_report(db: Session, session_id: str) -> attendance_log.ChainReport:
    """The chain checked in the order the events were written, inside the caller's transaction."""
    rows = db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session_id)
                      .order_by(AttendanceEvent.id)).all()
    return attendance_log.verify(session_id, [_stored(r) for r in rows])


def _stored(row: AttendanceEvent) -> attendance_log.StoredEvent:
    event = attendance_log.ChainedEvent(
        session_id=row.session_id, seq=row.seq, kind=row.kind, occurred_at=row.occurred_at,
        monotonic_ms=row.monotonic_ms, person_token=row.person_token, code=row.code, reason=row.reason,
        actor=row.actor, source=row.source, voids_seq=row.voids_seq)
    return attendance_log.StoredEvent(event, row.prev_hash, row.hash)


def parse_at(text: str, on: date | None = None) -> datetime:
    """A time from a paper sheet: a full ISO 8601 date-time, or HH:MM on the session's date."""
    text = text.strip()
    try:
        if on is not None and len(text) <= 5 and ":" in text:
            hours, minutes = text.split(":")
            return datetime(on.year, on.month, on.day, int(hours), int(minutes))
        return datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"'{text}' is not a time; write it as 2026-03-14T09:05 or 09:05") from None


# --- finding someone without a badge ----------------------------------------------------------------------

SEARCH_LIMIT = 20


def find_people(ws: Workspace, session_id: str, text: str) -> list[RosterPerson]:
    """Roster entries whose name, employee id or email contains every word typed, accents and case ignored."""
    words = [_fold(w) for w in text.split()]
    if not words:
        return []
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        found = []
        for entry in session.roster:
            haystack = _fold(" ".join(filter(None, (entry.first_name, entry.last_name, entry.employee_id,
                                                    entry.email))))
            if all(w in haystack for w in words):
                found.append(roster_person(entry))
        found.sort(key=lambda p: (p.last_name.casefold(), p.first_name.casefold()))
        return found[:SEARCH_LIMIT]


def _fold(text: str) -> str:
    """'Zoë' and 'zoe' match, as a trainer typing on an English keyboard would expect."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
