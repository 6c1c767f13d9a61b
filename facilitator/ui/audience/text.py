"""Measuring and laying out the projector's text: the palette, type sizes that follow the window's height and the
trainer's zoom, the author's lines, and text boxes that are made smaller and wrapped until they fit.

Every piece of text is measured before it is drawn, so text too long for its space is shrunk, never clipped
and never drawn over something else. White on near-black with one bright yellow accent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTextLayout, QTextOption

BACKGROUND = QColor("#0a0a0a")
TEXT = QColor("#ffffff")
ACCENT = QColor("#ffd400")  # about 14:1 against the background; text on it is the background colour
MUTED = QColor("#c8c8c8")  # still about 12:1: answers that were not correct, the footer
TRACK = QColor("#2e2e2e")  # the empty part of a bar, so lengths can be compared at a glance

MIN_SCALE, MAX_SCALE, SCALE_STEP = 0.6, 1.8, 0.1
# Body text never starts below this, whatever the zoom: a 768-pixel-high projector at the smallest zoom
# still gets the body at 24 px (text that is too long may still be shrunk below it to fit, see `fitted_font`).
BODY_FLOOR_PX = 24
# Text is shrunk to fit, down to PREFERRED_SHRINK of its size; below that it is still shrunk rather than clipped,
# down to ABSOLUTE_FLOOR_PX, but words are no longer kept whole.
PREFERRED_SHRINK = 0.5
ABSOLUTE_FLOOR_PX = 6
LINE_GAP = 0.12  # between the lines an author wrote, in ems
PARAGRAPH_GAP = 0.6  # where the author left a blank line
BULLET_PREFIXES = ("- ", "• ")


def clamp_scale(factor: float) -> float:
    return round(min(MAX_SCALE, max(MIN_SCALE, factor)), 2)


@dataclass(frozen=True)
class TypeSizes:
    """Pixel sizes of the slide's type for one window height and zoom."""

    heading: float
    body: float
    small: float
    countdown: float


def type_sizes(height: float, scale: float = 1.0) -> TypeSizes:
    """Sizes from the window's height: a heading is about a ninth of the height's worth of lines, body a twentieth."""
    s = clamp_scale(scale)
    body = max(BODY_FLOOR_PX, height / 20 * s)
    return TypeSizes(heading=max(body * 1.3, height / 11 * s), body=body, small=max(16.0, height / 40 * s),
                     countdown=max(body * 2, height / 3.6 * s))


@dataclass(frozen=True)
class Line:
    """One line of body text as the author wrote it: a bullet or not, after a blank line or not."""

    text: str
    bullet: bool = False
    new_paragraph: bool = False


def body_lines(body: str, *, prose: bool = False) -> list[Line]:
    """The author's lines: each is kept as written; "- " (or "• ") starts a bullet, blank lines separate.

    On a slide a line break is the author's (a scenario is set line by line). In `prose` (an answer's
    explanation) it is only where their editor wrapped, so the lines of a paragraph are joined."""
    lines: list[Line] = []
    gap = False
    for raw in body.splitlines():
        if not raw.strip():
            gap = bool(lines)
            continue
        stripped = raw.lstrip()
        bullet = stripped.startswith(BULLET_PREFIXES)
        if prose and not bullet and not gap and lines and not lines[-1].bullet:
            lines[-1] = Line(f"{lines[-1].text} {stripped.rstrip()}", False, lines[-1].new_paragraph)
            continue
        lines.append(Line(stripped[2:].strip() if bullet else raw.rstrip(), bullet, gap))
        gap = False
    return lines


def slide_font(px: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


class Drawn(Protocol):
    """Something laid out at one size in one width: how tall it is, and how to draw it there."""

    height: float
    broken_words: bool

    def draw(self, painter: QPainter, at: QPointF) -> None: ...


class TextBox:
    """Lines of text laid out at one size in one width, ready to draw; `height` is all they take up.

    Lines wrap at word boundaries; a word longer than the whole width is broken anywhere rather than clipped,
    and `broken_words` says so, so that fitting can prefer a smaller size that keeps words whole."""

    def __init__(self, lines: Sequence[Line], px: float, width: float, *, bold: bool = False,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, colour: QColor = TEXT,
                 wrap: float | None = None) -> None:
        self.font = slide_font(px, bold)
        self.px = self.font.pixelSize()
        self.width = width
        self.wrap = min(width, wrap or width)  # narrower than `width` to balance a heading's lines
        self.colour = colour
        self.texts = tuple(line.text for line in lines)
        self.broken_words = False
        self.line_count = 0
        self._indent = QFontMetricsF(self.font).horizontalAdvance("•") + 0.5 * self.px
        self._parts: list[tuple[QTextLayout, float, float, bool]] = []  # layout, x, y, bullet
        shift = (width - self.wrap) / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0
        y = 0.0
        for i, line in enumerate(lines):
            if i:
                y += self.px * (PARAGRAPH_GAP if line.new_paragraph else LINE_GAP)
            x = self._indent if line.bullet else 0.0
            layout, height = self._lay_out(line.text, self.wrap - x, align)
            self._parts.append((layout, shift + x, y, line.bullet))
            y += height
        self.height = y

    def _lay_out(self, text: str, width: float, align: Qt.AlignmentFlag) -> tuple[QTextLayout, float]:
        layout = QTextLayout(text, self.font)
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        y = 0.0
        layout.beginLayout()
        while (line := layout.createLine()).isValid():
            line.setLineWidth(max(1.0, width))
            line.setPosition(QPointF(0, y))
            y += line.height()
            self.line_count += 1
            end = line.textStart() + line.textLength()
            if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
                self.broken_words = True
        layout.endLayout()
        return layout, y

    def draw(self, painter: QPainter, at: QPointF) -> None:
        for layout, x, y, bullet in self._parts:
            if bullet and layout.lineCount():
                painter.setPen(ACCENT)
                painter.setFont(self.font)
                painter.drawText(QPointF(at.x(), at.y() + y + layout.lineAt(0).ascent()), "•")
            painter.setPen(self.colour)
            layout.draw(painter, QPointF(at.x() + x, at.y() + y))


T = TypeVar("T", bound=Drawn)


def largest(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The largest whole number from `low` to `high` that `fits` (which holds for all below one that holds)."""
    if low > high or not fits(low):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def fit(make: Callable[[int], T], height: float, base: int, preferred_low: int, floor: int) -> T:
    """The largest `make(n)` for n from `base` down that fits `height` with every word whole, if any at or
    above `preferred_low`; otherwise the largest that fits at all, words broken; at worst `make(floor)`."""
    made: dict[int, T] = {}

    def get(n: int) -> T:
        if n not in made:
            made[n] = make(n)
        return made[n]

    def whole(n: int) -> bool:
        return get(n).height <= height and not get(n).broken_words

    def fits(n: int) -> bool:
        return get(n).height <= height

    floor = min(floor, base)
    preferred_low = min(max(preferred_low, floor), base)
    if whole(base):
        return get(base)
    best = largest(preferred_low, base, whole)
    if best is None:
        best = largest(floor, base, fits)
    return get(best if best is not None else floor)


def fitted_font(text: str, rect: QRectF, base_px: float, min_px: float, *, bold: bool = False,
                align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, colour: QColor = TEXT,
                balance: bool = False) -> TextBox:
    """`text` (body syntax: bullets, blank lines) at the largest size up to `base_px` that fits `rect`.

    Sizes from `base_px` down to `min_px` keep every word whole; only if none fits does the text get smaller
    still, its longest words broken, because on a projector small text is better than text cut off. With
    `balance`, a single paragraph that wraps is wrapped as narrow as it can be in as many lines, so that its
    last line is not one word on its own."""
    lines = body_lines(text)
    box = fit(lambda px: TextBox(lines, px, rect.width(), bold=bold, align=align, colour=colour),
              rect.height(), round(base_px), math.floor(min_px), ABSOLUTE_FLOOR_PX)
    if not balance or len(lines) != 1 or box.line_count < 2 or box.broken_words:
        return box

    def narrower(w: int) -> TextBox:
        return TextBox(lines, box.px, rect.width(), bold=bold, align=align, colour=colour, wrap=rect.width() - w)

    def keeps_lines(w: int) -> bool:
        trial = narrower(w)
        return trial.line_count == box.line_count and not trial.broken_words

    cut = largest(0, math.floor(rect.width() / 2), keeps_lines)
    return narrower(cut) if cut else box

