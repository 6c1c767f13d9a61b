"""Printable role-play materials: private role cards, observer checklists and the "rather not play" sheet.

A trainer prints one PDF before the day. The role cards come first, four to a page in a 2 x 2 grid with dashed
cut lines between them, to be cut apart and handed out face down: each says it is private, names the role large,
says who plays it (or leaves a line to write a name on), and carries the card's text and the pause signal. A
card whose text will not fit a quarter page even at the smallest size gets a page of its own instead (and, if
it would not fit even there, runs on to more pages): text is shrunk and wrapped, never clipped.

Then one full-page observer sheet per observer (the segment's checklist as tick boxes with room for notes, the
five Ds for reference and how to give feedback), and one sheet for anyone who would rather not play. Every page
says "page N of M". Text is set in the bundled DejaVu fonts, so names with accents print as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.pages import FOOTER_H, MARGIN, draw_footer, numbered_canvas
from facilitator.documents.text import (
    ASCENT,
    BOLD,
    INK,
    LINE_HEIGHT,
    MUTED,
    RULE,
    SANS,
    Line,
    Piece,
    Rgb,
    block_height,
    check_paper,
    draw_lines,
    fill,
    fit_block,
    fit_piece,
    printable,
    register_fonts,
    width_of,
)


@dataclass(frozen=True)
class RoleCard:
    """One card to hand out: a role, its private text, and who plays it this round (if decided)."""

    role: str  # "The bystander"
    text: str  # the private card text (multi-line, as written in the workshop file)
    person: str | None  # who plays it this round, or None for a blank card to hand out
    group: int | None  # group number (1-based) or None
    volunteer_only: bool = False


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


PRIVATE = "PRIVATE \u2014 read only your own card"
VOLUNTEER = "Volunteer only \u2014 never assigned"
PAUSE = 'Anyone may say "pause" at any time.'

# The five Ds as the workshop teaches them (reference/compliance.md and the "the-five-ds" segment), in the
# workshop's US spelling.
FIVE_DS = (
    ("Distract", "interrupt or change the subject, without confronting anyone."),
    ("Delegate", "get help from someone better placed to act, such as a manager, HR or security."),
    ("Document", "write down what you saw, only when someone is already helping. "
                 "The record belongs to the person targeted: give it to them."),
    ("Delay", "check in with the person afterward: \u201cAre you OK? Is there anything you'd like me to do?\u201d"),
    ("Direct", "name the behavior and ask for it to stop, briefly and calmly, only when it is safe."),
)
FEEDBACK = ("Start with one thing that worked, then one thing to try next time. Use situation\u2013behavior\u2013"
            "impact: \u201cWhen \u2026 (situation), you \u2026 (behavior), and it seemed to \u2026 (impact).\u201d")

GRID = 2  # cards per row and per column
GUTTER = 8 * mm  # between cards; the cut line runs down its middle, so a wobbly cut misses the border
BORDER: Rgb = (0.3, 0.3, 0.3)
SHADE: Rgb = (0.92, 0.93, 0.95)
CUT: Rgb = (0.5, 0.5, 0.5)
# Between the ruled lines left to write on: from a narrow-ruled notebook's spacing to a roomy one.
NOTE_MIN, NOTE_MAX = 5.8 * mm, 8 * mm
TICK = 4 * mm

Box = tuple[float, float, float, float]  # x, y of the lower-left corner, width, height


@dataclass(frozen=True)
class Look:
    """Type sizes for a card: the compact one on a quarter page, the roomy one on a page of its own."""

    head: float
    role: float
    role_min: float
    person: float
    body_max: float
    body_min: float
    pad: float


QUARTER = Look(head=7, role=15, role_min=11, person=10, body_max=9.5, body_min=7, pad=4.5 * mm)
WHOLE = Look(head=9, role=22, role_min=15, person=13, body_max=12, body_min=8.5, pad=9 * mm)


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


# --- role cards ----------------------------------------------------------------------------------------

def grid_boxes(paper: tuple[float, float]) -> list[Box]:
    """The four card boxes on a page, left to right, top to bottom, inside the margins and above the footer."""
    left, bottom = MARGIN, MARGIN + FOOTER_H
    w = (paper[0] - 2 * MARGIN - GUTTER) / GRID
    h = (paper[1] - MARGIN - bottom - GUTTER) / GRID
    return [(left + c * (w + GUTTER), bottom + (GRID - 1 - r) * (h + GUTTER), w, h)
            for r in range(GRID) for c in range(GRID)]


def page_box(paper: tuple[float, float]) -> Box:
    return MARGIN, MARGIN + FOOTER_H, paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN - FOOTER_H


@dataclass(frozen=True)
class CardTop:
    """The parts of a card above its text, laid out for one width, and the height they take."""

    head: list[Line]
    role: list[Line]
    name: list[Line]  # empty: a line to write the name on
    player_h: float  # the row saying who plays the card: taller when a long name wraps
    height: float


def person_h(look: Look) -> float:
    return look.person * 2.1


def flag_h(look: Look) -> float:
    return look.head * 2.4


def foot_h(look: Look) -> float:
    return look.head * 3.2


def gap(look: Look) -> float:
    return look.head * 0.8


def group_label(card: RoleCard) -> str:
    return f"Group {card.group}" if card.group is not None else ""


def card_top(card: RoleCard, data: RoleCardSet, look: Look, width: float, role_suffix: str = "") -> CardTop:
    head = fit_block([Piece(PRIVATE, BOLD, look.head, look.head * 0.8, space_after=look.head * 0.25),
                      Piece(data.segment_title, SANS, look.head, look.head * 0.8, color=MUTED)], width, 1e6)
    role = fit_block([Piece(card.role + role_suffix, BOLD, look.role, look.role_min)], width, 1e6)
    group = group_label(card)
    name_w = width - (width_of(group, BOLD, look.person) + 3 * mm if group else 0.0)
    name = name_shown(card.person)
    # A long name shrinks a little, then wraps: the row grows rather than lose any of it.
    name_lines = fit_block([Piece(name, BOLD, look.person, look.person * 0.7)], name_w, 1e6) if name else []
    player_h = max(person_h(look), block_height(name_lines) + look.person * 0.75)
    height = (block_height(head) + 3 * gap(look) + block_height(role) + player_h + gap(look)
              + (flag_h(look) + gap(look) if card.volunteer_only else 0))
    return CardTop(head, role, name_lines, player_h, height)


def body_room(top: CardTop, look: Look, box: Box) -> tuple[float, float]:
    """The body's width and height inside a card box, below its top parts and above its foot."""
    return box[2] - 2 * look.pad, box[3] - 2 * look.pad - top.height - foot_h(look)


def draw_card(canvas: Canvas, card: RoleCard, top: CardTop, look: Look, box: Box, body: Sequence[Line],
              more: bool = False) -> None:
    """One card: border, private header, role, who plays it, the volunteer flag, its text and the pause reminder.
    `more` says the text runs on to the next page."""
    x, y, w, h = box
    canvas.setStrokeColorRGB(*BORDER)
    canvas.setLineWidth(0.9)
    canvas.roundRect(x, y, w, h, 2.5 * mm, stroke=1, fill=0)
    left, inner = x + look.pad, w - 2 * look.pad
    fill(canvas, INK)
    cursor = draw_lines(canvas, top.head, left, y + h - look.pad)
    hairline(canvas, left, cursor - gap(look) / 2, left + inner)
    fill(canvas, INK)
    cursor = draw_lines(canvas, top.role, left, cursor - gap(look) * 1.5)
    cursor = draw_player(canvas, card, top, look, left, cursor - gap(look) * 0.5, inner)
    if card.volunteer_only:
        shaded_box(canvas, left, cursor - flag_h(look), inner, flag_h(look), (0.85, 0.86, 0.88))
        fill(canvas, INK)
        canvas.setFont(BOLD, look.head * 1.1)
        canvas.drawString(left + 2 * mm, cursor - flag_h(look) / 2 - look.head * 1.1 * 0.35, VOLUNTEER)
        cursor -= flag_h(look) + gap(look)
    fill(canvas, INK)
    draw_lines(canvas, body, left, cursor - gap(look))
    draw_card_foot(canvas, look, left, y + look.pad, inner, more)


def draw_player(canvas: Canvas, card: RoleCard, parts: CardTop, look: Look, x: float, top: float,
                width: float) -> float:
    """Who plays the card and in which group, or a line to write a name on; returns the y below."""
    size, bottom = look.person, top - parts.player_h
    group = group_label(card)
    group_w = width_of(group, BOLD, size) + 3 * mm if group else 0.0
    if parts.name:  # the last line on the row's baseline, any lines before it above
        line = parts.name[0].size
        baseline = bottom + size * 0.55 + block_height(parts.name) - line * LINE_HEIGHT
        fill(canvas, INK)
        draw_lines(canvas, parts.name, x, baseline + line * ASCENT)
    else:
        baseline = bottom + size * 0.55
        write_in(canvas, "Name", x, baseline, width - group_w, size * 0.9)
    if group:  # beside the name's first line
        fill(canvas, INK)
        canvas.setFont(BOLD, size)
        canvas.drawRightString(x + width, baseline, group)
    hairline(canvas, x, bottom, x + width)
    return bottom


def draw_card_foot(canvas: Canvas, look: Look, x: float, bottom: float, width: float, more: bool) -> None:
    """The pause reminder along the card's foot, where every player will see it."""
    size = look.head * 1.15
    hairline(canvas, x, bottom + size * 1.9, x + width)
    fill(canvas, INK)
    canvas.setFont(BOLD, size)
    canvas.drawString(x, bottom + size * 0.3, PAUSE)
    if more:
        fill(canvas, MUTED)
        canvas.setFont(SANS, size * 0.9)
        canvas.drawRightString(x + width, bottom + size * 2.5, "continued on the next page \u2192")


def draw_cut_lines(canvas: Canvas, paper: tuple[float, float], cards: int) -> None:
    """Dashed lines down the middle of the gutters, with scissors, where one card must be cut from another."""
    boxes = grid_boxes(paper)
    left, bottom = MARGIN, MARGIN + FOOTER_H
    right, top = paper[0] - MARGIN, paper[1] - MARGIN
    canvas.saveState()
    canvas.setStrokeColorRGB(*CUT)
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2.5)
    fill(canvas, CUT)
    canvas.setFont(SANS, 9)
    cy = boxes[2][1] + boxes[2][3] + GUTTER / 2
    if cards > 1:  # the vertical cut, between the columns, only as far down as there are cards to part
        cx = boxes[0][0] + boxes[0][2] + GUTTER / 2
        canvas.line(cx, bottom if cards > 3 else cy, cx, top - 4 * mm)
        _scissors(canvas, cx, top - 4 * mm, rotate=-90)
    if cards > 2:  # the horizontal cut, between the rows
        canvas.line(left + 4 * mm, cy, right, cy)
        _scissors(canvas, left, cy)
    canvas.restoreState()


def _scissors(canvas: Canvas, x: float, y: float, rotate: float = 0) -> None:
    """A scissors sign at the start of a cut line, pointing along it."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.rotate(rotate)
    canvas.drawString(0, -9 * 0.35, "\u2702")
    canvas.restoreState()


def quarter_body(card: RoleCard, data: RoleCardSet, width: float, box: Box) -> tuple[CardTop, list[Line]] | None:
    """The card laid out for a quarter page, or None when its text will not fit even at the smallest size."""
    top = card_top(card, data, QUARTER, width)
    body_w, body_h = body_room(top, QUARTER, box)
    lines = fit_paragraphs(paragraphs(card.text), body_w, body_h, QUARTER.body_max, QUARTER.body_min)
    return None if lines is None else (top, lines)


def draw_grid_pages(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet,
                    laid: Sequence[tuple[RoleCard, CardTop, list[Line]]], page_done: Callable[[str], None]) -> None:
    boxes = grid_boxes(paper)
    per_page = GRID * GRID
    for start in range(0, len(laid), per_page):
        on_page = laid[start:start + per_page]
        draw_cut_lines(canvas, paper, len(on_page))
        for (card, top, body), box in zip(on_page, boxes, strict=False):
            draw_card(canvas, card, top, QUARTER, box, body)
        page_done(f"Role cards \u00b7 {data.segment_title} \u00b7 cut along the dashed lines; hand out face down")


def draw_whole_page_card(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, card: RoleCard,
                         page_done: Callable[[str], None]) -> None:
    """A card too long for a quarter page: a page of its own, and more pages at the smallest size if need be."""
    box = page_box(paper)
    top = card_top(card, data, WHOLE, box[2] - 2 * WHOLE.pad)
    later = card_top(card, data, WHOLE, box[2] - 2 * WHOLE.pad, " (continued)")
    width, height = body_room(top, WHOLE, box)
    paras = paragraphs(card.text)
    lines = fit_paragraphs(paras, width, height, WHOLE.body_max, WHOLE.body_min)
    pages = [lines] if lines is not None else chunk(set_paragraphs(paras, WHOLE.body_min, width), height,
                                                    body_room(later, WHOLE, box)[1])
    for i, body in enumerate(pages):
        draw_card(canvas, card, top if i == 0 else later, WHOLE, box, body, more=i < len(pages) - 1)
        page_done(f"Role card \u00b7 {data.segment_title} \u00b7 {card.role} \u00b7 hand out face down")


# --- the observer sheet --------------------------------------------------------------------------------

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
    lines = fit_block([Piece(f"Role-play \u00b7 {data.segment_title}", SANS, 9.5, 7.5, space_after=2, color=MUTED),
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
    lines = [*fit_piece(Piece("Content warning", BOLD, 9.5, 9.5, space_after=1.5), sheet.width - 2 * pad),
             *set_paragraphs(paragraphs(text), 9.5, sheet.width - 2 * pad)]
    height = block_height(lines) + 2 * pad
    shaded_box(canvas, sheet.left, top - height, sheet.width, height, (0.98, 0.94, 0.86))
    fill(canvas, INK)
    draw_lines(canvas, lines, sheet.left + pad, top - pad)
    return top - height - 4 * mm


TITLE_SHARE = 0.55  # of an observer sheet's width for its title; group and observer go beside it


def draw_observer_fields(canvas: Canvas, person: str | None, group: int | None, sheet: Sheet, top: float) -> None:
    """Group and observer at the top right, beside the title (room on the page goes to notes): printed when
    known, else lines to write them on."""
    x = sheet.left + sheet.width * TITLE_SHARE + 6 * mm
    width, size = sheet.left + sheet.width - x, 11
    if group is None:
        write_in(canvas, "Group", x, top - 16, width, size)
    else:
        fill(canvas, INK)
        canvas.setFont(BOLD, size)
        canvas.drawString(x, top - 16, f"Group {group}")
    name = name_shown(person)
    if name is None:
        write_in(canvas, "Observer", x, top - 40, width, size)
    else:
        # Room for a long name to wrap once, above the rule under the title; shrunk to fit, never cut.
        lines = fit_block([Piece(f"Observer: {name}", BOLD, size, size * 0.6)], width, size * LINE_HEIGHT * 1.6)
        fill(canvas, INK)
        draw_lines(canvas, lines, x, top - 40 + lines[0].size * ASCENT)


def draw_observer_intro(canvas: Canvas, data: RoleCardSet, sheet: Sheet, top: float) -> float:
    """How the rounds run and what the observer does; returns the y below."""
    plan = (f"{data.rounds} rounds of {data.round_minutes} minutes; give feedback after each round."
            if data.rounds > 1 else f"One round of {data.round_minutes} minutes, then give feedback.")
    if data.rounds > 1:  # the sheet may be used again as the observer role rotates
        plan += "   Round (circle):  " + "   ".join(str(r) for r in range(1, data.rounds + 1))
    watch = "Watch the bystander; don't join in. Tick what you see and note a few words under each point."
    fill(canvas, MUTED)
    return draw_lines(canvas, set_paragraphs([plan, watch], 9.5, sheet.width), sheet.left, top) - 3.5 * mm


def item_lines(item: str, sheet: Sheet) -> list[Line]:
    return set_paragraphs(paragraphs(item), 10, sheet.width - TICK - 3 * mm, BOLD)


def item_min_h(item: str, sheet: Sheet) -> float:
    """An item's text and at least one line to write on."""
    return block_height(item_lines(item, sheet)) + NOTE_MIN + 2 * mm


def draw_item(canvas: Canvas, item: str, sheet: Sheet, top: float, height: float) -> None:
    """A tick box, the point to watch for, and ruled lines for notes filling the rest of `height`."""
    lines = item_lines(item, sheet)
    tick_box(canvas, sheet.left, top - 0.5)
    fill(canvas, INK)
    below = draw_lines(canvas, lines, sheet.left + TICK + 3 * mm, top)
    ruled_lines(canvas, sheet.left + TICK + 3 * mm, below, sheet.width - TICK - 3 * mm,
                height - (top - below) - 2 * mm, most=3)


REF_SIZE = 8.5
REF_PAD = 3 * mm
REF_TITLE = 14  # points from the box's top padding to its first row
REF_ROW_GAP = 1.2 * mm
REF_RULE_GAP = 3 * mm  # above and below the rule between the five Ds and the feedback reminder


def reference_rows(sheet: Sheet) -> tuple[float, list[tuple[str, list[Line]]]]:
    """The label column's width, and each row of the reference box: the five Ds, then feedback."""
    rows = [*FIVE_DS, ("Feedback", FEEDBACK)]
    label_w = max(width_of(name, BOLD, REF_SIZE) for name, _ in rows) + 3 * mm
    text_w = sheet.width - 2 * REF_PAD - label_w
    return label_w, [(name, set_paragraphs([text], REF_SIZE, text_w)) for name, text in rows]


def reference_h(sheet: Sheet) -> float:
    _, rows = reference_rows(sheet)
    return 2 * REF_PAD + REF_TITLE + sum(block_height(lines) + REF_ROW_GAP for _, lines in rows) + REF_RULE_GAP


def draw_reference(canvas: Canvas, sheet: Sheet, bottom: float) -> None:
    """The five Ds, one line each, then how to give feedback, in one shaded box at the foot of the page: the
    observer's crib while watching and before speaking."""
    label_w, rows = reference_rows(sheet)
    height = reference_h(sheet)
    shaded_box(canvas, sheet.left, bottom, sheet.width, height)
    left, cursor = sheet.left + REF_PAD, bottom + height - REF_PAD
    fill(canvas, INK)
    canvas.setFont(BOLD, 10.5)
    canvas.drawString(left, cursor - 10.5 * ASCENT, "The five Ds")
    cursor -= REF_TITLE
    for name, lines in rows:
        if name == "Feedback":
            hairline(canvas, left, cursor - REF_RULE_GAP / 2 + REF_ROW_GAP / 2, sheet.left + sheet.width - REF_PAD)
            cursor -= REF_RULE_GAP
        fill(canvas, INK)
        canvas.setFont(BOLD, REF_SIZE)
        canvas.drawString(left, cursor - REF_SIZE * ASCENT, name)
        cursor = draw_lines(canvas, lines, left + label_w, cursor) - REF_ROW_GAP


def share_items(items: Sequence[str], sheet: Sheet, first: float, rest: float, last_extra: float) -> list[list[str]]:
    """The checklist shared out over pages so that every item has at least one note line, and the last page
    has `last_extra` more room for the reference boxes (a page of its own, if they will not fit after)."""
    pages: list[list[str]] = [[]]
    room = first
    for item in items:
        need = item_min_h(item, sheet)
        if pages[-1] and need > room:
            pages.append([])
            room = rest
        pages[-1].append(item)
        room -= need
    if room < last_extra:
        pages.append([])
    return pages


def draw_observer_sheet(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, person: str | None,
                        group: int | None, page_done: Callable[[str], None]) -> None:
    sheet = sheet_of(paper)
    draw_observer_fields(canvas, person, group, sheet, paper[1] - MARGIN)
    top = draw_sheet_title(canvas, paper, "Observer checklist", data, sheet.width * TITLE_SHARE)
    top = draw_warning(canvas, data.content_warning, sheet, top)
    top = draw_observer_intro(canvas, data, sheet, top)
    footer = f"Observer checklist \u00b7 {data.segment_title}" + (f" \u00b7 group {group}" if group else "")
    ref_h = reference_h(sheet) + 5 * mm
    later_top = paper[1] - MARGIN
    pages = share_items(data.observer_checklist, sheet, top - sheet.bottom, later_top - sheet.bottom, ref_h)
    for number, items in enumerate(pages):
        last = number == len(pages) - 1
        if number:
            top = later_top
        floor = sheet.bottom + (ref_h if last else 0)
        if items:
            spare = (top - floor - sum(item_min_h(i, sheet) for i in items)) / len(items)
            for item in items:
                height = item_min_h(item, sheet) + max(spare, 0)
                draw_item(canvas, item, sheet, top, height)
                top -= height
        if last:
            draw_reference(canvas, sheet, sheet.bottom)
        page_done(footer)


# --- the opt-out sheet ---------------------------------------------------------------------------------

def draw_opt_out_sheet(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet,
                       page_done: Callable[[str], None]) -> None:
    """What someone who would rather not play does instead, and lines to write on. No name asked for: opting
    out needs no reason and leaves no record."""
    sheet = sheet_of(paper)
    top = draw_sheet_title(canvas, paper, "If you'd rather not play", data)
    top = draw_warning(canvas, data.content_warning, sheet, top)
    paras = paragraphs(data.opt_out)
    lines = fit_paragraphs(paras, sheet.width, top - sheet.bottom - 2 * NOTE_MIN, 12, 9)
    pages = [lines] if lines is not None else chunk(set_paragraphs(paras, 9, sheet.width), top - sheet.bottom,
                                                    paper[1] - MARGIN - sheet.bottom)
    for number, body in enumerate(pages):
        if number:
            top = paper[1] - MARGIN
        fill(canvas, INK)
        top = draw_lines(canvas, body, sheet.left, top) - 5 * mm
        if number == len(pages) - 1 and top - sheet.bottom >= 2 * NOTE_MIN:
            fill(canvas, MUTED)
            canvas.setFont(SANS, 9)
            canvas.drawString(sheet.left, top - 9 * ASCENT, "Your notes (no name needed; keep this sheet)")
            # A page of answers is written at leisure: lines as far apart as an ordinary notebook's.
            ruled_lines(canvas, sheet.left, top - 3 * mm, sheet.width, top - 3 * mm - sheet.bottom, closest=NOTE_MAX)
        page_done(f"If you'd rather not play \u00b7 {data.segment_title}")


# --- the document --------------------------------------------------------------------------------------

def observer_sheets(data: RoleCardSet) -> list[tuple[str | None, int | None]]:
    """The observer sheets to print: as given, or one blank sheet per group on the cards (at least one)."""
    if data.observers:
        return list(data.observers)
    groups = sorted({c.group for c in data.cards if c.group is not None})
    return [(None, g) for g in groups] or [(None, None)]


def render_role_cards(data: RoleCardSet, out: Path | BinaryIO, paper: str = "a4", *,
                      created: datetime | None = None, author: str | None = None) -> None:
    """Write the role cards, observer sheets and opt-out sheet as one PDF to a path or an open binary file
    (left open). The bytes depend only on the arguments and `created` (the creation date; now, if not given)."""
    register_fonts()
    size = check_paper(paper)
    footers: list[str] = []  # each page's footer text; the footers are drawn once the page count is known

    def footer(canvas: Canvas, number: int, total: int) -> None:
        draw_footer(canvas, size, footers[number - 1], number, total)

    canvas = numbered_canvas(footer, created)(str(out) if isinstance(out, Path) else out, pagesize=size,
                                              pageCompression=1, invariant=1, initialFontName=SANS)
    canvas.setTitle(f"Role cards - {data.workshop_title} - {data.segment_title}")
    canvas.setAuthor(author or "Facilitator")
    canvas.setSubject("Private role cards, observer checklists and opt-out sheet for a role-play")
    canvas.setCreator("Facilitator")

    def page_done(text: str) -> None:
        footers.append(text)
        canvas.showPage()

    draw_pages(canvas, size, data, page_done)
    canvas.save()


def draw_pages(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet,
               page_done: Callable[[str], None]) -> None:
    box = grid_boxes(paper)[0]
    width = box[2] - 2 * QUARTER.pad
    laid: list[tuple[RoleCard, CardTop, list[Line]]] = []
    oversized: list[RoleCard] = []
    for card in data.cards:
        fitted = quarter_body(card, data, width, box)
        if fitted is None:
            oversized.append(card)
        else:
            laid.append((card, *fitted))
    # Quarter-page cards first, so their pages stay full (fewer cuts); the long ones follow on pages of their own.
    draw_grid_pages(canvas, paper, data, laid, page_done)
    for card in oversized:
        draw_whole_page_card(canvas, paper, data, card, page_done)
    for person, group in observer_sheets(data):
        draw_observer_sheet(canvas, paper, data, person, group, page_done)
    draw_opt_out_sheet(canvas, paper, data, page_done)
