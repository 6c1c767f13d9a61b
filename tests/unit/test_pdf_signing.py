"""PAdES signatures as a reader's own tools see them: our validator, the `pyhanko` command and poppler's
`pdfsig` (with the trainer's certificate in an NSS database), on intact, byte-flipped and updated PDFs."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from facilitator.documents import signature_stamp
from facilitator.records import identity, pdf_signing
from tests.unit.test_identity import issue_from_csr, make_ca, pem

NAME = b"Maria Fernandez"
SIGN = {"reason": "Certificate of attendance", "location": "Main St warehouse", "signer_name": "Sam Lee"}


def make_pdf() -> bytes:
    """A one-page certificate-like PDF; uncompressed, so a test can find and flip bytes in its text. Invariant
    (no creation time or random id), so two made a second apart are the same bytes."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, pageCompression=0, invariant=True)
    page.setFont("Helvetica", 24)
    page.drawString(72, 700, "Certificate of attendance")
    page.drawString(72, 660, NAME.decode())
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.fixture(scope="module")
def me(tmp_path_factory: pytest.TempPathFactory) -> identity.Identity:
    return identity.create(tmp_path_factory.mktemp("identity"), "Sam Lee", "Acme")


@pytest.fixture(scope="module")
def signed(me: identity.Identity) -> bytes:
    return pdf_signing.sign_pdf(make_pdf(), me, **SIGN)


def flipped(pdf: bytes) -> bytes:
    """Change the attendee's name inside the signed bytes (same length, so the byte range still lines up)."""
    assert pdf.count(NAME) == 1
    return pdf.replace(NAME, b"Mario Fernandez")


def page_changed_later(pdf: bytes) -> bytes:
    """Append an incremental update that draws on the signed page, as a forger with a PDF library would."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 620 Td (and 3 more hours) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- our validator ----------------------------------------------------------------------------------------

def test_signed_pdf_is_intact_and_trusted(me: identity.Identity, signed: bytes) -> None:
    check = pdf_signing.validate_pdf(signed, [me.cert_pem()])
    assert check.intact and check.trusted and not check.modified_after_signing and check.ok
    assert check.signer_subject == "O=Acme,CN=Sam Lee"
    assert check.signed_at is not None and abs(check.signed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert "intact and trusted" in check.message
    assert b"/ETSI.CAdES.detached" in signed and b"/Reason (Certificate of attendance)" in signed
    assert signed.startswith(make_pdf()[:1000])  # an incremental update: the original bytes come first


def test_intact_but_untrusted_when_the_certificate_is_not_trusted(signed: bytes, tmp_path: Path) -> None:
    stranger = identity.create(tmp_path, "Someone Else")
    check = pdf_signing.validate_pdf(signed, [stranger.cert_pem()])
    assert check.intact and not check.trusted and not check.ok and "not one you trust" in check.message
    assert not pdf_signing.validate_pdf(signed, []).trusted


def test_our_validator_rejects_a_flipped_byte_and_flags_a_later_update(me: identity.Identity, signed: bytes) -> None:
    broken = pdf_signing.validate_pdf(flipped(signed), [me.cert_pem()])
    assert not broken.intact and not broken.trusted and not broken.ok and "altered" in broken.message
    updated = pdf_signing.validate_pdf(page_changed_later(signed), [me.cert_pem()])
    assert updated.modified_after_signing and not updated.ok and "changed after it was signed" in updated.message


def test_unsigned_and_unreadable_pdfs_get_a_message(me: identity.Identity) -> None:
    assert pdf_signing.validate_pdf(make_pdf(), [me.cert_pem()]).message == "the PDF has no digital signature"
    check = pdf_signing.validate_pdf(b"not a pdf at all", [me.cert_pem()])
    assert not check.intact and "not a readable PDF" in check.message


@pytest.mark.parametrize(("name", "shown"), [("Zoë Ñuñez", r"DIGITALLY SIGNED BY Zoë Ñuñez · \d"),
                                             ("Αικατερίνη Παππά", r"DIGITALLY SIGNED BY Αικατερίνη Παππά · \d"),
                                             ("李雷", r"DIGITALLY SIGNED \d")])
def test_a_visible_stamp_can_be_placed(me: identity.Identity, name: str, shown: str) -> None:
    stamped = pdf_signing.sign_pdf(make_pdf(), me, **{**SIGN, "signer_name": name}, box=(360, 40, 540, 100),
                                   stamp=signature_stamp.stamp_style)
    assert pdf_signing.validate_pdf(stamped, [me.cert_pem()]).ok
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing; install Debian's poppler-utils (see .ci/run)")
    text = subprocess.run(["pdftotext", "-", "-"], input=stamped, capture_output=True, check=True).stdout.decode()
    assert re.search(shown, " ".join(text.split()))  # a name the stamp's font cannot draw is left off, not garbled
    assert "李" not in text


def test_a_visible_signature_needs_something_to_draw(me: identity.Identity) -> None:
    with pytest.raises(ValueError, match="needs a stamp"):
        pdf_signing.sign_pdf(make_pdf(), me, **SIGN, box=(360, 40, 540, 100))


def test_the_signer_is_built_once_per_identity_and_signing_is_quick(me: identity.Identity) -> None:
    assert pdf_signing.signer_for(me) is pdf_signing.signer_for(me)
    pdf = make_pdf()
    started = time.perf_counter()
    for _ in range(20):
        pdf_signing.sign_pdf(pdf, me, **SIGN)
    assert (time.perf_counter() - started) / 20 < 0.1  # about 10 ms here; 500 certificates must not take minutes


@pytest.mark.parametrize("with_ca", [False, True])
def test_our_signed_attributes_are_the_ones_pyhanko_would_make(tmp_path: Path, with_ca: bool) -> None:
    """The signing-certificate attribute is made once per signer, not by pyHanko per signature: the signed
    attributes must still be byte for byte what pyHanko's own PAdES signer makes, or a newer pyHanko that adds one
    would be silently overridden."""
    mine = identity.create(tmp_path / "me", "Sam Lee", "Acme")
    if with_ca:
        ca_key, ca_cert = make_ca()
        mine = identity.install_cert(mine, pem(issue_from_csr(identity.make_csr(mine), ca_key, ca_cert), ca_cert))
    ours = pdf_signing.PdfSigner(mine)._signer
    theirs = signers.SimpleSigner(ours.signing_cert, None, ours.cert_registry)  # pyHanko's stock attribute spec
    digest = bytes(range(32))
    for _ in range(2):  # the second time from what the first left behind
        made = [asyncio.run(signer.signed_attrs(digest, "sha256", attr_settings=PdfCMSSignedAttributes(),
                                                use_pades=True)).dump() for signer in (ours, theirs)]
        assert made[0] == made[1]


def test_a_certificate_from_the_organisation_ca_is_trusted_through_the_root(tmp_path: Path) -> None:
    mine = identity.create(tmp_path / "me", "Sam Lee", "Acme")
    ca_key, ca_cert = make_ca()
    mine = identity.install_cert(mine, pem(issue_from_csr(identity.make_csr(mine), ca_key, ca_cert), ca_cert))
    signed = pdf_signing.sign_pdf(make_pdf(), mine, **SIGN)
    assert pdf_signing.validate_pdf(signed, [pem(ca_cert)]).ok  # HR trusts only the root
    assert not pdf_signing.validate_pdf(signed, [identity.create(tmp_path / "x", "X").cert_pem()]).trusted


# --- independent verifiers ---------------------------------------------------------------------------------

def pyhanko_says(pdf: bytes, trust: bytes, tmp_path: Path) -> str:
    if shutil.which("pyhanko") is None:
        pytest.fail("the pyhanko command is missing; install the test extras: pip install -e '.[test]'")
    (tmp_path / "trust.pem").write_bytes(trust)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    done = subprocess.run(["pyhanko", "sign", "validate", "--trust", str(tmp_path / "trust.pem"), "--trust-replace",
                           str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def pdfsig_says(pdf: bytes, trust: bytes, tmp_path: Path) -> str:
    for tool in ("pdfsig", "certutil"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing; install Debian's poppler-utils and libnss3-tools (see .ci/run)")
    nss = tmp_path / "nss"
    if not nss.exists():
        nss.mkdir()
        (tmp_path / "trust.pem").write_bytes(trust)
        subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "trainer", "-t", "CT,C,C", "-i",
                        str(tmp_path / "trust.pem")], check=True, capture_output=True)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    # pdfsig exits 0 even when a signature is broken: only its output says so.
    done = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(tmp_path / "doc.pdf")], capture_output=True,
                          text=True, check=False)
    return done.stdout + done.stderr


@pytest.mark.slow
def test_pyhanko_command_agrees(me: identity.Identity, signed: bytes, tmp_path: Path) -> None:
    assert "INTACT:TRUSTED,UNTOUCHED" in pyhanko_says(signed, me.cert_pem(), tmp_path)
    broken = pyhanko_says(flipped(signed), me.cert_pem(), tmp_path)
    assert "INTACT" not in broken and "INVALID" in broken
    updated = pyhanko_says(page_changed_later(signed), me.cert_pem(), tmp_path)
    assert "UNTOUCHED" not in updated and "ILLEGAL_MODIFICATIONS" in updated


def test_pdfsig_agrees(me: identity.Identity, signed: bytes, tmp_path: Path) -> None:
    good = pdfsig_says(signed, me.cert_pem(), tmp_path)
    assert "Signature is Valid" in good and "Certificate is Trusted" in good and "Total document signed" in good
    broken = pdfsig_says(flipped(signed), me.cert_pem(), tmp_path)
    assert "Signature is Valid" not in broken and "Digest Mismatch" in broken
    updated = pdfsig_says(page_changed_later(signed), me.cert_pem(), tmp_path)
    assert "Not total document signed" in updated and "Total document signed" not in updated


@pytest.mark.slow
def test_both_tools_trust_a_ca_issued_certificate_through_the_root(tmp_path: Path) -> None:
    mine = identity.create(tmp_path / "me", "Sam Lee", "Acme")
    ca_key, ca_cert = make_ca()
    mine = identity.install_cert(mine, pem(issue_from_csr(identity.make_csr(mine), ca_key, ca_cert), ca_cert))
    signed = pdf_signing.sign_pdf(make_pdf(), mine, **SIGN)
    assert "INTACT:TRUSTED,UNTOUCHED" in pyhanko_says(signed, pem(ca_cert), tmp_path)
    said = pdfsig_says(signed, pem(ca_cert), tmp_path)
    assert "Signature is Valid" in said and "Certificate is Trusted" in said
