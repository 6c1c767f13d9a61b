"""Attendance as a trainer sees it: who came in when, who left, who is late, how many minutes each was there.

The record is a log of events that is only ever appended to (DESIGN.md §3). This module replays such a log
into each person's visits and decides what a new scan means; it knows nothing of storage or hashing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from facilitator.i18n import N_, _


class EventKind(StrEnum):
    CHECK_IN = "check-in"
    CHECK_OUT = "check-out"
    VOID = "void"  # undoes an earlier event; the earlier one stays in the log
    WALK_IN = "walk-in"  # someone not on HR's roster was added at the door
    REJECTED = "rejected"  # a scan that changed nothing, kept as evidence with its reason
    ACKNOWLEDGED = "acknowledged"  # the person signed the acknowledgment a law asks for (on paper or on screen)


class Source(StrEnum):
    """How an event reached us; paper entries are keyed in later and carry the time written on the sheet."""

    SCANNER = "scanner"
    CAMERA = "camera"
    TYPED = "typed"  # a badge code typed into the desk's field
    SEARCH = "search"  # found by name at the desk
    DESK = "desk"  # the trainer's own action at the desk: a walk-in added, an event undone
    CLI = "cli"
    PAPER = "paper"
    PHONE = "phone"


class Direction(StrEnum):
    """Which way the door is being worked: people arriving or people leaving."""

    IN = "in"
    OUT = "out"


class Outcome(StrEnum):
    CHECKED_IN = "checked-in"
    WELCOME_BACK = "welcome-back"  # re-entry after leaving
    CHECKED_OUT = "checked-out"
    ALREADY_IN = "already-in"
    ALREADY_OUT = "already-out"
    NOT_IN = "not-in"  # leaving without ever arriving
    UNKNOWN_CODE = "unknown-code"
    OTHER_SESSION = "other-session"
    NOT_A_BADGE = "not-a-badge"
    OUT_OF_ORDER = "out-of-order"  # a time keyed in before one already recorded for the person

    @property
    def accepted(self) -> bool:
        return self in (Outcome.CHECKED_IN, Outcome.WELCOME_BACK, Outcome.CHECKED_OUT)


@dataclass(frozen=True)
class Event:
    """One entry of the log, as replay needs it."""

    seq: int
    kind: EventKind
    at: datetime
    person: int | None = None  # the roster entry
    voids: int | None = None  # for a void: the seq of the event it undoes
    source: str | None = None
    monotonic_ms: int | None = None


@dataclass
class Visit:
    """One stretch in the room: in at `start`, out at `end` (None while still there)."""

    start: datetime
    end: datetime | None = None

    def minutes(self, until: datetime) -> float:
        end = self.end or until
        return max(0.0, (end - self.start).total_seconds() / 60)


@dataclass
class PersonAttendance:
    """Everything the log says about one person."""

    visits: list[Visit] = field(default_factory=list)

    @property
    def is_in(self) -> bool:
        return bool(self.visits) and self.visits[-1].end is None

    @property
    def first_in(self) -> datetime | None:
        return self.visits[0].start if self.visits else None

    @property
    def last_out(self) -> datetime | None:
        return self.visits[-1].end if self.visits and not self.is_in else None

    @property
    def last_seen(self) -> datetime | None:
        """The latest time the log records for them at the door: their last check-out, or their last check-in."""
        if not self.visits:
            return None
        return self.visits[-1].end or self.visits[-1].start

    def minutes(self, until: datetime) -> int:
        """Whole minutes present; a visit still open counts up to `until`."""
        return int(sum(v.minutes(until) for v in self.visits) + 1e-9)


def effective(events: Iterable[Event]) -> list[Event]:
    """The events that still count: voided events and the voids themselves drop out."""
    events = list(events)
    voided = {e.voids for e in events if e.kind is EventKind.VOID}
    return [e for e in events if e.seq not in voided and e.kind is not EventKind.VOID]


def withdrawn(events: Iterable[Event]) -> set[int]:
    """The walk-ins added by mistake: people whose walk-in was undone. They were never attendees, so nothing they
    did at the door counts, and no record lists them."""
    events = list(events)
    voided = {e.voids for e in events if e.kind is EventKind.VOID}
    return {e.person for e in events if e.kind is EventKind.WALK_IN and e.seq in voided and e.person is not None}


def replay(events: Iterable[Event]) -> dict[int, PersonAttendance]:
    """Each person's visits, from the log in order. Repeated check-ins or check-outs change nothing; a withdrawn
    walk-in's count for nothing."""
    events = list(events)
    gone = withdrawn(events)
    people: dict[int, PersonAttendance] = {}
    for event in sorted(effective(events), key=lambda e: e.seq):
        if event.person is None or event.person in gone or event.kind not in (EventKind.CHECK_IN, EventKind.CHECK_OUT):
            continue
        person = people.setdefault(event.person, PersonAttendance())
        if event.kind is EventKind.CHECK_IN and not person.is_in:
            # Never before the end of the visit before it: no minute is counted twice, whatever the log's times.
            person.visits.append(Visit(max(event.at, person.last_out) if person.last_out else event.at))
        elif event.kind is EventKind.CHECK_OUT and person.is_in:
            person.visits[-1].end = max(event.at, person.visits[-1].start)
    return people


def acknowledged(events: Iterable[Event]) -> set[int]:
    """Who has a signed acknowledgment on record (one undone, or a withdrawn walk-in's, does not count)."""
    events = list(events)
    gone = withdrawn(events)
    return {e.person for e in effective(events)
            if e.kind is EventKind.ACKNOWLEDGED and e.person is not None and e.person not in gone}


def decide(person: PersonAttendance | None, direction: Direction, keyed_at: datetime | None = None) -> Outcome:
    """What a scan of a known badge means, given what the log already says about its holder. A time keyed in
    (`keyed_at`: a paper sheet typed up afterwards) must not come before the last one recorded for them: a check-in
    dated inside or before a visit already closed would reopen it until the close."""
    person = person or PersonAttendance()
    if keyed_at is not None and person.last_seen is not None and keyed_at < person.last_seen:
        return Outcome.OUT_OF_ORDER
    if direction is Direction.IN:
        if person.is_in:
            return Outcome.ALREADY_IN
        return Outcome.WELCOME_BACK if person.visits else Outcome.CHECKED_IN
    if person.is_in:
        return Outcome.CHECKED_OUT
    return Outcome.ALREADY_OUT if person.visits else Outcome.NOT_IN


class Status(StrEnum):
    """How a person attended. The values are the record's (the seal, --json), the same in every language;
    `status_label` gives the words a person reads."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left early"  # not user text: a value of the record; see status_label
    LATE_AND_LEFT_EARLY = "late, left early"  # not user text
    ABSENT = "absent"


STATUS_WORDS: Mapping[Status, str] = MappingProxyType({
    Status.PRESENT: N_("present"), Status.LATE: N_("late"), Status.LEFT_EARLY: N_("left early"),
    Status.LATE_AND_LEFT_EARLY: N_("late, left early"), Status.ABSENT: N_("absent")})


def status_label(status: Status | str) -> str:
    """An attendance status in the chosen language, as a sentence says it ("left early"); a value the record
    does not know is shown as it is."""
    try:
        return _(STATUS_WORDS[Status(status)])
    except ValueError:
        return str(status)


@dataclass(frozen=True)
class Schedule:
    """When the session was meant to run, in the site's local time, and how late still counts as on time."""

    start: datetime
    end: datetime
    grace: timedelta

    def is_late(self, arrived: datetime) -> bool:
        return arrived > self.start + self.grace

    def left_early(self, person: PersonAttendance) -> bool:
        out = person.last_out
        return out is not None and out < self.end - self.grace


def status(person: PersonAttendance | None, schedule: Schedule) -> Status:
    if person is None or person.first_in is None:
        return Status.ABSENT
    late = schedule.is_late(person.first_in)
    early = schedule.left_early(person)
    if late and early:
        return Status.LATE_AND_LEFT_EARLY
    return Status.LATE if late else Status.LEFT_EARLY if early else Status.PRESENT


CLOCK_JUMP_TOLERANCE = timedelta(minutes=2)


@dataclass(frozen=True)
class ClockJump:
    """Between two events the wall clock moved differently from the machine's steady clock."""

    after_seq: int
    seq: int
    wall: timedelta
    steady: timedelta


def clock_jumps(events: Iterable[Event]) -> list[ClockJump]:
    """Places where the wall clock disagrees with the steady clock (someone changed the time, or it synced).

    The steady clock counts from the machine's start, so a restart (steady time going backwards) begins a new
    stretch rather than counting as a jump; paper entries carry the time written down and are not compared.
    """
    live = [e for e in events if e.monotonic_ms is not None and e.source != Source.PAPER]
    jumps = []
    for before, after in pairwise(live):
        assert before.monotonic_ms is not None and after.monotonic_ms is not None
        steady = timedelta(milliseconds=after.monotonic_ms - before.monotonic_ms)
        if steady < timedelta(0):
            continue
        wall = after.at - before.at
        if abs(wall - steady) > CLOCK_JUMP_TOLERANCE:
            jumps.append(ClockJump(before.seq, after.seq, wall, steady))
    return jumps
