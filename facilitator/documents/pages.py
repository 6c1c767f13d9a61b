"""Shared parts of the flowing, portrait documents (sign-in sheet, session report): styles, tables, and pages
that say "page N of M" — known only once the last page is laid out, so pages are held until the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from facilitator.documents import PRODUCT
from facilitator.documents.text import (
    ASCENT,
    BOLD,
    INK,
    MONO,
    MUTED,
    RULE,
    SANS,
    Piece,
    check_paper,
    draw_lines,
    fill,
    fit_block,
    printable,
    register_fonts,
    stamp_creation,
    width_of,
    wrap,
)
from facilitator.i18n import _

MARGIN = 15 * mm
HEADER_H = 9 * mm  # the running header on every page
FOOTER_H = 8 * mm
CELL_PAD = 4  # points each side of a table cell's text
GRID: Any = colors.Color(*RULE)
SHADE: Any = colors.Color(0.92, 0.93, 0.95)

Footer = Callable[[Canvas, int, int], None]
Cell = Flowable | str | list[Flowable]  # what a table cell may hold: a list is stacked in the cell


def style(name: str, size: float = 9, font: str = SANS, color: tuple[float, float, float] = INK,
          align: int = 0, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                          textColor=colors.Color(*color), alignment=align, splitLongWords=1)


CELL = style("cell", 8.5)
CELL_BOLD = style("cell-bold", 8.5, BOLD)
CELL_MUTED = style("cell-muted", 8.5, color=MUTED)
CELL_MONO = style("cell-mono", 8, MONO)
CELL_RIGHT = style("cell-right", 8.5, align=TA_RIGHT)
CELL_CENTRE = style("cell-centre", 8.5, align=TA_CENTER)
HEAD = style("head", 8, BOLD)
HEAD_RIGHT = style("head-right", 8, BOLD, align=TA_RIGHT)
HEAD_CENTRE = style("head-centre", 8, BOLD, align=TA_CENTER)
KICKER = style("kicker", 8.5, color=MUTED)
TITLE = style("title", 16, BOLD, leading=19.5)
SECTION = style("section", 11.5, BOLD, leading=14)
LABEL = style("label", 7.5, color=MUTED)


def para(text: str | None, st: ParagraphStyle = CELL, empty: str = "—") -> Paragraph:
    """A paragraph of plain text (escaped: a name may hold '&' or '<'); `empty` stands for nothing given."""
    return Paragraph(escape(text) if text else empty, st)


def para_wrapped(text: str, st: ParagraphStyle, width: float) -> Paragraph:
    """A paragraph broken into lines by `wrap`, which breaks a name after its hyphens before cutting a word
    (ReportLab's own wrapping cuts a long hyphenated name anywhere). `width` is the cell's, padding included."""
    lines = wrap(text, st.fontName, st.fontSize, width - 2 * CELL_PAD)
    return Paragraph("<br/>".join(escape(line) for line in lines), st)


def shown(text: str, instead: str) -> str:
    """The text, or `instead` when the bundled fonts cannot set it (it would print as boxes or backwards)."""
    return text if printable(text) else instead


def grid_table(rows: Sequence[Sequence[Cell]], widths: Sequence[float], *, header: bool = True,
               min_height: float = 0, extra: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A ruled table; the heading row is repeated at the top of every page it runs onto."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0,
                  rowHeights=None if not min_height else _min_heights(rows, widths, min_height, header))
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),  # for any plain-string cell: never the unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LINEABOVE", (0, 0), (-1, 0), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("VALIGN", (0, 0), (-1, 0), "BOTTOM")]
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def _min_heights(rows: Sequence[Sequence[Cell]], widths: Sequence[float], minimum: float,
                 header: bool) -> list[float | None]:
    """Row heights of at least `minimum` (room to sign), taller where a wrapped name needs it."""
    heights: list[float | None] = []
    for i, row in enumerate(rows):
        if header and i == 0:
            heights.append(None)
            continue
        needed = max((cell.wrap(w - 2 * CELL_PAD, 10_000)[1] for cell, w in zip(row, widths, strict=True)
                      if isinstance(cell, Flowable)), default=0.0)
        heights.append(max(minimum, needed + 6))
    return heights


# --- pages ---------------------------------------------------------------------------------------------

class NumberedCanvas(Canvas):
    """A canvas that keeps each page until the end, then draws every page's footer knowing the page count."""

    footer: Footer
    created: datetime | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        stamp_creation(self, self.created)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            type(self).footer(self, number, total)
            super().showPage()
        super().save()


def numbered_canvas(footer: Footer, created: datetime | None) -> type[NumberedCanvas]:
    return type("Numbered", (NumberedCanvas,), {"footer": staticmethod(footer), "created": created})  # not user text


def draw_footer(canvas: Canvas, paper: tuple[float, float], left: str, number: int, total: int) -> None:
    """'left text ........ page N of M' along the foot of the page, above a hairline."""
    right = _("page {number} of {total}").format(number=number, total=total)
    canvas.saveState()
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, MARGIN + 4 * mm, paper[0] - MARGIN, MARGIN + 4 * mm)
    fill(canvas, MUTED)
    right_w = width_of(right, SANS, 7.5)
    lines = fit_block([Piece(left, SANS, 7.5, 5.5)], paper[0] - 2 * MARGIN - right_w - 8 * mm, 4 * mm)
    draw_lines(canvas, lines[:1], MARGIN, MARGIN + 3 * mm)  # one line: a footer that wraps is noise
    canvas.setFont(SANS, 7.5)
    canvas.drawRightString(paper[0] - MARGIN, MARGIN + 3 * mm - 7.5 * ASCENT, right)
    canvas.restoreState()


def draw_running_header(canvas: Canvas, paper: tuple[float, float], text: str) -> None:
    """One muted line at the top of a later page, so a loose page still says what it belongs to."""
    canvas.saveState()
    fill(canvas, MUTED)
    lines = fit_block([Piece(text, SANS, 8, 6)], paper[0] - 2 * MARGIN, 5 * mm)
    draw_lines(canvas, lines[:1], MARGIN, paper[1] - MARGIN)
    canvas.restoreState()


def build(out: Path | BinaryIO, paper: str, story: list[Flowable], *, title: str, author: str, running: str,
          footer_text: str, created: datetime | None) -> int:
    """Lay the story out on portrait pages with a running header after page 1 and a numbered footer;
    returns the number of pages. Same input and `created`, same bytes."""
    register_fonts()
    size = check_paper(paper)
    doc = BaseDocTemplate(str(out) if isinstance(out, Path) else out, pagesize=size, title=title, author=author,
                          creator=PRODUCT, invariant=1, initialFontName=SANS, pageCompression=1)
    width, bottom = size[0] - 2 * MARGIN, MARGIN + FOOTER_H

    def frame(top: float) -> Frame:
        return Frame(MARGIN, bottom, width, size[1] - top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                     bottomPadding=0)

    def running_header(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        draw_running_header(canvas, size, running)

    def footer(canvas: Canvas, number: int, total: int) -> None:
        draw_footer(canvas, size, footer_text, number, total)

    # Page 1 opens with the document's own title block; later pages need the running header instead.
    doc.addPageTemplates([PageTemplate("first", [frame(MARGIN)], autoNextPageTemplate="later"),
                          PageTemplate("later", [frame(MARGIN + HEADER_H)], onPage=running_header)])
    doc.build(story, canvasmaker=numbered_canvas(footer, created))
    return doc.page
