"""Votes, knowledge-check answers and feedback from phones (docs/companion.md), kept so they cannot be linked.

A phone answers only the question on the room's screen, until its results are revealed. Each phone has its own
ballot for each question, which the phone's pages make from its room pass and the question
(companion/room_pass.py), so a phone cannot pick another to vote again; voting spends it. The store keeps the
ballot's SHA-256 (to refuse a second vote) and one more in the option's count: no row per vote, no time, no
address, no pass, so nothing ties two answers of one phone together, or an answer to a person. The counts join the hands
counted in the room when the trainer tallies or reveals (services/delivery.py). Refusals are `Words`, which a
phone's page says again in the phone's language.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from facilitator.domain.delivery import DeliveryKind, SegmentRun
from facilitator.domain.segment_kinds import Panel, rules, stages, vote_at
from facilitator.i18n import N_, Words
from facilitator.services import delivery, presenter_state
from facilitator.services.errors import UserError
from facilitator.services.phone_tally import phone_counts
from facilitator.services.sessions import find_session
from facilitator.services.slides import room_counts
from facilitator.services.workspace import Workspace
from facilitator.storage.models import DeliveryRecord, PhoneVote, SessionSeal, TrainingSession, UsedBallot

FEEDBACK_ITEM = 0  # a feedback round has one ballot per phone, under item 0 of its segment


class Asking(StrEnum):
    VOTE = "vote"  # an opinion: no right answer
    QUESTION = "question"  # a knowledge check: one or more correct options, shown after the reveal
    FEEDBACK = "feedback"  # the feedback round


@dataclass(frozen=True)
class OpenQuestion:
    """What a phone may answer now: the question the room sees, or the feedback round."""

    asking: Asking
    session_id: str
    segment_id: str
    item: int
    question: str
    options: tuple[str, ...]  # none for feedback
    scale: int = 0  # feedback's rating scale
    prompt: str = ""  # feedback's first comment prompt ("What will you do differently?"), if it has one

    @property
    def key(self) -> str:
        """Names this question's ballot cookie: the segment and item, nothing about the phone."""
        return f"{self.segment_id}.{self.item}"


@dataclass(frozen=True)
class Results:
    """What a phone may see of a revealed question: the room's counts (or only a total, for a small group)."""

    question: str
    options: tuple[str, ...]
    counts: tuple[int, ...] | None  # None below SMALL_GROUP answers: then only the total is shown
    total: int
    correct: tuple[int, ...]


def open_question(ws: Workspace, session_id: str) -> OpenQuestion | None:
    """The question on the room's screen now, if phones may answer it: the running segment's current step is a
    vote or a question not yet revealed, or the segment is a feedback round. None otherwise.

    Every phone asks this on every page, so the answer is kept until the delivery log, the presenter's step or the
    session's status changes (a cheap look at each), rather than the workshop replayed for each phone."""
    key = (id(ws), *_state_of(ws, session_id), presenter_state.stamp(ws))
    with _KEPT_LOCK:
        if key in _kept:
            return _kept[key]
    asked = _open_question(ws, session_id)
    with _KEPT_LOCK:
        _kept.clear()  # only the latest look is worth keeping
        _kept[key] = asked
    return asked


def _state_of(ws: Workspace, session_id: str) -> tuple[str, int | None, int]:
    """The session's full id, its delivery log's last step and whether it has a seal: three small counts in one
    plain query (the session's ORM object, with its seal loaded to say whether it is sealed, cost more than the
    question it guards)."""
    with ws.store.transaction() as db:
        wanted = session_id.strip().upper()
        row = db.execute(select(
            select(func.count()).where(TrainingSession.id == wanted).scalar_subquery(),
            select(func.max(DeliveryRecord.seq)).where(DeliveryRecord.session_id == wanted).scalar_subquery(),
            select(func.count()).where(SessionSeal.session_id == wanted).scalar_subquery())).one()
        if not row[0]:  # not the whole id: find it (or say there is no such session) the usual way
            return _state_of(ws, find_session(db, session_id).id)
        return wanted, row[1], row[2]


_kept: dict[tuple[object, ...], OpenQuestion | None] = {}
_KEPT_LOCK = threading.Lock()


def _open_question(ws: Workspace, session_id: str) -> OpenQuestion | None:
    run = delivery.session_run(ws, session_id)
    current = run.delivery.current
    if run.sealed or current is None:
        return None
    segment = run.segment(current)
    if rules(segment.type).panel is Panel.FEEDBACK:
        return OpenQuestion(Asking.FEEDBACK, run.session_id, current, FEEDBACK_ITEM, str(segment.rating.question), (),
                            segment.rating.scale, str(segment.comments[0]) if segment.comments else "")
    steps = stages(segment)
    step = presenter_state.saved_step(ws, run.session_id, current)
    if not steps or step >= len(steps) or steps[step].name not in ("vote", "question"):
        return None
    item = steps[step].item
    if item in run.delivery.run_of(current).revealed:
        return None
    vote = vote_at(segment, item)
    asking = Asking.QUESTION if steps[step].name == "question" else Asking.VOTE
    return OpenQuestion(asking, run.session_id, current, item, vote.question, tuple(vote.options))


def cast_vote(ws: Workspace, session_id: str, segment_id: str, item: int, option: int, ballot: str) -> None:
    """Count one phone's answer, if the question is still open and its ballot unspent (UserError says why not)."""
    asked = _still_open(ws, session_id, segment_id, item, (Asking.VOTE, Asking.QUESTION))
    if not 0 <= option < len(asked.options):
        raise UserError(Words(N_("choose one of the answers shown")))
    with ws.store.write_transaction() as db:
        if _revealed(db, asked.session_id, segment_id, item):  # again, under the write lock: it may just have been
            raise _closed()
        _spend(db, asked.session_id, segment_id, item, ballot)
        counted = db.execute(update(PhoneVote).where(
            PhoneVote.session_id == asked.session_id, PhoneVote.segment_id == segment_id, PhoneVote.item == item,
            PhoneVote.option == option).values(count=PhoneVote.count + 1)).rowcount
        if not counted:
            db.add(PhoneVote(session_id=asked.session_id, segment_id=segment_id, item=item, option=option, count=1))


def give_feedback(ws: Workspace, session_id: str, segment_id: str, ballot: str, *, rating: int | None,
                  comment: str = "") -> None:
    """One phone's anonymous feedback for the running feedback round; one per phone (its ballot)."""
    asked = _still_open(ws, session_id, segment_id, FEEDBACK_ITEM, (Asking.FEEDBACK,))
    with ws.store.write_transaction() as db:
        _spend(db, asked.session_id, segment_id, FEEDBACK_ITEM, ballot)
    try:
        delivery.add_feedback(ws, session_id, segment_id, rating=rating, comment=comment, source="phone")
    except UserError:  # nothing was stored: the phone may correct its answer and send it again
        with ws.store.write_transaction() as db:
            db.execute(delete(UsedBallot).where(UsedBallot.session_id == asked.session_id,
                                                UsedBallot.segment_id == segment_id,
                                                UsedBallot.item == FEEDBACK_ITEM,
                                                UsedBallot.ballot_sha256 == _digest(ballot)))
        raise


def phone_votes(ws: Workspace, session_id: str, segment_id: str, item: int) -> tuple[int, ...]:
    """The phones' counts of one question so far, for the trainer's console (never for the room before the
    reveal)."""
    run = delivery.session_run(ws, session_id)
    options = len(vote_at(run.segment(segment_id), item).options)
    with ws.store.transaction() as db:
        return phone_counts(db, run.session_id, segment_id, item, options)


def results(ws: Workspace, session_id: str, segment_id: str, item: int) -> Results | None:
    """A revealed question's results as the room saw them (None before the reveal)."""
    return _results(delivery.session_run(ws, session_id), segment_id, item)


def last_results(ws: Workspace, session_id: str) -> Results | None:
    """The results of the running segment's latest revealed question, as the room saw them (None if none is)."""
    run = delivery.session_run(ws, session_id)
    current = run.delivery.current
    if current is None or not run.delivery.run_of(current).revealed:
        return None
    return _results(run, current, max(run.delivery.run_of(current).revealed))


def _results(run: delivery.SessionRun, segment_id: str, item: int) -> Results | None:
    segment_run: SegmentRun = run.delivery.run_of(segment_id)
    if item not in segment_run.revealed:
        return None
    vote = vote_at(run.segment(segment_id), item)
    tally = segment_run.tallies.get(item, ())
    counts, _total_only = room_counts(tally or None)
    return Results(vote.question, tuple(vote.options), counts, sum(tally), tuple(vote.correct or ()))


def _still_open(ws: Workspace, session_id: str, segment_id: str, item: int,
                kinds: tuple[Asking, ...]) -> OpenQuestion:
    asked = open_question(ws, session_id)
    if asked is None or (asked.segment_id, asked.item) != (segment_id, item) or asked.asking not in kinds:
        raise _closed()
    return asked


def _revealed(db: Session, session_id: str, segment_id: str, item: int) -> bool:
    details = db.scalars(select(DeliveryRecord.detail).where(
        DeliveryRecord.session_id == session_id, DeliveryRecord.segment_id == segment_id,
        DeliveryRecord.kind == DeliveryKind.REVEALED.value))
    return any(json.loads(detail).get("item") == item for detail in details)


def _closed() -> UserError:
    return UserError(Words(N_("answers to this question have closed; look at the screen for the next one")))


def _spend(db: Session, session_id: str, segment_id: str, item: int, ballot: str) -> None:
    """Mark the ballot spent for this question, refusing one spent before or one that is not a ballot at all."""
    if not 16 <= len(ballot) <= 64 or not ballot.isascii():
        raise UserError(Words(N_("this page is out of date; open the question again from the screen's code")))
    digest = _digest(ballot)
    spent = db.scalar(select(UsedBallot.ballot_sha256).where(
        UsedBallot.session_id == session_id, UsedBallot.segment_id == segment_id, UsedBallot.item == item,
        UsedBallot.ballot_sha256 == digest))
    if spent is not None:
        raise UserError(Words(N_("this phone has already answered this question")))
    db.add(UsedBallot(session_id=session_id, segment_id=segment_id, item=item, ballot_sha256=digest))


def _digest(ballot: str) -> str:
    return hashlib.sha256(ballot.encode("ascii", "replace")).hexdigest()
