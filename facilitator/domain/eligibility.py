"""Who earned a certificate: present long enough for the workshop and for each jurisdiction it meets.

The workshop asks for its training minutes (breaks excluded) less the session's grace period, so arriving
within the grace period still counts; each jurisdiction's requirement that the workshop meets asks for its own
minimum (California: 120 minutes for supervisors). A trainer may decide otherwise for one person, and must say
why; the reason is sealed with the record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from facilitator.domain.jurisdiction import Jurisdiction, check_requirement
from facilitator.domain.workshop import WorkshopOutline
from facilitator.i18n import N_, _

Say = Callable[[str], str]  # gettext of the language a record is written in


@dataclass(frozen=True)
class MinuteRule:
    """One minimum an attendee's minutes must reach, and where it comes from."""

    minutes: int
    source: str  # "the workshop" or a requirement's name and jurisdiction


@dataclass(frozen=True)
class JurisdictionMet:
    """A jurisdiction whose requirements this delivery met, with the names of the trainings it met there."""

    code: str
    name: str
    citation: str
    trainings: tuple[str, ...]
    minimum_minutes: int


def jurisdictions_met(workshop: WorkshopOutline, jurisdictions: Iterable[Jurisdiction]) -> list[JurisdictionMet]:
    """The jurisdictions at least one of whose required trainings the workshop fully meets."""
    met = []
    for j in jurisdictions:
        trainings = [r for r in j.requirements if not check_requirement(workshop, r)]
        if trainings:
            met.append(JurisdictionMet(j.code, j.name, j.citation, tuple(r.name for r in trainings),
                                       max(r.minimum_minutes for r in trainings)))
    return met


def minute_rules(workshop: WorkshopOutline, grace_minutes: int, met: Iterable[JurisdictionMet], *,
                 say: Say = _) -> list[MinuteRule]:
    """The minimums an attendee must reach. `say` gives the record's words (in its language; by default the
    language the app speaks)."""
    rules = [MinuteRule(max(0, workshop.instruction_minutes - grace_minutes), say(N_("the workshop")))]
    rules += [MinuteRule(m.minimum_minutes, m.name) for m in met if m.minimum_minutes]
    return rules


@dataclass(frozen=True)
class Override:
    """The trainer's decision for one person, against the minutes."""

    eligible: bool
    reason: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    required_minutes: int
    reason: str  # why, in words for the record
    overridden: bool = False


def decide_eligibility(minutes: int, rules: Iterable[MinuteRule], override: Override | None = None, *,
                       say: Say = _) -> Eligibility:
    """Whether `minutes` present earns a certificate under `rules`, unless the trainer decided otherwise."""
    rules = list(rules)
    strictest = max(rules, key=lambda r: r.minutes)
    if override is not None:
        return Eligibility(override.eligible, strictest.minutes,
                           say(N_("trainer's decision: {reason}")).format(reason=override.reason), True)
    if minutes >= strictest.minutes:
        reason = say(N_("present {minutes} of the {needed} minutes needed"))
        return Eligibility(True, strictest.minutes, reason.format(minutes=minutes, needed=strictest.minutes))
    reason = say(N_("present {minutes} min; {source} needs {needed}"))
    return Eligibility(False, strictest.minutes, reason.format(minutes=minutes, source=strictest.source,
                                                               needed=strictest.minutes))
