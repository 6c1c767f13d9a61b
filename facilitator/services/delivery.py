"""Running a session: record each step of its delivery, and read back the agenda as delivered.

Every step (a segment started, paused, extended, ended or skipped; the hands counted for a vote; a result
revealed; role-play groups; a note) is appended to the session's delivery log in its own transaction, after
checking that it makes sense now, and the delivery replayed from the whole log is returned. The console keeps
no state of its own that matters: reopening it after a crash picks the session up where the log left it.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitator.content.schema import AnySegment, WorkshopFile
from facilitator.domain.delivery import (
    CLOCK_STEPS,
    SMALL_GROUP,
    Delivery,
    DeliveryError,
    DeliveryEvent,
    DeliveryKind,
    PlannedSegment,
    Role,
    RoleAssignment,
    assign_roles,
    check_step,
    replay,
    rotate_roles,
)
from facilitator.domain.jurisdiction import Agency
from facilitator.domain.segment_kinds import NoSuchVote, Panel, SegmentKind, rules, vote_at
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import day_and_clock, iso
from facilitator.i18n import N_, Words, _, either, ngettext
from facilitator.services.errors import UserError
from facilitator.services.phone_tally import phone_counts
from facilitator.services.sessions import find_session, frozen_workshop
from facilitator.services.workspace import Workspace
from facilitator.storage.models import DeliveryRecord, FeedbackResponse, RosterEntry, TrainingSession

MAX_NOTE = 2000
MAX_COMMENT = 2000
FEEDBACK_SOURCES = ("paper", "phone")  # how a response came in; nothing more specific, so nothing identifying


@dataclass(frozen=True)
class SessionRun:
    """A session as the console runs it: its workshop (as frozen for it), its plan and its delivery so far."""

    session_id: str
    title: str
    status: SessionStatus
    workshop: WorkshopFile
    planned_start: datetime
    delivery: Delivery
    contacts: tuple[Agency, ...] = ()  # the agencies of the session's jurisdictions, for the talk on reporting

    @property
    def sealed(self) -> bool:
        return self.status == SessionStatus.SEALED

    def segment(self, segment_id: str) -> AnySegment:
        """The segment of the session's workshop with this id; KeyError if it has none."""
        for segment in self.workshop.segments:
            if segment.id == segment_id:
                return segment
        raise KeyError(segment_id)


def plan_of(workshop: WorkshopFile) -> list[PlannedSegment]:
    return [PlannedSegment(s.id, s.title, SegmentKind(s.type), s.minutes) for s in workshop.segments]


def roles_of(segment: Any) -> list[Role]:
    return [Role(r.name, r.volunteer_only) for r in segment.roles]


def session_run(ws: Workspace, session_id: str) -> SessionRun:
    """The session and its delivery as recorded so far."""
    with ws.store.transaction() as db:
        return _session_run(ws, db, find_session(db, session_id))


def session_delivery(ws: Workspace, db: Session, session: TrainingSession) -> Delivery:
    """The session's delivery as its log records it, inside the caller's transaction."""
    return _session_run(ws, db, session).delivery


def _session_run(ws: Workspace, db: Session, session: TrainingSession) -> SessionRun:
    workshop = frozen_workshop(ws, session)
    start = datetime.combine(session.scheduled_date, session.start_time).astimezone()
    return SessionRun(session.id, session.workshop_title, session.effective_status, workshop, start,
                      replay(plan_of(workshop), _events(db, session.id)),
                      ws.library.contacts_for(j.code for j in session.jurisdictions))


def _events(db: Session, session_id: str) -> list[DeliveryEvent]:
    rows = db.execute(select(DeliveryRecord.kind, DeliveryRecord.occurred_at, DeliveryRecord.segment_id,
                             DeliveryRecord.detail)
                      .where(DeliveryRecord.session_id == session_id).order_by(DeliveryRecord.seq)).all()
    return [DeliveryEvent(DeliveryKind(kind), at, segment, json.loads(detail)) for kind, at, segment, detail in rows]


def record(ws: Workspace, session_id: str, kind: DeliveryKind, segment: str | None = None,
           detail: Mapping[str, Any] | None = None, *, at: datetime | None = None,
           complete: Callable[[Session, SessionRun, dict[str, Any]], None] | None = None) -> SessionRun:
    """Append one step to the delivery log if it makes sense now; return the delivery including it. `complete`
    finishes the step's detail inside the same transaction (a tally adds the phones' counts as they are then)."""
    detail = dict(detail or {})
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if session.is_sealed:
            raise UserError(_("session {session} is sealed; its delivery can no longer change").format(
                session=session.id))
        run = _session_run(ws, db, session)
        if segment is not None:
            _known_segment(run, segment)
        if complete is not None:
            complete(db, run, detail)
        try:
            check_step(run.delivery, kind, segment, detail)
        except DeliveryError as exc:
            raise UserError(str(exc)) from None
        when = at or datetime.now(UTC)
        last = run.delivery.last_at
        if kind in CLOCK_STEPS and last is not None and when < last:  # it would count the same time twice
            raise UserError(_("this step is dated {when}, before the last one recorded ({last}); steps are "
                              "recorded in the order they happened").format(
                when=day_and_clock(when), last=day_and_clock(last)))
        seq = (db.scalar(select(func.max(DeliveryRecord.seq)).where(DeliveryRecord.session_id == session.id)) or 0)
        db.add(DeliveryRecord(session_id=session.id, seq=seq + 1, kind=kind.value, segment_id=segment,
                              detail=json.dumps(detail, sort_keys=True, ensure_ascii=False), occurred_at=when))
        db.flush()
        return _session_run(ws, db, session)


def end_running_segment(ws: Workspace, db: Session, session: TrainingSession, at: datetime) -> bool:
    """Sealing ends the segment still running (or paused), inside the caller's transaction, so the record does not
    leave it open: at the close, or, where its allowed minutes ran out before the close, at that moment. A segment
    left running over a close is not teaching (`SegmentRun.counted`), and the record sealed must claim no more than
    the close's preview showed. False if nothing was running, or the close is dated before the last step recorded
    (a close keyed in for the past)."""
    run = _session_run(ws, db, session)
    current = run.delivery.current
    last = run.delivery.last_at
    if current is None or (last is not None and at < last):
        return False
    try:
        check_step(run.delivery, DeliveryKind.ENDED, current, {})
    except DeliveryError:
        return False
    ended = run.delivery.run_of(current).counted_until(at, run.delivery.paused_since)
    seq = db.scalar(select(func.max(DeliveryRecord.seq)).where(DeliveryRecord.session_id == session.id)) or 0
    db.add(DeliveryRecord(session_id=session.id, seq=seq + 1, kind=DeliveryKind.ENDED.value, segment_id=current,
                          detail=json.dumps({}), occurred_at=ended))
    db.flush()
    return True


def _known_segment(run: SessionRun, segment_id: str) -> None:
    if segment_id not in {s.id for s in run.workshop.segments}:
        raise UserError(_("session {session}'s workshop has no segment '{segment}'").format(
            session=run.session_id, segment=segment_id))


# --- the presenter's controls ------------------------------------------------------------------------------

def start(ws: Workspace, session_id: str, segment: str, *, at: datetime | None = None) -> SessionRun:
    """Start `segment` (ending whichever is running), or start it again after going back to it."""
    return record(ws, session_id, DeliveryKind.STARTED, segment, at=at)


def advance(ws: Workspace, session_id: str, *, at: datetime | None = None) -> SessionRun:
    """End the running segment and start the next one still to run; after the last, just end it."""
    run = session_run(ws, session_id)
    following = run.delivery.next_up
    if following is not None:
        return start(ws, session_id, following.segment.id, at=at)
    if run.delivery.current is not None:
        return record(ws, session_id, DeliveryKind.ENDED, run.delivery.current, at=at)
    raise UserError(_("every segment has been run or skipped; close the session when the room has left"))


def end(ws: Workspace, session_id: str, *, at: datetime | None = None) -> SessionRun:
    """End the running segment without starting another (for the end of the day, or an unplanned stop)."""
    current = session_run(ws, session_id).delivery.current
    return record(ws, session_id, DeliveryKind.ENDED, current, at=at)


def pause(ws: Workspace, session_id: str, *, at: datetime | None = None) -> SessionRun:
    return record(ws, session_id, DeliveryKind.PAUSED, at=at)


def resume(ws: Workspace, session_id: str, *, at: datetime | None = None) -> SessionRun:
    return record(ws, session_id, DeliveryKind.RESUMED, at=at)


def extend(ws: Workspace, session_id: str, minutes: int = 1, *, at: datetime | None = None) -> SessionRun:
    current = session_run(ws, session_id).delivery.current
    return record(ws, session_id, DeliveryKind.EXTENDED, current, {"minutes": minutes}, at=at)


def skip(ws: Workspace, session_id: str, segment: str | None = None, *, at: datetime | None = None) -> SessionRun:
    """Pass over `segment` (by default the next one still to run) without running it."""
    if segment is None:
        following = session_run(ws, session_id).delivery.next_up
        if following is None:
            raise UserError(_("there is no segment left to skip"))
        segment = following.segment.id
    return record(ws, session_id, DeliveryKind.SKIPPED, segment, at=at)


def note(ws: Workspace, session_id: str, segment: str, text: str, *, at: datetime | None = None) -> SessionRun:
    """The trainer's own note on a segment ("ran long: good questions about remote work")."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError(_("the note is empty"))
    _refuse_control_characters(cleaned, N_("the note contains a control character ({code}); remove it and try again"))
    if len(cleaned) > MAX_NOTE:
        raise UserError(ngettext("the note is {count} character long; keep it to {most}",
                                 "the note is {count} characters long; keep it to {most}", len(cleaned)).format(
            count=len(cleaned), most=MAX_NOTE))
    return record(ws, session_id, DeliveryKind.NOTE, segment, {"text": cleaned}, at=at)


# --- votes and knowledge checks ----------------------------------------------------------------------------

def tally(ws: Workspace, session_id: str, segment: str, item: int, counts: Sequence[int], *,
          at: datetime | None = None) -> SessionRun:
    """Record the hands counted for each option of a vote or question (a later tally replaces it). The tally kept
    is the hands plus the phones' votes at that moment, with both parts in its detail (docs/companion.md)."""
    run = session_run(ws, session_id)
    _known_segment(run, segment)
    try:
        options = vote_at(run.segment(segment), item).options
    except NoSuchVote as exc:
        raise UserError(str(exc)) from None
    if len(counts) != len(options):
        raise UserError(_("give one count per option: {options}, {counts}").format(
            options=ngettext("{n} option", "{n} options", len(options)).format(n=len(options)),
            counts=ngettext("{n} count", "{n} counts", len(counts)).format(n=len(counts))))
    return record(ws, session_id, DeliveryKind.TALLY, segment, {"item": item, "hands": list(counts)}, at=at,
                  complete=partial(_with_phones, segment))


def _with_phones(segment: str, db: Session, run: SessionRun, detail: dict[str, Any]) -> None:
    """Add the phones' counts of the tally's question to the hands, as they stand in this transaction."""
    hands = detail["hands"]
    phones = phone_counts(db, run.session_id, segment, detail["item"], len(hands))
    detail["phones"] = list(phones)
    detail["counts"] = [h + p for h, p in zip(hands, phones, strict=True)]


def reveal(ws: Workspace, session_id: str, segment: str, item: int, *, at: datetime | None = None) -> SessionRun:
    """Show the room the results (and any correct answer) of a vote or question. Hands must have been counted, or
    phones have voted; the phones' votes are recorded with the reveal as they stand then, in its transaction, so
    the record holds exactly the counts the room was shown."""
    run = session_run(ws, session_id)
    _known_segment(run, segment)
    try:
        vote_at(run.segment(segment), item)
    except NoSuchVote as exc:
        raise UserError(str(exc)) from None
    return record(ws, session_id, DeliveryKind.REVEALED, segment, {"item": item}, at=at,
                  complete=partial(_phones_at_reveal, segment))


def _phones_at_reveal(segment: str, db: Session, run: SessionRun, detail: dict[str, Any]) -> None:
    item = detail["item"]
    options = len(vote_at(run.segment(segment), item).options)
    phones = phone_counts(db, run.session_id, segment, item, options)
    hands = run.delivery.run_of(segment).hands.get(item)
    if hands is None and not any(phones):
        raise UserError(_("count the hands first: enter how many chose each option, then reveal"))
    if any(phones):
        hands = hands or (0,) * options
        detail.update(hands=list(hands), phones=list(phones), counts=[h + p for h, p in zip(hands, phones,
                                                                                             strict=True)])


# --- role-plays --------------------------------------------------------------------------------------------

def assign(ws: Workspace, session_id: str, segment: str, people: Sequence[str], *, opted_out: Sequence[str] = (),
           volunteers: Sequence[str] = (), seed: int | None = None, at: datetime | None = None) -> RoleAssignment:
    """Random role-play groups among `people` (badge tokens of those present), stored as round 1."""
    run = session_run(ws, session_id)
    _known_segment(run, segment)
    seg = run.segment(segment)
    if rules(seg.type).panel is not Panel.ROLES:
        raise UserError(_("segment '{segment}' is not a role-play").format(segment=segment))
    try:
        assignment = assign_roles(people, roles_of(seg), random.Random(seed), opted_out=opted_out,
                                  volunteers=volunteers, observers_per_group=seg.observers_per_group)
    except DeliveryError as exc:
        raise UserError(str(exc)) from None
    record(ws, session_id, DeliveryKind.ROLES, segment, assignment.as_detail(), at=at)
    return assignment


def rotate(ws: Workspace, session_id: str, segment: str, *, at: datetime | None = None) -> RoleAssignment:
    """The next round's parts: everyone moves one part along, volunteer-only parts and opt-outs stay put."""
    run = session_run(ws, session_id)
    _known_segment(run, segment)
    rounds = run.delivery.run_of(segment).role_rounds
    if not rounds:
        raise UserError(_("assign the roles first"))
    assignment = rotate_roles(rounds[-1], roles_of(run.segment(segment)))
    record(ws, session_id, DeliveryKind.ROLES, segment, assignment.as_detail(), at=at)
    return assignment


def people_present(ws: Workspace, session_id: str) -> list[tuple[str, str]]:
    """(badge token, name) of everyone in the room now, for role-play groups."""
    from facilitator.services.attendance import attendance_report

    report = attendance_report(ws, session_id)
    ids = {r.person.id for r in report.rows if r.is_in}
    with ws.store.transaction() as db:
        rows = db.execute(select(RosterEntry.badge_token, RosterEntry.first_name, RosterEntry.last_name)
                          .where(RosterEntry.id.in_(ids)).order_by(RosterEntry.last_name, RosterEntry.first_name)).all()
    return [(token, f"{first} {last}".strip()) for token, first, last in rows]


def names_by_token(ws: Workspace, session_id: str) -> dict[str, str]:
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        rows = db.execute(select(RosterEntry.badge_token, RosterEntry.first_name, RosterEntry.last_name)
                          .where(RosterEntry.session_id == session.id)).all()
    return {token: f"{first} {last}".strip() for token, first, last in rows}


# --- anonymous feedback ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackSummary:
    """What the room said, in aggregate. Per-rating counts are withheld below SMALL_GROUP ratings."""

    responses: int
    rated: int
    average: float | None
    scale: int
    distribution: tuple[int, ...] | None  # count per rating 1..scale; None below SMALL_GROUP ratings
    comments: tuple[str, ...]  # sorted, so their order says nothing about who wrote them


def add_feedback(ws: Workspace, session_id: str, segment: str, *, rating: int | None, comment: str = "",
                 source: str = "paper") -> FeedbackSummary:
    """Store one anonymous response (a rating, a comment, or both); nothing about who gave it is kept."""
    run = session_run(ws, session_id)
    _known_segment(run, segment)
    seg = run.segment(segment)
    if rules(seg.type).panel is not Panel.FEEDBACK:
        raise UserError(_("segment '{segment}' is not a feedback round").format(segment=segment))
    if run.sealed:
        raise UserError(Words(N_("session {session} is sealed; its feedback can no longer change"),
                              session=run.session_id))
    scale = seg.rating.scale
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= scale):
        raise UserError(Words(N_("the rating must be a whole number from 1 to {most}"), most=scale))
    if source not in FEEDBACK_SOURCES:
        raise UserError(_("a response comes in on {sources}, not '{source}'").format(
            sources=either(FEEDBACK_SOURCES), source=source))
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise UserError(ngettext("the comment is {count} character long; keep it to {most}",
                                 "the comment is {count} characters long; keep it to {most}", len(text)).format(
            count=len(text), most=MAX_COMMENT))
    _refuse_control_characters(text, N_("the comment contains a control character ({code}); remove it and try "
                                        "again"))
    if rating is None and not text:
        raise UserError(Words(N_("give a rating, a comment, or both")))
    with ws.store.write_transaction() as db:
        db.add(FeedbackResponse(session_id=run.session_id, segment_id=segment, rating=rating,
                                comment=text or None, source=source))
    return feedback_summary(ws, session_id, segment)


def _refuse_control_characters(text: str, refusal: str) -> None:
    """NUL and other control characters (line breaks and tabs aside) are never typed on purpose: they come from
    a bad paste or a hostile phone, break exports and hide text, so they are refused (`refusal`, marked with N_,
    says so with the character's {code}) rather than kept."""
    for char in text:
        if char not in "\n\r\t" and unicodedata.category(char) == "Cc":
            raise UserError(Words(refusal, code=f"U+{ord(char):04X}"))


def remove_last_feedback(ws: Workspace, session_id: str, segment: str) -> FeedbackSummary:
    """Undo the most recently typed response (a slip while keying in a stack of paper forms)."""
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if session.is_sealed:
            raise UserError(_("session {session} is sealed; its feedback can no longer change").format(
                session=session.id))
        last = db.scalars(select(FeedbackResponse).where(FeedbackResponse.session_id == session.id,
                                                         FeedbackResponse.segment_id == segment)
                          .order_by(FeedbackResponse.id.desc())).first()
        if last is None:
            raise UserError(_("there is no response to remove"))
        db.delete(last)
    return feedback_summary(ws, session_id, segment)


def feedback_summary(ws: Workspace, session_id: str, segment: str | None = None) -> FeedbackSummary:
    """All feedback of the session (or of one feedback segment), aggregated."""
    run = session_run(ws, session_id)
    scales = [s.rating.scale for s in run.workshop.segments if rules(s.type).panel is Panel.FEEDBACK
              and (segment is None or s.id == segment)]
    scale = scales[0] if scales else 5
    with ws.store.transaction() as db:
        query = select(FeedbackResponse.rating, FeedbackResponse.comment).where(
            FeedbackResponse.session_id == run.session_id)
        if segment is not None:
            query = query.where(FeedbackResponse.segment_id == segment)
        rows = db.execute(query).all()
    ratings = [r for r, _ in rows if r is not None]
    # Counted over ratings, not responses: five responses of which two are rated must not show those two.
    distribution = tuple(ratings.count(n) for n in range(1, scale + 1)) if len(ratings) >= SMALL_GROUP else None
    return FeedbackSummary(len(rows), len(ratings), sum(ratings) / len(ratings) if ratings else None, scale,
                           distribution, tuple(sorted(c for _, c in rows if c)))


# --- the clock, for callers without their own ---------------------------------------------------------------

def now() -> datetime:
    return datetime.now(UTC)


def minutes(delta: timedelta) -> int:
    """Whole minutes, rounded to the nearest."""
    return round(delta.total_seconds() / 60)


def feedback_counts(db: Session, session_id: str) -> dict[str, int]:
    """How many responses each feedback round of the session had."""
    return dict(db.execute(select(FeedbackResponse.segment_id, func.count())
                           .where(FeedbackResponse.session_id == session_id)
                           .group_by(FeedbackResponse.segment_id)).all())


def delivery_digest(db: Session, session_id: str) -> str:
    """SHA-256 of how the session was delivered: every step of its delivery log in order, and its anonymous
    feedback as a set (sorted by content, so nothing about the order it came in is kept). A seal signs it, so
    the report's agenda, counts and feedback cannot be changed afterwards unnoticed."""
    steps = db.execute(select(DeliveryRecord.seq, DeliveryRecord.kind, DeliveryRecord.segment_id,
                              DeliveryRecord.detail, DeliveryRecord.occurred_at)
                       .where(DeliveryRecord.session_id == session_id).order_by(DeliveryRecord.seq)).all()
    feedback = db.execute(select(FeedbackResponse.segment_id, FeedbackResponse.rating, FeedbackResponse.comment,
                                 FeedbackResponse.source).where(FeedbackResponse.session_id == session_id)).all()
    content = {"delivery": [[seq, kind, segment, detail, iso(at)] for seq, kind, segment, detail, at in steps],
               "feedback": sorted([[segment, rating, comment, source] for segment, rating, comment, source in feedback],
                                  key=lambda row: json.dumps(row, ensure_ascii=False))}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode("utf-8")).hexdigest()
