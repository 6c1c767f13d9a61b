"""Reading a session's attendance record back: who was there and for how long, the log line by line, and
whether its hash chain is intact.

The door's side (checking people in and out, undoing a slip) is facilitator/services/attendance.py, which
re-exports these names, so callers may import either module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
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
    acknowledged,
    clock_jumps,
    replay,
    status,
    withdrawn,
)
from facilitator.domain.times import iso, local
from facilitator.i18n import _, ngettext
from facilitator.records import attendance_log, jws, witness
from facilitator.records.sealed import ChainHead, SealedRecord
from facilitator.services.identity import own_certificates
from facilitator.services.sessions import RosterPerson, find_session, frozen_workshop, roster_person
from facilitator.services.workspace import Workspace
from facilitator.storage.models import AttendanceEvent, RosterEntry, SessionSeal, TrainingSession


@dataclass(frozen=True)
class AttendanceRow:
    person: RosterPerson
    first_in: datetime | None  # local time
    last_out: datetime | None
    minutes: int
    status: Status
    is_in: bool
    visits: tuple[tuple[datetime, datetime], ...] = ()  # each stay in the room; one still going ends at report time
    acknowledged: bool = False  # a signed acknowledgment is on record

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
    signed = acknowledged(events)
    gone = withdrawn(events)  # walk-ins added by mistake and undone: never attendees
    schedule = planned_schedule(ws, session)
    rows = [_row(entry, people.get(entry.id), schedule, until, entry.id in signed) for entry in session.roster
            if entry.id not in gone]
    return AttendanceReport(session.id, session.workshop_title, schedule.start, schedule.end,
                            session.grace_minutes, rows, clock_jumps(events), len(events))


def withdrawn_entries(db: Session, session_id: str) -> set[int]:
    """The roster entries of walk-ins added by mistake and undone, inside the caller's transaction."""
    return withdrawn(_events(db, session_id))


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
    """The session's events, each with its person found by the badge token the chain covers."""
    people = _by_token(db, session_id)
    rows = db.execute(select(AttendanceEvent.seq, AttendanceEvent.kind, AttendanceEvent.occurred_at,
                             AttendanceEvent.person_token, AttendanceEvent.roster_entry_id, AttendanceEvent.voids_seq,
                             AttendanceEvent.source, AttendanceEvent.monotonic_ms)
                      .where(AttendanceEvent.session_id == session_id).order_by(AttendanceEvent.seq)).all()
    return [Event(seq, EventKind(kind), at, _person(people, token, row_id), voids, source, mono)
            for seq, kind, at, token, row_id, voids, source, mono in rows]


def _by_token(db: Session, session_id: str) -> dict[str, int]:
    """Roster entries by their badge token: the portable name of a person that the chain's hashes cover."""
    return dict(db.execute(select(RosterEntry.badge_token, RosterEntry.id)
                           .where(RosterEntry.session_id == session_id)).all())


def _person(people: dict[str, int], token: str | None, row_id: int | None) -> int | None:
    """Whose event this is: by its token; an event written before tokens were kept (schema 0001) has none,
    and only its row says whose it is."""
    return people.get(token) if token is not None else row_id


def _row(entry: RosterEntry, person: PersonAttendance | None, schedule: Schedule, now: datetime,
         signed: bool = False) -> AttendanceRow:
    first = person.first_in if person else None
    last = person.last_out if person else None
    return AttendanceRow(roster_person(entry), local(first) if first else None, local(last) if last else None,
                         person.minutes(now) if person else 0, status(person, schedule), bool(person and person.is_in),
                         tuple((v.start, v.end or max(now, v.start)) for v in person.visits) if person else (),
                         signed)


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
        people = {e.badge_token: e.id for e in session.roster}
        rows = db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session.id)
                          .order_by(AttendanceEvent.seq)).all()
        voided_by = {r.voids_seq: r.seq for r in rows if r.voids_seq is not None}
        return [LogEntry(r.seq, r.occurred_at.astimezone(), r.kind,
                         names.get(_person(people, r.person_token, r.roster_entry_id) or -1),
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
    """Recompute the chain in the order the events were written and report the first broken link, an event
    moved to another person, an end the witness saw further on, or (once sealed) an end that is not the seal's."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        report = chain_report(db, session.id, ws.data_dir)
        if report.problem is None and session.seal is not None:
            report = _against_the_seal(ws, report, session.seal)
    if report.problem is None:
        return ChainCheck(session.id, report.events, report.head, True, None, ngettext(
            "the attendance log of session {session} is intact: {events} event, head {head}…",
            "the attendance log of session {session} is intact: {events} events, head {head}…", report.events
        ).format(session=session.id, events=report.events, head=report.head[:16]))
    return ChainCheck(session.id, report.events, report.head, False, report.problem.seq, report.problem.message)


def chain_report(db: Session, session_id: str, data_dir: Path | None = None) -> attendance_log.ChainReport:
    """The chain checked in the order the events were written, inside the caller's transaction; then that each
    event's row names the person its hashed badge token belongs to; then (given the data folder) that the log
    still reaches as far as its witness saw it (records/witness.py)."""
    rows = _log_rows(db, session_id)
    report = attendance_log.verify(session_id, [_stored(r) for r in rows])
    problem = report.problem or _moved(rows, _by_token(db, session_id))
    if problem is None and data_dir is not None:
        problem = _unwitnessed(rows, witness.read(data_dir, session_id))
    return report if problem is report.problem else attendance_log.ChainReport(report.events, report.head, problem)


def stored_log(db: Session, session_id: str) -> list[attendance_log.StoredEvent]:
    """The session's attendance log in the order it was written, with the hashes it was stored with."""
    return [_stored(r) for r in _log_rows(db, session_id)]


def _log_rows(db: Session, session_id: str) -> Sequence[AttendanceEvent]:
    return db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session_id)
                      .order_by(AttendanceEvent.id)).all()


def _moved(rows: Sequence[AttendanceEvent], people: dict[str, int]) -> attendance_log.ChainProblem | None:
    """The chain covers an event's badge token, not its roster row: a row that names someone else was edited."""
    for row in rows:
        if row.person_token is None:
            continue  # written before tokens were kept (schema 0001): only its row says whose it is
        owner = people.get(row.person_token)
        if owner is None:
            return attendance_log.ChainProblem(row.seq, _(
                "event {seq}'s badge belongs to no one on the session's roster: the roster was edited").format(
                seq=row.seq))
        if row.roster_entry_id != owner:
            return attendance_log.ChainProblem(row.seq, _(
                "event {seq} was moved to another person: its row names roster entry {row}, its signed badge "
                "belongs to entry {owner}").format(seq=row.seq, row=row.roster_entry_id, owner=owner))
    return None


def _unwitnessed(rows: Sequence[AttendanceEvent], seen: witness.Witnessed | None
                 ) -> attendance_log.ChainProblem | None:
    """The log must hold every event its witness saw, with the same hashes: else it was cut short, lost its last
    writes, or was rewritten."""
    if seen is None:
        return None  # no witness: a session from before witnesses, or one whose witness is gone
    last = rows[-1].seq if rows else 0
    if seen.events is not None and last < seen.events.seq:
        return attendance_log.ChainProblem(last + 1, _(
            "the log ends at event {last}, but event {seen} was written (its witness outside the database saw it): "
            "events were removed from its end, or the database lost its last writes").format(
            last=last, seen=seen.events.seq))
    held = {r.seq: r.hash for r in rows}
    for seq, hash_ in sorted(seen.seen.get("event", {}).items()):
        if held.get(seq) != hash_:
            return attendance_log.ChainProblem(seq, _(
                "event {seq} is not the one its witness saw written: the log was rewritten").format(seq=seq))
    if seen.damaged:
        return attendance_log.ChainProblem(last, _("the log's witness outside the database was edited"))
    return None


def _against_the_seal(ws: Workspace, report: attendance_log.ChainReport, seal: SessionSeal
                      ) -> attendance_log.ChainReport:
    """A sealed log must end where the seal says it ended: a seal signed by a certificate this installation
    has signed with, as stored."""
    try:
        cert = x509.load_pem_x509_certificates(seal.signer_cert.encode("ascii"))[0]
        if cert not in own_certificates(ws):
            raise ValueError(_("it is signed by a certificate this computer has never signed with"))
        sealed = SealedRecord.decode(jws.verify_compact(seal.jws, cert.public_key()))
    except (ValueError, IndexError, jws.JwsError) as exc:
        return attendance_log.ChainReport(report.events, report.head, attendance_log.ChainProblem(
            report.events, _("the session's seal does not verify ({reason})").format(reason=exc)))
    problem = sealed_end_problem(report, sealed.chain)
    if problem is None:
        return report
    return attendance_log.ChainReport(report.events, report.head, attendance_log.ChainProblem(
        min(report.events, sealed.chain.events) + 1, problem))


def sealed_end_problem(report: attendance_log.ChainReport, sealed: ChainHead) -> str | None:
    """Why a log does not end where its seal says it ended (None if it does)."""
    if (sealed.events, sealed.head) == (report.events, report.head):
        return None
    return ngettext("the attendance log no longer ends where it was sealed ({events} event, head {head}…); events "
                    "were added, removed or changed since",
                    "the attendance log no longer ends where it was sealed ({events} events, head {head}…); events "
                    "were added, removed or changed since", sealed.events).format(events=sealed.events,
                                                                                 head=sealed.head[:16])


def _stored(row: AttendanceEvent) -> attendance_log.StoredEvent:
    event = attendance_log.ChainedEvent(
        session_id=row.session_id, seq=row.seq, kind=row.kind, occurred_at=row.occurred_at,
        monotonic_ms=row.monotonic_ms, person_token=row.person_token, code=row.code, reason=row.reason,
        actor=row.actor, source=row.source, voids_seq=row.voids_seq)
    return attendance_log.StoredEvent(event, row.prev_hash, row.hash)
