"""What every page of a role-play's printout shares: its data, how its text is set, and the drawing helpers.

The role cards (role_card_pages), the observer sheets (observer_sheet) and the opt-out sheet (opt_out_sheet)
are drawn from one `RoleCardSet`. Text from the workshop file is hard-wrapped for the editor; `paragraphs`
undoes that, keeping the line breaks an author meant, and `fit_paragraphs` sets it as large as its box allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.pages import FOOTER_H, MARGIN
from facilitator.documents.text import (
    BOLD,
    INK,
    MUTED,
    RULE,
    SANS,
    Line,
    Piece,
    Rgb,
    block_height,
    draw_lines,
    fill,
    fit_block,
    fit_piece,
    printable,
    width_of,
)
from facilitator.i18n import _

PageDone = Callable[[str], None]  # ends a page, with the text for its footer
Box = tuple[float, float, float, float]  # x, y of the lower-left corner, width, height


@dataclass(frozen=True)
class RoleCard:
    """One card to hand out: a role, its private text, and who plays it this round (if decided)."""

    role: str  # "The bystander"
    text: str  # the private card text (multi-line, as written in the workshop file)
    person: str | None  # who plays it this round, or None for a blank card to hand out
    group: int | None  # group number (1-based) or None
    volunteer_only: bool = False


@dataclass(frozen=True)
class ObserverGuide:
    """What observers keep in mind while they watch, from the workshop file (the five Ds, say)."""

    title: str  # "The five Ds"
    points: tuple[tuple[str, str], ...]  # (name, text): ("Distract", "interrupt or change the subject, ...")


@dataclass(frozen=True)
class RoleCardSet:
    """Everything printed for one role-play segment: the cards, the observers' sheets and the opt-out sheet."""

    workshop_title: str
    segment_title: str
    rounds: int
    round_minutes: int
    cards: tuple[RoleCard, ...]
    observer_checklist: tuple[str, ...]
    opt_out: str  # what someone who opts out does instead
    # (person, group) per observer sheet; () means one blank sheet per group on the cards, and at least one.
    observers: tuple[tuple[str | None, int | None], ...] = ()
    content_warning: str | None = None
    # Teaching text for the foot of every observer sheet, in the workshop's language; none is printed without it.
    observer_guide: ObserverGuide | None = None
    feedback_advice: tuple[str, ...] = ()
    observer_focus: str = ""  # whom the observer watches, in the workshop's words


SHADE: Rgb = (0.92, 0.93, 0.95)
# Between the ruled lines left to write on: from a narrow-ruled notebook's spacing to a roomy one.
NOTE_MIN, NOTE_MAX = 5.8 * mm, 8 * mm
TICK = 4 * mm


# --- text ----------------------------------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^([-*\u2022]|\d+[.)]|\(\d+\))\s")
_INLINE_NUMBER = re.compile(r"\s+(?=\(\d+\)\s)")
_SENTENCE_END = re.compile(r"[.!?:\u2026][\"'\u201d\u2019)]*$")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, with the author's line breaks inside a sentence undone.

    Workshop files are hard-wrapped for the editor ("in a light,\\njoking tone"), but a line that starts a list
    item, or a new sentence after one that ended, is a break the author meant: each card instruction stays
    on its own line, and nothing wraps raggedly at the editor's width."""
    found: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            found.append([])
        elif found and found[-1] and not _starts_paragraph(found[-1][-1], line):
            found[-1].append(line)
        else:
            found.append([line])
    return [part for lines in found if lines for part in _split_numbered(" ".join(lines))]


def _split_numbered(paragraph: str) -> list[str]:
    """'... each question: (1) What ... (2) What ...' as one question to a line, as a list numbered in the
    running text is meant to be read (and answered)."""
    if "(1) " not in paragraph or "(2) " not in paragraph:
        return [paragraph]
    return [part for part in _INLINE_NUMBER.split(paragraph) if part]


def _starts_paragraph(previous: str, line: str) -> bool:
    if _LIST_ITEM.match(line):
        return True
    return bool(_SENTENCE_END.search(previous)) and (line[0].isupper() or line[0].isdigit() or line[0] in "\"\u201c")


def set_paragraphs(paras: Sequence[str], size: float, width: float, font: str = SANS) -> list[Line]:
    """Paragraphs wrapped at one size, a little space between them (none after the last)."""
    lines = [line for p in paras for line in fit_piece(Piece(p, font, size, size, space_after=size * 0.45), width)]
    if lines:
        lines[-1] = Line(lines[-1].text, lines[-1].font, lines[-1].size, 0.0, lines[-1].color)
    return lines


def fit_paragraphs(paras: Sequence[str], width: float, height: float, largest: float,
                   smallest: float) -> list[Line] | None:
    """The paragraphs at the largest size (in quarter points) that fits the box, or None if not even the
    smallest does. Wrapped rather than shrunk to one line: a card's text is read, not glanced at."""
    size = largest
    while size >= smallest - 1e-6:
        lines = set_paragraphs(paras, size, width)
        if block_height(lines) <= height:
            return lines
        size -= 0.25
    return None


def chunk(lines: Sequence[Line], first: float, rest: float) -> list[list[Line]]:
    """Lines shared out over pages: `first` points of room on the first page, `rest` on each after."""
    pages: list[list[Line]] = [[]]
    room = first
    for line in lines:
        if pages[-1] and block_height([*pages[-1], line]) - line.space_after > room:
            pages.append([])
            room = rest
        pages[-1].append(line)
    return pages


def name_shown(person: str | None) -> str | None:
    """The name, or None (a line to write it on) when the fonts cannot print it as written."""
    return person if person and person.strip() and printable(person) else None


# --- drawing helpers -----------------------------------------------------------------------------------

def hairline(canvas: Canvas, x1: float, y: float, x2: float, rgb: Rgb = RULE, width: float = 0.5) -> None:
    canvas.setStrokeColorRGB(*rgb)
    canvas.setLineWidth(width)
    canvas.line(x1, y, x2, y)


def shaded_box(canvas: Canvas, x: float, y: float, w: float, h: float, rgb: Rgb = SHADE) -> None:
    fill(canvas, rgb)
    canvas.roundRect(x, y, w, h, 1.5 * mm, stroke=0, fill=1)


def tick_box(canvas: Canvas, x: float, top: float, size: float = TICK) -> None:
    canvas.setStrokeColorRGB(*INK)
    canvas.setLineWidth(0.8)
    canvas.rect(x, top - size, size, size, stroke=1, fill=0)


def write_in(canvas: Canvas, label: str, x: float, baseline: float, width: float, size: float) -> None:
    """'Label ________': a muted label and a line to write on, along one baseline."""
    fill(canvas, MUTED)
    canvas.setFont(SANS, size)
    canvas.drawString(x, baseline, label)
    start = x + width_of(label, SANS, size) + 1.5 * mm
    hairline(canvas, start, baseline - 1, x + width, MUTED, 0.6)


def ruled_lines(canvas: Canvas, x: float, top: float, width: float, height: float, most: int = 0,
                closest: float = NOTE_MIN) -> None:
    """Lines to write on filling `height` below `top` (at most `most`, if given): as many as fit `closest`
    apart, spread out up to a roomy spacing."""
    count = int((height + 0.01) // closest)
    count = min(count, most) if most else count
    if count < 1:
        return
    pitch = min(height / count, max(NOTE_MAX, closest))
    for i in range(1, count + 1):
        hairline(canvas, x, top - i * pitch, x + width)


# --- the full-page sheets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    """A full page's writing area: left edge, width, and the bottom above the footer."""

    left: float
    width: float
    bottom: float


def sheet_of(paper: tuple[float, float]) -> Sheet:
    return Sheet(MARGIN, paper[0] - 2 * MARGIN, MARGIN + FOOTER_H + 2 * mm)


def draw_sheet_title(canvas: Canvas, paper: tuple[float, float], title: str, data: RoleCardSet,
                     width: float | None = None) -> float:
    """The sheet's title, under the role-play and workshop it belongs to, in `width` (all of it if None) at
    the top left; returns the y below the rule under it."""
    sheet = sheet_of(paper)
    kicker = _("Role-play \u00b7 {segment}").format(segment=data.segment_title)
    lines = fit_block([Piece(kicker, SANS, 9.5, 7.5, space_after=2, color=MUTED),
                       Piece(title, BOLD, 18, 14, space_after=2, color=INK),
                       Piece(data.workshop_title, SANS, 9.5, 7.5, color=MUTED)], width or sheet.width, 40 * mm)
    cursor = draw_lines(canvas, lines, sheet.left, paper[1] - MARGIN)
    hairline(canvas, sheet.left, cursor - 2 * mm, sheet.left + sheet.width, RULE, 0.8)
    return cursor - 4.5 * mm


def draw_warning(canvas: Canvas, text: str | None, sheet: Sheet, top: float) -> float:
    """The content warning in a shaded box, when the segment has one; returns the y below."""
    if not text:
        return top
    pad = 3 * mm
    lines = [*fit_piece(Piece(_("Content warning"), BOLD, 9.5, 9.5, space_after=1.5), sheet.width - 2 * pad),
             *set_paragraphs(paragraphs(text), 9.5, sheet.width - 2 * pad)]
    height = block_height(lines) + 2 * pad
    shaded_box(canvas, sheet.left, top - height, sheet.width, height, (0.98, 0.94, 0.86))
    fill(canvas, INK)
    draw_lines(canvas, lines, sheet.left + pad, top - pad)
    return top - height - 4 * mm
