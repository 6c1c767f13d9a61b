"""Compact JWS (RFC 7515) with ES256, written with `cryptography` alone, for the certificate QR code.

Header: {"alg": "ES256", "kid": <x5t#S256 of the trainer's certificate>, "typ": "JWT" or e.g. "fac-cert+jwt"}.
Header and payload are canonical JSON (sorted keys, no spaces, UTF-8), so the same facts always give the same
signing input. The signature is the raw 64-byte r‖s that JWS requires (not the DER that `cryptography` returns),
base64url without padding. Any JOSE library verifies these tokens with the key from the trainer's certificate.

Size: the encoded header (with the 43-character kid and typ "fac-cert+jwt") is 118 characters and the
signature 86, so a token is 4/3 x payload + 206 characters: a 300-byte payload gives ~606 characters, and
the 321-byte certificate facts in the test give 634, which fits a version-20 QR code (97 x 97 modules) at
error-correction level M. Keep the facts' keys short; every 3 bytes saved is 4 characters.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from facilitator.i18n import N_, _

ALG = "ES256"
_COORD = 32  # bytes in a P-256 coordinate; r and s are each this long in a JWS signature
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class JwsError(ValueError):
    """A token cannot be made or accepted; the message says why."""


class JwsFormatError(JwsError):
    """Not a compact JWS: wrong number of parts, bad base64url, or headers/payload that are not JSON objects."""


class JwsAlgorithmError(JwsError):
    """The header names an algorithm (or a critical extension) other than ES256; never trusted, never tried."""


class JwsSignatureError(JwsError):
    """Well formed, but the signature does not match the key."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (not \\u escapes, which would lengthen non-English names)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_compact(payload: dict[str, Any], key: ec.EllipticCurvePrivateKey, kid: str, *, typ: str = "JWT",
                 extra_header: Mapping[str, Any] | None = None) -> str:
    """Sign `payload` (canonical JSON) with `key`; `kid` names the key or certificate that verifies it.
    `extra_header` adds members to the protected header (an Open Badges credential carries its public key as
    "jwk"); it cannot replace "alg", "kid" or "typ", and without it the header is the three alone."""
    _require_p256(key.curve)
    header = {**(extra_header or {}), "alg": ALG, "kid": kid, "typ": typ}
    signing_input = f"{b64url(canonical_json(header))}.{b64url(canonical_json(payload))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(_COORD, 'big') + s.to_bytes(_COORD, 'big'))}"


def header_of(token: str) -> dict[str, Any]:
    """The protected header, unverified: only for choosing the key (by `kid`) before `verify_compact`."""
    return _json_object(_b64decode(_parts(token)[0], N_("header")), N_("header"))


def verify_compact(token: str, public_key: ec.EllipticCurvePublicKey, *, typ: str | None = None) -> dict[str, Any]:
    """Check the token's signature with `public_key` and return its payload; raise a JwsError if anything is off.
    With `typ`, the header's "typ" must equal it (so a token made for one purpose is not taken for another)."""
    _require_p256(public_key.curve)
    header_b64, payload_b64, signature_b64 = _parts(token)
    header = header_of(token)
    _check_header(header, typ)
    signature = _b64decode(signature_b64, N_("signature"))
    if len(signature) != 2 * _COORD:
        raise JwsFormatError(_("an ES256 signature is {expected} bytes, this one is {length}").format(
            expected=2 * _COORD, length=len(signature)))
    der = encode_dss_signature(int.from_bytes(signature[:_COORD], "big"), int.from_bytes(signature[_COORD:], "big"))
    try:
        public_key.verify(der, f"{header_b64}.{payload_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise JwsSignatureError(_("the signature does not match: the token was altered or signed by another key")
                                ) from exc
    return _json_object(_b64decode(payload_b64, N_("payload")), N_("payload"))


def _check_header(header: dict[str, Any], typ: str | None) -> None:
    if header.get("alg") != ALG:
        raise JwsAlgorithmError(_("the token's algorithm is {alg}; only {accepted} is accepted").format(
            alg=repr(header.get("alg")), accepted=ALG))
    if "crit" in header:  # RFC 7515 §4.1.11: extensions we do not understand must make the token invalid
        raise JwsAlgorithmError(_("the token requires extensions this verifier does not know: {crit}").format(
            crit=repr(header["crit"])))
    if typ is not None and header.get("typ") != typ:
        raise JwsFormatError(_("the token's type is {typ}, expected {expected}").format(
            typ=repr(header.get("typ")), expected=repr(typ)))


def _parts(token: str) -> tuple[str, str, str]:
    parts = token.strip().split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise JwsFormatError(_("not a compact JWS: expected three base64url parts separated by dots"))
    return parts[0], parts[1], parts[2]


def _b64decode(part: str, what: str) -> bytes:
    if not _B64URL.match(part) or len(part) % 4 == 1:
        raise JwsFormatError(_("the token's {part} is not base64url without padding").format(part=_(what)))
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise JwsFormatError(_("the token's {part} is not base64url").format(part=_(what))) from exc


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JwsFormatError(_("the token's {part} is not UTF-8 JSON").format(part=_(what))) from exc
    if not isinstance(value, dict):
        raise JwsFormatError(_("the token's {part} is not a JSON object").format(part=_(what)))
    return value


def _require_p256(curve: ec.EllipticCurve) -> None:
    if curve.name != "secp256r1":
        raise JwsAlgorithmError(_("ES256 needs a P-256 key, not {curve}").format(curve=curve.name))
