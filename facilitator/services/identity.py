"""The installation's signing identity as use cases: show (creating it on first use), create, replace,
export the certificate, make a CSR, and install a certificate the organisation's CA issued.

Other code calls `get_identity` for the loaded key and certificate (to sign PDFs, tokens and manifests) and
`identity_info` for plain facts to show. The key lives in <data folder>/identity (records/identity.py).
"""

from __future__ import annotations

import dataclasses
import getpass
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from facilitator.i18n import _
from facilitator.records import identity as records
from facilitator.records import jws
from facilitator.records.identity import Identity
from facilitator.services.errors import Remedy, UserError
from facilitator.services.files import ensure_folder, save
from facilitator.services.workspace import Workspace

FOLDER = "identity"
T = TypeVar("T")


@dataclass(frozen=True)
class IdentityInfo:
    """What a trainer or HR needs to recognise a signing identity; no secrets."""

    subject: str
    name: str
    organisation: str | None
    issuer: str
    self_signed: bool
    fingerprint: str  # SHA-256 of the certificate, colon-separated hex
    short_fingerprint: str
    thumbprint: str  # x5t#S256, the "kid" of our tokens
    not_before: datetime
    not_after: datetime
    passphrase_protected: bool
    chain_length: int  # CA certificates stored after ours
    key_path: Path
    cert_path: Path
    replaced_to: Path | None = None  # where `create(replace=True)` moved the old files

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("not_before", "not_after"):
            data[name] = data[name].isoformat()
        for name in ("key_path", "cert_path", "replaced_to"):
            data[name] = str(data[name]) if data[name] is not None else None
        return data


def identity_folder(ws: Workspace) -> Path:
    return ws.data_dir / FOLDER


def has_identity(ws: Workspace) -> bool:
    return records.exists(identity_folder(ws))


def needs_passphrase(ws: Workspace) -> bool:
    """Whether loading the key will need a passphrase (False when there is no identity yet)."""
    return has_identity(ws) and _guard(lambda: records.is_encrypted(identity_folder(ws)))


def default_trainer_name() -> str:
    """The operating system's user name: a first-use identity needs some name, and the trainer can replace it."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user database entry (containers) or no login name at all
        return _("Trainer")


def get_identity(ws: Workspace, passphrase: str | None = None, create_as: str | None = None) -> Identity:
    """The loaded key and certificate; created for `create_as` if there is none yet (else a UserError)."""
    folder = identity_folder(ws)
    if not records.exists(folder):
        if create_as is None:
            raise UserError(_("there is no signing identity yet"), _made_on_first_seal(
                _("create one with 'facilitator keys create --name \"Your Name\"'")))
        return _guard(lambda: records.create(folder, create_as, passphrase=passphrase))
    return _guard(lambda: records.load(folder, passphrase))


def identity_info(ws: Workspace) -> IdentityInfo:
    """Facts about the current identity, read from the certificate alone (no passphrase needed)."""
    folder = identity_folder(ws)
    if not records.exists(folder):
        raise UserError(_("there is no signing identity yet"),
                        _made_on_first_seal(_("'facilitator keys show' creates one")))
    certs = _guard(lambda: _stored_certs(folder))
    return _info(certs[0], len(certs) - 1, folder, _guard(lambda: records.is_encrypted(folder)))


def create_identity(ws: Workspace, name: str, organisation: str | None = None, passphrase: str | None = None,
                    *, replace: bool = False) -> IdentityInfo:
    """Make a new identity; an existing one is refused unless `replace`, which moves it aside (never deletes)."""
    folder = identity_folder(ws)
    moved: Path | None = None
    if records.exists(folder):
        if not replace:
            raise UserError(_("a signing identity already exists in {folder}").format(folder=folder), Remedy(
                command=_("use --replace to make a new one (the old key and certificate are kept in a dated "
                          "subfolder)"),
                menu=_("File → Signing identity… shows it; it is never overwritten")))
        moved = _guard(lambda: records.retire(folder))
    made = _guard(lambda: records.create(folder, name, organisation, passphrase))
    return dataclasses.replace(_info(made.cert, 0, folder, made.encrypted), replaced_to=moved)


def export_certificate(ws: Workspace, out: Path) -> Path:
    """Write our certificate (and its CA chain) as PEM to `out`, for HR to trust."""
    folder = identity_folder(ws)
    if not records.exists(folder):
        raise UserError(_("there is no signing identity yet"),
                        _made_on_first_seal(_("'facilitator keys show' creates one")))
    pem = _guard(lambda: (folder / records.CERT_FILE).read_bytes())
    return _write_public(out, pem)


def write_csr(ws: Workspace, out: Path, passphrase: str | None = None) -> Path:
    """Write a certificate signing request for our key to `out`, for the organisation's CA."""
    identity = get_identity(ws, passphrase)
    return _write_public(out, records.make_csr(identity))


def install_certificate(ws: Workspace, file: Path, passphrase: str | None = None) -> IdentityInfo:
    """Install a certificate (with its CA chain) issued for our key from `file`."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=file, reason=exc.strerror)) from exc
    identity = get_identity(ws, passphrase)
    try:
        installed = records.install_cert(identity, data)
    except (records.IdentityError, OSError) as exc:
        raise UserError(_("{file} cannot be installed: {reason}").format(file=file, reason=exc)) from exc
    return _info(installed.cert, len(installed.chain), identity.folder, installed.encrypted)


def _stored_certs(folder: Path) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates((folder / records.CERT_FILE).read_bytes())
    except ValueError as exc:
        raise records.IdentityError(_("{file} holds no readable certificate").format(
            file=folder / records.CERT_FILE)) from exc
    except OSError as exc:
        raise records.IdentityError(_("cannot read {file}: {reason}").format(
            file=folder / records.CERT_FILE, reason=exc.strerror)) from exc
    return certs


def _info(cert: x509.Certificate, chain_length: int, folder: Path, encrypted: bool) -> IdentityInfo:
    return IdentityInfo(
        subject=cert.subject.rfc4514_string(), name=_attribute(cert.subject, NameOID.COMMON_NAME) or "",
        organisation=_attribute(cert.subject, NameOID.ORGANIZATION_NAME), issuer=cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject and chain_length == 0,
        fingerprint=records.fingerprint(cert), short_fingerprint=records.short_fingerprint(cert),
        thumbprint=records.thumbprint_s256(cert), not_before=cert.not_valid_before_utc.astimezone(UTC),
        not_after=cert.not_valid_after_utc.astimezone(UTC), passphrase_protected=encrypted,
        chain_length=chain_length, key_path=folder / records.KEY_FILE, cert_path=folder / records.CERT_FILE)


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def _write_public(out: Path, data: bytes) -> Path:
    save(ensure_folder(out.parent) / out.name, data)
    return out


def _made_on_first_seal(command: str) -> Remedy:
    """No identity yet: on the command line, `command` makes one; the app makes one when a session is sealed."""
    return Remedy(command=command, menu=_("one is made for the trainer when a session is first closed and sealed "
                                          "(Sessions → Close and seal…)"))


def _guard(action: Callable[[], T]) -> T:
    """Run a records call, turning its errors into UserErrors with the same message."""
    try:
        return action()
    except records.IdentityError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(_("{file}: {reason}").format(file=exc.filename or _("the identity folder"),
                                                    reason=exc.strerror)) from exc


@dataclass(frozen=True)
class IdentitySigner:
    """Signs records (seals, amendments, certificate facts) as this installation's identity."""

    identity: Identity

    @property
    def cert_pem(self) -> str:
        return self.identity.cert_pem().decode("ascii")

    @property
    def fingerprint(self) -> str:
        return self.identity.cert.fingerprint(hashes.SHA256()).hex()

    def sign(self, payload: Mapping[str, Any], *, typ: str = "JWT") -> str:
        return jws.sign_compact(dict(payload), self.identity.key, records.thumbprint_s256(self.identity.cert),
                                typ=typ)


def signer(ws: Workspace, passphrase: str | None = None, create_as: str | None = None) -> IdentitySigner:
    """The identity as a signer, created on first use for `create_as` (usually the session's trainer)."""
    return IdentitySigner(get_identity(ws, passphrase, create_as))
