"""An installation's signing identity: an ECDSA P-256 key and the X.509 certificate that names its trainer.

The identity lives in one folder: `key.pem` (PKCS#8, owner-only, encrypted when a passphrase is given) and
`cert.pem` (our certificate first, then any issuing CA certificates). Both are made together or not at all: each is
written whole under a temporary name first, and only then are the two moved into place, the key first. A key
found without its certificate (a process killed between the two moves, or a full disk under an older version)
is an identity that was never finished: it cannot be loaded, so it never signed anything, and making a new
identity moves it aside into an `incomplete-…` subfolder. It is self-signed by default; an
organisation can instead issue the certificate from a CSR so HR trusts every trainer through one root.
P-256 rather than Ed25519 because poppler's `pdfsig` cannot check Ed25519 PDF signatures (DESIGN.md §4).

The self-signed certificate carries CA basic constraints and keyCertSign besides digitalSignature and
nonRepudiation: with those, pyHanko and pdfsig accepted it as its own trust anchor (environment.md).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from facilitator.files import create_together, read_bounded, write_atomically
from facilitator.i18n import _

MAX_PEM_BYTES = 1024 * 1024  # a key or a certificate chain: kilobytes; more is not ours
KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"
VALID_DAYS = 3650
CLOCK_SKEW = timedelta(minutes=5)  # a laptop a few minutes fast must not make a fresh certificate "not yet valid"
_ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


class IdentityError(Exception):
    """The identity cannot be created, read or changed; the message says why."""


class IdentityMissing(IdentityError):
    """There is no identity in the folder yet."""


class IdentityExists(IdentityError):
    """Creating would overwrite an existing key."""


class PassphraseError(IdentityError):
    """The key is encrypted and the passphrase is missing or wrong."""


class CertificateMismatch(IdentityError):
    """A certificate offered for installation is not for our key (or is not a usable certificate)."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it is a cache key for reusable signers
class Identity:
    """A loaded identity: the private key, our certificate, and the CA certificates that issued it."""

    folder: Path
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    encrypted: bool = False
    set_aside: Path | None = None  # where `create` moved an unfinished identity it found (a key alone)

    @property
    def key_path(self) -> Path:
        return self.folder / KEY_FILE

    @property
    def cert_path(self) -> Path:
        return self.folder / CERT_FILE

    @property
    def self_signed(self) -> bool:
        return self.cert.issuer == self.cert.subject and not self.chain

    def cert_pem(self, *, with_chain: bool = True) -> bytes:
        """Our certificate as PEM, followed by the issuing CAs unless `with_chain` is false."""
        certs = (self.cert, *self.chain) if with_chain else (self.cert,)
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


# --- fingerprints -----------------------------------------------------------------------------------------

def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as colon-separated upper-case hex, as browsers and `openssl` show it."""
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def short_fingerprint(cert: x509.Certificate) -> str:
    """The first 64 bits of the fingerprint in four groups, short enough to read out over the phone."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def thumbprint_s256(cert: x509.Certificate) -> str:
    """The JOSE `x5t#S256` thumbprint: base64url (unpadded) of the SHA-256 of the DER certificate."""
    return base64.urlsafe_b64encode(cert.fingerprint(hashes.SHA256())).rstrip(b"=").decode("ascii")


# --- create, load, replace ---------------------------------------------------------------------------------

def exists(folder: Path) -> bool:
    """Whether the folder holds an identity: its certificate (with its key, or without it if the key was lost:
    the certificate still names who signed earlier records). A key alone is an unfinished one (`unfinished`)."""
    return (folder / CERT_FILE).exists()


def unfinished(folder: Path) -> bool:
    """Whether the folder holds a key without its certificate: an identity whose making never finished."""
    return (folder / KEY_FILE).exists() and not (folder / CERT_FILE).exists()


def is_encrypted(folder: Path) -> bool:
    """Whether the stored key needs a passphrase; read without one."""
    return _read(folder / KEY_FILE).lstrip().startswith(_ENCRYPTED_PEM)


def create(folder: Path, name: str, organisation: str | None = None, passphrase: str | None = None, *,
           now: datetime | None = None, valid_days: int = VALID_DAYS) -> Identity:
    """Make a new key and a self-signed certificate for `name`; refuses if the folder already has one."""
    if not name.strip():
        raise IdentityError(_("the trainer's name for the certificate is empty"))
    if exists(folder):
        raise IdentityExists(_("{folder} already holds a signing identity; it is never overwritten").format(
            folder=folder))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _self_signed(key, _name(name, organisation), now or datetime.now(UTC), valid_days)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the mode applies to the last folder only
    aside = _set_aside_unfinished(folder, now)
    # Both whole or neither: a full disk leaves the folder as it was. The key never overwrites one already there.
    create_together([(folder / KEY_FILE, _key_pem(key, passphrase), True),
                     (folder / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM), False)])
    return Identity(folder, key, cert, (), bool(passphrase), aside)


def _set_aside_unfinished(folder: Path, now: datetime | None) -> Path | None:
    """Move a key found without its certificate into a timestamped `incomplete-…` subfolder (never deleted; never
    trusted as one of ours, since it never had a certificate); returns where, or None if there was none."""
    if not unfinished(folder):
        return None
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = folder / f"incomplete-{stamp}"
    aside.mkdir(mode=0o700)
    os.replace(folder / KEY_FILE, aside / KEY_FILE)
    return aside


def load(folder: Path, passphrase: str | None = None) -> Identity:
    """Read the key and certificates; a missing or wrong passphrase raises PassphraseError."""
    if not exists(folder):
        raise IdentityMissing(_("there is no signing identity in {folder} yet").format(folder=folder))
    pem = _read(folder / KEY_FILE)
    encrypted = pem.lstrip().startswith(_ENCRYPTED_PEM)
    key = _load_key(pem, passphrase if encrypted else None, folder / KEY_FILE)
    certs = _parse_certs(_read(folder / CERT_FILE))
    if not certs:
        raise IdentityError(_("{file} holds no certificate").format(file=folder / CERT_FILE))
    leaf, chain = _split_chain(certs, key.public_key())
    return Identity(folder, key, leaf, chain, encrypted)


def retire(folder: Path, now: datetime | None = None) -> Path:
    """Move the current key and certificate aside into a timestamped subfolder (never deleted); returns it."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = folder / f"replaced-{stamp}"
    aside.mkdir(mode=0o700)
    for file_name in (KEY_FILE, CERT_FILE):
        if (folder / file_name).exists():
            os.replace(folder / file_name, aside / file_name)
    return aside


def _load_key(pem: bytes, passphrase: str | None, path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode() if passphrase else None)
    except TypeError as exc:  # cryptography's way of saying "encrypted, but no password given"
        raise PassphraseError(_("the signing key {file} is protected by a passphrase, and none was given").format(
            file=path)) from exc
    except ValueError as exc:
        if passphrase is not None:
            raise PassphraseError(_("wrong passphrase for the signing key {file}").format(file=path)) from exc
        raise IdentityError(_("{file} is not a readable private key ({reason})").format(file=path, reason=exc)
                            ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise IdentityError(_("{file} is not an ECDSA P-256 key").format(file=path))
    return key


def _key_pem(key: ec.EllipticCurvePrivateKey, passphrase: str | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
        else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _name(common_name: str, organisation: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name.strip())]
    if organisation and organisation.strip():
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation.strip()))
    return x509.Name(attributes)


def _self_signed(key: ec.EllipticCurvePrivateKey, subject: x509.Name, now: datetime,
                 valid_days: int) -> x509.Certificate:
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)  # positive, at most 20 octets
        .not_valid_before(now - CLOCK_SKEW).not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
    )
    return builder.sign(key, hashes.SHA256())


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=True, key_cert_sign=cert_sign,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         crl_sign=False, encipher_only=False, decipher_only=False)


# --- CSR and an issued certificate ------------------------------------------------------------------------

def make_csr(identity: Identity) -> bytes:
    """A PEM certificate signing request for our key and subject, asking for signing key usages."""
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(identity.cert.subject)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .sign(identity.key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def install_cert(identity: Identity, pem_bytes: bytes, *, now: datetime | None = None) -> Identity:
    """Replace our certificate with one issued for our key; further certificates in the PEM are kept as the
    chain. Raises CertificateMismatch if none of them is for our key, or it has expired."""
    certs = _parse_certs(pem_bytes)
    if not certs and b"CERTIFICATE REQUEST-----" in pem_bytes:
        raise CertificateMismatch(_("it is a certificate signing request; send it to your CA and install the "
                                    "certificate it returns"))
    if not certs:
        raise CertificateMismatch(_("it holds no certificate (expected PEM or DER X.509)"))
    leaf, chain = _split_chain(certs, identity.key.public_key())
    if leaf.not_valid_after_utc < (now or datetime.now(UTC)):
        raise CertificateMismatch(_("the certificate expired on {day}").format(
            day=leaf.not_valid_after_utc.date().isoformat()))
    installed = Identity(identity.folder, identity.key, leaf, chain, identity.encrypted)
    write_atomically(identity.cert_path, installed.cert_pem())
    return installed


def _parse_certs(data: bytes) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        return []


def _split_chain(certs: Sequence[x509.Certificate],
                 public_key: ec.EllipticCurvePublicKey) -> tuple[x509.Certificate, tuple[x509.Certificate, ...]]:
    """Find the certificate for our key, then order the rest issuer after issuer (strays go last)."""
    mine = [c for c in certs if c.public_key() == public_key]
    if not mine:
        raise CertificateMismatch(_("no certificate in it is for this installation's key"))
    leaf = mine[0]
    rest = [c for c in certs if c is not leaf and c.public_key() != public_key]
    ordered: list[x509.Certificate] = []
    current = leaf
    while (issuer := _issuer_of(current, rest)) is not None:
        ordered.append(issuer)
        rest.remove(issuer)
        current = issuer
    return leaf, (*ordered, *rest)


def _issuer_of(cert: x509.Certificate, candidates: Sequence[x509.Certificate]) -> x509.Certificate | None:
    for candidate in candidates:
        try:
            cert.verify_directly_issued_by(candidate)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return candidate
    return None


# --- files ------------------------------------------------------------------------------------------------

def _read(path: Path) -> bytes:
    """The key file or the certificate file; a message naming which if it cannot be read."""
    key = path.name == KEY_FILE
    try:
        return read_bounded(path, MAX_PEM_BYTES)
    except FileNotFoundError as exc:
        missing = (_("the key file {file} is missing; restore it from a backup or create a new identity") if key
                   else _("the certificate file {file} is missing; restore it from a backup or create a new "
                          "identity"))
        raise IdentityError(missing.format(file=path)) from exc
    except OSError as exc:
        unreadable = (_("cannot read the key file {file}: {reason}") if key
                      else _("cannot read the certificate file {file}: {reason}"))
        raise IdentityError(unreadable.format(file=path, reason=exc.strerror)) from exc
