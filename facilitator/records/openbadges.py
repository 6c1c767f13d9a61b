"""Each certificate of a sealed session as an Open Badges 3.0 `AchievementCredential`, signed as a VC-JWT.

The credentials come from an `ExportedSession`, the verified record as its signed amendments leave it: only a
person that record gives a certificate gets one, and a credential says no more than the certificate does.

What goes where, and why (section numbers are the Open Badges 3.0 specification's, 1EdTech, VC 2.0 edition):

- The issuer is the trainer whose key signed the seal, identified as `did:jwk:…` (the public key itself, as a DID):
  it stays the same while the key does (a certificate re-issued by the organisation's CA for the same key keeps it),
  and it dereferences to the key with no network, which is what §8.2.3 asks of a `kid`.
- The achievement is the workshop, one per workshop id and version, with the same content in every credential that
  names it (B.1.1: many assertions share one achievement), so its criteria say how anyone earns it. What this
  person did (minutes present, the jurisdictions credited as met with their citations, the ones not complete, a
  trainer's decision) is the credential's own `description`: a host that shows one copy of an achievement for
  all its holders can never show one person's credit on another's credential.
- The subject is identified by `id` (a UUID for this person on this session's roster, since §8.2.4.1 makes `sub`
  the subject's id) and by `identifier` entries: the name as sealed and the employee id in plain (HR's own keys,
  needed to match the record, and on the certificate already), the e-mail address only hashed (`sha256$…`, salted
  with the certificate id as §B.1.21 describes), so a credential passed on does not disclose it; HR checks it
  against the address it knows (§9.3).
- The VC-JWT follows §8.2: the payload is the credential itself with `iss`, `jti`, `nbf` and `sub` beside its
  members (the VC 2.0 form; the `vc` claim was VC 1.1's), and the header holds only what §8.2.3 allows: `alg`
  (ES256), `kid` (the did:jwk URL), `jwk` (the public key) and `typ` ("JWT"). No `x5c`: §8.2.3 allows no other
  header. Trust comes from the certificates the verifier is given (the bundle's trainer certificate), never from
  the token: its key only selects which of them must match.

Pure: no store, no files, no clock (a verifier passes `now` to have validity checked against it).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from facilitator.domain.compliance import STANDING_WORDS, Standing
from facilitator.i18n import _
from facilitator.records import jws
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.records.identity import Identity
from facilitator.records.jws import JwsError, JwsFormatError
from facilitator.records.sealed import SealedAttendee, SealedRecord

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")  # not user text: Open Badges vocabulary
TYP = "JWT"  # §8.2.3: "If present, MUST be set to 'JWT'" (not VC-JOSE-COSE's "vc+jwt")
HEADER_MEMBERS = frozenset({"alg", "kid", "jwk", "typ"})  # §8.2.3: "Additional JOSE Headers are NOT allowed"
JWT_CLAIMS = ("iss", "jti", "nbf", "sub", "exp")  # §8.2.4.1: beside the credential's members, not part of it
# Attending the teaching is completing a training, not a measured competency: claim no more than happened.
ACHIEVEMENT_TYPE = "CertificateOfCompletion"  # not user text: Open Badges vocabulary
# Derived ids, the same each time the same record is exported (as the certificate ids are).
SUBJECT_NAMESPACE = uuid.UUID("0b6a3f51-7d2e-5c49-8e1f-4a9d2c7b3e60")
ACHIEVEMENT_NAMESPACE = uuid.UUID("c4e2a8d1-5f3b-5a7e-9c06-2d8b1e4f7a93")
_P256 = "secp256r1"


class CredentialError(JwsError):
    """A VC-JWT whose claims do not hold together, or that is not (yet, or any more) valid."""


class UntrustedIssuer(JwsError):
    """A VC-JWT made with a key that none of the trusted certificates holds."""


class NoCertificate(ValueError):
    """The record gives this person no certificate, so there is no credential to make."""


# --- the credential --------------------------------------------------------------------------------------------

def credentials(session: ExportedSession, *, signer: x509.Certificate | None = None) -> list[dict[str, Any]]:
    """A credential for each person the amended record gives a certificate, in the record's order."""
    return [credential(session, person, signer=signer) for person in session.people if _certified(session, person)]


def credential(session: ExportedSession, person: ExportedPerson, *,
               signer: x509.Certificate | None = None) -> dict[str, Any]:
    """`person`'s certificate as an AchievementCredential. `signer` is the certificate whose key will sign it (by
    default the one that signed the seal); it names the issuer. NoCertificate if the record gives them none."""
    record = session.record
    attendee = _attendee(record, person)
    cert = signer or _leaf(session.signer_cert_pem)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{attendee.certificate_id}",
        "type": list(CREDENTIAL_TYPES),
        "name": _("Certificate of completion: {workshop}").format(workshop=record.workshop_title),
        "description": _statement(record, attendee),
        "issuer": _issuer(record, cert),
        "validFrom": _instant(session.ends),
        "credentialSubject": {
            "id": subject_id(record.session, attendee.badge_token),
            "type": ["AchievementSubject"],  # not user text: Open Badges vocabulary
            "identifier": _identifiers(attendee, person.email),
            "achievement": achievement(record),
        },
    }


def _certified(session: ExportedSession, person: ExportedPerson) -> bool:
    try:
        _attendee(session.record, person)
    except NoCertificate:
        return False
    return True


def _attendee(record: SealedRecord, person: ExportedPerson) -> SealedAttendee:
    """The person as the amended record has them (not as `person` was built): the record decides."""
    found = next((a for a in record.attendees if a.badge_token == person.attendee.badge_token), None)
    if found is None or not found.eligible or found.certificate_id is None:
        raise NoCertificate(_("{name} earned no certificate in session {session}, so there is no credential to "
                              "issue").format(name=person.attendee.name, session=record.session))
    return found


def subject_id(session_id: str, badge_token: str) -> str:
    """The person on this session's roster: stable, and telling nothing about them."""
    return f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, f'{session_id}:{badge_token}')}"


def achievement(record: SealedRecord) -> dict[str, Any]:
    """The workshop as an Achievement: one id per workshop id and version, and nothing in it about any one person
    or session, so every credential naming that id holds the same achievement."""
    key = f"{record.workshop}:{record.workshop_version}"
    return {
        "id": f"urn:uuid:{uuid.uuid5(ACHIEVEMENT_NAMESPACE, key)}",
        "type": ["Achievement"],  # not user text: Open Badges vocabulary
        "achievementType": ACHIEVEMENT_TYPE,
        "name": record.workshop_title,
        "description": _("“{workshop}” (version {version}), an in-person, instructor-led workshop.").format(
            workshop=record.workshop_title, version=record.workshop_version),
        "criteria": {"narrative": _(
            "Awarded for being present for the teaching of this workshop as it was delivered, by the trainer's "
            "signed attendance record, or by the trainer's signed decision. Each credential states the minutes "
            "its holder was present and the jurisdictions whose training requirements they met; a requirement "
            "met only in part is never stated as met.")},
        "humanCode": record.workshop,
        "version": record.workshop_version,
    }


def _statement(record: SealedRecord, attendee: SealedAttendee) -> str:
    """What this person did and is credited with, as their certificate says it; only "met" is stated as met."""
    credits = record.credits_of(attendee)
    met = [_("{jurisdiction} ({citation})").format(jurisdiction=c.name, citation=c.citation)
           for c in credits if c.standing == Standing.MET]
    not_complete = [_("{jurisdiction}: {standing}.").format(jurisdiction=c.name,
                                                            standing=_(STANDING_WORDS[Standing(c.standing)]))
                    for c in credits if c.standing in (Standing.PARTIAL, Standing.NOT_MET)]
    parts = [_presence(record, attendee),
             _("Requirements met: {jurisdictions}.").format(jurisdictions="; ".join(met)) if met
             else _("No jurisdiction's requirements are met by this certificate."),
             *not_complete]
    if attendee.overridden:  # the sealed reason, in the record's language: "trainer's decision: …"
        parts.append(attendee.reason)
    return "\n".join(parts)  # one statement a line: citations have full stops of their own


def _presence(record: SealedRecord, attendee: SealedAttendee) -> str:
    # Without a delivery log there is no "delivered" to count against (the certificate omits it too).
    if record.delivered_minutes is not None and record.delivery_recorded is not False:
        return _("{name} was present for {minutes} of the {delivered} minutes of teaching delivered at “{workshop}” "
                 "on {date}.").format(name=attendee.name, minutes=attendee.minutes,
                                      delivered=record.delivered_minutes, workshop=record.workshop_title,
                                      date=record.date)
    return _("{name} was present for {minutes} minutes of teaching at “{workshop}” on {date}.").format(
        name=attendee.name, minutes=attendee.minutes, workshop=record.workshop_title, date=record.date)


def _issuer(record: SealedRecord, cert: x509.Certificate) -> dict[str, Any]:
    """The trainer, named as every other output names them: with the provider they train for, as sealed."""
    provider = record.trainer_organisation
    return {"id": issuer_id(cert.public_key()), "type": ["Profile"],  # not user text: Open Badges vocabulary
            "name": f"{record.trainer} ({provider})" if provider else record.trainer}


def _identifiers(attendee: SealedAttendee, email: str | None) -> list[dict[str, Any]]:
    found = [_identity("name", attendee.name)]
    if attendee.employee_id:
        found.append(_identity("ext:employeeId", attendee.employee_id))  # not user text: Open Badges vocabulary
    if email and email.strip():
        salt = attendee.certificate_id or ""  # unique per credential: the same address hashes differently in each
        digest = hashlib.sha256((email.strip() + salt).encode("utf-8")).hexdigest()
        hashed = _identity("emailAddress", f"sha256${digest}")  # not user text: Open Badges vocabulary
        found.append({**hashed, "hashed": True, "salt": salt})
    return found


def _identity(kind: str, value: str) -> dict[str, Any]:
    return {"type": "IdentityObject",  # not user text: Open Badges vocabulary
            "identityType": kind, "hashed": False, "identityHash": value}


def _instant(moment: datetime) -> str:
    """UTC to the second, rounded up: `nbf` (whole seconds) must equal it, and it is never before the moment."""
    utc = moment.astimezone(UTC)
    whole = utc.replace(microsecond=0) + (timedelta(seconds=1) if utc.microsecond else timedelta())
    return whole.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- keys as the JWT names them ---------------------------------------------------------------------------------

def public_jwk(key: object) -> dict[str, str]:
    """A P-256 public key as a JWK with only its required members (RFC 7638), never the private part."""
    if not _is_p256(key):
        raise JwsFormatError(_("an Open Badges credential is signed with a P-256 key, and this key is not one"))
    numbers = key.public_numbers()
    return {"crv": "P-256", "kty": "EC",  # not user text: JWK's name of the curve
            "x": jws.b64url(numbers.x.to_bytes(32, "big")),
            "y": jws.b64url(numbers.y.to_bytes(32, "big"))}


def issuer_id(key: object) -> str:
    """did:jwk of the key: its JWK as canonical JSON (sorted members, so one key has one DID), base64url."""
    return "did:jwk:" + jws.b64url(jws.canonical_json(public_jwk(key)))


def _is_p256(key: object) -> TypeGuard[ec.EllipticCurvePublicKey]:
    return isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == _P256


def _leaf(pem: str) -> x509.Certificate:
    """The first certificate of a PEM chain: ours come leaf first."""
    return x509.load_pem_x509_certificates(pem.encode("ascii"))[0]


# --- signing and verifying ---------------------------------------------------------------------------------------

def sign_vc_jwt(credential: dict[str, Any], identity: Identity) -> str:
    """The credential as a compact JWS (§8.2): the payload is the credential with `iss`, `jti`, `nbf` and `sub`.
    Refuses a credential that names another key as its issuer: it could never verify as that issuer's."""
    did = issuer_id(identity.key.public_key())
    if _issuer_of(credential) != did:
        raise CredentialError(_("the credential names another issuer than the key signing it"))
    payload = {**credential, **_claims(credential)}
    return jws.sign_compact(payload, identity.key, _kid(identity.key.public_key()), typ=TYP,
                            extra_header={"jwk": public_jwk(identity.key.public_key())})


def _claims(credential: dict[str, Any]) -> dict[str, Any]:
    claims = {"iss": _issuer_of(credential), "jti": credential["id"], "sub": credential["credentialSubject"]["id"],
              "nbf": _numeric_date(credential["validFrom"])}
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def verify_vc_jwt(token: str, trusted: x509.Certificate | Iterable[x509.Certificate], *,
                  now: datetime | None = None) -> dict[str, Any]:
    """The credential in `token`, once its signature verifies with the key of one of the `trusted` certificates
    and its claims match it (§8.2.6); with `now`, also that it is valid then. A JwsError says what is wrong."""
    header = jws.header_of(token)
    extra = set(header) - HEADER_MEMBERS
    if extra:
        raise JwsFormatError(_("the token's header has members an Open Badges credential may not have: {names}"
                               ).format(names=", ".join(sorted(extra))))
    key = _trusted_key(header, [trusted] if isinstance(trusted, x509.Certificate) else list(trusted))
    payload = jws.verify_compact(token, key, typ=TYP)
    _check_claims(payload, issuer_id(key), now)
    return {name: value for name, value in payload.items() if name not in JWT_CLAIMS}


def _trusted_key(header: dict[str, Any], trusted: list[x509.Certificate]) -> ec.EllipticCurvePublicKey:
    """The trusted key the header names, by its `jwk` and its did:jwk `kid`; the header's key is never used
    unless a trusted certificate holds the very same key."""
    if "jwk" not in header and "kid" not in header:
        raise JwsFormatError(_("the token names no key: its header has neither a jwk nor a kid"))
    for cert in trusted:
        key = cert.public_key()
        if _is_p256(key) and _names(header, key):
            return key
    raise UntrustedIssuer(_("the credential was signed with a key that none of the trusted trainer certificates "
                            "holds"))


def _names(header: dict[str, Any], key: ec.EllipticCurvePublicKey) -> bool:
    """Whether every key member the header has (`jwk`, `kid`) is this key."""
    return header.get("jwk", public_jwk(key)) == public_jwk(key) and header.get("kid", _kid(key)) == _kid(key)


def _kid(key: ec.EllipticCurvePublicKey) -> str:
    """The did:jwk DID URL of the key's one verification method (did:jwk names it "#0")."""
    return f"{issuer_id(key)}#0"


def _check_claims(payload: dict[str, Any], signer_did: str, now: datetime | None) -> None:
    types = payload.get("type") if isinstance(payload.get("type"), list) else []
    badge_types = {"OpenBadgeCredential", "AchievementCredential"}  # not user text: Open Badges vocabulary
    if CREDENTIAL_TYPES[0] not in types or not badge_types & set(types):
        raise CredentialError(_("the token does not hold an Open Badges credential"))
    subject = payload.get("credentialSubject") if isinstance(payload.get("credentialSubject"), dict) else {}
    expected = {"iss": (_issuer_of(payload), signer_did), "jti": (payload.get("id"),),
                "sub": (subject.get("id"),), "nbf": (_numeric_date(payload.get("validFrom")),)}
    if "exp" in payload or "validUntil" in payload:  # §8.2.6.1: exp is validUntil, when either is there
        expected["exp"] = (_numeric_date(payload.get("validUntil")),)
    for claim, values in expected.items():
        if payload.get(claim) is None or any(payload.get(claim) != value for value in values):
            raise CredentialError(_("the token's {claim} claim does not match the credential it holds").format(
                claim=claim))
    if now is not None and payload["nbf"] > now.timestamp():
        raise CredentialError(_("the credential is not valid before {moment}").format(moment=payload["validFrom"]))
    if now is not None and "exp" in payload and payload["exp"] <= now.timestamp():
        raise CredentialError(_("the credential expired on {moment}").format(moment=payload.get("validUntil")))


def _issuer_of(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer if isinstance(issuer, str) else None


def _numeric_date(value: Any) -> int | None:
    """An RFC 3339 date-time with its zone as seconds since the epoch; None if it is not one."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return int(moment.timestamp()) if moment.tzinfo is not None else None

