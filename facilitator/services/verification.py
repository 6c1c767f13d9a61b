"""`facilitator verify`: is this certificate PDF, certificate QR text or sealed session genuine, and who signed it?

Trust is explicit. A signature counts only if it was made by this installation's own certificate or by one the
user names with `--trust` (HR trusts each trainer's exported certificate, or their organisation's CA); a valid
signature from anyone else is reported as an unknown signer, not as valid.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from facilitator.records import identity as identity_records
from facilitator.records import jws
from facilitator.records.pdf_signing import document_keywords, validate_pdf
from facilitator.records.sealed import RecordFormatError, SealedRecord
from facilitator.services.attendance import chain_report
from facilitator.services.errors import UserError
from facilitator.services.identity import identity_folder
from facilitator.services.seals import SignedText, amendment_rows, seal_row
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace

CERTIFICATE_TYP = "facilitator-certificate+jwt"
SEAL_TYP = "JWT"
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Verdict:
    valid: bool
    what: str  # "certificate PDF", "certificate QR code", "sealed session"
    message: str
    signer: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def trusted_certificates(ws: Workspace, extra: Iterable[Path] = ()) -> list[x509.Certificate]:
    """This installation's certificate (and its CA chain), plus every certificate in the files given."""
    found: list[x509.Certificate] = []
    own = identity_folder(ws) / identity_records.CERT_FILE
    for path in [own, *extra] if own.is_file() else list(extra):
        try:
            found += x509.load_pem_x509_certificates(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise UserError(f"{path} cannot be read as a PEM certificate ({exc}); give the .pem file "
                            "'facilitator keys export-cert' wrote") from exc
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


def verify_certificate_token(token: str, trusted: list[x509.Certificate], what: str = "certificate QR code"
                             ) -> Verdict:
    """Check a certificate's compact JWS against the trusted certificates, choosing one by its `kid`."""
    try:
        kid = jws.header_of(token).get("kid")
    except jws.JwsError as exc:
        return Verdict(False, what, f"not a certificate code: {exc}")
    signer = next((c for c in trusted if identity_records.thumbprint_s256(c) == kid), None)
    if signer is None:
        return Verdict(False, what, "unknown signer: the code was signed by a certificate you have not trusted; "
                                    "get the trainer's certificate and pass it with --trust FILE.pem")
    try:
        claims = jws.verify_compact(token, signer.public_key(), typ=CERTIFICATE_TYP)
    except jws.JwsError as exc:
        return Verdict(False, what, f"altered or forged: {exc}", _subject(signer))
    return Verdict(True, what, f"valid: certificate {claims.get('id')} for {claims.get('name')}, "
                               f"signed by {_subject(signer)}", _subject(signer), claims)


def verify_certificate_pdf(path: Path, trusted: list[x509.Certificate]) -> Verdict:
    """The PDF's own signature must be intact and trusted, and the facts it carries must verify too."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    check = validate_pdf(data, [c.public_bytes(Encoding.PEM) for c in trusted])
    what = "certificate PDF"
    if not check.intact:
        return Verdict(False, what, f"{path.name}: {check.message}", check.signer_subject)
    if check.modified_after_signing:
        return Verdict(False, what, f"{path.name} was changed after it was signed: {check.message}",
                       check.signer_subject)
    if not check.trusted:
        return Verdict(False, what, f"{path.name}: unknown signer ({check.signer_subject}); pass the trainer's "
                                    "certificate with --trust FILE.pem", check.signer_subject)
    token = embedded_token(data)
    if token is None:
        return Verdict(False, what, f"{path.name} is signed but carries no certificate facts", check.signer_subject)
    facts = verify_certificate_token(token, trusted, what)
    if not facts.valid:
        return facts
    return Verdict(True, what, f"valid: {path.name} is intact, signed by {check.signer_subject}; certificate "
                               f"{facts.facts.get('id')} for {facts.facts.get('name')}", check.signer_subject,
                   facts.facts)


def embedded_token(pdf: bytes) -> str | None:
    """The certificate's JWS, which the PDF carries in its Keywords as well as in its QR code."""
    token = (document_keywords(pdf) or "").strip()
    return token if _JWS.match(token) else None


def verify_seal(ws: Workspace, session_id: str, trusted: list[x509.Certificate]) -> Verdict:
    """A sealed session is genuine when its seal verifies, its signer is trusted, the stored summary is what
    was signed, and the attendance log still ends at the sealed head; amendments must verify too."""
    what = "sealed session"
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        seal = seal_row(db, session.id)
        if seal is None:
            return Verdict(False, what, f"session {session.id} is not sealed; close it with 'facilitator session "
                                        "close'")
        chain = chain_report(db, session.id)
        records = [seal, *amendment_rows(db, session.id)]
    for signed in records:
        problem, signer = _check_signed(signed, trusted)
        if problem:
            return Verdict(False, what, f"session {session.id}: {problem}", signer)
    try:
        sealed = SealedRecord.decode(seal.payload)
    except RecordFormatError as exc:
        return Verdict(False, what, f"session {session.id}: the seal is not a sealed record: {exc}", signer)
    if chain.problem is not None:
        return Verdict(False, what, f"session {session.id}: the attendance log was altered: {chain.problem.message}",
                       signer)
    if (chain.head, chain.events) != (sealed.chain.head, sealed.chain.events):
        return Verdict(False, what, f"session {session.id}: the attendance log no longer ends where it was sealed "
                                    f"({sealed.chain.events} events); events were added or removed", signer)
    return Verdict(True, what, f"valid: session {session.id} sealed {sealed.closed_at} by {signer}; "
                               f"{sealed.chain.events} events, {sealed.eligible} certificates, "
                               f"{len(records) - 1} amendment(s)", signer, sealed.to_payload())


def _check_signed(signed: SignedText, trusted: list[x509.Certificate]) -> tuple[str | None, str | None]:
    cert = x509.load_pem_x509_certificates(signed.signer_cert.encode("ascii"))[0]
    signer = cert.subject.rfc4514_string()
    if identity_records.thumbprint_s256(cert) not in {identity_records.thumbprint_s256(c) for c in trusted}:
        return f"signed by {signer}, whom you have not trusted; pass their certificate with --trust", signer
    try:
        claims = jws.verify_compact(signed.jws, cert.public_key())
    except jws.JwsError as exc:
        return f"the seal's signature does not verify: {exc}", signer
    try:
        stored = json.loads(signed.payload)
    except ValueError:
        stored = None
    if claims != stored:
        return "the stored record differs from what was signed", signer
    return None, signer


def dumps(verdict: Verdict) -> str:
    return json.dumps(verdict.as_dict(), indent=2, ensure_ascii=False)


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()
