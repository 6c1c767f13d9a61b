"""The private role cards: four to a page in a 2 x 2 grid with dashed cut lines between them, handed out face down.

Each card says it is private, names the role large, says who plays it (or leaves a line to write a name on),
and carries the card's text and the pause signal. A card whose text will not fit a quarter page even at the
smallest size gets a page of its own instead (and, if it would not fit even there, runs on to more pages): text
is shrunk and wrapped, never clipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.pages import FOOTER_H, MARGIN
from facilitator.documents.role_card_parts import (
    Box,
    PageDone,
    RoleCard,
    RoleCardSet,
    chunk,
    fit_paragraphs,
    hairline,
    name_shown,
    paragraphs,
    set_paragraphs,
    shaded_box,
    write_in,
)
from facilitator.documents.text import (
    ASCENT,
    BOLD,
    INK,
    LINE_HEIGHT,
    MUTED,
    SANS,
    Line,
    Piece,
    Rgb,
    block_height,
    draw_lines,
    fill,
    fit_block,
    width_of,
)
from facilitator.i18n import N_, _

PRIVATE = N_("PRIVATE \u2014 read only your own card")
VOLUNTEER = N_("Volunteer only \u2014 never assigned")
PAUSE = N_('Anyone may say "pause" at any time.')

GRID = 2  # cards per row and per column
GUTTER = 8 * mm  # between cards; the cut line runs down its middle, so a wobbly cut misses the border
BORDER: Rgb = (0.3, 0.3, 0.3)
CUT: Rgb = (0.5, 0.5, 0.5)


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
    return _("Group {number}").format(number=card.group) if card.group is not None else ""


def card_top(card: RoleCard, data: RoleCardSet, look: Look, width: float, continued: bool = False) -> CardTop:
    """The card's top parts; `continued` for a later page of a card that runs on."""
    head = fit_block([Piece(_(PRIVATE), BOLD, look.head, look.head * 0.8, space_after=look.head * 0.25),
                      Piece(data.segment_title, SANS, look.head, look.head * 0.8, color=MUTED)], width, 1e6)
    role_text = _("{role} (continued)").format(role=card.role) if continued else card.role
    role = fit_block([Piece(role_text, BOLD, look.role, look.role_min)], width, 1e6)
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
        canvas.drawString(left + 2 * mm, cursor - flag_h(look) / 2 - look.head * 1.1 * 0.35, _(VOLUNTEER))
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
        write_in(canvas, _("Name"), x, baseline, width - group_w, size * 0.9)
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
    canvas.drawString(x, bottom + size * 0.3, _(PAUSE))
    if more:
        fill(canvas, MUTED)
        canvas.setFont(SANS, size * 0.9)
        canvas.drawRightString(x + width, bottom + size * 2.5, _("continued on the next page \u2192"))


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
                    laid: Sequence[tuple[RoleCard, CardTop, list[Line]]], page_done: PageDone) -> None:
    boxes = grid_boxes(paper)
    per_page = GRID * GRID
    for start in range(0, len(laid), per_page):
        on_page = laid[start:start + per_page]
        draw_cut_lines(canvas, paper, len(on_page))
        for (card, top, body), box in zip(on_page, boxes, strict=False):
            draw_card(canvas, card, top, QUARTER, box, body)
        page_done(_("Role cards \u00b7 {segment} \u00b7 cut along the dashed lines; hand out face down").format(
            segment=data.segment_title))


def draw_whole_page_card(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, card: RoleCard,
                         page_done: PageDone) -> None:
    """A card too long for a quarter page: a page of its own, and more pages at the smallest size if need be."""
    box = page_box(paper)
    top = card_top(card, data, WHOLE, box[2] - 2 * WHOLE.pad)
    later = card_top(card, data, WHOLE, box[2] - 2 * WHOLE.pad, continued=True)
    width, height = body_room(top, WHOLE, box)
    paras = paragraphs(card.text)
    lines = fit_paragraphs(paras, width, height, WHOLE.body_max, WHOLE.body_min)
    pages = [lines] if lines is not None else chunk(set_paragraphs(paras, WHOLE.body_min, width), height,
                                                    body_room(later, WHOLE, box)[1])
    for i, body in enumerate(pages):
        draw_card(canvas, card, top if i == 0 else later, WHOLE, box, body, more=i < len(pages) - 1)
        page_done(_("Role card \u00b7 {segment} \u00b7 {role} \u00b7 hand out face down").format(
            segment=data.segment_title, role=card.role))


def draw_card_pages(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, page_done: PageDone) -> None:
    """Every card: the quarter-page ones first, so their pages stay full (fewer cuts); the long ones follow on
    pages of their own."""
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
    draw_grid_pages(canvas, paper, data, laid, page_done)
    for card in oversized:
        draw_whole_page_card(canvas, paper, data, card, page_done)
