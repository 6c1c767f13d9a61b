"""`facilitator verify`: is this certificate PDF, certificate QR text or sealed session genuine, and who signed it?

Trust is explicit. A signature counts only if it was made by this installation's own certificate or by one the
user names with `--trust` (HR trusts each trainer's exported certificate, or their organisation's CA); a valid
signature from anyone else is reported as an unknown signer, not as valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from facilitator.i18n import N_, _, ngettext
from facilitator.records import identity as identity_records
from facilitator.records import jws
from facilitator.records.pdf_signing import document_keywords, validate_pdf
from facilitator.records.sealed import RecordFormatError, SealedRecord
from facilitator.services.attendance_record import chain_report
from facilitator.services.errors import Remedy, UserError
from facilitator.services.identity import identity_folder
from facilitator.services.seals import SignedText, amendment_rows, seal_row
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace

CERTIFICATE_TYP = "facilitator-certificate+jwt"
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


# What was checked: kept in English in a verdict (its --json names it so in every language); `what_label` shows it.
CERTIFICATE_PDF = N_("certificate PDF")
CERTIFICATE_CODE = N_("certificate QR code")
SEALED_SESSION = N_("sealed session")


@dataclass(frozen=True)
class Verdict:
    """Whether what was checked is genuine. Like a UserError's, its words come in two parts: what was found, and
    (for some findings) what to do about it, said for the command line and for the app."""

    valid: bool
    what: str  # CERTIFICATE_PDF, CERTIFICATE_CODE or SEALED_SESSION, untranslated
    finding: str
    signer: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    remedy: Remedy | None = None

    @property
    def what_label(self) -> str:
        """What was checked, in the chosen language."""
        return _(self.what)

    @property
    def message(self) -> str:
        """The command-line form, "finding; command", as `facilitator verify` prints it."""
        return self.for_command_line()

    def for_command_line(self) -> str:
        return f"{self.finding}; {self.remedy.command}" if self.remedy else self.finding

    def for_app(self) -> str:
        return f"{self.finding}; {self.remedy.menu}" if self.remedy else self.finding

    def to_json(self) -> dict[str, object]:
        return {"valid": self.valid, "what": self.what, "message": self.message, "signer": self.signer,
                "facts": dict(self.facts)}


def _trust_the_trainer(command: str) -> Remedy:
    """An unknown signer: on the command line, trust their certificate; the app has no such choice."""
    return Remedy(command=command, menu=_("get the trainer's certificate and check the file on a computer that "
                                          "trusts it"))


def trusted_certificates(ws: Workspace, extra: Iterable[Path] = ()) -> list[x509.Certificate]:
    """This installation's certificate (and its CA chain), plus every certificate in the files given."""
    found: list[x509.Certificate] = []
    own = identity_folder(ws) / identity_records.CERT_FILE
    for path in [own, *extra] if own.is_file() else list(extra):
        try:
            found += x509.load_pem_x509_certificates(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise UserError(_("{file} cannot be read as a PEM certificate ({reason})").format(file=path, reason=exc),
                            Remedy(command=_("give the .pem file 'facilitator keys export-cert' wrote"),
                                   menu=_("ask the trainer for the certificate file their Facilitator exports"))
                            ) from exc
    return found


def verify(ws: Workspace, target: str, trust: Iterable[Path] = ()) -> Verdict:
    """Verify a certificate PDF (a path), a certificate QR's text, or a session id."""
    trusted = trusted_certificates(ws, trust)
    text = target.strip()
    if _JWS.match(text):
        return verify_certificate_token(text, trusted)
    path = Path(target)
    if path.suffix.lower() == ".pdf" or path.is_file():
        return verify_certificate_pdf(path, trusted)
    return verify_seal(ws, text, trusted)


def verify_certificate_token(token: str, trusted: list[x509.Certificate], what: str = CERTIFICATE_CODE) -> Verdict:
    """Check a certificate's compact JWS against the trusted certificates, choosing one by its `kid`."""
    try:
        kid = jws.header_of(token).get("kid")
    except jws.JwsError as exc:
        return Verdict(False, what, _("not a certificate code: {reason}").format(reason=exc))
    signer = next((c for c in trusted if identity_records.thumbprint_s256(c) == kid), None)
    if signer is None:
        return Verdict(False, what, _("unknown signer: the code was signed by a certificate you have not trusted"),
                       remedy=_trust_the_trainer(_("get the trainer's certificate and pass it with --trust FILE.pem")))
    try:
        claims = jws.verify_compact(token, signer.public_key(), typ=CERTIFICATE_TYP)
    except jws.JwsError as exc:
        return Verdict(False, what, _("altered or forged: {reason}").format(reason=exc), _subject(signer))
    return Verdict(True, what, _("valid: certificate {id} for {name}, signed by {signer}").format(
        id=claims.get("id"), name=claims.get("name"), signer=_subject(signer)), _subject(signer), claims)


def verify_certificate_pdf(path: Path, trusted: list[x509.Certificate]) -> Verdict:
    """The PDF's own signature must be intact and trusted, and the facts it carries must verify too."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from exc
    check = validate_pdf(data, [c.public_bytes(Encoding.PEM) for c in trusted])
    what = CERTIFICATE_PDF
    if not check.intact:
        return Verdict(False, what, f"{path.name}: {check.message}", check.signer_subject)
    if check.modified_after_signing:
        return Verdict(False, what, _("{file} was changed after it was signed: {reason}").format(
            file=path.name, reason=check.message), check.signer_subject)
    if not check.trusted:
        return Verdict(False, what, _("{file}: unknown signer ({signer})").format(
            file=path.name, signer=check.signer_subject), check.signer_subject,
            remedy=_trust_the_trainer(_("pass the trainer's certificate with --trust FILE.pem")))
    token = embedded_token(data)
    if token is None:
        return Verdict(False, what, _("{file} is signed but carries no certificate facts").format(file=path.name),
                       check.signer_subject)
    facts = verify_certificate_token(token, trusted, what)
    if not facts.valid:
        return facts
    return Verdict(True, what, _("valid: {file} is intact, signed by {signer}; certificate {id} for {name}").format(
        file=path.name, signer=check.signer_subject, id=facts.facts.get("id"), name=facts.facts.get("name")),
        check.signer_subject, facts.facts)


def embedded_token(pdf: bytes) -> str | None:
    """The certificate's JWS, which the PDF carries in its Keywords as well as in its QR code."""
    token = (document_keywords(pdf) or "").strip()
    return token if _JWS.match(token) else None


def verify_seal(ws: Workspace, session_id: str, trusted: list[x509.Certificate]) -> Verdict:
    """A sealed session is genuine when its seal verifies, its signer is trusted, the stored summary is what
    was signed, and the attendance log still ends at the sealed head; amendments must verify too."""
    what = SEALED_SESSION
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        seal = seal_row(db, session.id)
        if seal is None:
            return Verdict(False, what, _("session {session} is not sealed").format(session=session.id),
                           remedy=Remedy(command=_("close it with 'facilitator session close'"),
                                         menu=_("close it with Sessions → Close and seal…")))
        chain = chain_report(db, session.id)
        records = [seal, *amendment_rows(db, session.id)]
    for signed in records:
        problem, signer, remedy = _check_signed(signed, trusted)
        if problem:
            return Verdict(False, what, _("session {session}: {problem}").format(session=session.id, problem=problem),
                           signer, remedy=remedy)
    try:
        sealed = SealedRecord.decode(seal.payload)
    except RecordFormatError as exc:
        return Verdict(False, what, _("session {session}: the seal is not a sealed record: {reason}").format(
            session=session.id, reason=exc), signer)
    if chain.problem is not None:
        return Verdict(False, what, _("session {session}: the attendance log was altered: {problem}").format(
            session=session.id, problem=chain.problem.message), signer)
    if (chain.head, chain.events) != (sealed.chain.head, sealed.chain.events):
        return Verdict(False, what, ngettext(
            "session {session}: the attendance log no longer ends where it was sealed ({events} event); events were "
            "added or removed",
            "session {session}: the attendance log no longer ends where it was sealed ({events} events); events "
            "were added or removed", sealed.chain.events).format(session=session.id, events=sealed.chain.events),
            signer)
    amendments = len(records) - 1
    counts = ", ".join((ngettext("{n} event", "{n} events", sealed.chain.events).format(n=sealed.chain.events),
                        ngettext("{n} certificate", "{n} certificates", sealed.eligible).format(n=sealed.eligible),
                        ngettext("{n} amendment", "{n} amendments", amendments).format(n=amendments)))
    return Verdict(True, what, _("valid: session {session} sealed {closed} by {signer}; {counts}").format(
        session=session.id, closed=sealed.closed_at, signer=signer, counts=counts), signer, sealed.to_payload())


def _check_signed(signed: SignedText, trusted: list[x509.Certificate]
                  ) -> tuple[str | None, str | None, Remedy | None]:
    """(what is wrong, who signed, what to do about it); what is wrong is None when the signature holds."""
    cert = x509.load_pem_x509_certificates(signed.signer_cert.encode("ascii"))[0]
    signer = cert.subject.rfc4514_string()
    if identity_records.thumbprint_s256(cert) not in {identity_records.thumbprint_s256(c) for c in trusted}:
        return (_("signed by {signer}, whom you have not trusted").format(signer=signer), signer,
                _trust_the_trainer(_("pass their certificate with --trust")))
    try:
        claims = jws.verify_compact(signed.jws, cert.public_key())
    except jws.JwsError as exc:
        return _("the seal's signature does not verify: {reason}").format(reason=exc), signer, None
    try:
        stored = json.loads(signed.payload)
    except ValueError:
        stored = None
    if claims != stored:
        return _("the stored record differs from what was signed"), signer, None
    return None, signer, None


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()
