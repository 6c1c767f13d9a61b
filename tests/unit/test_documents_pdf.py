"""What the certificate, sign-in sheet and session report share: how the tests read a PDF as a user's own tools
do (poppler extracts text and word boxes, zbar reads QR codes), and the shared text helpers.

The helpers here are imported by the other test_documents_* modules.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from facilitator.documents import text as doc

# Names that have broken layouts before: accents, Greek, Cyrillic, Vietnamese, '&' for the XML-minded, and
# exactly 100 characters with a hyphenated 53-letter word.
LONG_NAME = "Maximiliana-Josefina Alexandrina Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh de la Cruz Pé"
NAMES = ["María-José Núñez", "Ελένη Παπαδοπούλου", "Анна Кузнецова", "Łukasz Żółkiewski", "Nguyễn Thị Minh Khai",
         "Émile O'Brien & Zoë Ødegård", "Sam Lee", LONG_NAME]
CREATED = datetime(2026, 12, 3, 17, 5, tzinfo=UTC)


def test_the_long_name_is_100_characters() -> None:
    assert len(LONG_NAME) == 100


# --- reading PDFs --------------------------------------------------------------------------------------

def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; on Debian: apt-get install poppler-utils zbar-tools")
    return found


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    # zbarimg exits 4 when an image holds no code; that is an answer, not a failure.
    assert done.returncode in (0, 4), done.stderr
    return done.stdout


def squeeze(text: str) -> str:
    """Without any whitespace: a phrase wrapped over two lines still matches."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in drawing order, whitespace removed."""
    return [squeeze(page) for page in run(tool("pdftotext"), "-raw", str(pdf), "-").split("\f")[:-1]]


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float  # from the top of the page, as poppler reports it
    right: float
    bottom: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]


def word_boxes(pdf: Path) -> list[Page]:
    out = run(tool("pdftotext"), "-bbox", str(pdf), "-")
    pages = []
    for width, height, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        pages.append(Page(float(width), float(height), words))
    return pages


def assert_inside_margins(pdf: Path, left: float, right: float, top: float, bottom: float) -> None:
    """Every word lies within the page's margins: nothing clipped at an edge or lost in the printer's rim."""
    for number, page in enumerate(word_boxes(pdf), start=1):
        assert page.words, f"page {number} has no text"
        for w in page.words:
            where = f"page {number}: {w.text!r} at {w.left:.1f},{w.top:.1f}-{w.right:.1f},{w.bottom:.1f}"
            assert w.left >= left - 0.5 and w.right <= page.width - right + 0.5, f"{where} is in a side margin"
            assert w.top >= top - 0.5 and w.bottom <= page.height - bottom + 0.5, f"{where} is off the top or foot"


def assert_no_overlaps(pdf: Path) -> None:
    """No two words share ink: text drawn over text is how a layout bug usually shows."""
    for number, page in enumerate(word_boxes(pdf), start=1):
        words = sorted(page.words, key=lambda w: w.top)
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b.top >= a.bottom - 0.5:
                    break
                overlap_x = min(a.right, b.right) - max(a.left, b.left)
                overlap_y = min(a.bottom, b.bottom) - max(a.top, b.top)
                assert overlap_x <= 0.5 or overlap_y <= 0.5, f"page {number}: {a.text!r} overlaps {b.text!r}"


def page_count(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run(tool("pdfinfo"), str(pdf))).group(1))


def assert_fonts_embedded(pdf: Path) -> None:
    fonts = run(tool("pdffonts"), str(pdf))
    assert "Helvetica" not in fonts and "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), "every font is embedded"


# --- the shared helpers --------------------------------------------------------------------------------

def test_durations_read_like_a_timesheet() -> None:
    assert doc.duration(125) == "2 h 05 min" and doc.duration(60) == "1 h 00 min"
    assert doc.duration(45) == "45 min" and doc.duration(0) == "0 min" and doc.duration(None) == "—"


def test_pdf_dates_carry_their_offset() -> None:
    assert doc.pdf_date(CREATED) == "D:20261203170500+00'00'"
    eastern = datetime(2026, 12, 3, 12, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert doc.pdf_date(eastern) == "D:20261203120500-05'00'"
    assert doc.pdf_date(datetime(2026, 12, 3, 17, 5)) == "D:20261203170500+00'00'", "naive is taken as UTC"


def test_space_after_a_piece_shrinks_with_the_block() -> None:
    doc.register_fonts()
    pieces = [doc.Piece("Certificate", doc.BOLD, 30, 18, space_after=10), doc.Piece("Ana", doc.SANS, 12, 8)]
    roomy = doc.fit_block(pieces, 500, 500)
    assert [line.space_after for line in roomy] == [10, 0]
    assert doc.block_height(roomy) == pytest.approx(30 * doc.LINE_HEIGHT + 10 + 12 * doc.LINE_HEIGHT)
    tight = doc.fit_block(pieces, 500, 40)
    assert doc.block_height(tight) <= 40 and 0 < tight[0].space_after < 10


def test_a_piece_of_spaces_sets_nothing() -> None:
    doc.register_fonts()
    assert doc.fit_piece(doc.Piece("   ", doc.SANS, 12, 12), 1) == []
