"""`facilitator verify BUNDLE.zip`: is an export bundle exactly what a trusted trainer signed, all the way down?

In order, stopping at the first problem (which the verdict names): the zip as a container (safe names, sizes);
the trainer's certificate is trusted (itself, or issued by a trusted organisation CA) and its public key file is
its key; the manifest's signature; every file listed once with its hash, none added or removed; then each session:
its seal and amendments signed by a trusted certificate and chained, the record as amended, the workshop's hash,
the attendance log's chain ending where the seal says; each certificate PDF's signature and facts, one per
certificate the record gives and no other; each sign-in sheet and report's signature; each credential's VC-JWT.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

from facilitator.content.problems import ContentError
from facilitator.i18n import N_, _, ngettext
from facilitator.records import attendance_log, bundle, hr_csv, openbadges, xapi
from facilitator.records.bundle_session import SESSION_FORMAT, exported_from, in_bundle_order
from facilitator.records.export_record import ExportedSession
from facilitator.records.identity import fingerprint, thumbprint_s256
from facilitator.records.pdf_signing import validate_pdf
from facilitator.records.sealed import Amendment, RecordFormatError, SealedRecord, canonical, record_digest
from facilitator.services.errors import Remedy
from facilitator.services.hr_columns import BUNDLED_NAME, bundled_column_map
from facilitator.services.seals import SignedText, signed_problem
from facilitator.services.verification import Verdict, embedded_token, verify_certificate_token

EXPORT_BUNDLE = N_("export bundle")
STATEMENTS = "xapi/statements.json"
# The files every bundle holds besides each session's (and, when attendance.csv was written with a map, the map).
_FIXED = frozenset({"attendance.csv", BUNDLED_NAME, "README.txt", "VERIFY.txt", STATEMENTS, bundle.TRAINER_CERT,
                    bundle.TRAINER_KEY, bundle.MANIFEST, bundle.SIGNATURE})


class Problem(Exception):
    """The first thing found wrong; its message is the verdict's finding."""


class Untrusted(Problem):
    """The bundle's signer is not trusted: the verdict says so, and what to do is its remedy (passing the
    trainer's certificate with --trust here; HR's import says to trust it in its own words)."""


def verify_bundle(path: Path, trusted: list[x509.Certificate]) -> Verdict:
    """Everything the module's docstring lists; a Verdict naming the first problem, or what was checked."""
    try:
        with bundle.OpenedBundle(path) as opened:
            signer, admitted = _signer(opened, trusted)
            listed = _manifest(opened, signer)
            facts = _sessions(opened, admitted, signer)
    except (bundle.BundleError, Problem) as exc:
        remedy = Remedy(command=_("check the certificate's fingerprint with the trainer, then pass it with --trust"),
                        menu=_("check the certificate's fingerprint with the trainer, then trust it")) \
            if isinstance(exc, Untrusted) else None
        return Verdict(False, EXPORT_BUNDLE, _("{file}: {problem}").format(file=path.name, problem=exc), remedy=remedy)
    subject = signer.subject.rfc4514_string()
    facts["fingerprint"] = fingerprint(signer)
    sessions = len(facts["sessions"])
    counts = ", ".join((ngettext("{n} session", "{n} sessions", sessions).format(n=sessions),
                        ngettext("{n} file", "{n} files", listed).format(n=listed),
                        ngettext("{n} certificate", "{n} certificates", facts["certificates"]).format(
                            n=facts["certificates"])))
    return Verdict(True, EXPORT_BUNDLE, _("valid: {file} is intact and signed by {signer} (certificate SHA-256 "
                                          "{fingerprint}); {counts}").format(
        file=path.name, signer=subject, fingerprint=facts["fingerprint"], counts=counts), subject, facts)


# --- who signed ------------------------------------------------------------------------------------------------

def _signer(opened: bundle.OpenedBundle, trusted: list[x509.Certificate]
            ) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """The trainer's certificate from trainer.pem, once trusted; and the trusted list with it admitted."""
    try:
        chain = x509.load_pem_x509_certificates(opened.read(bundle.TRAINER_CERT))
    except ValueError:
        raise Problem(_("{file} is not a PEM certificate").format(file=bundle.TRAINER_CERT)) from None
    admitted = admit(chain, trusted)
    leaf = chain[0]
    if leaf not in admitted:
        raise Untrusted(_("signed by {signer}, whom you have not trusted").format(signer=leaf.subject.rfc4514_string()))
    try:
        key = load_pem_public_key(opened.read(bundle.TRAINER_KEY))
    except ValueError:
        raise Problem(_("{file} is not a PEM public key").format(file=bundle.TRAINER_KEY)) from None
    if _spki(key) != _spki(leaf.public_key()):
        raise Problem(_("{key} is not the key of the certificate in {cert}").format(
            key=bundle.TRAINER_KEY, cert=bundle.TRAINER_CERT))
    return leaf, admitted


def admit(chain: list[x509.Certificate], trusted: list[x509.Certificate]) -> list[x509.Certificate]:
    """`trusted`, plus `chain`'s first certificate when a trusted certificate issued it (an organisation's CA)."""
    prints = {thumbprint_s256(c) for c in trusted}
    if not chain or thumbprint_s256(chain[0]) in prints:
        return trusted
    for ca in trusted:
        try:
            chain[0].verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):  # not issued by this CA
            continue
        return [*trusted, chain[0]]
    return trusted


def _spki(key: Any) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


# --- the manifest ----------------------------------------------------------------------------------------------

def _manifest(opened: bundle.OpenedBundle, signer: x509.Certificate) -> int:
    """The manifest is signed by `signer`, and lists every file once with its hash; how many it lists."""
    text = opened.read(bundle.MANIFEST)
    problem = bundle.manifest_signature_problem(text, opened.read(bundle.SIGNATURE), signer.public_key())
    if problem:
        raise Problem(problem)
    entries = bundle.parse_manifest(text)
    listed = [e.path for e in entries]
    if len(set(listed)) != len(listed):
        raise Problem(_("{manifest} lists a file twice").format(manifest=bundle.MANIFEST))
    present = set(opened.names) - {bundle.MANIFEST, bundle.SIGNATURE}
    added, removed = sorted(present - set(listed)), sorted(set(listed) - present)
    if added:
        raise Problem(_("{path} is in the bundle but not in {manifest}: a file was added").format(
            path=added[0], manifest=bundle.MANIFEST))
    if removed:
        raise Problem(_("{path} is listed in {manifest} but missing: a file was removed").format(
            path=removed[0], manifest=bundle.MANIFEST))
    for entry in entries:
        if hashlib.sha256(opened.read(entry.path)).hexdigest() != entry.sha256:
            raise Problem(_("{path} does not match its hash in {manifest}: it was changed").format(
                path=entry.path, manifest=bundle.MANIFEST))
    return len(entries)


# --- the sessions ----------------------------------------------------------------------------------------------

def _sessions(opened: bundle.OpenedBundle, trusted: list[x509.Certificate], signer: x509.Certificate
              ) -> dict[str, Any]:
    names = list(opened.under("sessions", ".json"))
    if not names:
        raise Problem(_("the bundle holds no session"))
    exported = []
    for name in names:
        sid = Path(name).stem
        session = _session(opened, sid, trusted)
        _certificate_pdfs(opened, sid, _given(session), trusted)
        _documents(opened, sid, trusted)
        exported.append(session)
    exported = in_bundle_order(exported)
    _only_expected_files(opened, exported)
    _credentials(opened, exported, trusted, signer)
    _derived_files(opened, exported)
    return {"sessions": [s.session_id for s in exported],
            "amendments": {s.session_id: len(s.amendments) for s in exported},
            "certificates": sum(len(_given(s)) for s in exported)}


def _given(session: ExportedSession) -> set[str]:
    """The certificates the session's record, as amended, gives."""
    return {p.attendee.certificate_id for p in session.people if p.completed and p.attendee.certificate_id}


def _session(opened: bundle.OpenedBundle, sid: str, trusted: list[x509.Certificate]) -> ExportedSession:
    """sessions/ID.json's seal and amendments verify and chain, the record as amended is what it says, the
    workshop is the one sealed, the attendance log ends where it was sealed, and the rest agrees with the seal."""
    where = f"sessions/{sid}.json"
    try:
        data = json.loads(opened.read(where))
        if data.get("format") != SESSION_FORMAT or data.get("session") != sid:
            raise ValueError(_("not a session record of format {format}").format(format=SESSION_FORMAT))
        seal = data["seal"]
        _signed(where, _("the seal"), seal["record"], seal["jws"], seal["signer_certificate"], trusted)
        record = SealedRecord.decode(seal["record"])
        amendments = _amendments(where, data["amendments"], record, trusted)
        snapshot = data["workshop"]["snapshot"]
        as_amended = data["as_amended"]
    except (ValueError, KeyError, TypeError, AttributeError, RecordFormatError) as exc:
        raise Problem(_("{file} is not a readable session record ({reason})").format(file=where, reason=exc)
                      ) from None
    if record.session != sid:
        raise Problem(_("{file} holds the record of another session").format(file=where))
    if record.amended(amendments).to_payload() != as_amended:
        raise Problem(_("{file}: the record as amended is not what the seal and its amendments say").format(
            file=where))
    if not isinstance(snapshot, str) or hashlib.sha256(snapshot.encode()).hexdigest() != record.materials_sha256:
        raise Problem(_("{file}: the workshop is not the one sealed (its hash differs)").format(file=where))
    _events(opened, sid, record)
    try:
        return exported_from(data, record, amendments)
    except (KeyError, TypeError, AttributeError) as exc:
        raise Problem(_("{file} is not a readable session record ({reason})").format(file=where, reason=exc)
                      ) from None
    except ValueError as exc:
        raise Problem(_("{file} does not say what its seal says: {reason}").format(file=where, reason=exc)
                      ) from None


def _only_expected_files(opened: bundle.OpenedBundle, sessions: list[ExportedSession]) -> None:
    """Nothing in the bundle but what an export writes for these sessions: no stray file a reader might take for
    part of the record."""
    ids = {s.session_id for s in sessions}
    for name in opened.names:
        parts = name.split("/")
        if name in _FIXED or _session_file(parts, ids) or (parts[0] == "credentials" and len(parts) == 2):
            continue
        raise Problem(_("{path} is not a file an export writes: a file was added").format(path=name))


def _session_file(parts: list[str], ids: set[str]) -> bool:
    """sessions/ID.json, events/ID.jsonl, certificates/ID/….pdf, documents/ID/(signin-sheet|report).pdf."""
    if len(parts) == 2 and parts[0] in ("sessions", "events"):
        stem, _dot, suffix = parts[1].partition(".")
        return stem in ids and suffix == ("json" if parts[0] == "sessions" else "jsonl")
    if len(parts) == 3 and parts[1] in ids:
        return (parts[0] == "certificates" and parts[2].endswith(".pdf")) or \
            (parts[0] == "documents" and parts[2] in ("signin-sheet.pdf", "report.pdf"))
    return False


def _signed(where: str, part: str, payload: Any, token: Any, signer_pem: Any, trusted: list[x509.Certificate]
            ) -> None:
    """Raise a Problem if `token` is not a trusted signer's signature over exactly `payload`."""
    if not isinstance(token, str) or not isinstance(signer_pem, str):
        raise ValueError(_("{part} lacks its signature or its signer's certificate").format(part=part))
    try:
        chain = x509.load_pem_x509_certificates(signer_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        chain = []
    problem, _signer_name, _untrusted = signed_problem(SignedText(json.dumps(payload), token, signer_pem),
                                                       admit(chain, trusted))
    if problem:
        raise Problem(_("{file}, {part}: {problem}").format(file=where, part=part, problem=problem))


def _amendments(where: str, stored: Iterable[Any], record: SealedRecord, trusted: list[x509.Certificate]
                ) -> tuple[Amendment, ...]:
    amendments: list[Amendment] = []
    before = record.encode()
    people = {a.badge_token for a in record.attendees}
    for number, item in enumerate(stored, start=1):
        part = _("amendment {n}").format(n=number)
        _signed(where, part, item["record"], item["jws"], item["signer_certificate"], trusted)
        amendment = Amendment.decode(item["record"])
        if amendment.session != record.session or amendment.person not in people:
            raise Problem(_("{file}: {part} is about another session or someone not in the sealed record").format(
                file=where, part=part))
        if amendment.previous is not None and amendment.previous != record_digest(before):
            raise Problem(_("{file}: {part} does not follow the record before it: an amendment was removed, "
                            "inserted or moved").format(file=where, part=part))
        before = canonical(item["record"])
        amendments.append(amendment)
    return tuple(amendments)


def _events(opened: bundle.OpenedBundle, sid: str, record: SealedRecord) -> None:
    """events/ID.jsonl chains, and ends where the seal says the log ended."""
    stored = bundle.stored_events(sid, opened.read(f"events/{sid}.jsonl"))
    report = attendance_log.verify(sid, stored)
    if report.problem is not None:
        raise Problem(_("events/{session}.jsonl: {problem}").format(session=sid, problem=report.problem.message))
    if (report.events, report.head) != (record.chain.events, record.chain.head):
        raise Problem(_("events/{session}.jsonl does not end where the session was sealed: events were added, "
                        "removed or changed").format(session=sid))


# --- the documents ---------------------------------------------------------------------------------------------

def _pems(trusted: list[x509.Certificate]) -> list[bytes]:
    return [c.public_bytes(Encoding.PEM) for c in trusted]


def _certificate_pdfs(opened: bundle.OpenedBundle, sid: str, given: set[str], trusted: list[x509.Certificate]
                      ) -> None:
    """One signed PDF per certificate the record gives, each carrying that certificate's facts."""
    found: dict[str, str] = {}
    for name in opened.under(f"certificates/{sid}", ".pdf"):
        data = opened.read(name)
        _signed_pdf(name, data, trusted)
        token = embedded_token(data)
        facts = verify_certificate_token(token, trusted) if token else None
        if facts is None or not facts.valid:
            raise Problem(_("{file} carries no genuine certificate facts").format(file=name))
        cert_id = str(facts.facts.get("id"))
        if facts.facts.get("session") != sid or cert_id not in given:
            raise Problem(_("{file} is not a certificate this session's record gives (certificate {id}): a "
                            "certificate was swapped").format(file=name, id=cert_id))
        if cert_id in found:
            raise Problem(_("{file} and {other} are the same certificate").format(file=name, other=found[cert_id]))
        found[cert_id] = name
    missing = sorted(given - set(found))
    if missing:
        raise Problem(_("certificate {id} of session {session} has no PDF in the bundle").format(
            id=missing[0], session=sid))


def _documents(opened: bundle.OpenedBundle, sid: str, trusted: list[x509.Certificate]) -> None:
    for name in (f"documents/{sid}/signin-sheet.pdf", f"documents/{sid}/report.pdf"):
        _signed_pdf(name, opened.read(name), trusted)


def _signed_pdf(name: str, data: bytes, trusted: list[x509.Certificate]) -> None:
    check = validate_pdf(data, _pems(trusted))
    if not check.intact or check.modified_after_signing:
        raise Problem(_("{file}: {problem}").format(file=name, problem=check.message))
    if not check.trusted:
        raise Problem(_("{file} is signed by {signer}, whom you have not trusted").format(
            file=name, signer=check.signer_subject))


def _credentials(opened: bundle.OpenedBundle, sessions: list[ExportedSession], trusted: list[x509.Certificate],
                 signer: x509.Certificate) -> None:
    """One credential per certificate the records give, and no other; each .json is the credential the records
    make, and its .jwt verifies and holds the same."""
    expected = {p.attendee.certificate_id: openbadges.credential(s, p, signer=signer)
                for s in sessions for p in s.people if p.completed and p.attendee.certificate_id}
    found = {name.split("/")[1].rsplit(".", 1)[0] for name in opened.under("credentials")}
    if found - set(expected):
        raise Problem(_("credentials/{id} is not a credential for a certificate the records give").format(
            id=sorted(found - set(expected))[0]))
    for cert_id, credential in sorted(expected.items()):
        name = f"credentials/{cert_id}"
        try:
            stated = json.loads(opened.read(f"{name}.json"))
            signed = openbadges.verify_vc_jwt(opened.read(f"{name}.jwt").decode("ascii", "replace").strip(),
                                              trusted)
        except ValueError as exc:
            raise Problem(_("{file}: {problem}").format(file=name, problem=exc)) from None
        if stated != credential or signed != credential:
            raise Problem(_("{file}.json is not the credential the sealed records make").format(file=name))


def _derived_files(opened: bundle.OpenedBundle, sessions: list[ExportedSession]) -> None:
    """attendance.csv and the xAPI statements are what the sealed records (and the bundle's column map) make."""
    mapping = None
    if BUNDLED_NAME in opened.names:
        try:
            mapping = bundled_column_map(opened.read(BUNDLED_NAME).decode("utf-8"))
        except (ContentError, UnicodeDecodeError) as exc:
            raise Problem(_("{file} is not a column map: {reason}").format(file=BUNDLED_NAME, reason=exc)) from None
    text = io.StringIO(newline="")
    hr_csv.write_csv(sessions, text, mapping)
    if opened.read("attendance.csv") != text.getvalue().encode("utf-8"):
        raise Problem(_("attendance.csv does not say what the sealed records say"))
    try:
        statements = json.loads(opened.read(STATEMENTS))
    except ValueError:
        statements = None
    if statements != xapi.statements_of(sessions).statements:
        raise Problem(_("{file} does not say what the sealed records say").format(file=STATEMENTS))
