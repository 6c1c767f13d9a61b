"""Our hand-written ES256 compact JWS against an independent JOSE library (joserfc), both ways, tampering
included."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import errors as jose_errors
from joserfc import jws as jose
from joserfc.jwk import ECKey

from facilitator.records import identity, jws

# The facts a certificate's QR code carries (DESIGN.md §4): about 300 bytes of canonical JSON.
CERT_FACTS = {
    "v": 1, "id": "C-2026-12-03-0042", "sid": "S8K2M4Q7", "att": "María-José Fernández García",
    "emp": "E-004521", "wid": "harassment-prevention-supervisors",
    "wt": "Preventing harassment: a workshop for supervisors", "d": "2026-12-03", "min": 124,
    "tr": "Sam Lee", "loc": "Main St warehouse, break room", "jur": ["ca-supervisors", "ny-state"],
}


@pytest.fixture(scope="module")
def me(tmp_path_factory: pytest.TempPathFactory) -> identity.Identity:
    return identity.create(tmp_path_factory.mktemp("identity"), "Sam Lee", "Acme")


def their_key(me: identity.Identity) -> ECKey:
    return ECKey.import_key(me.cert.public_key())  # as a verifier would: from the trainer's certificate


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_joserfc_verifies_our_token(me: identity.Identity) -> None:
    token = jws.sign_compact(CERT_FACTS, me.key, identity.thumbprint_s256(me.cert), typ="fac-cert+jwt")
    checked = jose.deserialize_compact(token, their_key(me), algorithms=["ES256"])
    assert json.loads(checked.payload) == CERT_FACTS
    assert checked.headers() == {"alg": "ES256", "kid": identity.thumbprint_s256(me.cert), "typ": "fac-cert+jwt"}
    assert jws.header_of(token)["kid"] == identity.thumbprint_s256(me.cert)
    assert jws.verify_compact(token, me.cert.public_key(), typ="fac-cert+jwt") == CERT_FACTS


def test_we_verify_a_joserfc_token(me: identity.Identity) -> None:
    token = jose.serialize_compact({"alg": "ES256", "kid": "k1"}, json.dumps(CERT_FACTS).encode(),
                                   ECKey.import_key(me.key), algorithms=["ES256"])
    assert jws.verify_compact(token, me.cert.public_key()) == CERT_FACTS


def test_signing_input_is_canonical_and_signature_is_raw_r_s(me: identity.Identity) -> None:
    token = jws.sign_compact({"b": 1, "a": "é"}, me.key, "k")
    header, payload, signature = token.split(".")
    assert base64.urlsafe_b64decode(payload + "==") == '{"a":"é","b":1}'.encode()
    assert base64.urlsafe_b64decode(header + "==") == b'{"alg":"ES256","kid":"k","typ":"JWT"}'
    assert "=" not in token and len(base64.urlsafe_b64decode(signature + "==")) == 64


def test_token_for_a_certificate_stays_small_enough_for_a_qr_code(me: identity.Identity) -> None:
    payload = jws.canonical_json(CERT_FACTS)
    token = jws.sign_compact(CERT_FACTS, me.key, identity.thumbprint_s256(me.cert), typ="fac-cert+jwt")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(token)
    code.make(fit=True)
    # Documented in records/jws.py: 4/3 x payload + 206 characters; these ~320 bytes fit version 20 at level M.
    assert 280 <= len(payload) <= 330
    assert len(token) <= len(payload) * 4 // 3 + 210 and len(token) < 650
    assert code.version <= 20


def tampered(token: str, part: int, new: str) -> str:
    parts = token.split(".")
    parts[part] = new
    return ".".join(parts)


def test_tampered_payload_signature_and_alg_are_refused_by_both(me: identity.Identity) -> None:
    token = jws.sign_compact(CERT_FACTS, me.key, "k")
    signature = token.split(".")[2]
    changed = dict(CERT_FACTS, min=240)
    bad_payload = tampered(token, 1, b64(jws.canonical_json(changed)))
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 1
    bad_signature = tampered(token, 2, b64(bytes(raw)))
    for bad in (bad_payload, bad_signature):
        with pytest.raises(jws.JwsSignatureError):
            jws.verify_compact(bad, me.cert.public_key())
        with pytest.raises(jose_errors.BadSignatureError):
            jose.deserialize_compact(bad, their_key(me), algorithms=["ES256"])
    for alg in ("none", "HS256", "ES384"):
        bad_alg = tampered(token, 0, b64(jws.canonical_json({"alg": alg, "kid": "k", "typ": "JWT"})))
        with pytest.raises(jws.JwsAlgorithmError):
            jws.verify_compact(bad_alg, me.cert.public_key())
        with pytest.raises(jose_errors.JoseError):
            jose.deserialize_compact(bad_alg, their_key(me), algorithms=["ES256"])


def test_another_key_and_malformed_tokens_are_refused(me: identity.Identity, tmp_path: Path) -> None:
    token = jws.sign_compact(CERT_FACTS, me.key, "k")
    stranger = identity.create(tmp_path, "Someone Else")
    with pytest.raises(jws.JwsSignatureError):
        jws.verify_compact(token, stranger.cert.public_key())
    header, payload, signature = token.split(".")
    for bad in ("", "a.b", f"{token}.x", f"{header}.{payload}.{signature}=", f"{header}.{payload}.{signature[:-2]}",
                f"{header}.{payload}!.{signature}", f"{b64(b'[1]')}.{payload}.{signature}",
                f"{header}.{b64(b'not json')}.{signature}"):
        with pytest.raises(jws.JwsError):
            jws.verify_compact(bad, me.cert.public_key())
    with pytest.raises(jws.JwsFormatError, match="type"):
        jws.verify_compact(token, me.cert.public_key(), typ="fac-cert+jwt")
    crit = jws.sign_compact(CERT_FACTS, me.key, "k")  # a header asking for an extension we do not know
    crit_header = b64(jws.canonical_json({"alg": "ES256", "crit": ["exp"], "exp": 1}))
    with pytest.raises(jws.JwsAlgorithmError):
        jws.verify_compact(tampered(crit, 0, crit_header), me.cert.public_key())


def test_keys_on_other_curves_are_refused(me: identity.Identity) -> None:
    with pytest.raises(jws.JwsAlgorithmError):
        jws.sign_compact({}, ec.generate_private_key(ec.SECP384R1()), "k")
    with pytest.raises(jws.JwsAlgorithmError):
        jws.verify_compact(jws.sign_compact({}, me.key, "k"), ec.generate_private_key(ec.SECP384R1()).public_key())


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)


@settings(max_examples=40, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=10), JSON, max_size=6))
def test_any_json_object_round_trips_through_both_libraries(me: identity.Identity, payload: dict) -> None:
    token = jws.sign_compact(payload, me.key, "k")
    assert jws.verify_compact(token, me.cert.public_key()) == payload
    assert json.loads(jose.deserialize_compact(token, their_key(me), algorithms=["ES256"]).payload) == payload
