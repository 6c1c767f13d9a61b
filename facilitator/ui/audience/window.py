"""The audience window: what the projector shows, one `Slide` at a time, legible from the back of the room.

It knows only `Slide` (services/slides.py decides what the room may see) and draws the slide's text exactly as
given: no notes, no roster, nothing else reaches the projector through this window. Everything is painted with
QPainter so that each piece of text is measured before it is drawn: sizes follow the window's height and the
trainer's zoom, and text too long for its space is made smaller and wrapped until it fits, never clipped and
never drawn over something else. White on near-black with one bright yellow accent, and colour is never the
only signal: a correct answer also says "✓ Correct", a stopped countdown says "Paused".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QScreen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QWidget

from facilitator.domain.delivery import shares
from facilitator.services.slides import BLANK, Slide, SlideKind, qr_modules

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
TIME_UP = {SlideKind.ROUND: "Time", SlideKind.BREAK: "Break over"}
COUNTDOWN_KINDS = frozenset(TIME_UP)
HEADING_STEPS = (1.0, 0.8, 0.65, 0.5)  # how far a heading gives way to a crowded body
COMFORTABLE = 0.75  # a body shrunk no further than this needs no room from its heading
QUESTION_KINDS = frozenset({SlideKind.VOTE, SlideKind.RESULTS, SlideKind.QUESTION, SlideKind.ANSWER,
                            SlideKind.FEEDBACK})
NO_VOTES = "No votes recorded"
CORRECT = "✓ Correct"


# --- pure helpers -------------------------------------------------------------------------------------------

def letter(i: int) -> str:
    """The label of option `i`: A, B, … Z, then AA, AB, … (as spreadsheet columns)."""
    label = ""
    i += 1
    while i > 0:
        i, rest = divmod(i - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


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


def bar_lengths(counts: Sequence[int], full: float) -> tuple[float, ...]:
    """Each option's bar, the largest count taking the `full` length; all zero when nobody voted."""
    top = max(counts, default=0)
    return tuple(full * c / top if top > 0 else 0.0 for c in counts)


def count_labels(counts: Sequence[int]) -> tuple[str, ...]:
    """'12 · 40%' for each option; percentages are of all votes, rounded."""
    return tuple(f"{c} · {round(100 * share)}%" for c, share in zip(counts, shares(counts), strict=True))


def any_votes(counts: Sequence[int] | None) -> bool:
    return counts is not None and sum(counts) > 0


def countdown_text(kind: SlideKind, until: datetime | None, paused: bool, now: datetime) -> str:
    """'4:59' until the end, then 'Time' (a round) or 'Break over'; 'Paused' while paused; never negative."""
    if paused:
        return "Paused"
    if until is None:
        return ""
    left = math.ceil(seconds_between(now, until))  # 0:01 is shown for the whole last second, as clocks do
    if left <= 0:
        return TIME_UP.get(kind, "Time")
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def seconds_between(now: datetime, until: datetime) -> float:
    """`until - now` in seconds; a naive time is taken as local time."""
    if (now.tzinfo is None) != (until.tzinfo is None):
        now, until = now.astimezone(), until.astimezone()
    return (until - now).total_seconds()


# --- laying out text ----------------------------------------------------------------------------------------

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


def _largest(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
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


def _fit(make: Callable[[int], T], height: float, base: int, preferred_low: int, floor: int) -> T:
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
    best = _largest(preferred_low, base, whole)
    if best is None:
        best = _largest(floor, base, fits)
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
    box = _fit(lambda px: TextBox(lines, px, rect.width(), bold=bold, align=align, colour=colour),
               rect.height(), round(base_px), math.floor(min_px), ABSOLUTE_FLOOR_PX)
    if not balance or len(lines) != 1 or box.line_count < 2 or box.broken_words:
        return box

    def narrower(w: int) -> TextBox:
        return TextBox(lines, box.px, rect.width(), bold=bold, align=align, colour=colour, wrap=rect.width() - w)

    def keeps_lines(w: int) -> bool:
        trial = narrower(w)
        return trial.line_count == box.line_count and not trial.broken_words

    cut = _largest(0, math.floor(rect.width() / 2), keeps_lines)
    return narrower(cut) if cut else box


# --- blocks: pieces of a slide that shrink together --------------------------------------------------------

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
        return _Band(self.text, self.px * t, width)


class _Band:
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
class OptionsBlock:
    """Lettered options; with `counts`, each gets a bar, its count and percentage; `answer` marks `correct`."""

    options: tuple[str, ...]
    px: float
    counts: tuple[int, ...] | None = None
    correct: tuple[int, ...] = ()
    answer: bool = False

    def lay_out(self, width: float, t: float) -> Drawn:
        return OptionRows(self, self.px * t, width)


@dataclass(frozen=True)
class _Row:
    """Where one option's pieces go, relative to the top left of the options."""

    marker: QRectF
    text: QPointF
    box: TextBox
    line_top: float | None  # the bar line under the text: a bar, the count, "✓ Correct"
    bar: QRectF | None


class OptionRows:
    """The options laid out as rows: a letter box, the text, and under it the bar line when there is one."""

    def __init__(self, block: OptionsBlock, px: float, width: float) -> None:
        self.px = px = max(1, round(px))
        self.block = block
        counts = block.counts if any_votes(block.counts) else None
        if counts is not None:
            counts = tuple(counts[i] if i < len(counts) else 0 for i in range(len(block.options)))
        self.letter_font = slide_font(px * 0.85, bold=True)
        self.label_font = slide_font(px * 0.8, bold=True)
        label_metrics = QFontMetricsF(self.label_font)
        marker = px * 1.3
        self.text_x = marker + 0.5 * px
        text_width = width - self.text_x
        labels = count_labels(counts) if counts is not None else ("",) * len(block.options)
        self.labels = [self._with_tag(i, label) for i, label in enumerate(labels)]
        label_width = max((label_metrics.horizontalAdvance(lb) for lb in self.labels), default=0.0)
        # Every bar shares one full length, so lengths compare; the widest label fits after the longest bar.
        self.bar_full = max(text_width * 0.25, text_width - label_width - 0.5 * px) if counts is not None else 0.0
        lengths = bar_lengths(counts, self.bar_full) if counts is not None else ()
        thickness = 0.8 * px
        self.bar_line = max(thickness, label_metrics.height())
        self.texts = tuple(block.options) + tuple(label for label in self.labels if label)
        self.rows: list[_Row] = []
        self.broken_words = False
        y = 0.0
        for i, option in enumerate(block.options):
            if i:
                y += 0.45 * px
            right = i in block.correct
            colour = ACCENT if right else (MUTED if block.answer else TEXT)
            box = TextBox([Line(option)], px, text_width, bold=right, colour=colour)
            self.broken_words |= box.broken_words
            first_line = QFontMetricsF(box.font).height()  # the letter sits beside the option's first line
            marker_top = y + max(0.0, (first_line - marker) / 2)
            text_top = y + max(0.0, (marker - first_line) / 2)
            y = max(marker_top + marker, text_top + box.height)
            line_top = bar = None
            if self.labels[i]:
                line_top = y + 0.2 * px
                if counts is not None:
                    bar = QRectF(self.text_x, line_top + (self.bar_line - thickness) / 2, lengths[i], thickness)
                y = line_top + self.bar_line
            self.rows.append(_Row(QRectF(0, marker_top, marker, marker), QPointF(self.text_x, text_top), box,
                                  line_top, bar))
        self.height = y

    def _with_tag(self, i: int, label: str) -> str:
        if self.block.answer and i in self.block.correct:
            return f"{label}   {CORRECT}" if label else CORRECT
        return label

    def bars(self, at: QPointF) -> list[QRectF]:
        """Each option's bar where `draw(at)` puts it (an empty rectangle for a zero count), or [] without bars."""
        return [row.bar.translated(at) for row in self.rows if row.bar is not None]

    def draw(self, painter: QPainter, at: QPointF) -> None:
        metrics = QFontMetricsF(self.label_font)
        for i, row in enumerate(self.rows):
            right = i in self.block.correct
            self._draw_marker(painter, i, row.marker.translated(at))
            row.box.draw(painter, row.text + at)
            if row.line_top is None:
                continue
            label_x = at.x() + self.text_x
            if row.bar is not None:
                track = QRectF(label_x, at.y() + row.bar.top(), self.bar_full, row.bar.height())
                painter.fillRect(track, TRACK)
                painter.fillRect(row.bar.translated(at), ACCENT if right else (MUTED if self.block.answer else TEXT))
                label_x = track.right() + 0.5 * self.px
            painter.setFont(self.label_font)
            painter.setPen(ACCENT if right else TEXT)
            top = at.y() + row.line_top + (self.bar_line - metrics.height()) / 2
            painter.drawText(QPointF(label_x, top + metrics.ascent()), self.labels[i])

    def _draw_marker(self, painter: QPainter, i: int, rect: QRectF) -> None:
        dimmed = self.block.answer and i not in self.block.correct
        radius = rect.width() * 0.18
        painter.setPen(Qt.PenStyle.NoPen)
        if dimmed:
            painter.setPen(QPen(MUTED, max(2.0, rect.width() / 18)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setBrush(ACCENT)
        painter.drawRoundedRect(rect, radius, radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setFont(self.letter_font)
        painter.setPen(MUTED if dimmed else BACKGROUND)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter(i))


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


@dataclass(frozen=True)
class CountdownBlock:
    """The big clock of a round or break; what it says is asked for each time it is painted."""

    text: Callable[[], tuple[str, bool]]  # the words, and whether they are news (paused, time up)
    px: float

    def lay_out(self, width: float, t: float) -> Drawn:
        return _Countdown(self.text, self.px * t, width)


class _Countdown:
    broken_words = False

    def __init__(self, text: Callable[[], tuple[str, bool]], px: float, width: float) -> None:
        self.text, self.width = text, width
        self.font = slide_font(px, bold=True)
        metrics = QFontMetricsF(self.font)
        self.height = metrics.ascent() + metrics.descent()

    @property
    def texts(self) -> tuple[str, ...]:
        words, _ = self.text()
        return (words,) if words else ()

    def draw(self, painter: QPainter, at: QPointF) -> None:
        words, news = self.text()
        if not words:
            return
        font = QFont(self.font)
        metrics = QFontMetricsF(font)
        wide = metrics.horizontalAdvance(words)
        if wide > self.width:  # "Break over" is wider than "10:00": smaller, never cut off
            font.setPixelSize(max(1, math.floor(font.pixelSize() * self.width / wide)))
            metrics = QFontMetricsF(font)
        painter.setFont(font)
        painter.setPen(ACCENT if news else TEXT)
        baseline = at.y() + (self.height - metrics.ascent() - metrics.descent()) / 2 + metrics.ascent()
        painter.drawText(QPointF(at.x() + (self.width - metrics.horizontalAdvance(words)) / 2, baseline), words)


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
    return _fit(lambda percent: _Stack(blocks, rect.width(), percent / 100, gap), rect.height(), 100,
                round(100 * PREFERRED_SHRINK), 3)


# --- composing a slide ------------------------------------------------------------------------------------

class _QrCode:
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


@dataclass
class Composition:
    """A slide laid out for one window size: what goes where, and a few facts tests and the console can ask."""

    items: list[tuple[Drawn, QPointF]]
    sizes: TypeSizes
    heading_px: int = 0
    bars: list[QRectF] | None = None
    qr: QRectF | None = None

    def draw(self, painter: QPainter) -> None:
        for drawn, at in self.items:
            drawn.draw(painter, at)

    def texts(self) -> list[str]:
        """Every piece of text drawn, top to bottom as laid out: a slide's own words and the window's few labels."""
        return [text for drawn, _ in self.items for text in getattr(drawn, "texts", ())]


def compose(slide: Slide, width: float, height: float, scale: float,
            countdown: Callable[[], tuple[str, bool]] = lambda: ("", False)) -> Composition:
    """Lay `slide` out on a `width` x `height` screen at the trainer's zoom `scale`."""
    sizes = type_sizes(height, scale)
    out = Composition([], sizes)
    if slide.kind is SlideKind.BLANK:
        return out
    margin_x, margin_y = max(16.0, width * 0.045), max(12.0, height * 0.055)
    inner = QRectF(margin_x, margin_y, width - 2 * margin_x, height - 2 * margin_y)
    if slide.footer:
        footer = fitted_font(slide.footer, QRectF(0, 0, inner.width(), sizes.small * 2.6), sizes.small,
                             sizes.small * 0.75, colour=MUTED)
        out.items.append((footer, QPointF(inner.left(), inner.bottom() - footer.height)))
        inner.setBottom(inner.bottom() - footer.height - sizes.small)
    if slide.kind in (SlideKind.WELCOME, SlideKind.END):
        _centred(out, slide, inner)
    elif slide.kind is SlideKind.CHECKIN and slide.qr_text is not None:
        _checkin(out, slide, inner, height)
    else:
        _heading_and_body(out, slide, inner, _body_blocks(slide, sizes, countdown),
                          centred=slide.kind in COUNTDOWN_KINDS)
    return out


def _heading_text(slide: Slide) -> str:
    # A heading wraps by itself; line breaks inside one come from the width of the author's editor.
    return " ".join(slide.heading.split())


def _heading_and_body(out: Composition, slide: Slide, rect: QRectF, blocks: list[Block], *,
                      centred: bool) -> None:
    """The heading on top of `rect` and the slide's other blocks below it, all as large as fits.

    The heading is sized first, but gives way (down to the body's own size) when the body would otherwise have
    to shrink to less than COMFORTABLE of its size: the room reads the options more than the question."""
    sizes = out.sizes
    for step in HEADING_STEPS:
        items, heading_px, rest = _header(slide, rect, sizes, step)
        stack = fit_stack(blocks, rest, sizes.body * 0.9) if blocks and rest.height() > 0 else None
        if stack is None or (stack.t >= COMFORTABLE and not stack.broken_words):
            break
    out.items.extend(items)
    out.heading_px = heading_px
    if stack is None:
        return
    top = rest.top() + (max(0.0, rest.height() - stack.height) / 2 if centred else 0.0)
    for drawn, at in stack.placed(QPointF(rest.left(), top)):
        out.items.append((drawn, at))
        if isinstance(drawn, OptionRows) and any(row.bar is not None for row in drawn.rows):
            out.bars = drawn.bars(at)


def _header(slide: Slide, inner: QRectF, sizes: TypeSizes, step: float
            ) -> tuple[list[tuple[Drawn, QPointF]], int, QRectF]:
    """Heading (at `step` of its size), accent rule and any content warning at the top of `inner`: what to
    draw where, the heading's size, and the space left below."""
    # A question is read alongside its options, which need the room more than it does.
    question = slide.kind in QUESTION_KINDS
    room = QRectF(0, 0, inner.width(), inner.height() * (0.3 if question else 0.36))
    base = max(sizes.body, sizes.heading * (0.8 if question else 1.0) * step)
    heading = fitted_font(_heading_text(slide), room, base, base * 0.6, bold=True, balance=True)
    items: list[tuple[Drawn, QPointF]] = [(heading, QPointF(inner.left(), inner.top()))]
    y = inner.top() + heading.height + heading.px * 0.25
    rule = RuleBlock(heading.px).lay_out(inner.width(), 1.0)
    items.append((rule, QPointF(inner.left(), y)))
    y += rule.height + sizes.body * 0.6
    if slide.content_warning:
        band_px = max(sizes.small * 1.1, sizes.body * 0.6)
        room = QRectF(0, 0, inner.width(), inner.height() * 0.2)
        band = _fit(lambda px: _Band(f"Content warning: {slide.content_warning}", px, room.width()), room.height(),
                    round(band_px), round(band_px * 0.6), ABSOLUTE_FLOOR_PX)
        items.append((band, QPointF(inner.left(), y)))
        y += band.height + sizes.body * 0.6
    return items, heading.px, QRectF(inner.left(), y, inner.width(), max(0.0, inner.bottom() - y))


def _body_blocks(slide: Slide, sizes: TypeSizes, countdown: Callable[[], tuple[str, bool]]) -> list[Block]:
    kind, body = slide.kind, sizes.body
    blocks: list[Block] = []
    if kind in COUNTDOWN_KINDS:
        blocks.append(CountdownBlock(countdown, sizes.countdown))
    if kind is SlideKind.FEEDBACK and slide.options:
        blocks.append(ScaleBlock(slide.options, sizes.countdown * 0.6))
    centre = Qt.AlignmentFlag.AlignHCenter if kind in COUNTDOWN_KINDS else Qt.AlignmentFlag.AlignLeft
    if slide.body:
        blocks.append(TextBlock(slide.body, body, align=centre))
    if kind in (SlideKind.VOTE, SlideKind.QUESTION):
        blocks.append(OptionsBlock(slide.options, body))
    elif kind is SlideKind.RESULTS:
        blocks.append(OptionsBlock(slide.options, body, counts=slide.counts))
        if not any_votes(slide.counts):
            blocks.append(TextBlock(NO_VOTES, body, bold=True, colour=ACCENT.name()))
    elif kind is SlideKind.ANSWER:
        blocks.append(OptionsBlock(slide.options, body, counts=slide.counts, correct=slide.correct, answer=True))
        if not any_votes(slide.counts):
            blocks.append(TextBlock(NO_VOTES, body * 0.8, colour=MUTED.name()))
        if slide.explanation:
            blocks.append(TextBlock(slide.explanation, body, prose=True))
    return blocks


def _centred(out: Composition, slide: Slide, inner: QRectF) -> None:
    """A welcome or closing slide: a large title, a rule and the rest, centred on the screen."""
    centre = Qt.AlignmentFlag.AlignHCenter
    sizes = out.sizes
    blocks: list[Block] = [TextBlock(_heading_text(slide), sizes.heading * 1.25, bold=True, align=centre),
                           RuleBlock(sizes.heading * 1.25, align=centre)]
    if slide.body:
        blocks.append(TextBlock(slide.body, sizes.body * 1.15, align=centre))
    stack = fit_stack(blocks, inner, sizes.body * 0.8)
    title = stack.items[0]
    out.heading_px = title.px if isinstance(title, TextBox) else 0
    top = inner.top() + max(0.0, inner.height() - stack.height) / 2
    out.items.extend(stack.placed(QPointF(inner.left(), top)))


def _checkin(out: Composition, slide: Slide, inner: QRectF, height: float) -> None:
    """The QR code on the right as large as the screen allows (at least 40% of its height); words on the left."""
    side = min(inner.height(), max(inner.width() * 0.45, height * 0.4))
    code = _QrCode(slide.qr_text or "", side)
    gap = out.sizes.body * 1.2
    code_at = QPointF(inner.right() - code.side, inner.top() + (inner.height() - code.side) / 2)
    out.items.append((code, code_at))
    out.qr = QRectF(code_at.x(), code_at.y(), code.side, code.side)
    left = QRectF(inner.left(), inner.top(), max(1.0, inner.width() - code.side - gap), inner.height())
    _heading_and_body(out, slide, left, _body_blocks(slide, out.sizes, lambda: ("", False)), centred=False)


# --- the window -------------------------------------------------------------------------------------------

def screens() -> list[QScreen]:
    return list(QGuiApplication.screens())


def projector_screen() -> QScreen:
    """Where the room looks: the first screen that is not the laptop's own, else the only one there is."""
    primary = QGuiApplication.primaryScreen()
    return next((s for s in screens() if s is not primary), primary)


class AudienceWindow(QWidget):
    """The projector's window. It draws the one `Slide` it was given and nothing else."""

    slide_shown = Signal(object)  # the Slide now on screen
    scale_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None, *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Audience")
        self.setAccessibleName("Audience window")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 180)
        self._now = now or (lambda: datetime.now(UTC))
        self._slide = BLANK
        self._scale = 1.0
        self._composition: Composition | None = None
        self._composed_for: tuple[Slide, int, int, float] | None = None
        self._placed_on: QScreen | None = None
        # Re-armed on each tick for just after the next whole second, so the clock never lags a second behind.
        self._tick = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self._tick.timeout.connect(self._on_tick)
        QGuiApplication.instance().screenRemoved.connect(self._on_screen_removed)
        self.resize(1280, 720)
        self.setAccessibleDescription("")

    # -- what is shown

    @property
    def slide(self) -> Slide:
        return self._slide

    def show_slide(self, slide: Slide) -> None:
        """Draw `slide` from now on (and start its countdown, if it has one)."""
        self._slide = slide
        self._composition = None
        self.setAccessibleDescription(slide.heading)
        if self._counting():
            self._on_tick()
        else:
            self._tick.stop()
        self.update()
        self.slide_shown.emit(slide)

    def countdown(self) -> str:
        """What the clock says now ('' on a slide without one)."""
        if self._slide.kind not in COUNTDOWN_KINDS:
            return ""
        return countdown_text(self._slide.kind, self._slide.until, self._slide.paused, self._now())

    def composition(self) -> Composition:
        """The current slide laid out for the window's current size (kept until either changes)."""
        key = (self._slide, self.width(), self.height(), self._scale)
        if self._composition is None or self._composed_for != key:
            self._composition = compose(self._slide, self.width(), self.height(), self._scale, self._clock)
            self._composed_for = key
        return self._composition

    # -- how big

    def scale(self) -> float:
        return self._scale

    def set_scale(self, factor: float) -> None:
        """The trainer's zoom on top of the size that follows the window's height, kept within 0.6 to 1.8."""
        factor = clamp_scale(factor)
        if factor != self._scale:
            self._scale = factor
            self.update()
            self.scale_changed.emit(factor)

    def sizes(self) -> TypeSizes:
        """The type sizes at the window's current height and zoom, before any text is shrunk to fit."""
        return type_sizes(self.height(), self._scale)

    # -- where

    def place_on(self, screen: QScreen, full_screen: bool = True) -> None:
        """Move to `screen` (the projector) and fill it, or show as an ordinary window there."""
        if self.isFullScreen():
            self.showNormal()  # a full-screen window is not moved between screens by every window manager
        self._placed_on = screen
        self.setScreen(screen)
        area = screen.availableGeometry()
        self.move(area.topLeft())
        if full_screen:
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            self.resize(min(self.width(), area.width()), min(self.height(), area.height()))
            self.show()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            # Filling the screen first matters where no window manager honours the full-screen request
            # (a bare X session on a kiosk laptop, or Xvfb).
            self.setGeometry((self._placed_on or self.screen()).geometry())
            self.showFullScreen()

    # -- Qt

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus)):
            self.set_scale(self._scale + SCALE_STEP)
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key in (Qt.Key.Key_Minus,
                                                                                    Qt.Key.Key_Underscore)):
            self.set_scale(self._scale - SCALE_STEP)
        elif ctrl and key == Qt.Key.Key_0:
            self.set_scale(1.0)
        elif key == Qt.Key.Key_Escape:
            if self.isFullScreen():  # Esc never closes the room's screen, it only gives the desktop back
                self.showNormal()
        elif key == Qt.Key.Key_F11:
            self.toggle_full_screen()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        self.composition().draw(painter)
        painter.end()

    # -- inside

    def _clock(self) -> tuple[str, bool]:
        words = self.countdown()
        return words, words in ("Paused", *TIME_UP.values())

    def _counting(self) -> bool:
        s = self._slide
        return s.kind in COUNTDOWN_KINDS and not s.paused and s.until is not None

    def _on_tick(self) -> None:
        self.update()
        if not self._counting():
            return
        assert self._slide.until is not None
        left = seconds_between(self._now(), self._slide.until)
        if left <= 0:
            return  # the clock says "Time" and stays so: no need to wake up again
        self._tick.start(round((left % 1 or 1.0) * 1000) + 20)  # just after the shown second changes

    def _on_screen_removed(self, screen: QScreen) -> None:
        # The projector's cable came out: Qt moves the window to the laptop's screen, where full screen would
        # hide the presenter's console. Give the desktop back; the trainer places it again when it returns.
        if screen is self._placed_on:
            self._placed_on = None
            if self.isFullScreen():
                self.showNormal()
