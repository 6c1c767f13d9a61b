"""The certificate of completion, read back as HR would: poppler for the text and its place on the page, zbar
(not the decoder we ship) for the QR code, pdfimages for the logo's proportions."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from facilitator.documents import certificate as cert
from facilitator.documents.text import register_fonts
from tests.unit.test_documents_pdf import (
    CREATED,
    LONG_NAME,
    NAMES,
    assert_fonts_embedded,
    assert_inside_margins,
    assert_no_overlaps,
    page_count,
    page_texts,
    run,
    squeeze,
    tool,
    word_boxes,
)

TOPICS = ("What harassment is under federal, state and local law", "Examples of unlawful conduct",
          "Abusive conduct", "Gender identity, gender expression and sexual orientation",
          "Reporting, response and investigation", "Retaliation and how to prevent it",
          "Bystander intervention: the 5 Ds", "Supervisors' duties to act and to report",
          "Remedies available to victims", "Where to complain: internally, the CRD and the EEOC")
JURISDICTIONS = (cert.MetJurisdiction("California", "Gov. Code § 12950.1; 2 CCR § 11024"),
                 cert.MetJurisdiction("New York City", "N.Y.C. Admin. Code § 8-107(30); Local Law 96 of 2018"),
                 cert.MetJurisdiction("Illinois", "775 ILCS 5/2-109"))
ORG = "Northwind Logistics, Inc."
PAPERS = ["a4", "letter"]


def jws_like(seed: str, length: int = 550) -> str:
    """A compact-JWS-shaped string: an ES256 header, a payload and a 64-byte signature, base64url, two dots."""
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(b'{"alg":"ES256","kid":"7K3M9QXA"}')
    signature = b64(hashlib.sha512(seed.encode()).digest())
    need = length - len(header) - len(signature) - 2
    stream = b"".join(hashlib.sha256(f"{seed}{i}".encode()).digest() for i in range(need // 32 + 2))
    payload = b64(stream)[:need]
    token = f"{header}.{payload}.{signature}"
    assert len(token) == length and token.count(".") == 2
    return token


def certificate(name: str, **changes) -> cert.CertificateData:
    facts = dict(certificate_id="C-2026-12-03-7F3K9QX2", attendee_name=name, employee_id="E-004217", employer=ORG,
                 workshop_title="Preventing Workplace Harassment for Supervisors", date="2026-12-03",
                 minutes_attended=125, trainer="Dr. Samantha Lee-Okonkwo", topics=TOPICS, jurisdictions=JURISDICTIONS,
                 track="Supervisors")
    return cert.CertificateData(**{**facts, **changes})


@pytest.fixture(scope="module")
def logo(tmp_path_factory) -> Path:
    """A wide PNG with transparency, as logos usually are."""
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    image = Image.new("RGBA", (800, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, 200, 200), fill=(30, 90, 160, 255))
    draw.rectangle((240, 60, 790, 140), fill=(200, 60, 40, 255))
    image.save(path)
    return path


def render(tmp_path: Path, data: cert.CertificateData, paper: str, logo: Path | None = None,
           qr_text: str | None = None) -> Path:
    out = tmp_path / f"{paper}-{hashlib.sha1(data.attendee_name.encode()).hexdigest()[:8]}.pdf"
    cert.render_certificate(data, out, paper, org_name=ORG, logo_path=logo, qr_text=qr_text or jws_like("x"),
                            created=CREATED)
    return out


# --- what it says --------------------------------------------------------------------------------------

@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("name", NAMES)
def test_every_fact_is_printed_whole(tmp_path: Path, logo: Path, paper: str, name: str) -> None:
    out = render(tmp_path, certificate(name), paper, logo)
    assert page_count(out) == 1
    [text] = page_texts(out)
    facts = [ORG, "Certificate of Completion", name, "Employee ID E-004217", "has completed the workshop",
             "Preventing Workplace Harassment for Supervisors", "In-person, instructor-led", "Supervisors track",
             "3 Dec 2026", "2 h 05 min", "Dr. Samantha Lee-Okonkwo", "C-2026-12-03-7F3K9QX2", *TOPICS,
             *(j.name for j in JURISDICTIONS), *(j.citation for j in JURISDICTIONS),
             "Scan to verify offline, or run:", f"facilitator verify {out.name}"]
    for fact in facts:
        assert squeeze(fact) in text, f"{fact!r} is missing or broken on the {paper} certificate"
    assert text.count(squeeze(name)) == 1


@pytest.mark.parametrize("paper", PAPERS)
def test_nothing_is_clipped_or_overlaps(tmp_path: Path, logo: Path, paper: str) -> None:
    for name in (LONG_NAME, "Ελένη Παπαδοπούλου"):
        out = render(tmp_path, certificate(name), paper, logo)
        # Inside the inner rule of the border, with room to spare.
        edge = cert.BORDER + 4 * cert.mm
        assert_inside_margins(out, edge, edge, edge, edge)
        assert_no_overlaps(out)
        assert_fonts_embedded(out)


def name_lines(name: str) -> list[cert.Line]:
    """The lines the centre block sets the name in, on a Letter certificate."""
    lines = cert.fit_block(cert.centre_pieces(certificate(name)), cert.layout("letter").centre.w, 1000)
    texts = [line.text for line in lines]
    return lines[texts.index("This certifies that") + 1:texts.index("Employee ID E-004217 · " + ORG)]


def test_a_long_name_shrinks_then_wraps_at_a_size_still_the_largest_but_the_title() -> None:
    register_fonts()
    assert [(line.text, line.size) for line in name_lines("Ana Li")] == [("Ana Li", 30)]
    long = name_lines(LONG_NAME)
    assert 2 <= len(long) <= 3 and all(line.size == 20 for line in long), "wrapped at 20 pt, not shrunk to fit"
    assert squeeze("".join(line.text for line in long)) == squeeze(LONG_NAME)


@pytest.mark.parametrize("paper", PAPERS)
def test_a_long_list_of_topics_fits_in_columns(tmp_path: Path, paper: str) -> None:
    topics = tuple(f"Topic {i}: {t}" for i, t in enumerate(TOPICS * 4, start=1))
    out = render(tmp_path, certificate("Sam Lee", topics=topics), paper)
    [text] = page_texts(out)
    assert all(squeeze(t) in text for t in topics)
    edge = cert.BORDER + 4 * cert.mm
    assert_inside_margins(out, edge, edge, edge, edge)
    assert_no_overlaps(out)


# --- verification --------------------------------------------------------------------------------------

@pytest.mark.parametrize("paper", PAPERS)
def test_the_qr_code_reads_back_exactly(tmp_path: Path, logo: Path, paper: str) -> None:
    token = jws_like(paper)
    out = render(tmp_path, certificate(LONG_NAME), paper, logo, qr_text=token)
    prefix = tmp_path / "page"
    run(tool("pdftoppm"), "-r", "200", "-png", "-singlefile", str(out), str(prefix))
    assert run(tool("zbarimg"), "--raw", "-q", f"{prefix}.png") == token + "\n"


def test_the_printed_code_is_large_enough_to_scan() -> None:
    matrix = cert.encode(jws_like("size"), cert.LEVELS[cert.DEFAULT_LEVEL])
    module = cert.QR_BOX / len(matrix)
    assert module >= 0.45 * cert.mm, "modules of 0.45 mm or more: a phone and a 200 dpi scan read them"


# --- the logo ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(800, 200), (150, 600), (300, 300)])
def test_the_logo_keeps_its_proportions_and_its_box(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "logo.jpg"
    Image.new("RGB", size, (30, 90, 160)).save(path, quality=90)
    out = render(tmp_path, certificate("Sam Lee"), "letter", path)
    listing = run(tool("pdfimages"), "-list", str(out)).splitlines()[2:]
    assert len(listing) == 1
    columns = listing[0].split()
    width, height, x_ppi, y_ppi = int(columns[3]), int(columns[4]), int(columns[12]), int(columns[13])
    assert width / height == pytest.approx(size[0] / size[1], rel=0.01)
    assert x_ppi == pytest.approx(y_ppi, abs=1), "stretched one way more than the other"
    shown_w, shown_h = width / x_ppi * 72, height / y_ppi * 72
    assert shown_w <= cert.LOGO_W + 1 and shown_h <= cert.LOGO_H + 1
    assert max(shown_w / cert.LOGO_W, shown_h / cert.LOGO_H) == pytest.approx(1, abs=0.02), "as large as fits"


def test_a_huge_logo_is_scaled_down_once(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("RGB", (4000, 1000), (200, 60, 40)).save(path)
    out = render(tmp_path, certificate("Sam Lee"), "a4", path)
    columns = run(tool("pdfimages"), "-list", str(out)).splitlines()[2].split()
    assert int(columns[3]) == cert.LOGO_MAX_PIXELS and int(columns[4]) == cert.LOGO_MAX_PIXELS // 4


def test_an_unreadable_or_missing_logo_is_named(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"not an image")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        render(tmp_path, certificate("Sam Lee"), "a4", path)
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "gone.png"))):
        render(tmp_path, certificate("Sam Lee"), "a4", tmp_path / "gone.png")


def test_facts_that_are_optional_may_be_missing(tmp_path: Path) -> None:
    data = certificate("Sam Lee", employee_id=None, topics=(), jurisdictions=(), track=None,
                       provider="Acme Training LLC")
    out = render(tmp_path, data, "letter")
    [text] = page_texts(out)
    for fact in ["No topic was taught long enough to count.",
                 "No jurisdiction's requirements are met by this certificate.",
                 "Dr. Samantha Lee-Okonkwo (Acme Training LLC)", "Sam Lee" + ORG]:
        assert squeeze(fact) in text
    assert "EmployeeID" not in text and "track" not in text
    edge = cert.BORDER + 4 * cert.mm
    assert_inside_margins(out, edge, edge, edge, edge)


# --- the file ------------------------------------------------------------------------------------------

def test_the_same_facts_give_the_same_bytes_and_the_date_given(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        cert.render_certificate(certificate("Zoë Ødegård"), out, "a4", org_name=ORG, qr_text=jws_like("same"),
                                created=CREATED, verify_hint="facilitator verify certificate.pdf")
    assert first.read_bytes() == second.read_bytes()
    assert re.search(r"CreationDate:\s+2026-12-03T17:05:00(Z|\+00)", run(tool("pdfinfo"), "-isodates", str(first)))


def test_names_the_fonts_cannot_print_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    items = [(certificate("Sam Lee", certificate_id="C-1"), jws_like("1")),
             (certificate("王小明", certificate_id="C-2"), jws_like("2"))]
    with pytest.raises(ValueError, match="cannot print the attendee name"):
        cert.render_certificates(items, tmp_path, "a4", org_name=ORG)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="share an id"):
        cert.render_certificates([items[0], items[0]], tmp_path, "a4", org_name=ORG)
    with pytest.raises(ValueError, match="paper"):
        cert.render_certificate(items[0][0], tmp_path / "x.pdf", "a3", org_name=ORG, qr_text="x")


def test_a_batch_writes_one_named_file_per_certificate_quickly(tmp_path: Path, logo: Path) -> None:
    items = [(certificate(f"{NAMES[i % len(NAMES)]}", certificate_id=f"C-2026/{i:03}"), jws_like(str(i)))
             for i in range(30)]
    started = time.perf_counter()
    written = cert.render_certificates(items, tmp_path, "letter", org_name=ORG, logo_path=logo, created=CREATED)
    per_certificate = (time.perf_counter() - started) / len(items)
    assert [p.name for p in written] == [f"certificate-C-2026_{i:03}.pdf" for i in range(30)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in written)
    assert f"facilitatorverify{written[7].name}" in page_texts(written[7])[0]
    # Generous (a loaded CI machine); it catches a regression such as re-reading the fonts per certificate.
    assert per_certificate < 0.3, f"{per_certificate * 1000:.0f} ms per certificate"


def test_the_signature_note_strip_is_empty_and_on_the_page(tmp_path: Path, logo: Path) -> None:
    for paper in PAPERS:
        x, y, w, h = cert.signature_note_box(paper)
        page = cert.layout(paper).page
        assert x > cert.BORDER and x + w < page[0] - cert.BORDER and y > cert.BORDER and h >= 8 * cert.mm
        out = render(tmp_path, certificate(LONG_NAME), paper, logo)
        [boxes] = word_boxes(out)
        assert not [word.text for word in boxes.words
                    if word.bottom > page[1] - (y + h) and word.left < x + w and word.right > x], "the strip is empty"
