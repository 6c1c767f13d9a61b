"""Jurisdiction profiles: what a place's law asks of a training, and whether a workshop meets it."""

from __future__ import annotations

from dataclasses import dataclass, field

from facilitator.domain.segment_kinds import kind_label
from facilitator.domain.workshop import Audience, SegmentKind, WorkshopOutline
from facilitator.i18n import N_, _, either, ngettext

_AUDIENCES = {Audience.EMPLOYEES: N_("employees"), Audience.SUPERVISORS: N_("supervisors"),
              Audience.EVERYONE: N_("everyone")}


@dataclass(frozen=True)
class InteractivityRule:
    """At least `minimum` segments of the given kinds, for the reason the law gives."""

    kinds: frozenset[SegmentKind]
    minimum: int
    reason: str


@dataclass(frozen=True)
class TrainingRequirement:
    """One training a jurisdiction requires (Chicago, for example, requires two)."""

    name: str
    minimum_minutes: int
    topics: tuple[str, ...]
    interactivity: tuple[InteractivityRule, ...] = ()
    topic_minutes: tuple[tuple[str, int], ...] = ()
    audience: Audience = Audience.EVERYONE


@dataclass(frozen=True)
class Jurisdiction:
    """A place's rules, kept as data so they can be updated without touching code."""

    code: str
    name: str
    citation: str
    who_must_train: str
    frequency: str
    requirements: tuple[TrainingRequirement, ...]
    records: tuple[str, ...] = ()
    retention_years: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class Shortfall:
    """One thing a workshop lacks for one requirement, worded so a trainer can act on it."""

    requirement: str
    category: str  # "topics", "minutes", "interactivity" or "audience"
    message: str


@dataclass(frozen=True)
class CoverageResult:
    """Whether a workshop meets a jurisdiction, and if not, everything it lacks."""

    workshop_id: str
    jurisdiction_code: str
    shortfalls: tuple[Shortfall, ...] = field(default=())
    met_requirements: tuple[str, ...] = field(default=())

    @property
    def satisfied(self) -> bool:
        return not self.shortfalls

    @property
    def partly(self) -> bool:
        return bool(self.shortfalls) and bool(self.met_requirements)


def check_requirement(workshop: WorkshopOutline, req: TrainingRequirement) -> list[Shortfall]:
    """Everything `workshop` lacks to meet `req`; empty when it meets it."""
    found: list[Shortfall] = []

    def lack(category: str, message: str) -> None:
        found.append(Shortfall(req.name, category, message))

    if req.audience is not Audience.EVERYONE and workshop.audience not in (req.audience, Audience.EVERYONE):
        lack("audience", _("written for {audience}; this training is for {required}").format(
            audience=_(_AUDIENCES[workshop.audience]), required=_(_AUDIENCES[req.audience])))
    if workshop.instruction_minutes < req.minimum_minutes:
        lack("minutes", _("{minutes} min of training (breaks excluded); needs at least {needed}").format(
            minutes=workshop.instruction_minutes, needed=req.minimum_minutes))
    missing = [t for t in req.topics if t not in workshop.topics]
    if missing:
        lack("topics", _("missing topics: {topics}").format(topics=", ".join(missing)))
    for topic, minutes in req.topic_minutes:
        have = workshop.minutes_on(topic)
        if have < minutes:
            lack("minutes", _("{minutes} min on {topic}; needs at least {needed}").format(
                minutes=have, topic=topic, needed=minutes))
    for rule in req.interactivity:
        have = workshop.count_of(rule.kinds)
        if have < rule.minimum:
            lack("interactivity", ngettext("{reason}: needs {count} {kinds} segment, has {have}",
                                           "{reason}: needs {count} {kinds} segments, has {have}", rule.minimum
                                           ).format(reason=rule.reason, count=rule.minimum, have=have,
                                                    kinds=either(kind_label(k).lower() for k in sorted(rule.kinds))))
    return found


def check_coverage(workshop: WorkshopOutline, jurisdiction: Jurisdiction) -> CoverageResult:
    """Check `workshop` against every training `jurisdiction` requires."""
    shortfalls: list[Shortfall] = []
    met: list[str] = []
    for req in jurisdiction.requirements:
        lacks = check_requirement(workshop, req)
        shortfalls.extend(lacks)
        if not lacks:
            met.append(req.name)
    return CoverageResult(workshop.id, jurisdiction.code, tuple(shortfalls), tuple(met))
