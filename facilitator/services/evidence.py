"""What a session's laws ask to be kept besides attendance and minutes: each trainee's signed acknowledgment
(New York City), the hand-outs given at the training (New York State's policy, complaint form and notice) and the
trainer's qualifications (California). Closing gathers them, warns of what is missing, and seals them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from facilitator.domain.compliance import binds
from facilitator.domain.jurisdiction import Jurisdiction
from facilitator.i18n import _, ngettext
from facilitator.services.attendance_record import AttendanceRow
from facilitator.services.compliance import profiles_of
from facilitator.services.errors import Advice, Remedy, UserError
from facilitator.services.settings import Settings
from facilitator.services.workspace import Workspace

ALL = "all"  # `--handed-out all`: every hand-out the session's laws ask for


@dataclass(frozen=True)
class Evidence:
    """The evidence a session's record holds, as closing would seal it, and what is missing."""

    handouts_required: tuple[str, ...] = ()
    handouts_given: tuple[str, ...] = ()
    acknowledgment: str = ""  # the text each trainee signs; "" where no law asks for one
    trainer_organisation: str = ""
    trainer_qualifications: str = ""
    employer_employees: int | None = None  # the employer's answers, as they were at the close
    employer_industry: str = ""
    warnings: tuple[str, ...] = ()


def employer_notes(profiles: Sequence[Jurisdiction], settings: Settings) -> list[str]:
    """A law that may not bind the employer, by the headcount and industry it gave, or that cannot tell without
    them: said, never decided silently (some laws count contractors, domestic workers or supervisors apart)."""
    notes = []
    for j in profiles:
        bound, why = binds(j, settings.employer_employees, settings.employer_industry)
        if bound is False:
            notes.append(_("{why}: it may not bind this employer (who must train: {who})").format(
                why=why, who=j.who_must_train))
        elif bound is None:
            key = "employer_industry" if j.applies.industries and not settings.employer_industry else \
                "employer_employees"
            notes.append(Advice(why, Remedy(
                command=_("set it with 'facilitator settings set {key} …'").format(key=key),
                menu=_("set it in File → Settings…"))))
    return notes


def handouts_of(profiles: Sequence[Jurisdiction]) -> tuple[str, ...]:
    """Every hand-out the profiles ask for, once each, in their order."""
    return tuple(dict.fromkeys(h for j in profiles for h in j.handouts))


def acknowledgment_of(profiles: Sequence[Jurisdiction]) -> str:
    """The acknowledgment text a session's sign-in sheet prints ("" where no law asks for one)."""
    return " ".join(dict.fromkeys(j.acknowledgment for j in profiles if j.acknowledgment))


def session_acknowledgment(ws: Workspace, codes: Iterable[str]) -> str:
    """The acknowledgment the laws of a session's jurisdictions (by code) ask each trainee to sign ("" if none)."""
    return acknowledgment_of(profiles_of(ws, codes))


def confirmed(required: Sequence[str], given: Sequence[str]) -> tuple[str, ...]:
    """The hand-outs the trainer confirms, checked against those required (`all` for every one)."""
    if list(given) == [ALL]:
        return tuple(required)
    unknown = [g for g in given if g not in required]
    if unknown:
        raise UserError(_("'{item}' is not a hand-out this session's laws ask for; they are: {items}").format(
            item=unknown[0], items="; ".join(required) or _("none")))
    return tuple(h for h in required if h in given)


def gather(profiles: Sequence[Jurisdiction], rows: Sequence[AttendanceRow], trainer: Settings,
           given: Sequence[str]) -> Evidence:
    required = handouts_of(profiles)
    handed = confirmed(required, given)
    acknowledgment = acknowledgment_of(profiles)
    warnings = [Advice(_("{jurisdiction} asks for a qualified trainer ({rule})").format(
        jurisdiction=j.name, rule=j.qualified_trainer), Remedy(
        command=_("state your qualifications with 'facilitator settings set trainer_qualifications \"…\"'"),
        menu=_("state your qualifications in File → Settings…")))
        for j in profiles if j.qualified_trainer and not trainer.trainer_qualifications.strip()]
    warnings += employer_notes(profiles, trainer)
    missing = [h for h in required if h not in handed]
    if missing:
        warnings.append(_("not confirmed as handed out: {items}").format(items="; ".join(missing)))
    unsigned = sum(1 for r in rows if r.minutes and not r.acknowledged)
    if acknowledgment and unsigned:
        warnings.append(ngettext("{count} person who attended has no signed acknowledgment on record",
                                 "{count} people who attended have no signed acknowledgment on record",
                                 unsigned).format(count=unsigned))
    return Evidence(required, handed, acknowledgment, trainer.trainer_organisation.strip(),
                    trainer.trainer_qualifications.strip(), trainer.employer_employees, trainer.employer_industry,
                    tuple(warnings))
