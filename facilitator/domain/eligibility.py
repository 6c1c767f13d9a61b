"""Who earned a certificate of attendance: present long enough for the workshop as delivered.

The workshop asks for its minutes of teaching (breaks and pauses excluded) less the session's grace period, so
arriving within the grace period still counts. Which jurisdictions a person is credited with is decided apart,
by domain/compliance.py, against each law's own minimum. A trainer may decide otherwise for one person, and must
say why; the reason is sealed with the record, and it decides the certificate, never a jurisdiction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from facilitator.domain.credit import excused
from facilitator.i18n import N_, _

Say = Callable[[str], str]  # gettext of the language a record is written in


@dataclass(frozen=True)
class MinuteRule:
    """One minimum an attendee's minutes must reach, and where it comes from."""

    minutes: int
    source: str  # "the workshop" or a requirement's name and jurisdiction


def minute_rules(teaching_minutes: int, grace_minutes: int, *, say: Say = _) -> list[MinuteRule]:
    """The minimum an attendee must reach for a certificate of attendance: the workshop's minutes of teaching
    (as delivered, or as planned when the delivery was not recorded) less what the grace period may excuse (at
    most a fifth of them), and never less than a minute. A jurisdiction's
    own minimum is not here: it decides that jurisdiction's credit (domain/compliance.py), never the certificate,
    and no grace period lowers it. `say` gives the record's words (in its language)."""
    return [MinuteRule(max(1, teaching_minutes - excused(grace_minutes, teaching_minutes)), say(N_("the workshop")))]


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
    reason = say(N_("present {minutes} min; {source} needs {needed} min"))
    return Eligibility(False, strictest.minutes, reason.format(minutes=minutes, source=strictest.source,
                                                               needed=strictest.minutes))
