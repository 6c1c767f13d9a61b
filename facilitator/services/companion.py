"""The phones' companion, the store's side (docs/companion.md): the session's rotating join code, people finding
and checking themselves in from a phone, and walk-ins who wait for the trainer's approval at the desk.

Check-ins go through `attendance.check_in`, as the desk's do (source "phone"): the same idempotency, the same
refused-scan records, the same hash chain. The web server (facilitator/companion) only calls these functions.
What a phone may be refused is said with `Words`, so the phone's page can say it in the phone's language.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select

from facilitator.content.roster_file import check_person
from facilitator.domain import rotation
from facilitator.domain.attendance import Source
from facilitator.domain.roster import names_person
from facilitator.i18n import N_, Words, _
from facilitator.services import attendance, roster
from facilitator.services.attendance import ScanResult
from facilitator.services.errors import UserError
from facilitator.services.evidence import session_acknowledgment
from facilitator.services.sessions import ROSTER_COLUMNS, RosterPerson, find_session, roster_person
from facilitator.services.workspace import Workspace
from facilitator.storage.models import CompanionState, PendingWalkIn, RosterEntry

SEARCH_SHOWN = 5  # matches a phone is shown at most
WAITING_MAX = 200  # walk-ins waiting at once for one session: more is a phone misbehaving, not a crowd


# --- the rotating join code ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class JoinCode:
    code: str
    changes_at: datetime  # when the next one replaces it


def rotation_secret(ws: Workspace, session_id: str) -> bytes:
    """The session's rotation secret, made on first use and kept: a reopened window or app shows the same codes."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        state = db.get(CompanionState, session.id)
        if state is not None:
            return bytes.fromhex(state.secret)
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if session.is_sealed:
            raise UserError(_("session {session} is sealed; phones can no longer join it").format(
                session=session.id))
        state = db.get(CompanionState, session.id)  # another process may have made it meanwhile
        if state is None:
            state = CompanionState(session_id=session.id, secret=secrets.token_hex(rotation.SECRET_BYTES))
            db.add(state)
        return bytes.fromhex(state.secret)


def join_code(ws: Workspace, session_id: str, now: datetime | None = None) -> JoinCode:
    """The code the room's screen shows now, and when it changes."""
    moment = now or datetime.now(UTC)
    return JoinCode(rotation.current_code(rotation_secret(ws, session_id), moment), rotation.next_change(moment))


def code_accepted(ws: Workspace, session_id: str, code: str, now: datetime | None = None) -> bool:
    """Whether a phone's code is one the room's screen showed lately (docs/companion.md)."""
    return rotation.accepted(rotation_secret(ws, session_id), code, now or datetime.now(UTC))


def join_address(host: str, port: int, code: str) -> str:
    """The address the QR code holds: http, since the laptop has no certificate a phone would trust offline."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/j/{code}"


# --- finding and checking oneself in ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PhoneMatch:
    """Someone on the roster as a phone may see them: a first name and an initial, nothing else."""

    entry_id: int
    shown_name: str
    language: str | None

    @classmethod
    def of(cls, person: RosterPerson, language: str | None) -> PhoneMatch:
        initial = person.last_name.strip()[:1]
        return cls(person.id, f"{person.first_name} {initial}.".strip() if initial else person.first_name, language)


def find_on_phone(ws: Workspace, session_id: str, text: str) -> list[PhoneMatch]:
    """Who on the roster the phone's typing names (`domain.roster.names_person`: a whole first and last name, or an
    exact employee id; never part of a word or an e-mail), at most SEARCH_SHOWN of them."""
    typed = " ".join(text.split())
    if not typed:
        return []
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        # Plain rows, not the session's roster objects: phones search by the hundred at once.
        rows = db.execute(select(*ROSTER_COLUMNS).where(RosterEntry.session_id == session.id)).all()
    found = sorted((row for row in rows if names_person(typed, row.first_name, row.last_name, row.employee_id)),
                   key=lambda row: (row.last_name.casefold(), row.first_name.casefold()))[:SEARCH_SHOWN]
    return [PhoneMatch.of(roster_person(row), row.language) for row in found]


def match(ws: Workspace, session_id: str, entry_id: int) -> PhoneMatch:
    """One roster entry as a phone may see it (the confirm page)."""
    person, language = _entry(ws, session_id, entry_id)
    return PhoneMatch.of(person, language)


@dataclass(frozen=True)
class PhoneCheckIn:
    """What the phone's confirm page needs, in one call (phones check in by the hundred at once)."""

    match: PhoneMatch
    result: ScanResult
    acknowledgment: str  # what the session's laws ask them to sign ("" where none does)


def check_in_from_phone(ws: Workspace, session_id: str, entry_id: int) -> PhoneCheckIn:
    """Check in the roster entry a phone confirmed, with who they are (as a phone may see them) and what they
    are asked to sign."""
    person, language = _entry(ws, session_id, entry_id)
    # The person checked themselves in: the log names them, not the trainer, as the one who did.
    result = attendance.check_in(ws, session_id, person.badge_code, source=Source.PHONE, actor=person.full_name)
    return PhoneCheckIn(PhoneMatch.of(person, language), result, acknowledgment_text(ws, session_id))


def acknowledgment_text(ws: Workspace, session_id: str) -> str:
    """What the session's laws ask each trainee to sign ("" where none does): the phone shows it after check-in."""
    with ws.store.transaction() as db:
        codes = [j.code for j in find_session(db, session_id).jurisdictions]
    return session_acknowledgment(ws, codes)


def acknowledge_by_phone(ws: Workspace, session_id: str, entry_id: int, typed_name: str) -> str:
    """Record the acknowledgment, signed on the phone by typing one's full name (an electronic signature, which
    New York City allows), as the desk records one; the name typed must be the name on the roster."""
    if not acknowledgment_text(ws, session_id):
        raise UserError(Words(N_("this session has nothing to acknowledge")))
    person, _language = _entry(ws, session_id, entry_id)
    typed = " ".join(typed_name.split())
    if _folded(typed) != _folded(person.full_name):
        raise UserError(Words(N_("type your full name as it is on the list to sign: {name}"),
                              name=PhoneMatch.of(person, None).shown_name))
    return attendance.acknowledge(ws, session_id, entry_id, source=Source.PHONE, actor=person.full_name,
                                  signed_as=typed)


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


def _entry(ws: Workspace, session_id: str, entry_id: int) -> tuple[RosterPerson, str | None]:
    """One roster entry and its language, read as a plain row (phones ask many at once)."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        row = db.execute(select(*ROSTER_COLUMNS).where(RosterEntry.session_id == session.id,
                                                       RosterEntry.id == entry_id)).first()
        if row is None:
            raise UserError(Words(N_("that person is not on this session's list; search again")))
        return roster_person(row), row.language


# --- walk-ins waiting for the trainer ----------------------------------------------------------------------------

class WalkInState(StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True)
class WaitingWalkIn:
    id: int
    first_name: str
    last_name: str
    employee_id: str | None
    asked_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def ask_to_join(ws: Workspace, session_id: str, first_name: str, last_name: str, employee_id: str | None = None,
                *, at: datetime | None = None) -> WaitingWalkIn:
    """Someone not on the list asks to be added: kept waiting for the trainer (the same name waiting once)."""
    values = {"first_name": first_name, "last_name": last_name, "employee_id": employee_id or None}
    person, problems = check_person(values)
    if person is None:
        raise UserError("; ".join(str(p) for p in problems))
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        if session.is_sealed:
            raise UserError(Words(N_("session {session} is sealed; it accepts no more check-ins"), session=session.id))
        waiting = list(db.scalars(select(PendingWalkIn).where(PendingWalkIn.session_id == session.id,
                                                              PendingWalkIn.state == WalkInState.WAITING)))
        same = next((w for w in waiting if (w.first_name.casefold(), w.last_name.casefold())
                     == (person.first_name.casefold(), person.last_name.casefold())), None)
        if same is not None:
            return _waiting(same)
        if len(waiting) >= WAITING_MAX:
            raise UserError(Words(N_("too many people are waiting to be added; ask the trainer at the desk")))
        row = PendingWalkIn(session_id=session.id, first_name=person.first_name, last_name=person.last_name,
                            employee_id=person.employee_id, asked_at=at or datetime.now(UTC),
                            state=WalkInState.WAITING)
        db.add(row)
        db.flush()
        return _waiting(row)


def waiting_walk_ins(ws: Workspace, session_id: str) -> list[WaitingWalkIn]:
    """The walk-ins waiting for the trainer, in the order they asked."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        rows = db.scalars(select(PendingWalkIn).where(PendingWalkIn.session_id == session.id,
                                                      PendingWalkIn.state == WalkInState.WAITING)
                          .order_by(PendingWalkIn.id))
        return [_waiting(r) for r in rows]


def approve_walk_in(ws: Workspace, session_id: str, waiting_id: int, *, actor: str | None = None) -> ScanResult:
    """Add a waiting walk-in to the roster and check them in at the time they asked from their phone."""
    row = _claim(ws, session_id, waiting_id, WalkInState.APPROVED)
    try:
        person = roster.add_walk_in(ws, session_id, row.first_name, row.last_name, row.employee_id, actor=actor,
                                    source=Source.DESK)
    except UserError:  # e.g. already on the roster: they stay waiting, and the trainer reads why
        _settle(ws, waiting_id, WalkInState.WAITING, None)
        raise
    _settle(ws, waiting_id, WalkInState.APPROVED, person.id)
    try:
        return attendance.check_in(ws, session_id, person.badge_code, at=row.asked_at, source=Source.PHONE,
                                   actor=actor)
    except UserError:  # they asked outside the session's day window (hours early): they arrived no later than now
        return attendance.check_in(ws, session_id, person.badge_code, source=Source.PHONE, actor=actor)


def decline_walk_in(ws: Workspace, session_id: str, waiting_id: int) -> None:
    """Turn a waiting walk-in away (a duplicate, a mistake, or someone not meant to be here)."""
    _claim(ws, session_id, waiting_id, WalkInState.DECLINED)


def _claim(ws: Workspace, session_id: str, waiting_id: int, state: WalkInState) -> WaitingWalkIn:
    """Settle a waiting walk-in in one write, so two desks (or a double click) cannot both approve it."""
    with ws.store.write_transaction() as db:
        session = find_session(db, session_id)
        row = db.get(PendingWalkIn, waiting_id)
        if row is None or row.session_id != session.id:
            raise UserError(_("no one with that number is waiting to be added to this session"))
        if row.state != WalkInState.WAITING:
            raise UserError(_("{name} was already {state}").format(
                name=f"{row.first_name} {row.last_name}".strip(),
                state=_("approved") if row.state == WalkInState.APPROVED else _("declined")))
        row.state = state
        return _waiting(row)


def _settle(ws: Workspace, waiting_id: int, state: WalkInState, entry_id: int | None) -> None:
    with ws.store.write_transaction() as db:
        row = db.get(PendingWalkIn, waiting_id)
        assert row is not None
        row.state, row.entry_id = state, entry_id


def _waiting(row: PendingWalkIn) -> WaitingWalkIn:
    return WaitingWalkIn(row.id, row.first_name, row.last_name, row.employee_id, row.asked_at)
