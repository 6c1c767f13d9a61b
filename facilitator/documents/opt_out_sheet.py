"""The sheet for anyone who would rather not play: what they do instead, from the workshop file, and lines to
write on. No name is asked for: opting out needs no reason and leaves no record."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from facilitator.documents.pages import MARGIN
from facilitator.documents.role_card_parts import (
    NOTE_MAX,
    NOTE_MIN,
    PageDone,
    RoleCardSet,
    chunk,
    draw_sheet_title,
    draw_warning,
    fit_paragraphs,
    paragraphs,
    ruled_lines,
    set_paragraphs,
    sheet_of,
)
from facilitator.documents.text import ASCENT, INK, MUTED, SANS, draw_lines, fill
from facilitator.i18n import _


def draw_opt_out_sheet(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, page_done: PageDone) -> None:
    """The segment's opt-out text, as large as the page allows (running on if it must), then room for notes."""
    sheet = sheet_of(paper)
    title = _("If you'd rather not play")
    top = draw_sheet_title(canvas, paper, title, data)
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
            canvas.drawString(sheet.left, top - 9 * ASCENT, _("Your notes (no name needed; keep this sheet)"))
            # A page of answers is written at leisure: lines as far apart as an ordinary notebook's.
            ruled_lines(canvas, sheet.left, top - 3 * mm, sheet.width, top - 3 * mm - sheet.bottom, closest=NOTE_MAX)
        page_done(_("{title} \u00b7 {segment}").format(title=title, segment=data.segment_title))
