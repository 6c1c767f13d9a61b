"""Closing a session: end every visit still open, decide who earned a certificate, and seal the record.

The seal is a signed statement of the attendance chain's head and of every attendee's minutes and outcome.
It is written in the same transaction that marks the session sealed, so a session is either open or sealed
with a valid seal, never half of each. After that the session takes no check-ins; a correction is a signed
amendment beside the seal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from facilitator.domain.attendance import EventKind, Source, Status
from facilitator.domain.compliance import Coverage, Say, Standing, Track
from facilitator.domain.eligibility import Eligibility, MinuteRule, Override, decide_eligibility, minute_rules
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import clock, iso
from facilitator.i18n import N_, _, in_language
from facilitator.records.sealed import (
    Amendment,
    ChainHead,
    CreditedJurisdiction,
    SealedAttendee,
    SealedRecord,
    certificate_id,
    record_digest,
)
from facilitator.services.attendance import Link, append, witness_event
from facilitator.services.attendance_record import AttendanceRow, chain_report, report_for
from facilitator.services.compliance import (
    SessionCredit,
    sealed_coverage,
    sealed_credits,
    session_credit,
    session_profiles,
)
from facilitator.services.delivery import delivery_digest, end_running_segment
from facilitator.services.errors import UserError
from facilitator.services.evidence import Evidence, gather
from facilitator.services.seals import amendment_rows, seal_row, verified_seal, witness_amendment, witness_seal
from facilitator.services.sessions import find_session
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace
from facilitator.storage.models import RosterEntry, SessionAmendment, SessionSeal, TrainingSession

AttendeeOutcome = SealedAttendee  # what closing decides for one person is what the seal records


class Signer(Protocol):
    """What sealing needs from the signing identity."""

    @property
    def cert_pem(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...

    def sign(self, payload: Mapping[str, Any]) -> str:
        """A compact JWS of `payload`."""
        ...


@dataclass(frozen=True)
class ClosingPlan:
    """What closing would record (or did record): each planned jurisdiction's coverage as delivered, and each
    attendee's minutes, credits and certificate."""

    session_id: str
    closed_at: str
    rules: list[MinuteRule]
    coverage: list[Coverage]
    attendees: list[AttendeeOutcome]
    delivery_recorded: bool
    delivered_minutes: int
    planned_minutes: int
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the trainer should know before sealing: a qualification not stated, a hand-out not confirmed."""
        return self.evidence.warnings

    @property
    def eligible(self) -> int:
        return sum(a.eligible for a in self.attendees)

    def credited(self) -> str:
        """How many people each jurisdiction credits, in words: "New York City: 3 of 4 (1 partly)"."""
        parts = []
        for c in self.coverage:
            standings = [next((k.standing for k in a.credits or () if k.code == c.jurisdiction_code), "")
                         for a in self.attendees]
            met, partly = standings.count(Standing.MET.value), standings.count(Standing.PARTIAL.value)
            text = _("{jurisdiction}: {met} of {total}").format(jurisdiction=c.name, met=met,
                                                                 total=len(self.attendees))
            parts.append(text + (" " + _("({count} partly)").format(count=partly) if partly else ""))
        return "; ".join(parts) or _("none")

    @property
    def jurisdictions(self) -> list[Coverage]:
        """The jurisdictions whose every training the delivery met."""
        return [c for c in self.coverage if c.standing is Standing.MET]

    def to_json(self) -> dict[str, object]:
        return {"session_id": self.session_id, "closed_at": self.closed_at, "evidence": asdict(self.evidence),
                "delivery_recorded": self.delivery_recorded, "delivered_minutes": self.delivered_minutes,
                "planned_minutes": self.planned_minutes, "rules": [asdict(r) for r in self.rules],
                "coverage": [asdict(c) for c in sealed_coverage(self.coverage)],
                "attendees": [asdict(a) for a in self.attendees]}


@dataclass(frozen=True)
class SealResult:
    plan: ClosingPlan
    chain_head: str
    events: int
    fingerprint: str

    def to_json(self) -> dict[str, object]:
        return {**self.plan.to_json(), "chain_head": self.chain_head, "events": self.events,
                "fingerprint": self.fingerprint}


def parse_overrides(ws: Workspace, session_id: str, texts: list[str]) -> dict[int, Override]:
    """`PERSON=yes: reason` or `PERSON=no: reason`, PERSON being an employee id, badge code or roster number."""
    with ws.store.transaction() as db:
        roster = find_session(db, session_id).roster
        found: dict[int, Override] = {}
        for text in texts:
            who, _equals, rest = text.partition("=")
            verdict, _colon, reason = rest.partition(":")
            if verdict.strip().lower() not in ("yes", "no") or not reason.strip():
                raise UserError(_("'{text}' is not an override; write PERSON=yes: reason or PERSON=no: reason"
                                  ).format(text=text))
            entry = _find_person(roster, who.strip())
            found[entry.id] = Override(verdict.strip().lower() == "yes", " ".join(reason.split()))
        return found


def find_person(ws: Workspace, session_id: str, who: str) -> RosterEntry:
    """The person on the session's roster that `who` names: an employee id, a badge code or a roster number."""
    with ws.store.transaction() as db:
        return _find_person(find_session(db, session_id).roster, who)


def _find_person(roster: list[RosterEntry], who: str) -> RosterEntry:
    wanted = who.replace("-", "").upper()
    for entry in roster:
        if who in (str(entry.id), entry.employee_id) or entry.badge_token == wanted:
            return entry
    raise UserError(_("no one on this session's roster is '{who}' (give an employee id, badge code or roster "
                      "number)").format(who=who))


def plan_close(ws: Workspace, session_id: str, *, overrides: Mapping[int, Override] | None = None,
               at: datetime | None = None, handouts: Sequence[str] = ()) -> ClosingPlan:
    """What closing now would record, changing nothing: for the trainer to review before sealing. `handouts`
    are those the trainer confirms were handed out (`all` for every one the session's laws ask for)."""
    with ws.store.transaction() as db:
        session = _closable(db, session_id)
        return _plan(ws, db, session, overrides or {}, at or datetime.now(UTC), handouts)


def close_session(ws: Workspace, session_id: str, signer: Signer, *,
                  overrides: Mapping[int, Override] | None = None, at: datetime | None = None,
                  handouts: Sequence[str] = ()) -> SealResult:
    """End open visits at `at` (default now), decide eligibility, sign and store the seal, mark it sealed."""
    at = at or datetime.now(UTC)
    with ws.store.write_transaction() as db:
        session = _closable(db, session_id)
        _refuse_broken_chain(db, session.id, ws)
        closed_visits = _end_open_visits(ws, db, session, at)
        end_running_segment(ws, db, session, at)  # the record says when teaching stopped, not "still running"
        session.closed_at = at
        db.flush()
        plan = _plan(ws, db, session, overrides or {}, at, handouts)
        chain = chain_report(db, session.id)
        record = _sealed_record(session, plan, ChainHead(chain.events, chain.head), delivery_digest(db, session.id))
        db.add(SessionSeal(session_id=session.id, created_at=at, payload=record.encode(),
                           jws=signer.sign(record.to_payload()), signer_cert=signer.cert_pem,
                           fingerprint=signer.fingerprint))
        session.status = SessionStatus.SEALED
    witness_event(ws, session.id, closed_visits)
    witness_seal(ws, session.id, record.digest)
    return SealResult(plan, chain.head, chain.events, signer.fingerprint)


def amend(ws: Workspace, session_id: str, signer: Signer, *, person: str, eligible: bool, reason: str) -> str:
    """A signed correction after sealing: this person's eligibility is now `eligible`, because `reason`."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError(_("say why the sealed record is being corrected"))
    now = datetime.now(UTC)
    verified_seal(ws, session_id)  # an amendment builds on the sealed record: never on a tampered one
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if not session.is_sealed:
            raise UserError(_("session {session} is not sealed yet; change it before closing instead").format(
                session=session.id))
        entry = _find_person(session.roster, person)
        before = [seal_row(db, session.id), *amendment_rows(db, session.id)]
        amendment = Amendment(session=session.id, at=iso(now), person=entry.badge_token,
                              name=f"{entry.first_name} {entry.last_name}".strip(), eligible=eligible, reason=reason,
                              certificate_id=certificate_id(session.id, entry.badge_token),
                              previous=record_digest(before[-1].payload))  # the chain of amendments
        db.add(SessionAmendment(session_id=session.id, created_at=now, payload=amendment.encode(),
                                jws=signer.sign(amendment.to_payload()), signer_cert=signer.cert_pem,
                                fingerprint=signer.fingerprint))
    witness_amendment(ws, session.id, len(before), amendment.digest)  # before: the seal and earlier ones
    done = (_("Amended session {session}: {name} is now eligible") if eligible
            else _("Amended session {session}: {name} is now not eligible"))
    return done.format(session=session.id, name=amendment.name)


def _closable(db: Session, session_id: str) -> TrainingSession:
    session = find_session(db, session_id)
    if session.is_sealed:
        raise UserError(_("session {session} is already closed and sealed; corrections are amendments").format(
            session=session.id))
    return session


def _refuse_broken_chain(db: Session, session_id: str, ws: Workspace) -> None:
    report = chain_report(db, session_id, ws.data_dir)  # the witness too: a log cut short is not sealed
    if report.problem is not None:
        raise UserError(_("the attendance log of session {session} has been tampered with ({problem}); it "
                          "cannot be sealed").format(session=session_id, problem=report.problem.message))


def _end_open_visits(ws: Workspace, db: Session, session: TrainingSession, at: datetime) -> Link | None:
    """Everyone still in the room leaves when the session closes: their minutes stop there. Returns the last
    event appended, for the witness."""
    report = report_for(ws, db, session, at)
    entries = {e.id: e for e in session.roster}
    link = None
    for row in report.rows:
        if row.is_in:
            link = append(db.connection(), session.id, EventKind.CHECK_OUT, at, entry=entries[row.person.id],
                          reason=in_language(session.language)(N_("the session closed")), actor=session.trainer,
                          source=Source.DESK)
    return link


def _plan(ws: Workspace, db: Session, session: TrainingSession, overrides: Mapping[int, Override], at: datetime,
          handouts: Sequence[str] = ()) -> ClosingPlan:
    say = in_language(session.language)  # what is sealed is worded in the session's language, not the laptop's
    report = report_for(ws, db, session, at)
    found = session_credit(ws, db, session, report.planned_start, report.planned_end, at, say=say)
    rules = minute_rules(found.teaching_minutes, session.grace_minutes, say=say)
    tokens = {e.id: e.badge_token for e in session.roster}
    attendees = [_outcome(session.id, row, tokens[row.person.id], found, rules, overrides.get(row.person.id),
                          session.grace_minutes, say) for row in report.rows]
    evidence = gather(session_profiles(ws, session), report.rows, load_settings(ws), handouts)
    return ClosingPlan(session.id, iso(at), rules, list(found.coverage), attendees, found.teaching.recorded,
                       found.teaching.minutes, found.plan.minutes, evidence)


def _outcome(session_id: str, row: AttendanceRow, token: str, found: SessionCredit, rules: list[MinuteRule],
             override: Override | None, grace: int, say: Say) -> AttendeeOutcome:
    """One person's outcome: the teaching they were there for decides the certificate (unless the trainer
    decided, and said why) and, against each law's own minimum, their credit; an override never adds credit."""
    minutes = found.minutes_present(row.visits)
    verdict: Eligibility = decide_eligibility(minutes, rules, override, say=say)
    eligible = verdict.eligible and (verdict.overridden or row.status is not Status.ABSENT)
    track = Track.of(row.person.is_supervisor)
    return AttendeeOutcome(
        roster_id=row.person.id, name=row.person.full_name, employee_id=row.person.employee_id, badge_token=token,
        walk_in=row.person.walk_in, first_in=iso(row.first_in), last_out=iso(row.last_out), minutes=minutes,
        status=row.status.value, eligible=eligible, required_minutes=verdict.required_minutes,
        reason=verdict.reason, overridden=verdict.overridden,
        certificate_id=certificate_id(session_id, token) if eligible else None, track=track.value,
        present_minutes=row.minutes, credits=sealed_credits(found.credits(track, row.visits, grace, say=say)),
        acknowledged=row.acknowledged)


def _sealed_record(session: TrainingSession, plan: ClosingPlan, chain: ChainHead, delivered: str) -> SealedRecord:
    return SealedRecord(
        session=session.id, workshop=session.workshop_id, workshop_title=session.workshop_title,
        workshop_version=session.workshop_version, materials_sha256=session.workshop_sha256,
        date=session.scheduled_date.isoformat(), location=session.location, trainer=session.trainer,
        language=session.language, closed_at=plan.closed_at, chain=chain,
        jurisdictions=tuple(CreditedJurisdiction(c.jurisdiction_code, c.name, c.citation, c.met_requirements,
                                                 max((t.minimum_minutes for t in c.trainings), default=0))
                            for c in plan.jurisdictions),
        attendees=tuple(plan.attendees), start=clock(session.start_time), grace_minutes=session.grace_minutes,
        status=SessionStatus.SEALED.value, jurisdiction_codes=tuple(j.code for j in session.jurisdictions),
        delivery_sha256=delivered, coverage=sealed_coverage(plan.coverage),
        delivery_recorded=plan.delivery_recorded, delivered_minutes=plan.delivered_minutes,
        planned_minutes=plan.planned_minutes, trainer_organisation=plan.evidence.trainer_organisation,
        trainer_qualifications=plan.evidence.trainer_qualifications,
        handouts_required=plan.evidence.handouts_required, handouts_given=plan.evidence.handouts_given,
        employer_employees=plan.evidence.employer_employees, employer_industry=plan.evidence.employer_industry)
