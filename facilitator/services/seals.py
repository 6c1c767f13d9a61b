"""Reading a sealed session's record back, and checking it before anything is made from it.

Closing writes the seal; this module is how everything else reads it (verification, certificates, the sign-in
sheet, the report, exports), so none of them looks inside the stored JSON, and none uses a record that does not
verify (DESIGN.md §3: nothing signed is used unverified). A seal is genuine when:

- it and every amendment are signed by a certificate this installation trusts, and the stored text is exactly
  what was signed;
- the amendments form their chain (each names the record before it), and the witness outside the database saw no
  more of them than the store holds;
- the attendance log is intact, names each event's person by the badge its hash covers, holds all its witness saw,
  and ends where the seal says it ended;
- the session's own row (its workshop, date, place, trainer, start, grace period and status) and its roster (who,
  under which name and employee id) are what was sealed.

The first thing that is not so is the problem reported; a document or an amendment is then refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import clock, iso
from facilitator.i18n import _
from facilitator.records import attendance_log, jws, witness
from facilitator.records import identity as identity_records
from facilitator.records.sealed import SEAL_FORMAT_1, Amendment, RecordFormatError, SealedRecord, record_digest
from facilitator.services.attendance_record import chain_report, sealed_end_problem
from facilitator.services.delivery import delivery_digest
from facilitator.services.errors import Remedy, UserError
from facilitator.services.identity import own_certificates
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import SessionAmendment, SessionSeal, TrainingSession

R = TypeVar("R", SealedRecord, Amendment)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedText:
    """A record as stored: its canonical JSON, the compact JWS over it, and the signer's certificate (PEM)."""

    payload: str
    jws: str
    signer_cert: str


@dataclass(frozen=True)
class SealCheck:
    """What checking a sealed session found: its record (when it decodes), its amendments, who signed, and the
    first problem (None: genuine)."""

    session_id: str
    problem: str | None
    sealed: bool = True  # False: there is no seal at all (the problem says so)
    signer: str | None = None
    untrusted: bool = False  # the problem is only that the signer is not trusted here
    record: SealedRecord | None = None
    amendments: tuple[Amendment, ...] = ()
    signer_cert: str | None = None
    amendment_reasons: dict[str, int] = field(default_factory=dict)  # certificate id -> amendment number

    @property
    def genuine(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class VerifiedSeal:
    """A sealed record that verified: as sealed, as its amendments leave it, and who signed it."""

    sealed: SealedRecord
    amended: SealedRecord
    amendments: tuple[Amendment, ...]
    signer: str
    signer_cert: str


def seal_row(db: Session, session_id: str) -> SignedText | None:
    seal = db.scalars(select(SessionSeal).where(SessionSeal.session_id == session_id)).first()
    return None if seal is None else SignedText(seal.payload, seal.jws, seal.signer_cert)


def amendment_rows(db: Session, session_id: str) -> list[SignedText]:
    rows = db.scalars(select(SessionAmendment).where(SessionAmendment.session_id == session_id)
                      .order_by(SessionAmendment.id)).all()
    return [SignedText(r.payload, r.jws, r.signer_cert) for r in rows]


def witness_amendment(ws: Workspace, session_id: str, number: int, digest: str) -> None:
    """Tell the witness outside the database how many amendments there are (after the commit, as for events)."""
    _witness(ws, session_id, "amendment", number, digest)


def witness_seal(ws: Workspace, session_id: str, digest: str) -> None:
    """Tell the witness that the session was sealed: a seal removed from the store later is then seen."""
    _witness(ws, session_id, "seal", 1, digest)


def _witness(ws: Workspace, session_id: str, kind: str, number: int, digest: str) -> None:
    try:
        witness.record(ws.data_dir, session_id, kind, number, digest)
    except OSError as exc:  # the record is safe in the store; a witness that lags only sees less
        log.warning("could not witness %s %s of session %s: %s", kind, number, session_id, exc)


# --- checking ------------------------------------------------------------------------------------------------

def check_seal(ws: Workspace, session_id: str, trusted: list[x509.Certificate]) -> SealCheck:
    """Everything the module's docstring lists, in that order; the first problem found is reported."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        seal = seal_row(db, session.id)
        if seal is None:
            return _without_a_seal(ws, session)
        stored = [seal, *amendment_rows(db, session.id)]
        # The log as a chain first, then against the seal's head, and only then against its witness: a log cut
        # short is told as one that no longer ends where it was sealed.
        logs = (chain_report(db, session.id), chain_report(db, session.id, ws.data_dir))
        return _check(ws, session, stored, logs, delivery_digest(db, session.id), trusted)


def _without_a_seal(ws: Workspace, session: TrainingSession) -> SealCheck:
    """Not sealed; unless its status or its witness says it was, in which case the seal was removed."""
    seen = witness.read(ws.data_dir, session.id)
    if session.status == SessionStatus.SEALED or (seen is not None and seen.sealed):
        return SealCheck(session.id, _("session {session} was sealed, but its seal is gone from the store: it was "
                                       "removed").format(session=session.id))
    return SealCheck(session.id, _("session {session} is not sealed").format(session=session.id), False)


def _check(ws: Workspace, session: TrainingSession, stored: list[SignedText],
           logs: tuple[attendance_log.ChainReport, attendance_log.ChainReport], delivered: str,
           trusted: list[x509.Certificate]) -> SealCheck:
    sid = session.id
    signer = None  # the seal's: an amendment may be signed by a later identity
    for number, signed in enumerate(stored):
        problem, signed_by, untrusted = signed_problem(signed, trusted)
        signer = signer if number else signed_by
        if problem:
            where = _("the seal") if number == 0 else _("amendment {n}").format(n=number)
            return SealCheck(sid, _("{record}: {problem}").format(record=where, problem=problem),
                             signer=signed_by, untrusted=untrusted)
    try:
        record = SealedRecord.decode(stored[0].payload)
        amendments = tuple(Amendment.decode(s.payload) for s in stored[1:])
    except RecordFormatError as exc:
        return SealCheck(sid, _("the sealed record is not one Facilitator writes: {reason}").format(reason=exc),
                         signer=signer)
    seen = witness.read(ws.data_dir, sid)
    found = (_witness_problem(record, seen) or _amendments_problem(record, amendments, stored, seen)
             or _log_problem(record, *logs) or _session_problem(record, session, delivered)
             or _roster_problem(record, session))
    return SealCheck(sid, found, True, signer, False, record, amendments, stored[0].signer_cert,
                     {a.certificate_id: n for n, a in enumerate(amendments, start=1)})


def signed_problem(signed: SignedText, trusted: list[x509.Certificate]) -> tuple[str | None, str | None, bool]:
    """Why a stored record is not what a trusted signer signed, who signed it, and whether the only problem is
    that the signer is not trusted here."""
    try:
        cert = x509.load_pem_x509_certificates(signed.signer_cert.encode("ascii"))[0]
    except (ValueError, IndexError, UnicodeEncodeError):
        return _("its signer's certificate is unreadable"), None, False
    signer = cert.subject.rfc4514_string()
    if identity_records.thumbprint_s256(cert) not in {identity_records.thumbprint_s256(c) for c in trusted}:
        return _("signed by {signer}, whom you have not trusted").format(signer=signer), signer, True
    try:
        claims = jws.verify_compact(signed.jws, cert.public_key())
    except jws.JwsError as exc:
        return _("its signature does not verify: {reason}").format(reason=exc), signer, False
    try:
        stored = json.loads(signed.payload)
    except ValueError:
        stored = None
    if claims != stored:
        return _("the stored record differs from what was signed"), signer, False
    return None, signer, False


def _amendments_problem(record: SealedRecord, amendments: tuple[Amendment, ...], stored: list[SignedText],
                        seen: witness.Witnessed | None) -> str | None:
    """Each amendment is about this session's people and names the record before it; none is missing at the end."""
    sealed_people = {a.badge_token for a in record.attendees}
    chained = False
    for number, (amendment, before) in enumerate(zip(amendments, stored, strict=False), start=1):
        if amendment.session != record.session or amendment.person not in sealed_people:
            return _("amendment {n} is about another session or someone not in the sealed record").format(n=number)
        if amendment.previous is None:
            if chained:  # a format-1 amendment after a chained one was not written by Facilitator
                return _("amendment {n} is not chained to the record before it").format(n=number)
            continue
        chained = True
        if amendment.previous != record_digest(before.payload):
            return _("amendment {n} does not follow the record before it: an amendment was removed, inserted or "
                     "moved").format(n=number)
    if seen is not None and seen.amendments is not None:
        if len(amendments) < seen.amendments.seq:
            return _("{count} amendments are kept, but amendment {seen} was made (its witness outside the database "
                     "saw it): amendments were removed").format(count=len(amendments), seen=seen.amendments.seq)
        if amendments[seen.amendments.seq - 1].digest != seen.amendments.hash:
            return _("amendment {n} is not the one its witness saw made").format(n=seen.amendments.seq)
    return None


def _log_problem(record: SealedRecord, chain: attendance_log.ChainReport,
                 witnessed: attendance_log.ChainReport) -> str | None:
    if chain.problem is not None:
        return _("the attendance log was altered: {reason}").format(reason=chain.problem.message)
    moved = sealed_end_problem(chain, record.chain)
    if moved is not None:
        return moved
    if witnessed.problem is not None:
        return _("the attendance log was altered: {reason}").format(reason=witnessed.problem.message)
    return None


def _witness_problem(record: SealedRecord, seen: witness.Witnessed | None) -> str | None:
    """A session sealed by a Facilitator that keeps witnesses (a format-2 seal) has one, which saw the seal."""
    if record.format == SEAL_FORMAT_1:
        return None
    if seen is None:
        return _("the witness of this session's records, kept outside the database, is gone")
    if seen.head("seal") != witness.Head(1, record.digest):
        return _("the witness of this session's records did not see this seal made")
    return None


def _session_problem(record: SealedRecord, session: TrainingSession, delivered: str) -> str | None:
    """The session's row must say what was sealed: it is what the sign-in sheet and the report print."""
    if hashlib.sha256(session.workshop_snapshot.encode()).hexdigest() != session.workshop_sha256:
        return _("the workshop as frozen for the session was changed after it was sealed")
    now = {"session": session.id, "workshop": session.workshop_id, "workshop_title": session.workshop_title,
           "workshop_version": session.workshop_version, "materials_sha256": session.workshop_sha256,
           "date": session.scheduled_date.isoformat(), "location": session.location, "trainer": session.trainer,
           "language": session.language, "closed_at": iso(session.closed_at) if session.closed_at else None}
    if record.start is not None:  # a format-2 seal covers these too
        now |= {"start": clock(session.start_time), "grace_minutes": session.grace_minutes,
                "jurisdiction_codes": tuple(j.code for j in session.jurisdictions), "delivery_sha256": delivered}
    changed = sorted(k for k, v in now.items() if getattr(record, k) != v)
    if session.status != SessionStatus.SEALED:
        changed.append("status")
    if changed:
        return _("the session was changed after it was sealed ({fields})").format(fields=", ".join(changed))
    return None


def _roster_problem(record: SealedRecord, session: TrainingSession) -> str | None:
    """Everyone on the roster is someone sealed, under the name and employee id sealed, and no one else."""
    sealed = {a.badge_token: a for a in record.attendees}
    roster = {e.badge_token: e for e in session.roster}
    if set(sealed) != set(roster):
        return _("the roster was changed after it was sealed: people were added or removed")
    for token, entry in roster.items():
        kept = sealed[token]
        name = f"{entry.first_name} {entry.last_name}".strip()
        if (name, entry.employee_id, entry.walk_in) != (kept.name, kept.employee_id, kept.walk_in):
            return _("the roster was changed after it was sealed: {name}'s entry no longer says what was sealed"
                     ).format(name=kept.name)
    return None


# --- using ---------------------------------------------------------------------------------------------------

def verified_seal(ws: Workspace, session_id: str, trusted: Iterable[x509.Certificate] | None = None
                  ) -> VerifiedSeal:
    """The session's sealed record, checked; a clear message (and nothing made) when it is not sealed or does not
    verify. Trusted by default: every certificate this installation has signed with."""
    check = check_seal(ws, session_id, list(trusted) if trusted is not None else own_certificates(ws))
    if not check.sealed:
        raise UserError(_("session {session} is not closed yet; certificates come from the sealed record").format(
            session=check.session_id), Remedy(command=_("run 'facilitator session close' first"),
                                              menu=_("close it first: Sessions → Close and seal…")))
    if not check.genuine or check.record is None:
        raise UserError(_("the sealed record of session {session} does not verify: {problem}; nothing was made "
                          "from it").format(session=check.session_id, problem=check.problem), Remedy(
            command=_("see 'facilitator verify {session}', and restore the data folder from a backup").format(
                session=check.session_id),
            menu=_("restore the data folder from a backup; nothing can be made from a record that was altered")))
    return VerifiedSeal(check.record, check.record.amended(check.amendments), check.amendments,
                        check.signer or "", check.signer_cert or "")


def sealed_record(ws: Workspace, session_id: str) -> SealedRecord:
    """The verified sealed record as its amendments leave it."""
    return verified_seal(ws, session_id).amended
