"""Running a workshop: what was delivered when, the room's votes and tallies, role-play groups, and the clock.

Delivery is recorded as a log of events that is only ever appended to, like attendance: a segment started,
paused, resumed, extended, ended or skipped; a tally of the room's hands; a result revealed; roles assigned;
a trainer's note. Replaying the log gives the agenda as delivered, which the console shows live and the
session report prints as evidence. Nothing here knows of storage, Qt or the workshop file format.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from facilitator.domain.segment_kinds import SegmentKind
from facilitator.i18n import _, ngettext


class DeliveryKind(StrEnum):
    STARTED = "started"  # a segment began (or began again, after going back to it)
    PAUSED = "paused"  # the clock stopped: a fire alarm, a question that ran long
    RESUMED = "resumed"
    EXTENDED = "extended"  # detail: {"minutes": n}, more time for the running segment
    ENDED = "ended"
    SKIPPED = "skipped"  # passed over without being run
    TALLY = "tally"  # detail: {"item": i, "counts": [..]}, hands counted for one vote or question
    REVEALED = "revealed"  # detail: {"item": i}, results (and any correct answer) shown to the room
    ROLES = "roles"  # detail: {"round": r, "groups": [...], "observers": [...]}: who plays what
    NOTE = "note"  # detail: {"text": "..."}, the trainer's own note on a segment


# The steps that say when teaching ran: keyed in out of order, they would count the same minutes twice.
CLOCK_STEPS = frozenset({DeliveryKind.STARTED, DeliveryKind.ENDED, DeliveryKind.PAUSED, DeliveryKind.RESUMED})


@dataclass(frozen=True)
class DeliveryEvent:
    """One entry of a session's delivery log."""

    kind: DeliveryKind
    at: datetime
    segment: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedSegment:
    """A segment of the plan, as far as the clock is concerned."""

    id: str
    title: str
    kind: SegmentKind
    minutes: int


class RunState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass
class SegmentRun:
    """How one segment went: when it ran (possibly in several spans), pauses, extra minutes, results."""

    segment: PlannedSegment
    spans: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    paused: timedelta = timedelta()
    pauses: list[tuple[datetime, datetime]] = field(default_factory=list)  # when the clock stood, each pause
    extra_minutes: int = 0
    skipped: bool = False
    tallies: dict[int, tuple[int, ...]] = field(default_factory=dict)  # per question: hands and phones together
    hands: dict[int, tuple[int, ...]] = field(default_factory=dict)  # per question: the hands counted in the room
    revealed: set[int] = field(default_factory=set)
    role_rounds: list[RoleAssignment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def started_at(self) -> datetime | None:
        return self.spans[0][0] if self.spans else None

    @property
    def ended_at(self) -> datetime | None:
        return self.spans[-1][1] if self.spans else None

    @property
    def allowed(self) -> timedelta:
        return timedelta(minutes=self.segment.minutes + self.extra_minutes)

    def taught(self, until: datetime | None = None, paused_since: datetime | None = None
               ) -> list[tuple[datetime, datetime]]:
        """When the segment was taught: its spans with the pauses cut out. A span still open ends at `until`
        (left out without one), and a pause still going (`paused_since`) lasts until then too."""
        pauses = sorted(self.pauses + ([(paused_since, until)] if paused_since and until else []))
        taught: list[tuple[datetime, datetime]] = []
        for start, end in self.spans:
            end = end if end is not None else until
            if end is None:
                continue
            cursor = start
            for p_start, p_end in pauses:
                if p_end <= cursor or p_start >= end:
                    continue
                if p_start > cursor:
                    taught.append((cursor, p_start))
                cursor = max(cursor, p_end)
            if end > cursor:
                taught.append((cursor, end))
        return taught

    def counted(self, until: datetime, paused_since: datetime | None = None) -> list[tuple[datetime, datetime]]:
        """The taught spans that count: a span still open counts only up to the segment's allowed minutes (planned
        and extended), so a segment left running, or gone back to and left, is not teaching past its time."""
        spans = self.taught(until, paused_since)
        if not self.spans or self.spans[-1][1] is not None:
            return spans
        closed = self.taught()  # the finished spans alone
        budget = max(timedelta(), self.allowed - sum((end - start for start, end in closed), timedelta()))
        kept = list(closed)
        for start, end in spans[len(closed):]:
            end = min(end, start + budget)
            budget -= end - start
            if end > start:
                kept.append((start, end))
        return kept

    def counted_until(self, until: datetime, paused_since: datetime | None = None) -> datetime:
        """When the open span stops counting (see `counted`): `until`, or the moment before it when the segment's
        allowed minutes ran out (its restart, if they had run out before it)."""
        closed = len(self.taught())
        kept = self.counted(until, paused_since)[closed:]
        if kept == self.taught(until, paused_since)[closed:]:
            return until
        return kept[-1][1] if kept else self.spans[-1][0]

    def state(self, paused_since: datetime | None) -> RunState:
        if self.spans and self.spans[-1][1] is None:
            return RunState.PAUSED if paused_since is not None else RunState.RUNNING
        if self.spans:
            return RunState.DONE
        return RunState.SKIPPED if self.skipped else RunState.WAITING

    def elapsed(self, now: datetime, paused_since: datetime | None = None) -> timedelta:
        """Time the segment has run, pauses left out (a pause still going counts up to `now`)."""
        total = sum(((end or now) - start for start, end in self.spans), timedelta())
        ongoing = now - paused_since if paused_since is not None and self.spans and self.spans[-1][1] is None \
            else timedelta()
        return max(timedelta(), total - self.paused - ongoing)


@dataclass(frozen=True)
class Role:
    """A part in a role-play; a volunteer-only part is never assigned (an empty chair stands in instead)."""

    name: str
    volunteer_only: bool = False


@dataclass(frozen=True)
class RoleGroup:
    """One role-play group: who plays which part, who observes with the checklist, who only watches."""

    players: tuple[tuple[str, str | None], ...]  # (role name, person key); None is an empty chair
    observers: tuple[str, ...] = ()  # observer seats: they rotate into the parts in later rounds
    watchers: tuple[str, ...] = ()  # opted out: they watch with the checklist and never rotate in

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(p for _, p in self.players if p is not None) + self.observers + self.watchers


@dataclass(frozen=True)
class RoleAssignment:
    round: int
    groups: tuple[RoleGroup, ...]

    def as_detail(self) -> dict[str, Any]:
        return {"round": self.round,
                "groups": [{"players": [list(p) for p in g.players], "observers": list(g.observers),
                            "watchers": list(g.watchers)} for g in self.groups]}

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> RoleAssignment:
        groups = tuple(RoleGroup(tuple((str(r), None if p is None else str(p)) for r, p in g["players"]),
                                 tuple(g.get("observers", ())), tuple(g.get("watchers", ())))
                       for g in detail["groups"])
        return cls(int(detail["round"]), groups)


@dataclass
class Delivery:
    """The whole session as delivered so far, replayed from its log."""

    runs: list[SegmentRun]
    current: str | None = None  # the segment whose span is open
    paused_since: datetime | None = None
    last: str | None = None  # the segment started most recently (running or not)
    log_length: int = 0
    last_at: datetime | None = None  # the latest time a step moved the clock (a start, end, pause or resume)

    def run_of(self, segment_id: str) -> SegmentRun:
        for run in self.runs:
            if run.segment.id == segment_id:
                return run
        raise KeyError(segment_id)

    @property
    def current_run(self) -> SegmentRun | None:
        return None if self.current is None else self.run_of(self.current)

    @property
    def next_up(self) -> SegmentRun | None:
        """The segment the trainer would start next: the first still waiting after the one running (or, between
        segments, after the one run last); once past the end, any left waiting earlier (the trainer jumped ahead)."""
        start = 0
        if self.last is not None:
            start = next(i for i, r in enumerate(self.runs) if r.segment.id == self.last) + 1
        for run in self.runs[start:] + self.runs[:start]:
            if run.state(None) is RunState.WAITING:
                return run
        return None

    @property
    def recorded(self) -> bool:
        """Some segment was run: a log of notes or skips alone records no delivery."""
        return any(run.spans for run in self.runs)

    @property
    def finished(self) -> bool:
        return self.current is None and self.next_up is None and any(r.spans for r in self.runs)


class DeliveryError(ValueError):
    """A step that makes no sense now (ending a segment that is not running, say); the message says why."""


def replay(plan: Sequence[PlannedSegment], events: Iterable[DeliveryEvent]) -> Delivery:
    """The delivery a log describes. Steps that would make no sense are refused when recorded, not here."""
    delivery = Delivery([SegmentRun(s) for s in plan])
    for event in events:
        delivery.log_length += 1
        if event.kind in CLOCK_STEPS:
            delivery.last_at = event.at if delivery.last_at is None else max(delivery.last_at, event.at)
        _apply(delivery, event)
    return delivery


def _apply(d: Delivery, e: DeliveryEvent) -> None:
    run = d.run_of(e.segment) if e.segment is not None else d.current_run
    if e.kind is DeliveryKind.STARTED and run is not None:
        _close_current(d, e.at)
        run.spans.append((e.at, None))
        run.skipped = False
        d.current = d.last = run.segment.id
    elif e.kind is DeliveryKind.ENDED and run is not None and run.segment.id == d.current:
        _close_current(d, e.at)
    elif e.kind is DeliveryKind.PAUSED and d.current is not None and d.paused_since is None:
        d.paused_since = e.at
    elif e.kind is DeliveryKind.RESUMED and d.current_run is not None and d.paused_since is not None:
        d.current_run.paused += e.at - d.paused_since
        d.current_run.pauses.append((d.paused_since, e.at))
        d.paused_since = None
    elif run is not None:
        _record(run, e)


def _record(run: SegmentRun, e: DeliveryEvent) -> None:
    if e.kind is DeliveryKind.EXTENDED:
        run.extra_minutes += int(e.detail["minutes"])
    elif e.kind is DeliveryKind.SKIPPED and not run.spans:
        run.skipped = True
    elif e.kind is DeliveryKind.TALLY:
        _tally(run, e.detail)
    elif e.kind is DeliveryKind.REVEALED:
        run.revealed.add(int(e.detail["item"]))
        if "counts" in e.detail:  # the phones' votes as they stood at the reveal
            _tally(run, e.detail)
    elif e.kind is DeliveryKind.ROLES:
        run.role_rounds.append(RoleAssignment.from_detail(e.detail))
    elif e.kind is DeliveryKind.NOTE:
        run.notes.append(str(e.detail["text"]))


def _tally(run: SegmentRun, detail: dict[str, Any]) -> None:
    """A tally's counts; its hands are the counts themselves in a log from before phones could vote."""
    item = int(detail["item"])
    run.tallies[item] = tuple(int(c) for c in detail["counts"])
    run.hands[item] = tuple(int(c) for c in detail.get("hands", detail["counts"]))


def _close_current(d: Delivery, at: datetime) -> None:
    run = d.current_run
    if run is None:
        return
    if d.paused_since is not None:  # ending a paused segment: the pause ends with it
        run.paused += at - d.paused_since
        run.pauses.append((d.paused_since, at))
        d.paused_since = None
    start = run.spans[-1][0]
    run.spans[-1] = (start, max(at, start))
    d.current = None


# --- deciding a step ---------------------------------------------------------------------------------------

def check_step(d: Delivery, kind: DeliveryKind, segment: str | None, detail: Mapping[str, Any]) -> None:
    """Raise DeliveryError if recording this step now would make no sense."""
    run = d.run_of(segment) if segment is not None else None
    if kind is DeliveryKind.STARTED and run is None:
        raise DeliveryError(_("say which segment to start"))
    if kind in (DeliveryKind.ENDED, DeliveryKind.PAUSED, DeliveryKind.EXTENDED) and d.current is None:
        raise DeliveryError(_("no segment is running; start one first"))
    if kind in (DeliveryKind.ENDED, DeliveryKind.EXTENDED) and segment is not None and segment != d.current:
        raise DeliveryError(_("segment '{segment}' is not running; '{current}' is").format(
            segment=segment, current=d.current))
    if kind is DeliveryKind.PAUSED and d.paused_since is not None:
        raise DeliveryError(_("the clock is already paused"))
    if kind is DeliveryKind.RESUMED and d.paused_since is None:
        raise DeliveryError(_("the clock is not paused"))
    if kind is DeliveryKind.SKIPPED and (run is None or run.spans):
        raise DeliveryError(_("only a segment that has not been run can be skipped"))
    if kind is DeliveryKind.EXTENDED and not _whole(detail.get("minutes"), 1, 60):
        raise DeliveryError(_("extend by 1 to 60 minutes at a time"))
    # Whatever replay will read back must be there and well formed: the log can never be corrected afterwards.
    if kind in (DeliveryKind.TALLY, DeliveryKind.REVEALED) and not _whole(detail.get("item"), 0, 1_000):
        raise DeliveryError(_("say which vote or question this is for (0 for the first)"))
    if kind is DeliveryKind.TALLY or (kind is DeliveryKind.REVEALED and "counts" in detail):
        for part in ("counts", "hands", "phones"):  # hands and phones: where the counts came from, when phones voted
            if part == "counts" or part in detail:
                _check_counts(detail.get(part, ()))
    if kind is DeliveryKind.NOTE and not (isinstance(detail.get("text"), str) and detail["text"].strip()):
        raise DeliveryError(_("the note is empty"))
    if kind is DeliveryKind.ROLES:
        try:
            RoleAssignment.from_detail(detail)
        except (KeyError, TypeError, ValueError):
            raise DeliveryError(_("the role-play groups are incomplete: each needs its round and groups of "
                                  "players")) from None


def _whole(value: Any, low: int, high: int) -> bool:
    """A whole number (not True or False, not 2.5 or "2") from `low` to `high`."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _check_counts(counts: Any) -> None:
    values = list(counts) if isinstance(counts, list | tuple) else []
    if not values or not all(_whole(c, 0, 10_000) for c in values):
        raise DeliveryError(_("counts are whole numbers from 0 to 10,000, one per option"))


# --- the clock -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clock:
    """What the presenter's timer shows at one moment."""

    segment: str | None
    elapsed: timedelta
    left: timedelta  # negative when over time
    warning: bool  # near the end, or over
    over: bool
    drift: timedelta  # projected finish minus planned finish: positive means behind the plan
    projected_end: datetime
    planned_end: datetime


def warning_window(allowed: timedelta) -> timedelta:
    """Warn in the last fifth of a segment, at least 30 seconds and at most 2 minutes before its end."""
    return min(timedelta(minutes=2), max(timedelta(seconds=30), allowed / 5))


def planned_starts(plan: Sequence[PlannedSegment], start: datetime) -> list[datetime]:
    """When each segment would start if the session ran exactly to plan."""
    starts, at = [], start
    for segment in plan:
        starts.append(at)
        at += timedelta(minutes=segment.minutes)
    return starts


def clock(d: Delivery, planned_start: datetime, now: datetime) -> Clock:
    """The timer: time left in the running segment and how far the whole session is ahead of or behind plan."""
    plan = [r.segment for r in d.runs]
    planned_end = planned_start + timedelta(minutes=sum(s.minutes for s in plan))
    run = d.current_run
    remaining = sum((timedelta(minutes=r.segment.minutes) for r in d.runs
                     if r.state(None) is RunState.WAITING), timedelta())
    if run is None:
        begun = any(r.spans for r in d.runs)
        begin = now if begun else max(now, planned_start)
        projected = begin + remaining
        return Clock(None, timedelta(), timedelta(), False, False, projected - planned_end, projected, planned_end)
    elapsed = run.elapsed(now, d.paused_since)
    left = run.allowed - elapsed
    projected = now + max(left, timedelta()) + remaining
    return Clock(run.segment.id, elapsed, left, left <= warning_window(run.allowed), left < timedelta(),
                 projected - planned_end, projected, planned_end)


# --- role-plays ----------------------------------------------------------------------------------------------

def assign_roles(people: Sequence[str], roles: Sequence[Role], rng: random.Random, *, observers_per_group: int = 0,
                 opted_out: Iterable[str] = (), volunteers: Iterable[str] = (), round_number: int = 1
                 ) -> RoleAssignment:
    """Random groups among `people` (those present), one person per part plus observer seats.

    Whoever opted out watches a group instead and is never given a part. A volunteer-only part goes to one of
    `volunteers`, or to an empty chair when there are not enough. People left over become extra observers.
    """
    if not roles:
        raise DeliveryError(_("a role-play needs at least one role"))
    out, willing = set(opted_out), set(volunteers)  # read once: either may be a one-shot iterator
    players = [p for p in dict.fromkeys(people) if p not in out]
    rng.shuffle(players)
    assigned = [r for r in roles if not r.volunteer_only]
    seats = len(roles) + observers_per_group
    needed = max(1, len(assigned))
    if len(players) < needed:
        raise DeliveryError(ngettext(
            "{count} person can play, but each group needs at least {needed}; ask for volunteers or run it as a "
            "demonstration at the front",
            "{count} people can play, but each group needs at least {needed}; ask for volunteers or run it as a "
            "demonstration at the front", len(players)).format(count=len(players), needed=needed))
    count = max(1, len(players) // seats)
    keen = [p for p in players if p in willing]
    rest = [p for p in players if p not in willing]
    spare = len(players) - count * len(assigned)  # volunteers beyond this are needed for the assigned parts
    chairs = {r.name: [keen.pop(0) if keen and (spare := spare - 1) >= 0 else None for _ in range(count)]
              for r in roles if r.volunteer_only}
    rest += keen  # volunteers not needed for a volunteer-only part play like everyone else
    parts = {r.name: [rest.pop(0) for _ in range(count)] for r in assigned}
    # Extra observers, then those watching, each join the smallest group (the first of equals), so that groups
    # differ by one person at most however the volunteer-only chairs were filled.
    size = [sum(chairs[r.name][g] is not None for r in roles if r.volunteer_only) + len(assigned)
            for g in range(count)]
    seated: list[list[str]] = [[] for _ in range(count)]
    watching: list[list[str]] = [[] for _ in range(count)]
    for person in rest:
        g = size.index(min(size))
        seated[g].append(person)
        size[g] += 1
    for person in sorted(p for p in dict.fromkeys(people) if p in out):
        g = size.index(min(size))
        watching[g].append(person)
        size[g] += 1
    groups = tuple(RoleGroup(tuple((r.name, (chairs if r.volunteer_only else parts)[r.name][g]) for r in roles),
                             tuple(seated[g]), tuple(watching[g])) for g in range(count))
    return RoleAssignment(round_number, groups)


def rotate_roles(previous: RoleAssignment, roles: Sequence[Role]) -> RoleAssignment:
    """The next round: in each group everyone moves one seat along the parts (and observer seats), so each
    practises another part; volunteer-only parts and those who opted out stay where they are."""
    fixed = {r.name for r in roles if r.volunteer_only}
    groups = []
    for group in previous.groups:
        moving_roles = [r for r, _ in group.players if r not in fixed]
        moving = [p for r, p in group.players if r not in fixed] + list(group.observers)
        moving = moving[-1:] + moving[:-1]
        cast = dict(zip(moving_roles, moving, strict=False))
        players = tuple((r, p if r in fixed else cast[r]) for r, p in group.players)
        groups.append(RoleGroup(players, tuple(p for p in moving[len(moving_roles):] if p is not None),
                                group.watchers))
    return RoleAssignment(previous.round + 1, tuple(groups))


# --- results the room may see ----------------------------------------------------------------------------

SMALL_GROUP = 5  # anonymous answers from fewer people than this are shown only as a total (DESIGN.md §3)


def per_option(counts: Sequence[int]) -> bool:
    """Whether a tally may be shown option by option (the report, the projector): from SMALL_GROUP hands up."""
    return sum(counts) >= SMALL_GROUP


def shares(counts: Sequence[int]) -> tuple[float, ...]:
    """Each option's share of the votes, 0 to 1; all zero when nobody voted."""
    total = sum(counts)
    return tuple(c / total if total else 0.0 for c in counts)


def describe_tally(options: Sequence[str], counts: Sequence[int]) -> str:
    """'Report it 12, ignore it 3' for the session report."""
    return ", ".join(f"{o} {c}" for o, c in zip(options, counts, strict=False))
