"""PAdES B-B signatures on PDFs (certificates, sign-in sheets, reports) with pyHanko, and checking them.

Signing appends an incremental update holding an approval signature (SubFilter ETSI.CAdES.detached, SHA-256,
no timestamp: the laptop is offline, so B-B is the level we can honestly claim). The signature embeds our
certificate and its CA chain so `pyhanko`, `pdfsig` and Acrobat can build the path to whatever root the
reader trusts.

A day's certificates are signed in one go, so `PdfSigner` is built once per identity and reused: the
key stays a parsed `cryptography` object (pyHanko's SimpleSigner would re-parse the DER key per signature)
and the ASN.1 certificate store is made once. So is the one signed attribute that never changes, the
signing-certificate-v2 naming our certificate: built afresh, asn1crypto re-encodes such a nested structure
every time anything containing it is encoded, and it cost more than the rest of the signature
(wbond/asn1crypto#256). Kept as DER and handed out parsed from it, it is encoded once. The signed attributes
are parsed back from their DER for the same reason before the signature packages them. About 10 ms per
one-page certificate on a laptop-class CPU.

pyHanko runs its coroutines with `asyncio.run`, so call `sign_pdf` and `validate_pdf` from a plain or worker
thread, never from inside a running event loop (such as the companion server's).
"""

from __future__ import annotations

import io
import logging
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from facilitator.i18n import _, ngettext
from facilitator.records.identity import Identity

FIELD_NAME = "FacilitatorSignature"  # not user text: the PDF form field's name
Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in PDF points from the page's lower-left corner
# A visible signature's stamp, drawn by whoever knows the page it goes on (documents/signature_stamp.py): given
# the signer's name and the signing time (UTC), the pyHanko stamp style to draw in the box.
StampDrawing = Callable[[str, datetime], BaseStampStyle]


class _SigningCertificate(attributes.CMSAttributeProvider):
    """The signing-certificate-v2 attribute (PAdES requires it), encoded once and parsed from DER for each use."""

    attribute_type = "signing_certificate_v2"  # not user text: an ASN.1 attribute name

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        self._der = as_signing_certificate_v2(signing_cert).dump()

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self._der)


class _PadesAttributes(attributes.SignedAttributeProviderSpec):
    """The signed attributes pyHanko gives a PAdES signature without a timestamp or CAdES extras (its
    CAdESSignedAttributeProviderSpec with is_pades=True): the signing certificate's, beside the content type and
    message digest every CMS signature has."""

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        self._signing_certificate = _SigningCertificate(signing_cert)

    def signed_attr_providers(self, data_digest: bytes, digest_algorithm: str
                              ) -> Iterable[attributes.CMSAttributeProvider]:
        return [self._signing_certificate]


class _KeySigner(signers.Signer):
    """A pyHanko signer over an already-loaded P-256 key."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate,
                 chain: Iterable[x509.Certificate]) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple([_asn1(c) for c in chain])
        signing_cert = _asn1(cert)
        super().__init__(signing_cert=signing_cert, cert_registry=registry)
        self.signed_attr_prov_spec = _PadesAttributes(signing_cert)
        self._key = key

    async def signed_attrs(self, *args: Any, **kwargs: Any) -> cms.CMSAttributes:
        # Parsed back from their encoding, they are not encoded again for the signature and again in the package.
        return cms.CMSAttributes.load((await super().signed_attrs(*args, **kwargs)).dump())

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if digest_algorithm.lower() != "sha256":  # we always ask for SHA-256; anything else is a bug upstream
            raise ValueError(f"unexpected digest {digest_algorithm} for an ES256 key")  # not user text: a bug
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))


class PdfSigner:
    """Signs PDFs with one identity; build it once and call `sign` for each document."""

    def __init__(self, identity: Identity) -> None:
        self._signer = _KeySigner(identity.key, identity.cert, identity.chain)
        # The CMS blob holds the signature (~72 bytes), the signed attributes (~200) and every certificate;
        # reserving its size up front spares pyHanko a trial signature per document to estimate it. The
        # placeholder is counted in hex digits, two per byte.
        certs = sum(len(c.public_bytes(serialization.Encoding.DER)) for c in (identity.cert, *identity.chain))
        self._reserved = 2 * (1024 + certs)

    def sign(self, pdf_bytes: bytes, *, reason: str, location: str, signer_name: str,
             box: Box | None = None, page: int = 0, stamp: StampDrawing | None = None) -> bytes:
        """Return `pdf_bytes` with a signature appended; visible in `box` on `page`, drawn by `stamp`, if a box is
        given."""
        if box is not None and stamp is None:
            raise ValueError("a visible signature needs a stamp to draw")  # not user text: a bug in the caller
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason, location=location, name=signer_name)
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box)
        # The stamp's time is taken a moment before pyHanko's own signing time; it shows minutes only.
        style = stamp(signer_name, datetime.now(UTC)) if box is not None and stamp is not None else None
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        out = signers.PdfSigner(meta, self._signer, new_field_spec=spec, stamp_style=style).sign_pdf(
            writer, bytes_reserved=self._reserved)
        return out.getvalue()


_SIGNERS: weakref.WeakKeyDictionary[Identity, PdfSigner] = weakref.WeakKeyDictionary()


def signer_for(identity: Identity) -> PdfSigner:
    """The reusable signer for `identity` (made on first use, dropped with the identity)."""
    signer = _SIGNERS.get(identity)
    if signer is None:
        signer = _SIGNERS[identity] = PdfSigner(identity)
    return signer


def sign_pdf(pdf_bytes: bytes, identity: Identity, *, reason: str, location: str, signer_name: str,
             box: Box | None = None, stamp: StampDrawing | None = None) -> bytes:
    """Sign `pdf_bytes` (PAdES B-B) with `identity`; invisible unless `box` places a stamp on the first page."""
    return signer_for(identity).sign(pdf_bytes, reason=reason, location=location, signer_name=signer_name,
                                     box=box, stamp=stamp)


# pyHanko logs every failed check with a traceback, and with no logging set up Python prints that to the
# terminal. A failed check is an answer we report in words, so its log records go nowhere by default.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


# --- checking ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PdfCheck:
    """What a reader of the PDF needs to know about its signature."""

    intact: bool  # the signed bytes are unchanged and the signature matches the embedded certificate
    trusted: bool  # ...and that certificate leads to one of the trusted certificates
    signer_subject: str | None
    signed_at: datetime | None  # as the signer's clock said: B-B has no timestamp authority
    modified_after_signing: bool  # something was appended after the signature
    message: str

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and not self.modified_after_signing

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signed_at"] = self.signed_at.isoformat() if self.signed_at else None
        return data


def validate_pdf(pdf_bytes: bytes, trusted_cert_pems: Iterable[bytes]) -> PdfCheck:
    """Check the PDF's (first) signature against the given trusted certificates, offline."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError) as exc:
        return PdfCheck(False, False, None, None, False, _("not a readable PDF: {reason}").format(reason=exc))
    if not signatures:
        return PdfCheck(False, False, None, None, False, _("the PDF has no digital signature"))
    context = ValidationContext(trust_roots=_trust_roots(trusted_cert_pems), allow_fetching=False)
    try:
        status = _validate(signatures[0], context)
    except (SignatureValidationError, PdfError, ValueError) as exc:
        return PdfCheck(False, False, None, None, False,
                        _("the signature cannot be checked: {reason}").format(reason=exc))
    return _check_from(status, len(signatures))


def _validate(signature: Any, context: ValidationContext) -> PdfSignatureStatus:
    return validate_pdf_signature(signature, signer_validation_context=context)


def _check_from(status: PdfSignatureStatus, count: int) -> PdfCheck:
    intact = bool(status.intact and status.valid)
    modified = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    trusted = intact and status.trusted
    subject = x509.load_der_x509_certificate(status.signing_cert.dump()).subject.rfc4514_string()
    if not intact:
        message = _("the signature does not match the document: it was altered after signing")
    elif modified:
        message = _("the document was changed after it was signed (an update was appended)")
    elif not trusted:
        message = _("the signature is intact, but its certificate ({subject}) is not one you trust").format(
            subject=subject)
    else:
        message = _("signed by {subject}; intact and trusted").format(subject=subject)
    if count > 1:
        message = ngettext("{check} ({count} signature in the file; the first was checked)",
                           "{check} ({count} signatures in the file; the first was checked)", count).format(
            check=message, count=count)
    return PdfCheck(intact, trusted, subject, status.signer_reported_dt, modified, message)


def _trust_roots(pems: Iterable[bytes]) -> list[asn1_x509.Certificate]:
    return [_asn1(cert) for pem in pems for cert in x509.load_pem_x509_certificates(pem)]


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def document_keywords(pdf_bytes: bytes) -> str | None:
    """The document information's Keywords entry (certificates carry their signed facts there), or None."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        info = reader.trailer_view.get("/Info")
        info = info.get_object() if info is not None else None  # an indirect reference in most files
        value = info.get("/Keywords") if info is not None else None
    except (PdfError, ValueError, KeyError, AttributeError):
        return None
    return None if value is None else str(value)
