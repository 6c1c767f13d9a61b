"""Name badges and the sign-in roster for one session, in one PDF a trainer prints before the day.

Badges are 3.5 x 2.25 in (89 x 57 mm), eight to a page in two columns: the size of the common slip-in
name-badge holders and of 8-up badge insert sheets on Letter, and with room to spare on A4. Each shows the
name large, the workshop and date, and a QR code holding only the session id and the person's random
token (no personal data), with the same token printed for typing. After the badges comes the roster:
one row per person, sorted by last name, with a smaller QR code for scanning at the door.

Text is set in the bundled DejaVu fonts (accents, Greek, Cyrillic) and is shrunk, then wrapped, until it
fits its box: a name is never clipped.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents import PRODUCT
from facilitator.documents.qr import QUIET_ZONE, draw_qr, qr_matrix
from facilitator.documents.text import (
    ASCENT,
    BOLD,
    INK,
    MONO,
    MUTED,
    RULE,
    SANS,
    Piece,
    block_height,
    check_paper,
    draw_lines,
    fill,
    fit_block,
    human_date,
    printable,
    register_fonts,
    width_of,
)
from facilitator.documents.text import PAPERS as PAPERS  # re-exported: the services import it from here
from facilitator.documents.text import missing_glyphs as missing_glyphs  # re-exported: its home before text.py
from facilitator.documents.text import wrap as wrap  # re-exported: its home before text.py
from facilitator.domain.ids import badge_payload, group_code
from facilitator.i18n import N_, _

BADGE_W, BADGE_H = 3.5 * inch, 2.25 * inch
BADGE_COLUMNS, BADGE_ROWS = 2, 4
BADGE_PAD = 4 * mm
BADGE_QR_SYMBOL = 25.5 * mm  # the code without its quiet zone: phones and USB scanners read it at arm's length
ROSTER_QR_SYMBOL = 15.5 * mm
ROSTER_MARGIN = 15 * mm


@dataclass(frozen=True)
class BadgeSheetSession:
    """The session as badges and the roster show it."""

    id: str
    workshop_title: str
    date: str  # YYYY-MM-DD
    start: str  # HH:MM
    location: str


@dataclass(frozen=True)
class BadgePerson:
    """One person on the roster, with the token their badge carries."""

    first_name: str
    last_name: str
    employee_id: str | None
    department: str | None
    badge_token: str
    session_id: str

    @property
    def payload(self) -> str:
        return badge_payload(self.session_id, self.badge_token)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# --- names ---------------------------------------------------------------------------------------------

def misprinted_names(people: Sequence[BadgePerson], font_dir: Path | None = None) -> list[tuple[str, str]]:
    """(name, typed code) of each person whose name is left blank on the badge and the roster, for the
    trainer to write in by hand: the code printed under the QR code tells whose badge is whose."""
    register_fonts(font_dir)
    return [(p.full_name, group_code(p.badge_token)) for p in people if not printable(p.first_name + p.last_name)]


# --- shared pieces -------------------------------------------------------------------------------------

# Letters that Unicode does not decompose into a base letter and an accent, filed as their base letters.
_UNACCENTED = str.maketrans({"Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae",
                             "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "Th", "þ": "th", "\u0131": "i"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNACCENTED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(person: BadgePerson) -> tuple[str, str, str]:
    """Alphabetical by last name, with accents ignored so that Émile files under E and Łukasz under L."""
    return fold(person.last_name), fold(person.first_name), person.employee_id or ""


@cache
def qr_box(symbol: float) -> float:
    """The square to reserve for a QR code whose symbol is at least `symbol` wide (quiet zone added)."""
    modules = len(qr_matrix(badge_payload("0" * 8, "0" * 20)))
    return symbol * modules / (modules - 2 * QUIET_ZONE)


# --- badges --------------------------------------------------------------------------------------------

def badge_origin(paper: tuple[float, float], index: int) -> tuple[float, float]:
    """Lower-left corner of the index-th badge on its page (the grid is centred on the paper)."""
    left = (paper[0] - BADGE_COLUMNS * BADGE_W) / 2
    bottom = (paper[1] - BADGE_ROWS * BADGE_H) / 2
    row, column = divmod(index % (BADGE_COLUMNS * BADGE_ROWS), BADGE_COLUMNS)
    return left + column * BADGE_W, bottom + (BADGE_ROWS - 1 - row) * BADGE_H


def draw_badge(canvas: Canvas, session: BadgeSheetSession, person: BadgePerson, x: float, y: float) -> None:
    inner = BADGE_W - 2 * BADGE_PAD
    header = fit_block([Piece(session.workshop_title, BOLD, 8.5, 6.5),
                        Piece(f"{human_date(session.date)} · {session.start}", SANS, 7.5, 6)], inner, 10 * mm)
    fill(canvas, MUTED)
    header_bottom = draw_lines(canvas, header, x + BADGE_PAD, y + BADGE_H - BADGE_PAD)
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(x + BADGE_PAD, header_bottom - 1 * mm, x + BADGE_W - BADGE_PAD, header_bottom - 1 * mm)
    box = qr_box(BADGE_QR_SYMBOL)
    # The quiet zone is white space already, so the box may run nearly to the badge's edge.
    qr_x, qr_y = x + BADGE_W - box - 1.5 * mm, y + 6 * mm
    draw_qr(canvas, person.payload, qr_x, qr_y, box)
    _draw_typed_code(canvas, person.badge_token, qr_x, y + 3 * mm, box)
    name_width = qr_x - (x + BADGE_PAD) - 1 * mm
    _draw_name(canvas, person, x + BADGE_PAD, y + BADGE_PAD, name_width, header_bottom - 2 * mm - (y + BADGE_PAD))


def _draw_typed_code(canvas: Canvas, token: str, x: float, baseline: float, width: float) -> None:
    code = group_code(token)
    size = min(7.0, 7.0 * width / width_of(code, MONO, 7.0))
    fill(canvas, INK)
    canvas.setFont(MONO, size)
    canvas.drawCentredString(x + width / 2, baseline, code)


def _draw_name(canvas: Canvas, person: BadgePerson, x: float, bottom: float, width: float, height: float) -> None:
    """First name largest, last name under it, the pair centred in the space left of the QR code."""
    if not printable(person.first_name + person.last_name):
        _draw_write_in(canvas, x, bottom + height / 2 - 4 * mm, width)
        return
    lines = fit_block([Piece(person.first_name, BOLD, 24, 13), Piece(person.last_name, SANS, 15, 9)],
                      width, height)
    fill(canvas, INK)
    draw_lines(canvas, lines, x, bottom + (height + block_height(lines)) / 2)


def _draw_write_in(canvas: Canvas, x: float, y: float, width: float) -> None:
    """A line to write a name on: better than boxes or letters in the wrong order."""
    canvas.setStrokeColorRGB(*MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(x, y, x + width, y)


def draw_cut_marks(canvas: Canvas, paper: tuple[float, float], badges: int) -> None:
    """Light borders on the cut lines of the badges printed, and short marks in the margin to line a
    guillotine up with."""
    left, bottom = badge_origin(paper, (BADGE_ROWS - 1) * BADGE_COLUMNS)
    right, top = left + BADGE_COLUMNS * BADGE_W, bottom + BADGE_ROWS * BADGE_H
    canvas.setLineWidth(0.4)
    canvas.setStrokeColorRGB(0.82, 0.82, 0.82)
    for i in range(badges):
        canvas.rect(*badge_origin(paper, i), BADGE_W, BADGE_H, stroke=1, fill=0)
    canvas.setStrokeColorRGB(*MUTED)
    gap, length = 2 * mm, 5 * mm
    for cx in (left + c * BADGE_W for c in range(BADGE_COLUMNS + 1)):
        canvas.line(cx, top + gap, cx, top + gap + length)
        canvas.line(cx, bottom - gap, cx, bottom - gap - length)
    for cy in (bottom + r * BADGE_H for r in range(BADGE_ROWS + 1)):
        canvas.line(left - gap, cy, left - gap - length, cy)
        canvas.line(right + gap, cy, right + gap + length, cy)


def draw_footer(canvas: Canvas, paper: tuple[float, float], left_text: str, right_text: str) -> None:
    width = paper[0] - 2 * ROSTER_MARGIN
    fill(canvas, MUTED)
    right_width = width_of(right_text, SANS, 7.5)
    lines = fit_block([Piece(left_text, SANS, 7.5, 6)], width - right_width - 6 * mm, 8 * mm)
    draw_lines(canvas, lines[:1], ROSTER_MARGIN, 12 * mm)  # one line: a footer that wraps is noise
    canvas.setFont(SANS, 7.5)
    canvas.drawRightString(paper[0] - ROSTER_MARGIN, 12 * mm - 7.5 * ASCENT, right_text)


def draw_badge_pages(canvas: Canvas, paper: tuple[float, float], session: BadgeSheetSession,
                     people: Sequence[BadgePerson]) -> int:
    per_page = BADGE_COLUMNS * BADGE_ROWS
    pages = math.ceil(len(people) / per_page)
    for page in range(pages):
        on_page = people[page * per_page:(page + 1) * per_page]
        draw_cut_marks(canvas, paper, len(on_page))
        for i, person in enumerate(on_page):
            draw_badge(canvas, session, person, *badge_origin(paper, i))
        draw_footer(canvas, paper, _("Badges - {workshop} - cut along the grey lines").format(
            workshop=session.workshop_title), _("badges page {number} of {total}").format(number=page + 1, total=pages))
        canvas.showPage()
    return pages


# --- the roster ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    title: str  # marked with N_, translated where it is drawn
    width: float


ROW_HEIGHT = 21 * mm
HEADER_ROW = 7 * mm
TITLE_BLOCK = 20 * mm


def roster_columns(paper: tuple[float, float]) -> list[Column]:
    """Fixed columns; whatever width the paper has beyond them goes to the signature."""
    fixed = [Column("#", 7 * mm), Column(N_("Name"), 44 * mm), Column(N_("Employee ID"), 22 * mm),
             Column(N_("Department"), 30 * mm), Column(BADGE_QR, qr_box(ROSTER_QR_SYMBOL) + 2 * mm),
             Column(N_("Code"), 24 * mm)]
    rest = paper[0] - 2 * ROSTER_MARGIN - sum(c.width for c in fixed)
    return [*fixed, Column(N_("Signature"), rest)]


BADGE_QR = N_("Badge QR")


def rows_per_page(paper: tuple[float, float]) -> int:
    usable = paper[1] - 2 * ROSTER_MARGIN - TITLE_BLOCK - HEADER_ROW - 6 * mm  # 6 mm above the footer
    return int(usable // ROW_HEIGHT)


def draw_roster_title(canvas: Canvas, paper: tuple[float, float], session: BadgeSheetSession) -> float:
    """The session at the top of every page, so a loose page still says what it is for."""
    width = paper[0] - 2 * ROSTER_MARGIN
    where = _("{date} at {start} · {location} · session {session}").format(
        date=human_date(session.date), start=session.start, location=session.location, session=session.id)
    lines = fit_block([Piece(_("Sign-in sheet"), SANS, 9, 7), Piece(session.workshop_title, BOLD, 14, 10),
                       Piece(where, SANS, 9.5, 7)], width, TITLE_BLOCK - 2 * mm)
    fill(canvas, INK)
    draw_lines(canvas, lines, ROSTER_MARGIN, paper[1] - ROSTER_MARGIN)
    return paper[1] - ROSTER_MARGIN - TITLE_BLOCK


def draw_header_row(canvas: Canvas, columns: Sequence[Column], top: float) -> float:
    fill(canvas, (0.9, 0.9, 0.9))
    canvas.rect(ROSTER_MARGIN, top - HEADER_ROW, sum(c.width for c in columns), HEADER_ROW, stroke=0, fill=1)
    fill(canvas, INK)
    canvas.setFont(BOLD, 8)
    x = ROSTER_MARGIN
    for column in columns:
        canvas.drawString(x + 1.5 * mm, top - HEADER_ROW / 2 - 2.8, _(column.title))
        x += column.width
    return top - HEADER_ROW


def draw_roster_row(canvas: Canvas, columns: Sequence[Column], top: float, number: int,
                    person: BadgePerson) -> None:
    name = ", ".join(part for part in (person.last_name, person.first_name) if part)
    name = name if printable(name) else ""  # left blank to write in, as on the badge
    token = group_code(person.badge_token)
    texts = [[Piece(str(number), SANS, 8, 6)], [Piece(name, BOLD, 9.5, 8.5)],
             [Piece(person.employee_id or "", SANS, 8.5, 7.5)], [Piece(person.department or "", SANS, 8.5, 7.5)],
             [], [Piece(token[:12], MONO, 8, 6), Piece(token[12:], MONO, 8, 6)], []]
    x = ROSTER_MARGIN
    for column, pieces in zip(columns, texts, strict=True):
        if column.title == BADGE_QR:
            box = qr_box(ROSTER_QR_SYMBOL)
            draw_qr(canvas, person.payload, x + (column.width - box) / 2, top - (ROW_HEIGHT + box) / 2, box)
        elif pieces:
            lines = fit_block(pieces, column.width - 3 * mm, ROW_HEIGHT - 3 * mm)
            fill(canvas, INK)
            draw_lines(canvas, lines, x + 1.5 * mm, top - (ROW_HEIGHT - block_height(lines)) / 2)
        x += column.width
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(ROSTER_MARGIN, top - ROW_HEIGHT, x, top - ROW_HEIGHT)
    signature = x - columns[-1].width  # a box to sign in, so a signature does not wander over the codes
    canvas.line(signature, top, signature, top - ROW_HEIGHT)


def draw_roster_pages(canvas: Canvas, paper: tuple[float, float], session: BadgeSheetSession,
                      people: Sequence[BadgePerson]) -> int:
    columns, per_page = roster_columns(paper), rows_per_page(paper)
    pages = math.ceil(len(people) / per_page)
    for page in range(pages):
        top = draw_header_row(canvas, columns, draw_roster_title(canvas, paper, session))
        for i, person in enumerate(people[page * per_page:(page + 1) * per_page]):
            draw_roster_row(canvas, columns, top - i * ROW_HEIGHT, page * per_page + i + 1, person)
        draw_footer(canvas, paper, f"{session.workshop_title} - {human_date(session.date)}",
                    _("sign-in sheet page {number} of {total}").format(number=page + 1, total=pages))
        canvas.showPage()
    return pages


# --- the document --------------------------------------------------------------------------------------

def render_badges(out: Path | BinaryIO, session: BadgeSheetSession, people: Sequence[BadgePerson],
                  paper: str = "a4", *, font_dir: Path | None = None) -> int:
    """Write the badges, then the roster, as one PDF; returns the number of pages."""
    size = check_paper(paper)
    if not people:
        raise ValueError(_("no one to make badges for"))
    register_fonts(font_dir)
    ordered = sorted(people, key=sort_key)
    # ReportLab writes to an open file without closing it, so the caller can sync it before renaming.
    # The initial font is named so that ReportLab does not reference Helvetica, which is not embedded.
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=size, pageCompression=1, invariant=1,
                    initialFontName=SANS)
    canvas.setTitle(_("Badges and sign-in sheet - {workshop} - {date}").format(workshop=session.workshop_title,
                                                                              date=session.date))
    canvas.setCreator(PRODUCT)
    pages = draw_badge_pages(canvas, size, session, ordered) + draw_roster_pages(canvas, size, session, ordered)
    canvas.save()
    return pages

