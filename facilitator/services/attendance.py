"""Checking people in and out, undoing a slip, and finding someone without a badge: the door's side of attendance.

Every scan, accepted or not, is appended to the session's hash-chained log inside one write transaction,
and the result is returned only after that transaction has committed: whatever the screen or the terminal
then says has already reached the disk (DESIGN.md §3). Reading the record back (the report, the log, the chain
check) is facilitator/services/attendance_record.py; its names are importable from here too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import Session

from facilitator.domain.attendance import (
    Direction,
    Event,
    EventKind,
    Outcome,
    PersonAttendance,
    Source,
    decide,
    replay,
    withdrawn,
)
from facilitator.domain.ids import read_code
from facilitator.domain.roster import folded
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import clock, iso
from facilitator.i18n import N_, Words, _, in_language
from facilitator.records import attendance_log, witness
from facilitator.services.attendance_record import (
    AttendanceReport,
    AttendanceRow,
    ChainCheck,
    LogEntry,
    attendance_log_entries,
    attendance_report,
    chain_report,
    clock_warning,
    planned_schedule,
    report_for,
    verify_attendance,
)
from facilitator.services.errors import Remedy, UserError
from facilitator.services.paper_times import FUTURE_TOLERANCE as FUTURE_TOLERANCE
from facilitator.services.paper_times import check_at, parse_at
from facilitator.services.sessions import ROSTER_COLUMNS, RosterPerson, find_session, roster_person
from facilitator.services.workspace import Workspace
from facilitator.storage import attendance_queries as queries
from facilitator.storage.models import AttendanceEvent, RosterEntry, TrainingSession

# The reading side lives in attendance_record; callers may import its names from here as well.
__all__ = [
    "VOIDABLE", "AttendanceReport", "AttendanceRow", "ChainCheck", "LogEntry", "ScanResult", "Source",
    "VoidResult", "append", "attendance_log_entries", "attendance_report", "chain_report", "check_in",
    "check_out", "clock_warning", "find_people", "message", "parse_at", "planned_schedule", "report_for", "scan",
    "steady_ms", "verify_attendance", "void",
]

Say = Callable[[str], str]  # gettext of the language the log is written in
log = logging.getLogger(__name__)
# A roster entry as an ORM object or as a row straight from the check-in query; both have its columns.
Holder = RosterEntry | Row[Any]

MAX_CODE_LENGTH = 256  # what a scan may store; anything longer is cut, it is not a badge anyway


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

    def to_json(self) -> dict[str, object]:
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
        refuse_lost_events(ws, session.id, (session.last_seq, session.last_hash))
        when = _when(session, at)
        say = in_language(session.language)  # the log's words are the session's language, not the laptop's
        entry, outcome, reason = _identify(conn, session.id, code, say)
        since = None
        if entry is not None and outcome is None:
            events = _person_events(conn, session.id, entry)
            if entry.id in withdrawn(events):  # a walk-in added by mistake and undone: no one's badge now
                outcome, reason = Outcome.UNKNOWN_CODE, say(N_("a walk-in who was undone; add them again if they "
                                                               "are here"))
            else:
                history = replay(events).get(entry.id)
                outcome = decide(history, direction, keyed_at=when if at is not None else None)
                since = _since(history, outcome)
                reason = _reason(outcome, since, say)
        assert outcome is not None
        link = append(conn, session.id, _kind(outcome, direction), when, entry=entry, code=code[:MAX_CODE_LENGTH],
                      reason=reason, actor=actor or session.trainer, source=source,
                      last=(session.last_seq, session.last_hash))
        late = outcome is Outcome.CHECKED_IN and _late_after(session) < when
    # Only now, with the transaction committed, is there anything to confirm (and to witness).
    witness_event(ws, session.id, link)
    seq = link.seq
    person = None if entry is None else roster_person(entry)
    return ScanResult(outcome, message(outcome, person, since, late), seq, when.astimezone(), person,
                      since.astimezone() if since else None, late)


@dataclass(frozen=True)
class Link:
    """An event just appended: its number and hash, for the witness once the transaction has committed."""

    seq: int
    hash: str


def append(conn: Connection, session_id: str, kind: EventKind, when: datetime, *,
           entry: Holder | None = None, code: str | None = None, reason: str | None = None,
           actor: str | None = None, source: str | None = None, voids_seq: int | None = None,
           last: tuple[int | None, str | None] | None = None) -> Link:
    """Append one event to the session's chain; the caller's transaction must hold the write lock, and once it
    has committed the caller hands the returned link to `witness_event`.

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
        "hash": (hash_ := attendance_log.link(chained, prev))})
    return Link(seq, hash_)


def refuse_lost_events(ws: Workspace, session_id: str, last: tuple[int | None, str | None] | None = None,
                       conn: Connection | None = None) -> None:
    """Record nothing more on a log that has lost events its witness saw written (cut from its end, or gone
    with the database's write-ahead file): a new event would take their numbers and hide that they were lost.
    `last` is the log's newest (seq, hash) if the caller has it, else it is read through `conn`."""
    seen = witness.tail(ws.data_dir, session_id)
    if seen is None:
        return
    if last is None:
        assert conn is not None, "refuse_lost_events needs the log's last link or a connection to read it"
        last = tuple(queries.last_link(conn, session_id) or (None, None))  # type: ignore[assignment]
    seq, hash_ = last if last is not None else (None, None)
    if seen.seq > (seq or 0) or (seen.seq == seq and seen.hash != hash_):
        raise UserError(_("the attendance log of session {session} has lost events its witness saw written (up to "
                          "event {seen}); nothing was recorded").format(session=session_id, seen=seen.seq), Remedy(
            command=_("see 'facilitator attendance verify {session}', and restore the data folder from a backup"
                      ).format(session=session_id),
            menu=_("restore the data folder from a backup before recording more")))


def witness_event(ws: Workspace, session_id: str, link: Link | None) -> None:
    """Tell the witness outside the database where the log now ends (records/witness.py). Called after the
    commit: a witness one step behind is harmless; one ahead would accuse the log of losing an event."""
    if link is None:
        return
    try:
        witness.record(ws.data_dir, session_id, "event", link.seq, link.hash)
    except OSError as exc:  # the event is safe in the store; a witness that lags only sees less
        log.warning("could not witness event %s of session %s: %s", link.seq, session_id, exc)


def steady_ms() -> int:
    """The machine's steady clock, counting from its start and including sleep where the system allows."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    seconds = time.clock_gettime(clock) if clock is not None else time.monotonic()
    return int(seconds * 1000)


# The words the door shows, large: {name} is the person's full name, {since} a time on this computer's clock.
DOOR_WORDS = {
    Outcome.WELCOME_BACK: N_("Welcome back, {name}"),
    Outcome.CHECKED_OUT: N_("Goodbye, {name}: checked out"),
    Outcome.ALREADY_IN: N_("{name} is already checked in (since {since})"),
    Outcome.ALREADY_OUT: N_("{name} already checked out at {since}"),
    Outcome.NOT_IN: N_("{name} was never checked in: check them in first"),
    Outcome.UNKNOWN_CODE: N_("Unknown code: this badge is not on this session's roster"),
    Outcome.NOT_A_BADGE: N_("Not a Facilitator badge: scan the code on the attendee's badge"),
    Outcome.OUT_OF_ORDER: N_("{name} already has a time recorded after this one ({since}): key in each person's "
                             "times in the order they happened"),
}


def message(outcome: Outcome, person: RosterPerson | None, since: datetime | None, late: bool) -> str:
    """The words the door shows, large, for each outcome."""
    name = person.full_name if person else ""
    if outcome is Outcome.CHECKED_IN:
        words = _("Welcome, {name} (arrived late)") if late else _("Welcome, {name}")
    elif outcome is Outcome.OTHER_SESSION:
        words = _("{name} belongs to another session") if name else _("This badge belongs to another session")
    else:
        words = _(DOOR_WORDS[outcome])
    return words.format(name=name, since=clock(since))


def _open_session(db: Session, session_id: str) -> TrainingSession:
    session = find_session(db, session_id)
    _refuse_sealed(session.id, session.is_sealed)
    return session


def _door_session(ws: Workspace, conn: Connection, session_id: str) -> Row[Any]:
    """The session a scan is for. The door passes the full id every time, so look that up first."""
    row = queries.door_session(conn, session_id.strip().upper())
    if row is None:
        with ws.store.transaction() as db:
            row = queries.door_session(conn, find_session(db, session_id).id)
    assert row is not None
    _refuse_sealed(row.id, row.status == SessionStatus.SEALED or bool(row.has_seal))
    return row


def _refuse_sealed(session_id: str, sealed: bool) -> None:
    """A sealed session takes no more check-ins; a seal decides, whatever the status column says."""
    if sealed:
        raise UserError(Words(N_("session {session} is sealed; it accepts no more check-ins"), session=session_id))


def _when(session: Row[Any], at: datetime | None) -> datetime:
    """Now, or a time keyed in from a paper sheet (naive times are the laptop's local time), which must lie in
    the session's day window and not in the future (services/paper_times.py)."""
    now = datetime.now(UTC)
    if at is None:
        return now
    return check_at(at, session.scheduled_date, session.start_time, now=now)


def _identify(conn: Connection, session_id: str, code: str, say: Say
              ) -> tuple[Holder | None, Outcome | None, str | None]:
    """Whose badge this is; or why it cannot be anybody's in this session (in the log's words)."""
    read = read_code(code)
    if read is None:
        return None, Outcome.NOT_A_BADGE, say(N_("not a badge code"))
    if read.session_id not in (None, session_id):
        return None, Outcome.OTHER_SESSION, say(N_("a badge printed for session {session}")).format(
            session=read.session_id)
    entry = queries.badge_holder(conn, read.token)
    if entry is None:
        return None, Outcome.UNKNOWN_CODE, say(N_("no one has this badge code"))
    if entry.session_id != session_id:
        return None, Outcome.OTHER_SESSION, say(N_("a badge for session {session}")).format(
            session=entry.session_id)
    return entry, None, None


def _person_events(conn: Connection, session_id: str, entry: Holder) -> list[Event]:
    """One person's events so far, found by the badge token the chain covers. Voids name the person too, so
    their events are all replaying them needs."""
    return [Event(seq, EventKind(kind), at, person=entry.id, voids=voids)
            for seq, kind, at, voids in queries.person_events(conn, session_id, entry.id, entry.badge_token)]


def _since(history: PersonAttendance | None, outcome: Outcome) -> datetime | None:
    if history is None:
        return None
    if outcome is Outcome.ALREADY_IN:
        return history.visits[-1].start
    if outcome is Outcome.ALREADY_OUT:
        return history.last_out
    if outcome is Outcome.OUT_OF_ORDER:
        return history.last_seen
    return None


def _reason(outcome: Outcome, since: datetime | None, say: Say) -> str | None:
    """Why a scan changed nothing, as the log keeps it (its times in UTC, for auditors; its words in `say`'s)."""
    if outcome.accepted:
        return None
    when = iso(since.astimezone(UTC)) if since else None
    if outcome is Outcome.ALREADY_IN:
        return say(N_("already checked in at {time}")).format(time=when) if when else say(N_("already checked in"))
    if outcome is Outcome.ALREADY_OUT:
        return say(N_("already checked out at {time}")).format(time=when) if when else say(
            N_("already checked out"))
    if outcome is Outcome.NOT_IN:
        return say(N_("checking out someone who never checked in"))
    if outcome is Outcome.OUT_OF_ORDER and when:
        return say(N_("keyed in for a time before one already recorded for them ({time})")).format(time=when)
    return outcome.value


def _kind(outcome: Outcome, direction: Direction) -> EventKind:
    if not outcome.accepted:
        return EventKind.REJECTED
    return EventKind.CHECK_IN if direction is Direction.IN else EventKind.CHECK_OUT


def _late_after(session: Row[Any]) -> datetime:
    """When a check-in starts counting as late: the planned start plus the session's grace period."""
    start = datetime.combine(session.scheduled_date, session.start_time).astimezone()
    return start + timedelta(minutes=session.grace_minutes)


# --- acknowledgments --------------------------------------------------------------------------------------

def acknowledge(ws: Workspace, session_id: str, entry_id: int, *, source: Source = Source.PAPER,
                at: datetime | None = None, actor: str | None = None, signed_as: str | None = None) -> str:
    """Record that roster entry `entry_id` signed the acknowledgment (ticked from the signature column of the
    paper sign-in sheet, confirmed on screen at the desk, or signed on their phone by typing their name, kept as
    `signed_as`): an event in the hash chain like any other, so it is sealed with the record and can be undone
    only by a void that says why."""
    with ws.store.write_transaction() as db:
        session = _open_session(db, session_id)
        refuse_lost_events(ws, session.id, conn=db.connection())
        entry = next((e for e in session.roster if e.id == entry_id), None)
        if entry is None:
            raise UserError(_("no one on this session's roster is number {number}").format(number=entry_id))
        name = f"{entry.first_name} {entry.last_name}".strip()
        link = append(db.connection(), session.id, EventKind.ACKNOWLEDGED, at or datetime.now(UTC), entry=entry,
                      reason=_signed(in_language(session.language), signed_as),
                      actor=actor or session.trainer, source=source)
    witness_event(ws, session.id, link)
    return _("Recorded the signed acknowledgment of {name} (event {seq})").format(name=name, seq=link.seq)


def _signed(say: Say, signed_as: str | None) -> str:
    if signed_as is None:
        return say(N_("signed the acknowledgment"))
    return say(N_("signed the acknowledgment by typing their name: {name}")).format(name=signed_as)


# --- undo -------------------------------------------------------------------------------------------------

VOIDABLE = {EventKind.CHECK_IN.value, EventKind.CHECK_OUT.value, EventKind.WALK_IN.value,
            EventKind.ACKNOWLEDGED.value}


@dataclass(frozen=True)
class VoidResult:
    seq: int
    voided_seq: int
    message: str

    def to_json(self) -> dict[str, object]:
        return {"seq": self.seq, "voided": self.voided_seq, "message": self.message}


def void(ws: Workspace, session_id: str, seq: int, reason: str, *, actor: str | None = None,
         source: Source = Source.CLI) -> VoidResult:
    """Undo an earlier check-in, check-out or walk-in by appending a void that names it and says why."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError(_("say why the event is being undone (for example: scanned the wrong badge)"))
    with ws.store.write_transaction() as db:
        session = _open_session(db, session_id)
        refuse_lost_events(ws, session.id, conn=db.connection())
        target = db.scalars(select(AttendanceEvent).where(AttendanceEvent.session_id == session.id,
                                                          AttendanceEvent.seq == seq)).first()
        if target is None:
            raise UserError(_("session {session} has no event {seq}").format(session=session.id, seq=seq), Remedy(
                command=_("see 'facilitator attendance log'"),
                menu=_("see the log on the Check-in desk (View → Check-in desk, Ctrl+3)")))
        if target.kind not in VOIDABLE:
            raise UserError(_("event {seq} is a {kind}; only check-ins, check-outs, walk-ins and acknowledgments "
                              "can be undone").format(
                seq=seq, kind=target.kind))
        already = db.scalar(select(AttendanceEvent.seq).where(AttendanceEvent.session_id == session.id,
                                                              AttendanceEvent.voids_seq == seq))
        if already is not None:
            raise UserError(_("event {seq} was already undone by event {other}").format(seq=seq, other=already))
        entry = _holder_of(session, target.person_token)
        link = append(db.connection(), session.id, EventKind.VOID, datetime.now(UTC), entry=entry, reason=reason,
                      actor=actor or session.trainer, source=source, voids_seq=seq)
        name = f"{entry.first_name} {entry.last_name}".strip() if entry else _("someone")
    witness_event(ws, session.id, link)
    return VoidResult(link.seq, seq, _("Undid event {seq} ({kind} of {name}): {reason}").format(
        seq=seq, kind=target.kind, name=name, reason=reason))


def _holder_of(session: TrainingSession, token: str | None) -> RosterEntry | None:
    """The roster entry an event belongs to, by the badge token its hash covers (never by a row id, which the
    chain does not cover and an edit could change)."""
    return next((e for e in session.roster if token is not None and e.badge_token == token), None)


# --- finding someone without a badge ----------------------------------------------------------------------

SEARCH_LIMIT = 20


def find_people(ws: Workspace, session_id: str, text: str) -> list[RosterPerson]:
    """Roster entries whose name, employee id or email contains every word typed, accents and case ignored."""
    words = [folded(w) for w in text.split()]
    if not words:
        return []
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        # Plain rows, not the session's roster objects: phones search too, many at once (docs/companion.md).
        entries = db.execute(select(*ROSTER_COLUMNS).where(RosterEntry.session_id == session.id)).all()
        found = []
        for entry in entries:
            haystack = folded(" ".join(filter(None, (entry.first_name, entry.last_name, entry.employee_id,
                                                    entry.email))))
            if all(w in haystack for w in words):
                found.append(roster_person(entry))
        found.sort(key=lambda p: (p.last_name.casefold(), p.first_name.casefold()))
        return found[:SEARCH_LIMIT]
