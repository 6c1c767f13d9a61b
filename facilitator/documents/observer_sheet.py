"""The observer sheet: one full page per observer, the role-play's checklist as tick boxes with room for notes.

At the foot of the last page, in a shaded box, goes what the workshop file gives observers to keep in mind (its
`observer_guide`, such as the five Ds of bystander intervention, and its `feedback_advice`), in the workshop's
own words and language; a workshop that gives none gets no box. A checklist too long for one page runs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.pages import MARGIN
from facilitator.documents.role_card_parts import (
    NOTE_MIN,
    TICK,
    PageDone,
    RoleCardSet,
    Sheet,
    draw_sheet_title,
    draw_warning,
    hairline,
    name_shown,
    paragraphs,
    ruled_lines,
    set_paragraphs,
    shaded_box,
    sheet_of,
    tick_box,
    write_in,
)
from facilitator.documents.text import (
    ASCENT,
    BOLD,
    INK,
    LINE_HEIGHT,
    MUTED,
    Line,
    Piece,
    block_height,
    draw_lines,
    fill,
    fit_block,
    width_of,
)
from facilitator.i18n import _, ngettext

TITLE_SHARE = 0.55  # of an observer sheet's width for its title; group and observer go beside it


def observer_sheets(data: RoleCardSet) -> list[tuple[str | None, int | None]]:
    """The observer sheets to print: as given, or one blank sheet per group on the cards (at least one)."""
    if data.observers:
        return list(data.observers)
    groups = sorted({c.group for c in data.cards if c.group is not None})
    return [(None, g) for g in groups] or [(None, None)]


def draw_observer_fields(canvas: Canvas, person: str | None, group: int | None, sheet: Sheet, top: float) -> None:
    """Group and observer at the top right, beside the title (room on the page goes to notes): printed when
    known, else lines to write them on."""
    x = sheet.left + sheet.width * TITLE_SHARE + 6 * mm
    width, size = sheet.left + sheet.width - x, 11
    if group is None:
        write_in(canvas, _("Group"), x, top - 16, width, size)
    else:
        fill(canvas, INK)
        canvas.setFont(BOLD, size)
        canvas.drawString(x, top - 16, _("Group {number}").format(number=group))
    name = name_shown(person)
    if name is None:
        write_in(canvas, _("Observer"), x, top - 40, width, size)
    else:
        # Room for a long name to wrap once, above the rule under the title; shrunk to fit, never cut.
        lines = fit_block([Piece(_("Observer: {name}").format(name=name), BOLD, size, size * 0.6)], width,
                          size * LINE_HEIGHT * 1.6)
        fill(canvas, INK)
        draw_lines(canvas, lines, x, top - 40 + lines[0].size * ASCENT)


def draw_observer_intro(canvas: Canvas, data: RoleCardSet, sheet: Sheet, top: float) -> float:
    """How the rounds run and what the observer does; returns the y below."""
    minutes = ngettext("{count} minute", "{count} minutes", data.round_minutes).format(count=data.round_minutes)
    if data.rounds > 1:
        plan = ngettext("{count} round of {minutes}; give feedback after each round.",
                        "{count} rounds of {minutes}; give feedback after each round.",
                        data.rounds).format(count=data.rounds, minutes=minutes)
        # The sheet may be used again as the observer role rotates.
        plan += "   " + _("Round (circle):") + "  " + "   ".join(str(r) for r in range(1, data.rounds + 1))
    else:
        plan = _("One round of {minutes}, then give feedback.").format(minutes=minutes)
    tick = _("Tick what you see and note a few words under each point.")
    watch = f"{data.observer_focus} {tick}" if data.observer_focus else tick
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


# --- the reference box: the workshop's guide for observers ---------------------------------------------

REF_SIZE = 8.5
REF_PAD = 3 * mm
REF_TITLE = 14  # points from the box's top padding to its first row
REF_ROW_GAP = 1.2 * mm
REF_RULE_GAP = 3 * mm  # above and below the rule between the guide's points and the feedback advice


@dataclass(frozen=True)
class Reference:
    """The box's contents laid out for a sheet: a title, a bold label and its lines per row, and whether a rule
    goes above the last row (the feedback advice, after the guide's points)."""

    title: str | None
    label_w: float
    rows: list[tuple[str, list[Line]]]
    rule_before_last: bool

    @property
    def height(self) -> float:
        return (2 * REF_PAD + (REF_TITLE if self.title else 0)
                + sum(block_height(lines) + REF_ROW_GAP for _label, lines in self.rows)
                + (REF_RULE_GAP if self.rule_before_last else 0))


def reference_of(data: RoleCardSet, sheet: Sheet) -> Reference | None:
    """The guide's points (the five Ds, one line each), then the feedback advice; None when the workshop file
    gives observers neither."""
    guide = data.observer_guide
    rows: list[tuple[str, Sequence[str]]] = [(name, paragraphs(text)) for name, text in guide.points] if guide else []
    advice = [para for text in data.feedback_advice for para in paragraphs(text)]
    if advice:
        rows.append((_("Feedback"), advice))
    if not rows:
        return None
    label_w = max(width_of(label, BOLD, REF_SIZE) for label, _paras in rows) + 3 * mm
    text_w = sheet.width - 2 * REF_PAD - label_w
    return Reference(guide.title if guide else None, label_w,
                     [(label, set_paragraphs(paras, REF_SIZE, text_w)) for label, paras in rows],
                     bool(guide and advice))


def draw_reference(canvas: Canvas, ref: Reference, sheet: Sheet, bottom: float) -> None:
    """The box at the foot of the page: the observer's crib while watching and before speaking."""
    shaded_box(canvas, sheet.left, bottom, sheet.width, ref.height)
    left, cursor = sheet.left + REF_PAD, bottom + ref.height - REF_PAD
    if ref.title:
        fill(canvas, INK)
        canvas.setFont(BOLD, 10.5)
        canvas.drawString(left, cursor - 10.5 * ASCENT, ref.title)
        cursor -= REF_TITLE
    for number, (label, lines) in enumerate(ref.rows, start=1):
        if ref.rule_before_last and number == len(ref.rows):
            hairline(canvas, left, cursor - REF_RULE_GAP / 2 + REF_ROW_GAP / 2, sheet.left + sheet.width - REF_PAD)
            cursor -= REF_RULE_GAP
        fill(canvas, INK)
        canvas.setFont(BOLD, REF_SIZE)
        canvas.drawString(left, cursor - REF_SIZE * ASCENT, label)
        cursor = draw_lines(canvas, lines, left + ref.label_w, cursor) - REF_ROW_GAP


# --- the sheet -----------------------------------------------------------------------------------------

def share_items(items: Sequence[str], sheet: Sheet, first: float, rest: float, last_extra: float) -> list[list[str]]:
    """The checklist shared out over pages so that every item has at least one note line, and the last page
    has `last_extra` more room for the reference box (a page of its own, if it will not fit after)."""
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
                        group: int | None, page_done: PageDone) -> None:
    sheet = sheet_of(paper)
    draw_observer_fields(canvas, person, group, sheet, paper[1] - MARGIN)
    top = draw_sheet_title(canvas, paper, _("Observer checklist"), data, sheet.width * TITLE_SHARE)
    top = draw_warning(canvas, data.content_warning, sheet, top)
    top = draw_observer_intro(canvas, data, sheet, top)
    if group:
        footer = _("Observer checklist \u00b7 {segment} \u00b7 group {number}").format(segment=data.segment_title,
                                                                                     number=group)
    else:
        footer = _("Observer checklist \u00b7 {segment}").format(segment=data.segment_title)
    reference = reference_of(data, sheet)
    ref_h = reference.height + 5 * mm if reference else 0.0
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
        if last and reference:
            draw_reference(canvas, reference, sheet, sheet.bottom)
        page_done(footer)
