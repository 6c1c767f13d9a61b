"""Printable role-play materials: private role cards, observer checklists and the "rather not play" sheet.

A trainer prints one PDF before the day. The role cards come first, four to a page, to be cut apart and handed
out face down (role_card_pages). Then one full-page observer sheet per observer: the segment's checklist as
tick boxes with room for notes, and what the workshop file gives observers to keep in mind, such as the five Ds
and how to give feedback (observer_sheet). Last, one sheet for anyone who would rather not play (opt_out_sheet).
Every page says "page N of M". Text is set in the bundled DejaVu fonts, so names with accents print as written.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from facilitator.documents import PRODUCT

# The names the services (and the tests) use, wherever they are defined.
from facilitator.documents.observer_sheet import TITLE_SHARE as TITLE_SHARE
from facilitator.documents.observer_sheet import draw_observer_sheet
from facilitator.documents.observer_sheet import observer_sheets as observer_sheets
from facilitator.documents.opt_out_sheet import draw_opt_out_sheet
from facilitator.documents.pages import MARGIN as MARGIN
from facilitator.documents.pages import draw_footer, numbered_canvas
from facilitator.documents.role_card_pages import PAUSE as PAUSE
from facilitator.documents.role_card_pages import PRIVATE as PRIVATE
from facilitator.documents.role_card_pages import VOLUNTEER as VOLUNTEER
from facilitator.documents.role_card_pages import draw_card_pages
from facilitator.documents.role_card_pages import grid_boxes as grid_boxes
from facilitator.documents.role_card_parts import Box as Box
from facilitator.documents.role_card_parts import ObserverGuide as ObserverGuide
from facilitator.documents.role_card_parts import PageDone, RoleCardSet
from facilitator.documents.role_card_parts import RoleCard as RoleCard
from facilitator.documents.role_card_parts import paragraphs as paragraphs
from facilitator.documents.text import SANS, check_paper, register_fonts
from facilitator.i18n import _


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
    canvas.setTitle(_("Role cards - {workshop} - {segment}").format(workshop=data.workshop_title,
                                                                   segment=data.segment_title))
    canvas.setAuthor(author or PRODUCT)
    canvas.setSubject(_("Private role cards, observer checklists and opt-out sheet for a role-play"))
    canvas.setCreator(PRODUCT)

    def page_done(text: str) -> None:
        footers.append(text)
        canvas.showPage()

    draw_pages(canvas, size, data, page_done)
    canvas.save()


def draw_pages(canvas: Canvas, paper: tuple[float, float], data: RoleCardSet, page_done: PageDone) -> None:
    """The cards, then an observer sheet for each observer (or group), then the opt-out sheet."""
    draw_card_pages(canvas, paper, data, page_done)
    for person, group in observer_sheets(data):
        draw_observer_sheet(canvas, paper, data, person, group, page_done)
    draw_opt_out_sheet(canvas, paper, data, page_done)
