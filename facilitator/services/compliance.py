"""A session's coverage and each person's credit, through the one evaluation in `domain/compliance.py`.

Planning and the content checker evaluate the workshop as written (services/library.py `coverage`); closing
evaluates the delivery log, and each
person against it by the minutes of teaching they were present for. Both come through here, so what the dialogs,
the checker, the sealed record, the report and the certificates say can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from facilitator.content.problems import ContentError
from facilitator.domain.compliance import (
    Coverage,
    Say,
    Span,
    Teaching,
    Track,
    delivered,
    evaluate,
    planned,
)
from facilitator.domain.credit import Credit, attended_by, credit, overlap_minutes
from facilitator.domain.jurisdiction import Jurisdiction
from facilitator.domain.workshop import WorkshopOutline
from facilitator.i18n import _
from facilitator.records.sealed import SealedCoverage, SealedCredit, SealedTraining
from facilitator.services.delivery import feedback_counts, session_delivery
from facilitator.services.errors import UserError
from facilitator.services.sessions import frozen_workshop
from facilitator.services.workspace import Workspace
from facilitator.storage.models import TrainingSession


def profiles_of(ws: Workspace, codes: Iterable[str]) -> list[Jurisdiction]:
    """The library's profiles of these jurisdictions, in order (one no longer in the library left out)."""
    return [ws.library.jurisdictions[code] for code in codes if code in ws.library.jurisdictions]


def session_profiles(ws: Workspace, session: TrainingSession) -> list[Jurisdiction]:
    """The profiles of the jurisdictions the session was planned for, as the library has them."""
    return profiles_of(ws, (j.code for j in session.jurisdictions))


@dataclass(frozen=True)
class SessionCredit:
    """What a session delivered, what it planned, and each planned jurisdiction's coverage from the delivery."""

    outline: WorkshopOutline
    teaching: Teaching
    plan: Teaching
    coverage: tuple[Coverage, ...]
    start: datetime
    end: datetime  # as planned: when no delivery was recorded, presence counts only between start and end
    profiles: tuple[Jurisdiction, ...]  # the jurisdictions of `coverage`, in its order

    @property
    def teaching_minutes(self) -> int:
        """The workshop's length for a certificate: as delivered, or as planned when no delivery was recorded."""
        return self.teaching.minutes if self.teaching.recorded else self.plan.minutes

    def minutes_present(self, visits: Sequence[Span], segments: Sequence[str] | None = None) -> int:
        """Minutes of teaching a person was there for (in `segments`, or in all of it): breaks, pauses and time
        before or after excluded. With no delivery recorded, their time in the room between the planned start
        and end."""
        if not self.teaching.recorded:
            return overlap_minutes(visits, [(self.start, self.end)])
        wanted = None if segments is None else set(segments)
        return overlap_minutes(visits, [span for s in self.teaching.segments if wanted is None or s.id in wanted
                                        for span in s.spans])

    def credits(self, track: Track, visits: Sequence[Span], grace: int, *, say: Say = _) -> tuple[Credit, ...]:
        """Each jurisdiction's credit for one person: the minutes they were there for, and (where the delivery was
        recorded) each required topic and interaction among what they were there for."""
        theirs = attended_by(self.teaching, visits) if self.teaching.recorded else None
        return tuple(credit(c, track, lambda ids: self.minutes_present(visits, ids), grace=grace, say=say,
                            attended=evaluate(theirs, j, say=say) if theirs is not None else None)
                     for c, j in zip(self.coverage, self.profiles, strict=True))


def session_credit(ws: Workspace, db: Session, session: TrainingSession, start: datetime, end: datetime,
                   until: datetime, *, say: Say = _) -> SessionCredit:
    """The session's coverage from its delivery log up to `until`, inside the caller's transaction."""
    outline = _outline(ws, session)
    teaching = delivered(outline, session_delivery(ws, db, session), until, feedback_counts(db, session.id))
    profiles = tuple(session_profiles(ws, session))
    coverage = tuple(evaluate(teaching, j, say=say) for j in profiles)
    return SessionCredit(outline, teaching, planned(outline), coverage, start, end, profiles)


def _outline(ws: Workspace, session: TrainingSession) -> WorkshopOutline:
    try:
        return frozen_workshop(ws, session).outline()
    except ContentError as exc:
        raise UserError(_("the workshop frozen for session {session} no longer validates: {problem}").format(
            session=session.id, problem=exc.problems[0])) from exc


def sealed_coverage(coverage: Sequence[Coverage]) -> tuple[SealedCoverage, ...]:
    """The coverage as the sealed record keeps it."""
    return tuple(SealedCoverage(c.jurisdiction_code, c.name, c.citation, c.standing_for(Track.EMPLOYEE).value,
                                c.standing_for(Track.SUPERVISOR).value, tuple(
        SealedTraining(t.name, t.audience.value, t.met, t.minutes, t.minimum_minutes,
                       tuple(s.message for s in t.shortfalls)) for t in c.trainings)) for c in coverage)


def sealed_credits(credits: Sequence[Credit]) -> tuple[SealedCredit, ...]:
    return tuple(SealedCredit(c.code, c.name, c.citation, c.standing.value, c.met, c.missed) for c in credits)
