"""Jurisdiction profiles: what a place's law asks of a training, as data (`sessions/jurisdictions/*.yaml`).

Whether a plan or a delivery meets them is decided in one place, `domain/compliance.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from facilitator.domain.workshop import Audience, SegmentKind

DEFAULT_SHARE = 0.05  # an interactivity rule's least share of the training's minutes, unless a profile says


@dataclass(frozen=True)
class InteractivityRule:
    """At least `minimum` segments of the given kinds in which the room actually took part, together at least
    `share` of the training's minutes (so a one-minute vote cannot make a lecture interactive), for the reason
    the law gives."""

    kinds: frozenset[SegmentKind]
    minimum: int
    reason: str
    share: float = DEFAULT_SHARE


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
class Applicability:
    """Which employers a law binds, by the facts the employer gives (its headcount, its industry): a session
    records the employer's answers and the checker says when a law does not bind it, or when it cannot tell."""

    employees_at_least: int | None = None  # counted as the law counts them (the profile's who_must_train says)
    industries: tuple[str, ...] = ()  # only these industries ("restaurant", "bar"); () for every industry


class Start(StrEnum):
    """What starts the clock for a person's first training."""

    HIRE = "hire"  # the day they were hired
    SUPERVISOR = "supervisor"  # the day they became a supervisor (hired as one: the day they were hired)
    # Employees from their hire, supervisors from becoming one: Delaware trains new supervisors within a year of
    # starting the supervisory position, whatever they had as employees.
    HIRE_OR_SUPERVISOR = "hire_or_supervisor"


@dataclass(frozen=True)
class TrainingSchedule:
    """When the law wants each person trained, as data: `domain/due.py` turns it into dates.

    The first training is due `first_months` months (or `first_days` days) after `first_from`; then a refresher
    every `every_months` months after the last training that counted (None: once only, as in Maine). With
    `year_starts` (a month and day), the law counts training years instead: one training in every training year
    (from 1 January, calendar years; Chicago's run from 1 July), so every date due runs to the end of its training
    year. `other_track` names the profile the other track of the same place follows (California's and Chicago's
    employees and supervisors have a profile each), so a person is held to the one for the track they are on.
    """

    first_from: Start
    first_months: int = 0
    first_days: int = 0
    every_months: int | None = None
    year_starts: tuple[int, int] | None = None  # (month, day)
    other_track: str | None = None


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
    audience: Audience = Audience.EVERYONE  # whose training this profile is: a supervisor's is not an employee's
    qualified_trainer: str = ""  # who may give the training, where the law says (California); "" if it does not
    acknowledgment: str = ""  # what each trainee signs, where the law asks for a signed acknowledgment (NYC)
    handouts: tuple[str, ...] = ()  # what must be handed out at every training (New York State's policy, form…)
    applies: Applicability = field(default_factory=Applicability)
    contacts: tuple[str, ...] = ()  # the agencies (ids in sessions/agencies.yaml) people there can go to
    schedule: TrainingSchedule | None = None  # when people must be trained; None where no law says (`none`)


@dataclass(frozen=True)
class Agency:
    """A government agency that takes harassment complaints, as the reporting segment and the hand-out give it.

    Phone numbers, addresses and deadlines change: each entry says when someone last checked it against the
    agency's own pages (`verified_on`) and which pages (`sources`), and `content check` warns a year on."""

    id: str
    name: str  # the official name, as the agency writes it
    short_name: str  # what the projector shows ("EEOC")
    covers: str  # whose complaints it takes, under which law
    phone: str
    website: str  # an https address
    filing: str  # how to file (online, by phone, in person), or for a help line what it does
    verified_on: date
    sources: tuple[str, ...]
    deadline: str = ""  # how long after what happened a complaint may be filed; "" for a help line
    tty: str = ""  # the line for deaf and hard-of-hearing callers, named as the agency names it

    @property
    def web_address(self) -> str:
        """The website as people type it: without the scheme or a trailing slash."""
        return self.website.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
