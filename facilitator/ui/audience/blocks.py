"""The pieces a slide is stacked from (text, the accent rule, a content-warning band, a rating scale, the check-in
QR code), each laid out at a fraction of its full size, and the stack that shrinks them together until they fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from facilitator.services.slides import qr_modules
from facilitator.ui.audience.text import (
    ACCENT,
    BACKGROUND,
    PREFERRED_SHRINK,
    TEXT,
    Drawn,
    Line,
    TextBox,
    body_lines,
    fit,
    slide_font,
)


class Block(Protocol):
    """A piece of a slide at its full size, laid out at a fraction `t` of it on request."""

    def lay_out(self, width: float, t: float) -> Drawn: ...


@dataclass(frozen=True)
class TextBlock:
    text: str
    px: float
    bold: bool = False
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    colour: str = TEXT.name()
    prose: bool = False

    def lay_out(self, width: float, t: float) -> Drawn:
        return TextBox(body_lines(self.text, prose=self.prose), self.px * t, width, bold=self.bold, align=self.align,
                       colour=QColor(self.colour))


@dataclass(frozen=True)
class RuleBlock:
    """The short accent line under a heading."""

    px: float
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft

    def lay_out(self, width: float, t: float) -> Drawn:
        return _Rule(self.px * t, width, self.align)


class _Rule:
    broken_words = False

    def __init__(self, px: float, width: float, align: Qt.AlignmentFlag) -> None:
        self.thickness = max(2.0, px * 0.09)
        self.length = min(width, px * 2.2)
        self.left = (width - self.length) / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0
        self.height = self.thickness

    def draw(self, painter: QPainter, at: QPointF) -> None:
        painter.fillRect(QRectF(at.x() + self.left, at.y(), self.length, self.thickness), ACCENT)


@dataclass(frozen=True)
class BandBlock:
    """A content warning: small dark type on an accent band the width of the slide."""

    text: str
    px: float

    def lay_out(self, width: float, t: float) -> Drawn:
        return Band(self.text, self.px * t, width)


class Band:
    def __init__(self, text: str, px: float, width: float) -> None:
        self.pad = 0.4 * px
        self.width = width
        self.box = TextBox([Line(text)], px, width - 2 * self.pad, colour=BACKGROUND)
        self.texts = self.box.texts
        self.height = self.box.height + 2 * self.pad
        self.broken_words = self.box.broken_words

    def draw(self, painter: QPainter, at: QPointF) -> None:
        painter.fillRect(QRectF(at.x(), at.y(), self.width, self.height), ACCENT)
        self.box.draw(painter, QPointF(at.x() + self.pad, at.y() + self.pad))




@dataclass(frozen=True)
class ScaleBlock:
    """A rating scale as large numbered boxes in a row."""

    labels: tuple[str, ...]
    side: float

    def lay_out(self, width: float, t: float) -> Drawn:
        return _Scale(self.labels, self.side * t, width)


class _Scale:
    broken_words = False

    def __init__(self, labels: tuple[str, ...], side: float, width: float) -> None:
        n = max(1, len(labels))
        self.labels = self.texts = labels
        self.gap = side * 0.25
        self.side = max(1.0, min(side, (width - self.gap * (n - 1)) / n))
        self.gap = min(self.gap, self.side * 0.25)
        self.left = (width - n * self.side - (n - 1) * self.gap) / 2
        self.height = self.side if labels else 0.0

    def draw(self, painter: QPainter, at: QPointF) -> None:
        painter.setFont(slide_font(self.side * 0.5, bold=True))
        for i, label in enumerate(self.labels):
            box = QRectF(at.x() + self.left + i * (self.side + self.gap), at.y(), self.side, self.side)
            border = max(2.0, self.side / 22)
            painter.setPen(QPen(ACCENT, border))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(border / 2, border / 2, -border / 2, -border / 2), border * 2,
                                    border * 2)
            painter.setPen(TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)



class _Stack:
    """Blocks one under another at a common fraction `t` of their full sizes, with gaps between them."""

    def __init__(self, blocks: Sequence[Block], width: float, t: float, gap: float) -> None:
        self.t = t
        self.items = [b.lay_out(width, t) for b in blocks]
        self.gap = gap * t
        self.height = sum(d.height for d in self.items) + self.gap * max(0, len(self.items) - 1)
        self.broken_words = any(d.broken_words for d in self.items)

    def placed(self, at: QPointF) -> list[tuple[Drawn, QPointF]]:
        out, y = [], at.y()
        for drawn in self.items:
            out.append((drawn, QPointF(at.x(), y)))
            y += drawn.height + self.gap
        return out


def fit_stack(blocks: Sequence[Block], rect: QRectF, gap: float) -> _Stack:
    """The blocks at the largest common size, up to their full size, that fits `rect` (see `fitted_font`)."""
    return fit(lambda percent: _Stack(blocks, rect.width(), percent / 100, gap), rect.height(), 100,
               round(100 * PREFERRED_SHRINK), 3)


class QrCode:
    """The check-in code: black modules on its white quiet-zone square, whole pixels per module so it scans."""

    broken_words = False

    def __init__(self, text: str, side: float) -> None:
        self.matrix = qr_modules(text)
        self.module = max(1, math.floor(side / len(self.matrix)))
        self.side = self.module * len(self.matrix)
        self.height = self.side

    def draw(self, painter: QPainter, at: QPointF) -> None:
        x, y = round(at.x()), round(at.y())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(x, y, self.side, self.side, Qt.GlobalColor.white)
        m = self.module
        for r, row in enumerate(self.matrix):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    painter.fillRect(x + start * m, y + r * m, (c - start) * m, m, Qt.GlobalColor.black)
                else:
                    c += 1
        painter.restore()

