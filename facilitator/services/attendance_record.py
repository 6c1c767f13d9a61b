"""Reading a session's attendance record back: who was there and for how long, the log line by line, and
whether its hash chain is intact.

The door's side (checking people in and out, undoing a slip) is facilitator/services/attendance.py, which
re-exports these names, so callers may import either module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.content.problems import ContentError
from facilitator.domain.attendance import (
    ClockJump,
    Event,
    EventKind,
    PersonAttendance,
    Schedule,
    Status,
    clock_jumps,
    replay,
    status,
)
from facilitator.domain.times import iso, local
from facilitator.i18n import _, ngettext
from facilitator.records import attendance_log
from facilitator.services.sessions import RosterPerson, find_session, frozen_workshop, roster_person
from facilitator.services.workspace import Workspace
from facilitator.storage.models import AttendanceEvent, RosterEntry, TrainingSession


@dataclass(frozen=True)
class AttendanceRow:
    person: RosterPerson
    first_in: datetime | None  # local time
    last_out: datetime | None
    minutes: int
    status: Status
    is_in: bool

    def to_json(self) -> dict[str, object]:
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

    def to_json(self) -> dict[str, object]:
        return {"session": self.session_id, "title": self.title, "planned_start": iso(self.planned_start),
                "planned_end": iso(self.planned_end), "grace_minutes": self.grace_minutes,
                "in_room": self.in_room, "events": self.events,
                "clock_warnings": [clock_warning(j) for j in self.clock_jumps],
                "people": [r.to_json() for r in self.rows]}


def clock_warning(jump: ClockJump) -> str:
    drift = (jump.wall - jump.steady).total_seconds() / 60
    return ngettext("between events {after} and {seq} the clock moved {drift} minute more than time passed; check "
                    "the laptop's clock",
                    "between events {after} and {seq} the clock moved {drift} minutes more than time passed; check "
                    "the laptop's clock", abs(round(drift))).format(after=jump.after_seq, seq=jump.seq,
                                                                   drift=f"{drift:+.0f}")


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
    return AttendanceRow(roster_person(entry), local(first) if first else None, local(last) if last else None,
                         person.minutes(now) if person else 0, status(person, schedule), bool(person and person.is_in))


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

    def to_json(self) -> dict[str, object]:
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
        return _("undoes event {seq}: {reason}").format(seq=row.voids_seq, reason=row.reason)
    return row.reason


# --- verifying the chain ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    session_id: str
    events: int
    head: str
    intact: bool
    problem_seq: int | None
    message: str

    def to_json(self) -> dict[str, object]:
        return {"session": self.session_id, "events": self.events, "head": self.head, "intact": self.intact,
                "problem_event": self.problem_seq, "message": self.message}


def verify_attendance(ws: Workspace, session_id: str) -> ChainCheck:
    """Recompute the chain in the order the events were written and report the first broken link."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        report = chain_report(db, session.id)
    if report.problem is None:
        return ChainCheck(session.id, report.events, report.head, True, None, ngettext(
            "the attendance log of session {session} is intact: {events} event, head {head}…",
            "the attendance log of session {session} is intact: {events} events, head {head}…", report.events
        ).format(session=session.id, events=report.events, head=report.head[:16]))
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
