"""Anonymous questions from the room's phones, moderated by the trainer before any reaches the projector
(docs/companion.md). A question is kept with its text and its state only: no person, no address, no time.
Refusals a phone may read are `Words`, said again in the phone's language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from facilitator.i18n import N_, Words, _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import AudienceQuestion

MAX_QUESTION = 500  # characters: a question, not an essay
# Direction overrides and isolates can make a question read differently on the projector than in the console.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
WAITING_MAX = 300  # waiting at once for one session: beyond that a phone is flooding, not the room asking


class QuestionState(StrEnum):
    WAITING = "waiting"  # not yet seen by the trainer
    SHOWN = "shown"  # the trainer put it on the projector
    DISMISSED = "dismissed"  # the trainer chose not to show it


@dataclass(frozen=True)
class RoomQuestion:
    id: int
    text: str
    state: QuestionState


def ask(ws: Workspace, session_id: str, text: str) -> None:
    """Keep a question from a phone for the trainer to read."""
    question = " ".join(text.split())
    if not question:
        raise UserError(Words(N_("write a question first")))
    if len(question) > MAX_QUESTION:
        raise UserError(ngettext("the question is {count} character long; keep it to {most}",
                                 "the question is {count} characters long; keep it to {most}", len(question)).format(
            count=len(question), most=MAX_QUESTION))
    if any(unicodedata.category(c) in ("Cc", "Co", "Cs") or c in BIDI_CONTROLS for c in question):
        raise UserError(Words(N_("the question contains characters that cannot be shown; write it again")))
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if session.is_sealed:
            raise UserError(Words(N_("this session has ended; questions are closed")))
        waiting = db.scalar(select(func.count()).select_from(AudienceQuestion).where(
            AudienceQuestion.session_id == session.id, AudienceQuestion.state == QuestionState.WAITING))
        if (waiting or 0) >= WAITING_MAX:
            raise UserError(Words(N_("the trainer has many questions waiting; try again in a few minutes")))
        db.add(AudienceQuestion(session_id=session.id, text=question, state=QuestionState.WAITING))


def questions(ws: Workspace, session_id: str, *states: QuestionState) -> list[RoomQuestion]:
    """The session's questions in the order they came, of the given states (all, with none)."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        query = select(AudienceQuestion).where(AudienceQuestion.session_id == session.id)
        if states:
            query = query.where(AudienceQuestion.state.in_([s.value for s in states]))
        return [RoomQuestion(q.id, q.text, QuestionState(q.state)) for q in db.scalars(query.order_by(
            AudienceQuestion.id))]


def show(ws: Workspace, session_id: str, question_id: int) -> RoomQuestion:
    """The trainer puts a question on the projector."""
    return _moderate(ws, session_id, question_id, QuestionState.SHOWN)


def dismiss(ws: Workspace, session_id: str, question_id: int) -> RoomQuestion:
    """The trainer sets a question aside without showing it."""
    return _moderate(ws, session_id, question_id, QuestionState.DISMISSED)


def _moderate(ws: Workspace, session_id: str, question_id: int, state: QuestionState) -> RoomQuestion:
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        row = db.get(AudienceQuestion, question_id)
        if row is None or row.session_id != session.id:
            raise UserError(_("there is no question {number} in this session").format(number=question_id))
        row.state = state.value
        return RoomQuestion(row.id, row.text, state)
