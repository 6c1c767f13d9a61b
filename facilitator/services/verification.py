"""`facilitator verify`: is this certificate PDF, certificate QR text or sealed session genuine, and who signed it?

Trust is explicit. A signature counts only if it was made by this installation's own certificate or by one the
user names with `--trust` (HR trusts each trainer's exported certificate, or their organisation's CA); a valid
signature from anyone else is reported as an unknown signer, not as valid.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from facilitator.files import FileTooLarge, NotARegularFile, read_bounded
from facilitator.i18n import N_, _, ngettext
from facilitator.records import identity as identity_records
from facilitator.records import jws, witness
from facilitator.records.pdf_signing import document_keywords, validate_pdf
from facilitator.services.errors import Remedy, UserError
from facilitator.services.identity import MAX_PEM_BYTES, own_certificates
from facilitator.services.seals import check_seal
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace

EXAMPLE_CERTIFICATE = "Lastname-Firstname-certificate.pdf"  # not user text: how certificates are named
CERTIFICATE_TYP = "facilitator-certificate+jwt"
MAX_PDF_BYTES = 50 * 1024 * 1024  # a certificate PDF with its logo is well under 1 MB
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
    """Every certificate this installation has signed with (its own, its CA chain, any it replaced), plus every
    certificate in the files given."""
    found: list[x509.Certificate] = own_certificates(ws)
    for path in extra:
        try:
            found += x509.load_pem_x509_certificates(read_bounded(path, MAX_PEM_BYTES))
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UserError(_("{file} cannot be read as a PEM certificate ({reason})").format(file=path, reason=reason),
                            Remedy(command=_("give the .pem file 'facilitator keys export-cert' wrote"),
                                   menu=_("ask the trainer for the certificate file their Facilitator exports"))
                            ) from exc
    return found


def verify(ws: Workspace, target: str, trust: Iterable[Path] = ()) -> Verdict:
    """Verify a certificate PDF (a path), a certificate QR's text, or a session id."""
    trusted = trusted_certificates(ws, trust)
    text = target.strip()
    if _JWS.match(text):
        return _still_standing(ws, verify_certificate_token(text, trusted), trusted)
    path = Path(target)
    there = _what_is_at(path)
    if there == "folder":
        raise UserError(_("{folder} is a folder, not a certificate PDF, a certificate's QR text or a session id")
                        .format(folder=target), Remedy(
            command=_("give one certificate PDF in it, such as {file}").format(
                file=next(iter(sorted(path.glob("*.pdf"))), path / EXAMPLE_CERTIFICATE)),
            menu=_("choose one certificate PDF in it")))
    if path.suffix.lower() == ".pdf" or there == "file":
        return _still_standing(ws, verify_certificate_pdf(path, trusted), trusted)
    if not _could_be_a_session(text):  # a damaged or partial QR text, say: not a file name to look for
        return Verdict(False, CERTIFICATE_CODE, _("'{text}' is not a certificate's QR text, a certificate PDF or a "
                                                  "session id").format(text=_shortened(text)), remedy=Remedy(
            command=_("give the whole text of the QR code, the path of a certificate PDF, or a session id from "
                      "'facilitator session list'"),
            menu=_("scan the whole QR code again, or open the certificate PDF")))
    return verify_seal(ws, text, trusted)


def _what_is_at(path: Path) -> str | None:
    """"file", "folder", or None: nothing there, or a name no file can have (too long, say)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # ValueError: a NUL in the text
        return None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else None


def _could_be_a_session(text: str) -> bool:
    """A session id, or the start of one: a few letters and digits."""
    return 0 < len(text) <= 32 and text.isascii() and text.isalnum()


def _shortened(text: str, room: int = 40) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"


def _still_standing(ws: Workspace, verdict: Verdict, trusted: list[x509.Certificate]) -> Verdict:
    """A genuine certificate is reported revoked where this laptop's sealed record has taken it back."""
    problem = revocation(ws, verdict.facts, trusted) if verdict.valid else None
    if problem is None:
        return verdict
    return Verdict(False, verdict.what, _("certificate {id} for {name} is genuine but no longer stands: {problem}"
                                          ).format(id=verdict.facts.get("id"), name=verdict.facts.get("name"),
                                                   problem=problem), verdict.signer, verdict.facts)


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
        data = read_bounded(path, MAX_PDF_BYTES)
    except (NotARegularFile, FileTooLarge) as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror), Remedy(
            command=_("give the path of the certificate PDF itself"),
            menu=_("choose the certificate PDF itself"))) from None
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
    """A sealed session is genuine when everything facilitator/services/seals.py checks holds."""
    check = check_seal(ws, session_id, trusted)
    what = SEALED_SESSION
    if not check.sealed:
        return Verdict(False, what, check.problem or "", remedy=Remedy(
            command=_("close it with 'facilitator session close'"), menu=_("close it with Sessions → Close and seal…")))
    if not check.genuine or check.record is None:
        remedy = _trust_the_trainer(_("pass their certificate with --trust")) if check.untrusted else None
        return Verdict(False, what, _("session {session}: {problem}").format(
            session=check.session_id, problem=check.problem), check.signer, remedy=remedy)
    sealed, amendments = check.record, len(check.amendments)
    earned = sealed.amended(check.amendments).eligible
    counts = ", ".join((ngettext("{n} event", "{n} events", sealed.chain.events).format(n=sealed.chain.events),
                        ngettext("{n} certificate", "{n} certificates", earned).format(n=earned),
                        ngettext("{n} amendment", "{n} amendments", amendments).format(n=amendments)))
    return Verdict(True, what, _("valid: session {session} sealed {closed} by {signer}; {counts}").format(
        session=check.session_id, closed=sealed.closed_at, signer=check.signer, counts=counts), check.signer,
        sealed.to_payload())


def revocation(ws: Workspace, claims: dict[str, Any], trusted: list[x509.Certificate]) -> str | None:
    """Why a genuine certificate no longer stands on this laptop, which knows its session: an amendment took it
    back, or the sealed record here does not name it. None if it stands (or the session is not known here)."""
    session_id = claims.get("session")
    if not isinstance(session_id, str):
        return None
    if not _known_here(ws, session_id):
        seen = witness.read(ws.data_dir, session_id)  # made here, then gone: the seal or the session removed
        if seen is not None and (seen.sealed or not _exists(ws, session_id)):
            return _("the sealed record of its session {session} was removed from this computer, where it was "
                     "made").format(session=session_id)
        return None
    check = check_seal(ws, session_id, trusted)
    if not check.genuine or check.record is None:
        return _("the sealed record of its session on this computer does not verify: {problem}").format(
            problem=check.problem)
    certificate = claims.get("id")
    number = check.amendment_reasons.get(str(certificate))
    standing = {a.certificate_id for a in check.record.amended(check.amendments).attendees if a.eligible}
    if certificate in standing:
        return None
    if number is not None:
        taken_back = check.amendments[number - 1]
        return _("revoked by amendment {n} ({at}): {reason}").format(n=number, at=taken_back.at,
                                                                    reason=taken_back.reason)
    return _("the sealed record of session {session} on this computer names no certificate {id}").format(
        session=session_id, id=certificate)


def _exists(ws: Workspace, session_id: str) -> bool:
    try:
        with ws.store.transaction() as db:
            find_session(db, session_id)
    except UserError:
        return False
    return True


def _known_here(ws: Workspace, session_id: str) -> bool:
    try:
        with ws.store.transaction() as db:
            return find_session(db, session_id).is_sealed
    except UserError:
        return False


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()
