"""The installation's signing identity as use cases: show (creating it on first use), create, replace,
export the certificate, make a CSR, and install a certificate the organisation's CA issued.

Other code calls `get_identity` for the loaded key and certificate (to sign PDFs, tokens and manifests) and
`identity_info` for plain facts to show. The key lives in <data folder>/identity (records/identity.py).
"""

from __future__ import annotations

import dataclasses
import errno
import getpass
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from facilitator.files import FileTooLarge, NotARegularFile, read_bounded
from facilitator.i18n import _
from facilitator.records import identity as records
from facilitator.records import jws
from facilitator.records.identity import Identity
from facilitator.services.errors import Remedy, UserError
from facilitator.services.files import ensure_folder, output_target, save
from facilitator.services.workspace import Workspace

FOLDER = "identity"
MAX_PEM_BYTES = records.MAX_PEM_BYTES  # declared with the identity's files
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
    set_aside: Path | None = None  # where creating moved an unfinished identity (a key without its certificate)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("not_before", "not_after"):
            data[name] = data[name].isoformat()
        for name in ("key_path", "cert_path", "replaced_to", "set_aside"):
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
    return dataclasses.replace(_info(made.cert, 0, folder, made.encrypted), replaced_to=moved,
                               set_aside=made.set_aside)


def export_certificate(ws: Workspace, out: Path, *, force: bool = False) -> Path:
    """Write our certificate (and its CA chain) as PEM to `out`, for HR to trust. An earlier export of it is
    replaced; another file only with `force` (services/files.py)."""
    folder = identity_folder(ws)
    if not records.exists(folder):
        raise UserError(_("there is no signing identity yet"),
                        _made_on_first_seal(_("'facilitator keys show' creates one")))
    ours = _guard(lambda: _stored_certs(folder))[0].public_key()
    target = output_target(ws, out, force=force, ours=lambda path: _pem_for(path, ours, _certificate_keys),
                           example="trainer.pem")
    pem = _guard(lambda: read_bounded(folder / records.CERT_FILE, MAX_PEM_BYTES))
    return _write_public(out, target, pem)


def write_csr(ws: Workspace, out: Path, passphrase: str | None = None, *, force: bool = False) -> Path:
    """Write a certificate signing request for our key to `out`, for the organisation's CA. An earlier request
    for the same key is replaced; another file only with `force`."""
    identity = get_identity(ws, passphrase)
    ours = identity.key.public_key()
    target = output_target(ws, out, force=force, ours=lambda path: _pem_for(path, ours, _request_keys),
                           example="trainer.csr")
    return _write_public(out, target, records.make_csr(identity))


def install_certificate(ws: Workspace, file: Path, passphrase: str | None = None) -> IdentityInfo:
    """Install a certificate (with its CA chain) issued for our key from `file`."""
    try:
        data = read_bounded(file, MAX_PEM_BYTES)
    except (NotARegularFile, FileTooLarge) as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=file, reason=exc.strerror), Remedy(
            command=_("give the .pem or .crt file your organisation's certificate authority sent"),
            menu=_("choose the .pem or .crt file your organisation's certificate authority sent"))) from None
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
        certs = x509.load_pem_x509_certificates(read_bounded(folder / records.CERT_FILE, MAX_PEM_BYTES))
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


def _write_public(out: Path, target: Path, data: bytes) -> Path:
    save(ensure_folder(target.parent) / target.name, data)
    return out


def _pem_for(path: Path, key: Any, keys_in: Callable[[bytes], list[Any]]) -> bool:
    """Whether the file at `path` is a small PEM whose first certificate (or request) is for `key`: an earlier
    export of this installation's own, which may be replaced without asking."""
    try:
        found = keys_in(read_bounded(path, 1024 * 1024))
    except (OSError, ValueError):  # not a file, too large, not PEM: not ours
        return False
    return bool(found) and found[0] == key


def _certificate_keys(data: bytes) -> list[Any]:
    return [c.public_key() for c in x509.load_pem_x509_certificates(data)]


def _request_keys(data: bytes) -> list[Any]:
    return [x509.load_pem_x509_csr(data).public_key()]


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
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise UserError(_("the disk holding {folder} is full; no signing key or certificate was made or "
                              "changed").format(folder=exc.filename or _("the identity folder")),
                            Remedy(command=_("free some space on it and try again"),
                                   menu=_("free some space on it and try again"))) from exc
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


def own_certificates(ws: Workspace) -> list[x509.Certificate]:
    """Every certificate this installation has signed with: the current one (and its CA chain) and any it was
    replaced by `keys create --replace` (kept in dated subfolders), so records sealed before a replacement still
    verify here. An unreadable file is left out: a record it signed then verifies as an unknown signer's."""
    folder = identity_folder(ws)
    found: list[x509.Certificate] = []
    for path in [folder / records.CERT_FILE, *sorted(folder.glob(f"replaced-*/{records.CERT_FILE}"))]:
        try:
            found += x509.load_pem_x509_certificates(read_bounded(path, MAX_PEM_BYTES))
        except (OSError, ValueError):
            continue
    return found
