"""Whom HR trusts: trainers' certificates, and organisation CAs that issued trainers' certificates.

HR adds the certificate a trainer gave them (`facilitator keys export-cert` writes it), never the copy inside a
bundle, after checking its fingerprint with the trainer; or the organisation's CA, which then vouches for every
trainer's certificate it issued. A bundle is imported only when `verify_bundle` passes with these certificates.
Only the first certificate of a file is trusted (a trainer's file may carry their CA after it: trusting that CA
is a decision of its own, made by adding the CA's file). Removing one changes nothing already imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import delete, select

from facilitator.files import FileTooLarge, NotARegularFile, read_bounded
from facilitator.i18n import _
from facilitator.records.identity import fingerprint, short_fingerprint
from facilitator.services.errors import Remedy, UserError
from facilitator.services.identity import MAX_PEM_BYTES
from facilitator.storage.hr_database import HrStore, insert_new
from facilitator.storage.hr_models import TrustedCertificate

NAME_MAX = 200


@dataclass(frozen=True)
class Trusted:
    """One trusted certificate, as `hr trust list` shows it."""

    name: str
    fingerprint: str  # SHA-256, colon-separated upper-case hex, as openssl shows it
    subject: str
    not_after: datetime
    added_at: datetime

    @property
    def expired(self) -> bool:
        return self.not_after < datetime.now(UTC)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "fingerprint": self.fingerprint, "subject": self.subject,
                "not_after": self.not_after.isoformat(), "added_at": self.added_at.isoformat(),
                "expired": self.expired}


@dataclass(frozen=True)
class TrustAdded:
    """What `add_trusted` did: the certificate, whether it was trusted already, and what else the file held."""

    trusted: Trusted
    already: bool
    left_out: int  # further certificates in the file, not trusted

    @property
    def message(self) -> str:
        if self.already:
            said = _("{subject} was trusted already, as '{name}' (SHA-256 {fingerprint})")
        else:
            said = _("Trusted {subject} as '{name}' (SHA-256 {fingerprint})")
        return said.format(subject=self.trusted.subject, name=self.trusted.name,
                           fingerprint=self.trusted.fingerprint)

    def to_json(self) -> dict[str, object]:
        return {**self.trusted.to_json(), "already": self.already, "left_out": self.left_out}


@dataclass(frozen=True)
class CertificateFile:
    """The certificate a file holds, read before it is trusted: what HR checks with the trainer first."""

    name: str  # what it would be trusted as by default: its subject's common name
    fingerprint: str
    short_fingerprint: str  # the first 64 bits in four groups, as the trainer's app shows them
    subject: str
    issuer: str
    not_after: datetime
    left_out: int  # further certificates in the file, which trusting it does not trust

    @property
    def expired(self) -> bool:
        return self.not_after < datetime.now(UTC)


def read_certificate(file: Path) -> CertificateFile:
    """The first certificate in the PEM `file`, read but not trusted (a UserError if there is none)."""
    certs = _read_certificates(file)
    cert = certs[0]
    return CertificateFile(_common_name(cert), fingerprint(cert), short_fingerprint(cert),
                           cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), cert.not_valid_after_utc,
                           len(certs) - 1)


def _row(found: TrustedCertificate) -> Trusted:
    return Trusted(found.name, found.fingerprint, found.subject, found.not_after, found.added_at)


def add_trusted(store: HrStore, file: Path, name: str | None = None, *, now: datetime | None = None,
                expected: str | None = None) -> TrustAdded:
    """Trust the first certificate in the PEM `file`, under `name` (default: its subject's common name). With
    `expected` (the fingerprint HR was shown and confirmed), a file that holds another certificate by now is
    refused, and nothing is changed."""
    certs = _read_certificates(file)
    cert = certs[0]
    if expected is not None and fingerprint(cert) != expected:
        raise UserError(_("{file} has changed since it was read: it holds another certificate now; nothing was "
                          "changed").format(file=file),
                        Remedy(command=_("check the file and add it again"), menu=_("check the file and add it again")))
    chosen = (name if name is not None else _common_name(cert)).strip()
    if not chosen or len(chosen) > NAME_MAX:
        raise UserError(_("a trusted certificate's name must be 1 to {most} characters").format(most=NAME_MAX))
    values = {"name": chosen, "fingerprint": fingerprint(cert), "subject": cert.subject.rfc4514_string(),
              "not_after": cert.not_valid_after_utc, "pem": cert.public_bytes(Encoding.PEM).decode("ascii"),
              "added_at": now or datetime.now(UTC)}
    with store.transaction() as db:
        added = db.scalar(insert_new(db, TrustedCertificate).values(**values).returning(TrustedCertificate.id)) \
            is not None
        same = db.scalar(select(TrustedCertificate).where(TrustedCertificate.fingerprint == values["fingerprint"]))
    if same is None:  # not inserted, and not this certificate: the name is another's
        raise UserError(_("another certificate is trusted under the name '{name}'; nothing was changed").format(
            name=chosen), Remedy(command=_("give this one another name with --name"),
                                 menu=_("give this one another name")))
    return TrustAdded(_row(same), not added, len(certs) - 1)


def list_trusted(store: HrStore) -> list[Trusted]:
    """Every trusted certificate, by name."""
    with store.reading() as db:
        return [_row(c) for c in db.scalars(select(TrustedCertificate).order_by(TrustedCertificate.name))]


def remove_trusted(store: HrStore, which: str) -> Trusted:
    """Stop trusting the certificate named `which`, or whose fingerprint starts with `which` (colons optional)."""
    with store.transaction() as db:
        rows = list(db.scalars(select(TrustedCertificate)))
        found = [c for c in rows if c.name == which] or [c for c in rows if _starts(c.fingerprint, which)]
        if not found:
            raise UserError(_("no trusted certificate is named '{which}' or has a fingerprint starting with it; "
                              "nothing was changed").format(which=which),
                            Remedy(command=_("see 'facilitator hr trust list'"), menu=_("see the trusted list")))
        if len(found) > 1:
            raise UserError(_("'{which}' starts the fingerprints of {names}; nothing was changed").format(
                which=which, names=", ".join(sorted(c.name for c in found))),
                Remedy(command=_("give more of the fingerprint, or the name"),
                       menu=_("give more of the fingerprint, or the name")))
        gone = _row(found[0])
        db.execute(delete(TrustedCertificate).where(TrustedCertificate.id == found[0].id))
    return gone


def trusted_certificates(store: HrStore) -> list[x509.Certificate]:
    """The trusted certificates themselves, for `verify_bundle`."""
    with store.reading() as db:
        pems = list(db.scalars(select(TrustedCertificate.pem)))
    return [x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in pems]


# --- reading a certificate file ---------------------------------------------------------------------------------

def _read_certificates(file: Path) -> list[x509.Certificate]:
    remedy = Remedy(command=_("give the .pem file 'facilitator keys export-cert' wrote, or your organisation CA's"),
                    menu=_("choose the certificate file the trainer gave you, or your organisation CA's"))
    try:
        data = read_bounded(file, MAX_PEM_BYTES)
    except (NotARegularFile, FileTooLarge) as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=file, reason=exc.strerror), remedy) from None
    except OSError as exc:
        raise UserError(_("cannot read {file}: {reason}").format(file=file, reason=exc.strerror or exc), remedy
                        ) from None
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        raise UserError(_("{file} holds no PEM certificate").format(file=file), remedy) from None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    value = names[0].value if names else cert.subject.rfc4514_string()
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _starts(full: str, prefix: str) -> bool:
    bare = prefix.replace(":", "").replace(" ", "").upper()
    return len(bare) >= 4 and full.replace(":", "").startswith(bare)
