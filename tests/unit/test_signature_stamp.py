"""The visible signature stamp on a certificate, as a reader of the signed PDF finds it: set in the page's own
embedded DejaVu Sans, naming the signer in whatever script DejaVu prints, inside the strip the page leaves for it
on letter and A4 (shrunk or wrapped, never clipped), leaving off a name the font cannot print, and signed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta, timezone
from html import unescape
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from facilitator.documents import certificate as cert_doc
from facilitator.documents import signature_stamp
from facilitator.documents.text import SANS
from facilitator.records import identity, pdf_signing

NAMES = ["Maria de los Ángeles Fernández-Castellanos", "Αικατερίνη Παπαδοπούλου-Κωνσταντινίδου",
         "Александра Владимировна Константинопольская"]
# Longer than the strip at the smallest size the page shrinks small print to: it has to wrap.
VERY_LONG = " ".join(["Maria de los Ángeles Fernández-Castellanos y Rodríguez"] * 5)


@pytest.fixture(scope="module")
def me(tmp_path_factory: pytest.TempPathFactory) -> identity.Identity:
    return identity.create(tmp_path_factory.mktemp("identity"), "Sam Lee", "Acme")


def certificate(paper: str) -> bytes:
    """A certificate whose trainer is not the signer, so the signer's name on the page can only be the stamp's."""
    data = cert_doc.CertificateData("c-1", "Ana Díaz", "E1", "Harbor View Clinic", "Respect at work", "2026-11-29",
                                    158, "Sam Lee")
    out = io.BytesIO()
    cert_doc.render_certificate(data, out, paper, org_name="Harbor View Clinic", qr_text="not a real token")
    return out.getvalue()


def signed(me: identity.Identity, paper: str, signer: str) -> bytes:
    x, y, w, h = cert_doc.signature_note_box(paper)
    return pdf_signing.sign_pdf(certificate(paper), me, reason="Certificate of completion", location="Main St",
                                signer_name=signer, box=(x, y, x + w, y + h), stamp=signature_stamp.stamp_style)


def stamp_fonts(pdf: bytes) -> list:
    """The fonts the signature's appearance (the stamp) uses, as a PDF reader resolves them."""
    field = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0].sig_field
    resources = field["/AP"]["/N"]["/Resources"]
    return [font.get_object() for font in resources["/Font"].values()]


def stamp_words(pdf: bytes, paper: str, tmp_path: Path) -> list[str]:
    """The words poppler reads in the strip left for the stamp, each checked to lie inside it."""
    for tool in ("pdftotext",):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing; install Debian's poppler-utils (see .ci/run)")
    (tmp_path / "signed.pdf").write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    page_h = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    x, y, w, h = cert_doc.signature_note_box(paper)
    top = page_h - (y + h)  # poppler measures from the page's top
    words = []
    for x_min, y_min, x_max, y_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        if float(y_min) < top - 1:
            continue  # above the strip: the page itself
        assert float(x_min) >= x - 0.5 and float(x_max) <= x + w + 0.5, f"{word!r} runs out of the stamp's box"
        assert float(y_max) <= page_h - y + 0.5, f"{word!r} runs below the stamp's box"
        words.append(unescape(word))
    return words


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", NAMES)
def test_the_stamp_names_the_signer_in_the_pages_font_inside_its_box(me: identity.Identity, paper: str, name: str,
                                                                     tmp_path: Path) -> None:
    pdf = signed(me, paper, name)
    assert pdf_signing.validate_pdf(pdf, [me.cert_pem()]).ok
    [font] = stamp_fonts(pdf)
    assert str(font["/BaseFont"]).endswith("+DejaVuSans") and font["/Subtype"] == "/TrueType"
    assert "/FontFile2" in font["/FontDescriptor"], "embedded, so it prints the same everywhere"
    assert "/ToUnicode" in font, "so the stamp's text can be searched and copied"
    words = stamp_words(pdf, paper, tmp_path)
    assert words[:3] == ["DIGITALLY", "SIGNED", "BY"]
    assert name in " ".join(words)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_name_too_long_for_one_line_is_wrapped_not_clipped(me: identity.Identity, paper: str,
                                                            tmp_path: Path) -> None:
    words = stamp_words(signed(me, paper, VERY_LONG), paper, tmp_path)
    assert VERY_LONG in " ".join(words)  # every word, each inside the box


@pytest.mark.parametrize("name", ["李雷", "محمد علي", "Ana \u0007 Díaz"])
def test_a_name_the_font_cannot_print_is_left_off_not_garbled(me: identity.Identity, name: str,
                                                             tmp_path: Path) -> None:
    pdf = signed(me, "letter", name)
    assert pdf_signing.validate_pdf(pdf, [me.cert_pem()]).ok
    words = stamp_words(pdf, "letter", tmp_path)
    assert words[:2] == ["DIGITALLY", "SIGNED"] and "BY" not in words
    assert not any(part in " ".join(words) for part in name.split()), "no boxes, no letters backwards"


def test_the_stamp_time_is_local_and_says_its_offset_from_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(time, "tzset"):
        pytest.skip("the time zone can only be changed for a test on POSIX systems")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        pieces = signature_stamp.stamp_pieces("Sam Lee", datetime(2026, 11, 30, 1, 25, tzinfo=UTC))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert [p.text for p in pieces] == ["DIGITALLY SIGNED BY", "Sam Lee · 29 Nov 2026, 17:25 UTC-08:00"]


@pytest.mark.parametrize(("offset", "shown"), [(timedelta(0), "UTC"), (timedelta(hours=5, minutes=30), "UTC+05:30"),
                                               (timedelta(hours=-3), "UTC-03:00")])
def test_offsets_from_utc(offset: timedelta, shown: str) -> None:
    assert signature_stamp._utc_offset(datetime(2026, 1, 1, tzinfo=timezone(offset))) == shown


def test_the_font_is_read_once_and_each_subset_made_once(me: identity.Identity) -> None:
    font = signature_stamp._font(SANS)
    assert signature_stamp._font(SANS) is font
    characters = tuple(sorted(set("Digitally signed by Sam Lee")))
    assert font._subset(characters) is font._subset(characters)
    pdf = certificate("letter")
    x, y, w, h = cert_doc.signature_note_box("letter")
    signer = pdf_signing.signer_for(me)
    signer.sign(pdf, reason="r", location="l", signer_name="Sam Lee", box=(x, y, x + w, y + h),
                stamp=signature_stamp.stamp_style)
    started = time.perf_counter()
    for _ in range(20):
        signer.sign(pdf, reason="r", location="l", signer_name="Sam Lee", box=(x, y, x + w, y + h),
                    stamp=signature_stamp.stamp_style)
    assert (time.perf_counter() - started) / 20 < 0.1  # a batch of hundreds must not take minutes
