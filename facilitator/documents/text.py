"""Fonts and text fitting shared by every PDF: the bundled DejaVu fonts, and text that shrinks, then wraps.

ReportLab's standard fonts cover Latin-1 only, so every document sets its text in DejaVu (accents, Greek,
Cyrillic). A box of text is fitted by shrinking each piece to its width as far as its smallest size, then
wrapping it there, then scaling the whole block down until it fits the box's height: text is never clipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from facilitator import paths
from facilitator.i18n import N_, _

PAPERS = {"a4": A4, "letter": LETTER}

# Binary streams rather than ASCII85 text: a quarter smaller, and ReportLab's ASCII85 encoder is pure Python,
# a few milliseconds per file, which adds up over a session's 500 certificates. Every PDF reader takes both.
rl_config.useA85 = 0

SANS, BOLD, MONO = "FacilitatorSans", "FacilitatorSans-Bold", "FacilitatorMono"  # not user text: font names
FONT_FILES = {SANS: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}  # not user text

# Room a line of text takes, in ems. Wider than the font's own ascent so accented capitals (Å, É, Ё)
# stay inside the box they were measured for.
ASCENT, LINE_HEIGHT = 0.95, 1.2

Rgb = tuple[float, float, float]
INK: Rgb = (0.1, 0.1, 0.1)
MUTED: Rgb = (0.35, 0.35, 0.35)
RULE: Rgb = (0.75, 0.75, 0.75)
# The months' short names, as a date is printed ("3 Dec 2026").
MONTHS = [N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"), N_("Sep"),
          N_("Oct"), N_("Nov"), N_("Dec")]


@dataclass(frozen=True)
class Line:
    """One line of set text, and the space to leave under it (the gap after its piece)."""

    text: str
    font: str
    size: float
    space_after: float = 0.0
    color: Rgb | None = None


@dataclass(frozen=True)
class Piece:
    """Text to set in a box: its largest size, and the size below which it wraps rather than shrinks."""

    text: str
    font: str
    size: float
    min_size: float
    space_after: float = 0.0  # scaled with the piece, so a shrunk block keeps its proportions
    color: Rgb | None = None  # None: whatever fill colour the canvas has


# --- fonts ---------------------------------------------------------------------------------------------

def register_fonts(font_dir: Path | None = None) -> None:
    """Load the bundled fonts once per process, as one family so that <b> works in platypus paragraphs."""
    folder = font_dir or paths.assets_dir() / "fonts"
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=BOLD, italic=SANS, boldItalic=BOLD)


def missing_glyphs(text: str, font: str = SANS) -> set[str]:
    """Characters of `text` the font cannot draw (they would print as empty boxes)."""
    covered = pdfmetrics.getFont(font).face.charToGlyph
    return {c for c in text if not c.isspace() and ord(c) not in covered}


def printable(text: str) -> bool:
    """Whether the fonts can set `text` as written: not when they lack its letters (Chinese, Japanese,
    Korean…), nor for right-to-left scripts (Arabic, Hebrew), which ReportLab sets left to right, unjoined."""
    return not (missing_glyphs(text, SANS) or missing_glyphs(text, BOLD)
                or any(unicodedata.bidirectional(c) in ("R", "AL") for c in text))


# --- fitting text --------------------------------------------------------------------------------------

def width_of(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Pieces a line may break between, each with whether a space goes before it: words, and the parts
    of hyphenated words (a line may end after 'Smith-')."""
    out = []
    for word in text.split():
        out += [(part, i == 0) for i, part in enumerate(re.findall(r"[^-]+-*|-+", word))]
    return out


def _split_long(token: str, font: str, size: float, width: float) -> list[str]:
    """A word too long for the line, cut between characters (a 40-letter name has no better place)."""
    chunks, current = [], ""
    for char in token:
        if current and width_of(current + char, font, size) > width:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; every returned line fits `width`."""
    lines: list[str] = []
    current = ""
    for token, spaced in _tokens(text):
        joined = current + (" " if spaced and current else "") + token
        if width_of(joined, font, size) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        *whole, current = _split_long(token, font, size, width)
        lines += whole
    return [*lines, current] if current else lines


def fit_piece(piece: Piece, width: float) -> list[Line]:
    """One line, shrunk as far as `min_size` to fit; below that, wrapped at `min_size`."""
    if not piece.text:
        return []
    natural = width_of(piece.text, piece.font, piece.size)
    size = piece.size if natural <= width else piece.size * width / natural
    if size >= piece.min_size:
        lines = [Line(piece.text, piece.font, size, color=piece.color)]
    else:
        lines = [Line(t, piece.font, piece.min_size, color=piece.color)
                 for t in wrap(piece.text, piece.font, piece.min_size, width)]
    if lines:  # text of spaces alone wraps to nothing
        lines[-1] = replace(lines[-1], space_after=piece.space_after)
    return lines


def block_height(lines: Sequence[Line]) -> float:
    return sum(line.size * LINE_HEIGHT + line.space_after for line in lines)


def scaled(piece: Piece, scale: float) -> Piece:
    return replace(piece, size=piece.size * scale, min_size=piece.min_size * scale,
                   space_after=piece.space_after * scale)


def fit_block(pieces: Sequence[Piece], width: float, height: float) -> list[Line]:
    """Set the pieces one under another, scaled down together until the block fits the box."""
    scale = 1.0
    while True:
        lines = [line for p in pieces for line in fit_piece(scaled(p, scale), width)]
        if block_height(lines) <= height or scale < 0.02:
            return lines
        scale *= 0.92


def draw_lines(canvas: Canvas, lines: Sequence[Line], x: float, top: float, *, width: float = 0,
               align: str = "left") -> float:
    """Draw lines downward from `top`; returns the y below the last line."""
    for line in lines:
        if line.color is not None:
            fill(canvas, line.color)
        canvas.setFont(line.font, line.size)
        baseline = top - line.size * ASCENT
        if align == "centre":
            canvas.drawCentredString(x + width / 2, baseline, line.text)
        elif align == "right":
            canvas.drawRightString(x + width, baseline, line.text)
        else:
            canvas.drawString(x, baseline, line.text)
        top -= line.size * LINE_HEIGHT + line.space_after
    return top


def fill(canvas: Canvas, rgb: Rgb) -> None:
    canvas.setFillColorRGB(*rgb)


# --- words for the record ------------------------------------------------------------------------------

IN_PERSON = N_("In-person, instructor-led")  # how a session is given, unless the record says otherwise

def human_date(iso: str) -> str:
    """'3 Dec 2026': clear in every English-speaking country, whatever the computer's locale (a translation
    may put the parts in its own order)."""
    day = date.fromisoformat(iso)
    return _("{day} {month} {year}").format(day=day.day, month=_(MONTHS[day.month - 1]), year=day.year)


def duration(minutes: int | None) -> str:
    """'2 h 05 min', '45 min', or '—' when nothing was recorded."""
    if minutes is None:
        return "—"
    hours, rest = divmod(minutes, 60)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=f"{rest:02}")
    return _("{minutes} min").format(minutes=rest)


def pdf_date(moment: datetime) -> str:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm'); a naive time is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    offset = int((aware.utcoffset() or timedelta(0)).total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    return f"D:{aware:%Y%m%d%H%M%S}{sign}{abs(offset) // 60:02}'{abs(offset) % 60:02}'"  # not user text: PDF date


def stamp_creation(canvas: Canvas, created: datetime | None) -> None:
    """Write `created` (or now) as the creation date. The canvas is made in invariant mode, so the file is
    otherwise the same bytes for the same input: the date is the one thing that differs between runs."""
    text = pdf_date(created or datetime.now(UTC))
    canvas.setDateFormatter(lambda *_ignored: text)


def check_paper(paper: str) -> tuple[float, float]:
    if paper not in PAPERS:
        raise ValueError(_("paper must be one of {papers}, not {paper}").format(papers=", ".join(PAPERS),
                                                                                 paper=repr(paper)))
    return PAPERS[paper]


@lru_cache(maxsize=64)
def list_columns(items: tuple[str, ...], width: float, height: float) -> tuple[tuple[tuple[Line, ...], ...], float]:
    """Bulleted items in one column if they fit at a readable size, else in two or three, else smaller.

    Kept per list and box: every certificate of a session has the same topics, so they are set once."""
    gutter = 4 * mm
    readable = [9.5, 9.0, 8.5, 8.0]  # a column of whole lines reads better than two of wrapped ones
    smaller = [7.5 * 0.92**i for i in range(40)]
    for sizes in (readable, smaller):
        for count in (1, 2, 3):
            for size in sizes:
                columns = _arrange(items, size, count, width, height, gutter)
                if columns is not None:
                    return columns, gutter
    # Nothing fits even below half a point (thousands of topics): set them that small rather than loop for ever.
    return _balance([_bullet(item, smaller[-1], width) for item in items], 1, float("inf")) or (), gutter


def _arrange(items: tuple[str, ...], size: float, count: int, width: float, height: float, gutter: float
             ) -> tuple[tuple[tuple[Line, ...], ...], ...] | None:
    column_w = (width - gutter * (count - 1)) / count
    return _balance([_bullet(item, size, column_w) for item in items], count, height)


def _bullet(item: str, size: float, width: float) -> tuple[Line, ...]:
    """'• Topic', wrapped with later lines indented to the text, and a little space after the item."""
    indent = "\u2002\u2005\u2006"  # en, four-per-em and six-per-em spaces: the width of "• " within 1%
    lines = wrap(item, SANS, size, width - max(width_of("• ", SANS, size), width_of(indent, SANS, size)))
    texts = [("• " if i == 0 else indent) + text for i, text in enumerate(lines)]
    return tuple(Line(t, SANS, size, space_after=size * 0.25 if i == len(texts) - 1 else 0.0)
                 for i, t in enumerate(texts))


def _balance(entries: Sequence[tuple[Line, ...]], count: int, height: float
             ) -> tuple[tuple[tuple[Line, ...], ...], ...] | None:
    """Fill `count` columns in reading order, as evenly as they allow, or None if they cannot hold it all."""
    if any(block_height(e) > height for e in entries):
        return None
    total = sum(block_height(e) for e in entries)
    capacity = total / count
    while capacity <= height + 0.01:
        columns: list[list[Line]] = [[]]
        for entry in entries:
            if columns[-1] and block_height(columns[-1]) + block_height(entry) > capacity:
                columns.append([])
            columns[-1].extend(entry)
        if len(columns) <= count:
            return tuple(tuple(c) for c in columns)
        capacity += 2.0  # points: step up until the items fall into `count` columns
    return None
