"""What a session is credited with under each jurisdiction's law: the one evaluation that the content checker,
the planning and closing dialogs, the sealed record, the report and every certificate use.

It reads a `Teaching`: the segments of a workshop with their minutes, topics and what the room did in them.
Made from the plan (`planned`), it says what the workshop would meet if delivered as written; made from the
delivery log (`delivered`), it says what was met: a skipped segment counts for nothing, a segment counts for the
minutes it actually ran with pauses left out, and an interaction counts only if it happened (a vote tallied, a
question answered and its answer shown, a role-play round run, a feedback round held).

The rules, so that no lecture can game them:
- A jurisdiction requiring several trainings (Chicago: a prevention hour and a bystander hour) has each segment's
  minutes counted toward one of them only: the one whose topics the segment is most about.
- A required topic counts only with at least `TOPIC_MINUTES` of teaching on it, a segment's minutes shared among
  the topics it lists; a segment listing more than `MAX_TOPICS` topics is credited with none (a list of every
  topic on a long talk is not teaching each one).
- An interactivity rule needs its segments to take a least share of the training's minutes.
- A training for supervisors is met only by a workshop written for supervisors, and only counts for people on
  the supervisors' track; an employees' training counts for employees only. A person is credited with a
  jurisdiction when every training it asks of their track was delivered and they were present for it, its topics
  and its interaction (domain/credit.py); anything less is partial and is said to be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from facilitator.domain.delivery import Delivery
from facilitator.domain.jurisdiction import InteractivityRule, Jurisdiction, TrainingRequirement
from facilitator.domain.segment_kinds import Evidence, rules
from facilitator.domain.workshop import Audience, SegmentKind, WorkshopOutline
from facilitator.i18n import N_, _

Say = Callable[[str], str]  # gettext of the language a record is written in
Span = tuple[datetime, datetime]

MAX_TOPICS = 6  # a segment is credited with at most this many topics; more is a list, not teaching
TOPIC_MINUTES = 1.0  # the least teaching on each required topic, unless a profile asks for more
MAX_MOVES = 200  # a bound on rebalancing segments between trainings (each move lowers the shortfalls anyway)

AUDIENCES = {Audience.EMPLOYEES: N_("employees"), Audience.SUPERVISORS: N_("supervisors"),
             Audience.EVERYONE: N_("everyone")}


class Basis(StrEnum):
    PLAN = "plan"  # the workshop as written: what it would meet if delivered so
    DELIVERY = "delivery"  # the delivery log: what was met


class Track(StrEnum):
    """Which of a jurisdiction's trainings apply to a person: the roster's supervisor flag decides."""

    EMPLOYEE = "employee"
    SUPERVISOR = "supervisor"

    @classmethod
    def of(cls, is_supervisor: bool) -> Track:
        return cls.SUPERVISOR if is_supervisor else cls.EMPLOYEE


class Standing(StrEnum):
    MET = "met"
    PARTIAL = "partial"  # some of the trainings this track needs were met, not all: never compliance
    NOT_MET = "not-met"
    NOT_APPLICABLE = "not-applicable"  # none of the jurisdiction's trainings is for this track


STANDING_WORDS = {Standing.MET: N_("met"), Standing.PARTIAL: N_("partly met — not complete"),
                  Standing.NOT_MET: N_("not met"), Standing.NOT_APPLICABLE: N_("not for this track")}
TRACK_WORDS = {Track.EMPLOYEE: N_("employee"), Track.SUPERVISOR: N_("supervisor")}
TRACKS_OF = {Audience.EMPLOYEES: (Track.EMPLOYEE,), Audience.SUPERVISORS: (Track.SUPERVISOR,),
             Audience.EVERYONE: (Track.EMPLOYEE, Track.SUPERVISOR)}  # whom a workshop is written for


@dataclass(frozen=True)
class Taught:
    """One segment as planned or as delivered: its minutes of teaching and what the room did in it."""

    id: str
    kind: SegmentKind
    title: str
    topics: tuple[str, ...]
    minutes: float  # of teaching: pauses left out; 0 for a break
    evidence: frozenset[Evidence] = frozenset()
    spans: tuple[Span, ...] = ()  # when it was taught (delivered only)

    def counts_for(self, rule: InteractivityRule) -> bool:
        """The room took part in this segment in the way `rule` counts."""
        needed = rules(self.kind).evidence
        return self.kind in rule.kinds and needed is not None and needed in self.evidence

    @property
    def credited_topics(self) -> tuple[str, ...]:
        return self.topics if len(self.topics) <= MAX_TOPICS else ()


@dataclass(frozen=True)
class Teaching:
    """A workshop's segments as planned or as delivered (skipped ones left out), and whether a delivery was
    recorded at all."""

    workshop_id: str
    audience: Audience
    segments: tuple[Taught, ...]
    basis: Basis
    recorded: bool = True

    @property
    def minutes(self) -> int:
        """Whole minutes of teaching, breaks and pauses excluded (rounded down, as a person's presence is)."""
        return int(sum(s.minutes for s in self.segments) + 1e-9)

    @property
    def topics_taught(self) -> tuple[str, ...]:
        """The topics taught for at least `TOPIC_MINUTES` each, as the evaluation counts them (a segment's minutes
        shared among its topics; a segment listing too many, none): what a certificate may say was covered. None
        where no delivery was recorded, since then nothing says what was taught."""
        if not self.recorded:
            return ()
        return tuple(t for t, minutes in topic_minutes(self.segments).items() if minutes + 1e-9 >= TOPIC_MINUTES)


def planned(workshop: WorkshopOutline) -> Teaching:
    """The workshop as written, each interaction assumed to happen."""
    return Teaching(workshop.id, workshop.audience, tuple(
        Taught(s.id, s.kind, s.title, s.topics, s.minutes if s.is_instruction else 0,
               frozenset(e for e in (rules(s.kind).evidence,) if e is not None))
        for s in workshop.segments), Basis.PLAN)


def delivered(workshop: WorkshopOutline, delivery: Delivery, until: datetime,
              responses: Mapping[str, int] | None = None) -> Teaching:
    """The workshop as its delivery log says it went. A segment still running at `until` counts at most up to
    its allowed minutes (planned and extended): a segment left running over a close is not teaching. Time is
    counted once: where spans overlap (the same minutes keyed in for two segments), the one earlier in the workshop
    keeps them.
    `responses` counts the feedback given in each segment: a feedback round with none was not held (None: not
    known, as for a delivery built in a test)."""
    segments, claimed = [], []
    for outline in workshop.segments:
        run = delivery.run_of(outline.id)
        paused = delivery.paused_since if delivery.current == outline.id else None
        spans = _unclaimed(run.counted(until, paused), claimed) if outline.is_instruction else []
        claimed += spans
        if not spans:
            continue  # skipped, never run, or a break: no teaching
        minutes = sum((end - start).total_seconds() for start, end in spans) / 60
        segments.append(Taught(outline.id, outline.kind, outline.title, outline.topics, minutes,
                               _evidence(outline.kind, run.tallies, run.revealed, bool(run.role_rounds),
                                         None if responses is None else responses.get(outline.id, 0)),
                               tuple(spans)))
    return Teaching(workshop.id, workshop.audience, tuple(segments), Basis.DELIVERY, recorded=delivery.recorded)


def _unclaimed(spans: list[Span], claimed: list[Span]) -> list[Span]:
    """`spans` less any time already in `claimed`."""
    found = []
    for start, end in spans:
        pieces = [(start, end)]
        for c_start, c_end in claimed:
            pieces = [p for a, b in pieces for p in ((a, min(b, c_start)), (max(a, c_end), b)) if p[1] > p[0]]
        found += pieces
    return found


def _evidence(kind: SegmentKind, tallies: dict[int, tuple[int, ...]], revealed: set[int], played: bool,
              responses: int | None) -> frozenset[Evidence]:
    held = responses is None or responses > 0 or rules(kind).evidence is not Evidence.HELD
    found = {Evidence.HELD} if held else set()
    if any(sum(c) for c in tallies.values()):
        found.add(Evidence.VOTED)
    # A question assessed learning only where someone answered it and the answer was shown: a revealed question
    # with no hand counted (zeros keyed in to move on) is not an assessment.
    if rules(kind).answers and any(item in revealed and sum(counts) for item, counts in tallies.items()):
        found.add(Evidence.ANSWERED)
    if played:
        found.add(Evidence.PLAYED)
    return frozenset(found)


# --- a jurisdiction's trainings ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shortfall:
    """One thing missing for one training, worded so a trainer can act on it."""

    requirement: str
    category: str  # "delivery", "audience", "minutes", "topics" or "interactivity"
    message: str


@dataclass(frozen=True)
class TrainingResult:
    """One training a jurisdiction requires, against the segments that counted toward it."""

    name: str
    audience: Audience
    minimum_minutes: int
    minutes: int
    segments: tuple[str, ...]
    shortfalls: tuple[Shortfall, ...]

    @property
    def met(self) -> bool:
        return not self.shortfalls

    def applies_to(self, track: Track) -> bool:
        return _applies(self.audience, track)


@dataclass(frozen=True)
class Coverage:
    """Whether a teaching meets one jurisdiction: each of its trainings, met or with what it lacks."""

    workshop_id: str
    jurisdiction_code: str
    name: str
    citation: str
    audience: Audience  # whose training the profile is
    basis: Basis
    trainings: tuple[TrainingResult, ...] = field(default=())
    workshop_audience: Audience = Audience.EVERYONE

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        return tuple(s for t in self.trainings for s in t.shortfalls)

    @property
    def met_requirements(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.trainings if t.met)

    @property
    def satisfied(self) -> bool:
        """Met for everyone the workshop is written for (a profile asking for nothing is satisfied)."""
        return self.standing is Standing.MET or not self.trainings

    @property
    def partly(self) -> bool:
        return self.standing is Standing.PARTIAL

    @property
    def standing(self) -> Standing:
        """For the people the workshop is written for: met only if met for each of their tracks."""
        found = {self.standing_for(t) for t in TRACKS_OF[self.workshop_audience]} - {Standing.NOT_APPLICABLE}
        if not found:  # a profile for the other track: what it would give anyone on that track in the room
            found = {self.standing_for(t) for t in Track} - {Standing.NOT_APPLICABLE}
        if not found:
            return Standing.NOT_APPLICABLE
        if found == {Standing.MET}:
            return Standing.MET
        return Standing.PARTIAL if found & {Standing.MET, Standing.PARTIAL} else Standing.NOT_MET

    def standing_for(self, track: Track) -> Standing:
        needed = self.for_track(track)
        met = sum(t.met for t in needed)
        if not needed:
            return Standing.NOT_APPLICABLE
        return Standing.MET if met == len(needed) else (Standing.PARTIAL if met else Standing.NOT_MET)

    def for_track(self, track: Track) -> tuple[TrainingResult, ...]:
        """The trainings a person on `track` needs here; none if the profile is for the other track."""
        if not _applies(self.audience, track):
            return ()
        return tuple(t for t in self.trainings if t.applies_to(track))


def evaluate(teaching: Teaching, jurisdiction: Jurisdiction, *, say: Say = _,
             labels: Mapping[str, str] | None = None) -> Coverage:
    """Whether `teaching` meets each training `jurisdiction` asks for. `say` words the shortfalls (in the
    language of the record they go into); `labels` names topics as a trainer reads them (the library's labels),
    where ids would do for an author."""
    def judge(shares: list[list[Taught]]) -> tuple[TrainingResult, ...]:
        return tuple(_training(teaching, req, segments, say, labels or {})
                     for req, segments in zip(jurisdiction.requirements, shares, strict=True))

    trainings = judge(allocate(teaching, jurisdiction.requirements, judge))
    trainings = tuple(replace(t, audience=_whose(t.audience, jurisdiction.audience)) for t in trainings)
    return Coverage(teaching.workshop_id, jurisdiction.code, jurisdiction.name, jurisdiction.citation,
                    jurisdiction.audience, teaching.basis, trainings, teaching.audience)


Judge = Callable[[list[list[Taught]]], tuple[TrainingResult, ...]]


def allocate(teaching: Teaching, requirements: Sequence[TrainingRequirement], judge: Judge | None = None
             ) -> list[list[Taught]]:
    """Which segments count toward which training: each segment toward one only. First the training whose
    topics it is most about (the largest share of that training's topics it lists; a segment about none of them
    goes to the first); then, while a training is not met, a segment is moved to it from another that stays met
    without it, if that leaves it lacking less. One requirement takes every segment."""
    shares: list[list[Taught]] = [[] for _req in requirements]
    if not requirements:
        return shares
    for segment in teaching.segments:
        scores = [len(set(segment.credited_topics) & set(r.topics)) / max(1, len(r.topics)) for r in requirements]
        shares[scores.index(max(scores))].append(segment)
    return _rebalance(shares, judge) if judge is not None and len(requirements) > 1 else shares


def _rebalance(shares: list[list[Taught]], judge: Judge) -> list[list[Taught]]:
    """Move segments toward trainings not met while that lowers the number of shortfalls in all; each move
    lowers it, so this ends (and within a bound, whatever the workshop)."""
    results = judge(shares)
    for _round in range(MAX_MOVES):
        move = _better_move(shares, results, judge)
        if move is None:
            break
        shares, results = move
    return shares


def _better_move(shares: list[list[Taught]], results: tuple[TrainingResult, ...], judge: Judge
                 ) -> tuple[list[list[Taught]], tuple[TrainingResult, ...]] | None:
    total = sum(len(r.shortfalls) for r in results)
    for short, result in enumerate(results):
        if result.met:
            continue
        for donor, segment in [(d, s) for d, share in enumerate(shares) if d != short for s in share]:
            trial = [list(share) for share in shares]
            trial[donor].remove(segment)
            trial[short].append(segment)
            after = judge(trial)
            if after[donor].met >= results[donor].met and sum(len(r.shortfalls) for r in after) < total:
                return trial, after
    return None


def _whose(training: Audience, profile: Audience) -> Audience:
    """Whom a training is for: its own audience, or else the profile's."""
    return training if training is not Audience.EVERYONE else profile


def _training(teaching: Teaching, req: TrainingRequirement, segments: list[Taught], say: Say,
              labels: Mapping[str, str]) -> TrainingResult:
    minutes = sum(s.minutes for s in segments)
    found: list[tuple[str, str]] = []  # (category, message)
    if not teaching.recorded:
        found.append(("delivery", say(N_("delivery not recorded: no jurisdiction credited"))))
    if req.audience is Audience.SUPERVISORS and teaching.audience is not Audience.SUPERVISORS:
        found.append(("audience", say(N_("written for {audience}; this training is for supervisors")).format(
            audience=say(AUDIENCES[teaching.audience]))))
    if minutes + 1e-9 < req.minimum_minutes:
        found.append(("minutes", say(N_("{minutes} min of training counted toward it (breaks and pauses "
                                         "excluded); needs at least {needed}")).format(
            minutes=_whole(minutes), needed=req.minimum_minutes)))
    found += _topic_shortfalls(req, segments, say, labels)
    found += [("interactivity", _interactivity_shortfall(rule, segments, minutes, say))
              for rule in req.interactivity if not _interactive_enough(rule, segments, minutes)]
    return TrainingResult(req.name, req.audience, req.minimum_minutes, _whole(minutes), tuple(s.id for s in segments),
                          tuple(Shortfall(req.name, category, message) for category, message in found))


def _topic_shortfalls(req: TrainingRequirement, segments: list[Taught], say: Say, labels: Mapping[str, str]
                      ) -> list[tuple[str, str]]:
    shared = topic_minutes(segments)
    explicit = dict(req.topic_minutes)
    missing = [t for t in req.topics if t not in explicit and shared.get(t, 0) + 1e-9 < TOPIC_MINUTES]
    found = [("topics", say(N_("missing topics (at least {least} min each): {topics}")).format(
        least=_whole(TOPIC_MINUTES), topics=", ".join(labels.get(t, t) for t in missing)))] if missing else []
    for topic, needed in req.topic_minutes:
        have = sum(s.minutes if s.credited_topics[:1] == (topic,) else s.minutes / len(s.credited_topics)
                   for s in segments if topic in s.credited_topics)
        if have + 1e-9 < needed:
            found.append(("minutes", say(N_("{minutes} min on {topic}; needs at least {needed}")).format(
                minutes=_whole(have), topic=labels.get(topic, topic), needed=needed)))
    return found


def topic_minutes(segments: Iterable[Taught]) -> dict[str, float]:
    """Minutes of teaching on each topic, a segment's minutes shared equally among the topics it lists."""
    found: dict[str, float] = {}
    for s in segments:
        for topic in s.credited_topics:
            found[topic] = found.get(topic, 0.0) + s.minutes / len(s.credited_topics)
    return found


def _interactive_enough(rule: InteractivityRule, segments: list[Taught], minutes: float) -> bool:
    counted = [s for s in segments if s.counts_for(rule)]
    return len(counted) >= rule.minimum and sum(s.minutes for s in counted) + 1e-9 >= rule.share * minutes


def _interactivity_shortfall(rule: InteractivityRule, segments: list[Taught], minutes: float, say: Say) -> str:
    counted = [s for s in segments if s.counts_for(rule)]
    kinds = ", ".join(say(rules(k).label).lower() for k in sorted(rule.kinds))
    return say(N_("{reason}: needs {count} or more ({kinds}) in which the room took part, taking at least {least} "
                  "min; had {have}, taking {minutes} min")).format(
        reason=rule.reason, count=rule.minimum, kinds=kinds, least=_whole(rule.share * minutes, up=True),
        have=len(counted), minutes=_whole(sum(s.minutes for s in counted)))


def _applies(audience: Audience, track: Track) -> bool:
    return audience is Audience.EVERYONE or (audience is Audience.SUPERVISORS) == (track is Track.SUPERVISOR)


def _whole(minutes: float, *, up: bool = False) -> int:
    return int(-(-minutes // 1)) if up else int(minutes + 1e-9)


# --- whether a law binds the employer -------------------------------------------------------------------------------

def binds(jurisdiction: Jurisdiction, employees: int | None, industry: str, *, say: Say = _
          ) -> tuple[bool | None, str]:
    """Whether `jurisdiction`'s law binds an employer with this headcount and industry (None: the facts it needs
    were not given), and why, in words; ("", True) where it binds every employer."""
    rule = jurisdiction.applies
    if rule.industries and not industry:
        return None, say(N_("{law} binds only employers in these industries: {industries}; the employer's "
                            "industry is not set")).format(law=jurisdiction.name, industries=", ".join(rule.industries))
    if rule.industries and industry not in rule.industries:
        return False, say(N_("{law} binds only employers in these industries: {industries}; this employer is "
                             "'{industry}'")).format(law=jurisdiction.name, industries=", ".join(rule.industries),
                                                     industry=industry)
    if rule.employees_at_least is not None and employees is None:
        return None, say(N_("{law} binds employers with {least} or more employees; the employer's headcount is not "
                            "set")).format(law=jurisdiction.name, least=rule.employees_at_least)
    if rule.employees_at_least is not None and employees is not None and employees < rule.employees_at_least:
        return False, say(N_("{law} binds employers with {least} or more employees; this employer has {count}")).format(
            law=jurisdiction.name, least=rule.employees_at_least, count=employees)
    return True, ""
