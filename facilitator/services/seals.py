"""Reading a sealed session's record back from the store: the seal and its amendments, as types.

Closing writes the seal; this module is how everything else reads it (verification, certificates, the report,
exports), so none of them looks inside the stored JSON. A stored record that no longer decodes is reported as
damaged, with what to do, never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.i18n import _
from facilitator.records.sealed import Amendment, RecordFormatError, SealedRecord
from facilitator.services.errors import Remedy, UserError
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import SessionAmendment, SessionSeal

R = TypeVar("R", SealedRecord, Amendment)


@dataclass(frozen=True)
class SignedText:
    """A record as stored: its canonical JSON, the compact JWS over it, and the signer's certificate (PEM)."""

    payload: str
    jws: str
    signer_cert: str


@dataclass(frozen=True)
class StoredSeal:
    """A sealed session's record with the signature it was stored with."""

    record: SealedRecord
    signed: SignedText


def seal_row(db: Session, session_id: str) -> SignedText | None:
    seal = db.scalars(select(SessionSeal).where(SessionSeal.session_id == session_id)).first()
    return None if seal is None else SignedText(seal.payload, seal.jws, seal.signer_cert)


def amendment_rows(db: Session, session_id: str) -> list[SignedText]:
    rows = db.scalars(select(SessionAmendment).where(SessionAmendment.session_id == session_id)
                      .order_by(SessionAmendment.id)).all()
    return [SignedText(r.payload, r.jws, r.signer_cert) for r in rows]


def seal_of(ws: Workspace, session_id: str) -> StoredSeal | None:
    """The stored seal of a session, decoded; None if it is not sealed."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        signed = seal_row(db, session.id)
    if signed is None:
        return None
    return StoredSeal(_decoded(SealedRecord, signed.payload, session.id), signed)


def amendments_of(ws: Workspace, session_id: str) -> list[Amendment]:
    """The signed amendments made to a sealed session, oldest first."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        rows = amendment_rows(db, session.id)
    return [_decoded(Amendment, row.payload, session.id) for row in rows]


def sealed_record(ws: Workspace, session_id: str) -> SealedRecord:
    """The sealed record as its amendments leave it; a clear message if the session is not sealed yet."""
    stored = seal_of(ws, session_id)
    if stored is None:
        raise UserError(_("session {session} is not closed yet; certificates come from the sealed record").format(
            session=session_id), Remedy(command=_("run 'facilitator session close' first"),
                                        menu=_("close it first: Sessions → Close and seal…")))
    return stored.record.amended(amendments_of(ws, stored.record.session))


def _decoded(kind: type[R], payload: str, session_id: str) -> R:
    try:
        return kind.decode(payload)
    except RecordFormatError as exc:
        raise UserError(_("the sealed record of session {session} is damaged ({reason})").format(
            session=session_id, reason=exc), Remedy(
            command=_("check it with 'facilitator verify {session}'").format(session=session_id),
            menu=_("leave the data folder as it is and have the session's record verified"))) from None
