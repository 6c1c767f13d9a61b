"""Open Badges 3.0 credentials from a real sealed session: 1EdTech's schema accepts every one, an independent JOSE
library (joserfc) verifies each VC-JWT with the trainer's key, anything altered or signed by another key fails both
joserfc and our verifier, and no credential claims more than the record: partial is never met, and only a person
the amended record gives a certificate gets one."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from joserfc import errors as jose_errors
from joserfc import jws as jose
from joserfc.jwk import ECKey
from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.validators import validator_for

from facilitator.domain.roster import Person
from facilitator.records import identity as identities
from facilitator.records import jws
from facilitator.records import openbadges as ob
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.services import attendance, closing
from facilitator.services.exported_sessions import exported_session
from facilitator.services.identity import get_identity, signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.delivering import deliver_as_planned
from tests.unit.exporting import sealed_session

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "ob3" / "achievementcredential.schema.json"
                     ).read_text(encoding="utf-8"))
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def _date_time(value: object) -> bool:
    """jsonschema checks "date-time" only with an optional package; this is RFC 3339 with its zone, as
    DateTimeZ asks."""
    return not isinstance(value, str) or bool(RFC3339.fullmatch(value))


def _validator() -> Draft201909Validator:
    assert validator_for(SCHEMA) is Draft201909Validator  # the dialect the schema declares
    Draft201909Validator.check_schema(SCHEMA)
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_date_time)
    return Draft201909Validator(SCHEMA, format_checker=checker)


def schema_errors(credential: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(credential)]


@dataclasses.dataclass
class Sealed:
    ws: Workspace
    sid: str
    exported: ExportedSession
    me: identities.Identity

    @property
    def trainer_cert(self) -> x509.Certificate:  # as the bundle exports it: the certificate that signed the seal
        return x509.load_pem_x509_certificates(self.exported.signer_cert_pem.encode("ascii"))[0]

    def person(self, first_name: str) -> ExportedPerson:
        return next(p for p in self.exported.people if p.first_name == first_name)


@pytest.fixture
def sealed(workspace: Workspace) -> Sealed:
    """Zoë stayed throughout, José left an hour in, Ana came for all of it, Kim never came (tests/unit/exporting)."""
    sid = sealed_session(workspace)
    return Sealed(workspace, sid, exported_session(workspace, sid), get_identity(workspace))


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload = (json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))) for p in token.split(".")[:2])
    return header, payload


def _with_payload(token: str, payload: dict[str, Any]) -> str:
    header, _old, signature = token.split(".")
    return f"{header}.{jws.b64url(jws.canonical_json(payload))}.{signature}"


# --- the credential -----------------------------------------------------------------------------------------------

def test_every_certificate_is_a_credential_that_the_schema_accepts(sealed: Sealed) -> None:
    made = ob.credentials(sealed.exported)
    certified = [p.attendee.certificate_id for p in sealed.exported.people if p.completed]
    assert [c["id"] for c in made] == [f"urn:uuid:{c}" for c in certified] and len(made) == 2  # Zoë and Ana
    for credential in made:
        assert schema_errors(credential) == []
        assert credential["@context"] == [ob.VC_CONTEXT, ob.OB_CONTEXT]
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["issuer"]["id"] == ob.issuer_id(sealed.me.key.public_key())
        assert credential["issuer"]["name"] == "Sam Lee"
        assert credential["credentialSubject"]["achievement"]["name"] == sealed.exported.record.workshop_title
    assert len({c["credentialSubject"]["id"] for c in made}) == 2


def test_the_schema_check_fails_a_credential_that_lacks_what_it_requires(sealed: Sealed) -> None:
    good = ob.credential(sealed.exported, sealed.person("Zoë"))
    no_description = json.loads(json.dumps(good))
    del no_description["credentialSubject"]["achievement"]["description"]
    assert any("'description' is a required property" in e for e in schema_errors(no_description))
    assert any("is not a 'date-time'" in e for e in schema_errors({**good, "validFrom": "2026-11-30T10:00:00"}))
    assert schema_errors({**good, "type": ["VerifiableCredential"]}) != []


def test_valid_from_is_when_the_session_ended_to_the_second(sealed: Sealed) -> None:
    credential = ob.credential(sealed.exported, sealed.person("Zoë"))
    valid_from = datetime.fromisoformat(credential["validFrom"])
    assert credential["validFrom"].endswith("Z") and valid_from.microsecond == 0
    assert sealed.exported.ends <= valid_from < sealed.exported.ends + timedelta(seconds=1)


def test_the_statement_is_what_the_record_credits(sealed: Sealed) -> None:
    zoe = sealed.person("Zoë")
    record = sealed.exported.record
    [credit] = record.credits_of(zoe.attendee)
    assert credit.standing == "met"
    text = ob.credential(sealed.exported, zoe)["description"]
    assert f"present for {zoe.attendee.minutes} of the {record.delivered_minutes} minutes" in text
    assert _met_sentence(text) == f"Requirements met: {credit.name} ({credit.citation})."
    assert record.date in text and "Zoë O'Neil" in text


def test_the_achievement_is_the_same_for_everyone_and_names_no_one(sealed: Sealed) -> None:
    made = ob.credentials(sealed.exported)
    achievements = [c["credentialSubject"]["achievement"] for c in made]
    assert achievements[0] == achievements[1]  # one id, one content: no one's credit shows on another's
    assert achievements[0]["achievementType"] == "CertificateOfCompletion"
    text = json.dumps(achievements[0], ensure_ascii=False)
    for person in sealed.exported.people:
        assert person.attendee.name not in text
    for credit in sealed.exported.record.jurisdictions:
        assert credit.name not in text and credit.citation not in text
    assert ob.credentials(sealed.exported) == made  # pure: the same record makes the same credentials


def test_the_email_address_is_only_hashed_and_checks_against_the_known_address(sealed: Sealed) -> None:
    credential = ob.credential(sealed.exported, sealed.person("Zoë"))
    assert "zoe@example.com" not in json.dumps(credential)
    found = {i["identityType"]: i for i in credential["credentialSubject"]["identifier"]}
    email = found["emailAddress"]
    assert email["hashed"] is True
    assert email["identityHash"] == "sha256$" + hashlib.sha256(
        ("zoe@example.com" + email["salt"]).encode("utf-8")).hexdigest()
    assert (found["name"]["identityHash"], found["name"]["hashed"]) == ("Zoë O'Neil", False)
    assert found["ext:employeeId"]["identityHash"] == "E1"


# --- who gets one -------------------------------------------------------------------------------------------------

def test_no_shows_and_incomplete_attendees_get_none(sealed: Sealed) -> None:
    for first_name in ("José", "Kim"):  # left after an hour; never came
        with pytest.raises(ob.NoCertificate):
            ob.credential(sealed.exported, sealed.person(first_name))
    names = {c["credentialSubject"]["identifier"][0]["identityHash"] for c in ob.credentials(sealed.exported)}
    assert names == {"Zoë O'Neil", "Ana Díaz"}


def test_the_amended_record_decides_who_gets_one(sealed: Sealed) -> None:
    closing.amend(sealed.ws, sealed.sid, signer(sealed.ws), person="E2", eligible=True, reason="made up the hour")
    closing.amend(sealed.ws, sealed.sid, signer(sealed.ws), person="E1", eligible=False, reason="slept through it")
    amended = exported_session(sealed.ws, sealed.sid)
    names = {c["credentialSubject"]["identifier"][0]["identityHash"] for c in ob.credentials(amended)}
    assert names == {"José Núñez", "Ana Díaz"}
    as_sealed = sealed.person("Zoë")  # the person as the seal had them, certificate and all
    assert as_sealed.completed
    with pytest.raises(ob.NoCertificate):
        ob.credential(amended, as_sealed)  # the amended record is asked, not the value handed in
    [jose_credential] = [c for c in ob.credentials(amended) if "José" in c["description"]]
    assert "made up the hour" in jose_credential["description"]
    assert schema_errors(jose_credential) == []


# --- partial is never met -----------------------------------------------------------------------------------------

def _employees_session(ws: Workspace) -> ExportedSession:
    """The employees' workshop under California, Delaware and Maine: a supervisor in it gets a certificate for
    being there, but only part of what Delaware and Maine ask of supervisors (test_delivered_credit.py)."""
    start = (NOW - timedelta(minutes=170)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-employees", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee",
                            jurisdictions=["ca-employees", "de", "me"])
    add_people(ws, detail.id, [Person("Ana", "Díaz", "E1", "ana@example.com"),
                               Person("Bo", "Li", "E2", "bo@example.com", is_supervisor=True),
                               Person("Cy", "Ng", "E3"), Person("Di", "Ow", "E4")])
    for code in [p.badge_code for p in get_session(ws, detail.id).roster]:
        attendance.check_in(ws, detail.id, code, at=start)
    deliver_as_planned(ws, detail.id, start)
    set_setting(ws, "organisation", "Depot Ltd")
    closing.close_session(ws, detail.id, signer(ws, create_as="Sam Lee"), at=NOW)
    return exported_session(ws, detail.id)


def _met_sentence(text: str) -> str:
    """The one line of the statement that says what is met."""
    [line] = [line for line in text.splitlines() if line.startswith("Requirements met: ")
              or line == "No jurisdiction's requirements are met by this certificate."]
    return line


def test_a_partial_jurisdiction_is_never_stated_as_met(workspace: Workspace) -> None:
    exported = _employees_session(workspace)
    bo = next(p for p in exported.people if p.first_name == "Bo")
    standings = {c.code: c for c in exported.record.credits_of(bo.attendee)}
    assert bo.completed and {code: c.standing for code, c in standings.items()} == {
        "ca-employees": "not-applicable", "de": "partial", "me": "partial"}  # the case this test is about
    credential = ob.credential(exported, bo)
    assert schema_errors(credential) == []
    met = _met_sentence(credential["description"])
    assert met == "No jurisdiction's requirements are met by this certificate."
    for code in ("de", "me"):
        assert standings[code].name not in met
        assert f"{standings[code].name}: partly met — not complete." in credential["description"]
    assert standings["ca-employees"].name not in credential["description"]  # not for his track: not named
    ana = ob.credential(exported, next(p for p in exported.people if p.first_name == "Ana"))
    for credit in exported.record.credits_of(next(p for p in exported.people if p.first_name == "Ana").attendee):
        assert credit.standing == "met" and f"{credit.name} ({credit.citation})" in _met_sentence(ana["description"])


def test_a_credit_made_partial_leaves_the_met_list(sealed: Sealed) -> None:
    """The same rule on a record changed by hand: Zoë's California credit as partial, then as not met."""
    zoe = sealed.person("Zoë")
    [credit] = zoe.attendee.credits or ()
    for standing, words in (("partial", "partly met — not complete"), ("not-met", "not met")):
        attendee = dataclasses.replace(zoe.attendee, credits=(dataclasses.replace(credit, standing=standing),))
        record = dataclasses.replace(sealed.exported.record, attendees=tuple(
            attendee if a.badge_token == attendee.badge_token else a for a in sealed.exported.record.attendees))
        text = ob.credential(dataclasses.replace(sealed.exported, record=record), zoe)["description"]
        assert credit.name not in _met_sentence(text) and credit.citation not in text
        assert f"{credit.name}: {words}." in text


# --- the VC-JWT ---------------------------------------------------------------------------------------------------

def test_joserfc_verifies_each_token_with_the_key_it_names_and_the_exported_certificate(sealed: Sealed) -> None:
    for credential in ob.credentials(sealed.exported):
        token = ob.sign_vc_jwt(credential, sealed.me)
        header, payload = _parts(token)
        assert set(header) == {"alg", "kid", "jwk", "typ"}  # OB 3.0 §8.2.3 allows no other header
        assert (header["alg"], header["typ"]) == ("ES256", "JWT") and "d" not in header["jwk"]
        did = header["kid"].removesuffix("#0")
        assert json.loads(base64.urlsafe_b64decode(did.removeprefix("did:jwk:") + "==")) == header["jwk"]
        own_key = ECKey.import_key(header["jwk"])
        exported_key = ECKey.import_key(sealed.trainer_cert.public_key())
        assert own_key.thumbprint() == exported_key.thumbprint()  # the token's key is the trainer's
        for key in (own_key, exported_key):
            assert json.loads(jose.deserialize_compact(token, key, algorithms=["ES256"]).payload) == payload
        assert (payload["iss"], payload["jti"], payload["sub"]) == (
            credential["issuer"]["id"], credential["id"], credential["credentialSubject"]["id"])
        assert payload["nbf"] == int(datetime.fromisoformat(credential["validFrom"]).timestamp())
        assert "vc" not in payload and {k: v for k, v in payload.items() if k not in ob.JWT_CLAIMS} == credential
        assert ob.verify_vc_jwt(token, sealed.trainer_cert) == credential
        after = sealed.exported.ends + timedelta(minutes=1)  # the fixture's delivery ends a minute after its seal
        assert ob.verify_vc_jwt(token, [sealed.me.cert], now=after) == credential


def test_an_edited_payload_fails_joserfc_and_our_verifier(sealed: Sealed) -> None:
    token = ob.sign_vc_jwt(ob.credential(sealed.exported, sealed.person("Ana")), sealed.me)
    _header, payload = _parts(token)
    forged = json.loads(json.dumps(payload))
    forged["description"] = forged["description"].replace("present for", "present, with distinction, for")
    for bad in (_with_payload(token, forged), _with_payload(token, {**payload, "nbf": payload["nbf"] - 86400})):
        with pytest.raises(jose_errors.BadSignatureError):
            jose.deserialize_compact(bad, ECKey.import_key(sealed.trainer_cert.public_key()), algorithms=["ES256"])
        with pytest.raises(jws.JwsSignatureError):
            ob.verify_vc_jwt(bad, sealed.trainer_cert)


def test_a_token_signed_by_another_key_fails_joserfc_and_our_verifier(sealed: Sealed, tmp_path: Path) -> None:
    other = identities.create(tmp_path / "other", "Mallory")
    credential = ob.credential(sealed.exported, sealed.person("Zoë"))
    token = ob.sign_vc_jwt(credential, sealed.me)
    header, payload = _parts(token)
    trainer_key = ECKey.import_key(sealed.trainer_cert.public_key())
    # Re-signed by another key under the trainer's header: the signature does not match the trainer's key.
    resigned = jws.sign_compact(payload, other.key, header["kid"], typ="JWT", extra_header={"jwk": header["jwk"]})
    with pytest.raises(jose_errors.BadSignatureError):
        jose.deserialize_compact(resigned, trainer_key, algorithms=["ES256"])
    with pytest.raises(jws.JwsSignatureError):
        ob.verify_vc_jwt(resigned, sealed.trainer_cert)
    # Made whole by the other key, naming itself: it verifies with its own key, so that key is never trusted.
    theirs = ob.sign_vc_jwt(ob.credential(sealed.exported, sealed.person("Zoë"), signer=other.cert), other)
    jose.deserialize_compact(theirs, ECKey.import_key(_parts(theirs)[0]["jwk"]), algorithms=["ES256"])
    with pytest.raises(jose_errors.BadSignatureError):
        jose.deserialize_compact(theirs, trainer_key, algorithms=["ES256"])
    with pytest.raises(ob.UntrustedIssuer):
        ob.verify_vc_jwt(theirs, sealed.trainer_cert)
    with pytest.raises(ob.CredentialError):  # and no one signs a credential naming another issuer
        ob.sign_vc_jwt(credential, other)


def test_claims_that_do_not_match_the_credential_are_refused(sealed: Sealed) -> None:
    credential = ob.credential(sealed.exported, sealed.person("Zoë"))
    header, payload = _parts(ob.sign_vc_jwt(credential, sealed.me))

    def signed(body: dict[str, Any], **extra: Any) -> str:
        return jws.sign_compact(body, sealed.me.key, header["kid"], typ="JWT",
                                extra_header={"jwk": header["jwk"], **extra})

    claims = {k: payload[k] for k in ("iss", "jti", "sub", "nbf")}
    for body in ({**payload, "jti": "urn:uuid:00000000-0000-0000-0000-000000000000"},
                 {**payload, "sub": "urn:uuid:00000000-0000-0000-0000-000000000000"},
                 {**payload, "nbf": payload["nbf"] - 1},
                 {"vc": credential, **claims}):  # VC 1.1's wrapper is not what we make
        with pytest.raises(ob.CredentialError):
            ob.verify_vc_jwt(signed(body), sealed.trainer_cert)
    with pytest.raises(jws.JwsFormatError, match="x5c"):
        ob.verify_vc_jwt(signed(payload, x5c=["MIIB"]), sealed.trainer_cert)
    with pytest.raises(ob.CredentialError, match="not valid before"):
        ob.verify_vc_jwt(signed(payload), sealed.trainer_cert, now=sealed.exported.ends - timedelta(hours=1))
    lasting = ob.sign_vc_jwt({**credential, "validUntil": "2030-01-01T00:00:00Z"}, sealed.me)
    assert _parts(lasting)[1]["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert ob.verify_vc_jwt(lasting, sealed.trainer_cert, now=datetime(2029, 12, 31, tzinfo=UTC))["validUntil"]
    with pytest.raises(ob.CredentialError, match="expired"):
        ob.verify_vc_jwt(lasting, sealed.trainer_cert, now=datetime(2030, 1, 2, tzinfo=UTC))
    with pytest.raises(ob.CredentialError, match="exp claim"):
        ob.verify_vc_jwt(signed({**_parts(lasting)[1], "exp": 1}), sealed.trainer_cert)
