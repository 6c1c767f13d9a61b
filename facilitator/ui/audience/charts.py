"""What the room answers and how long it has: lettered options with bars for the votes counted (the correct
answer marked in words as well as colour), and the big countdown of a role-play round or a break.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from facilitator.domain.delivery import shares
from facilitator.i18n import N_, _, pgettext
from facilitator.services.slides import SlideKind
from facilitator.ui.audience.text import ACCENT, BACKGROUND, MUTED, TEXT, TRACK, Drawn, Line, TextBox, slide_font

COUNTDOWN_KINDS = frozenset({SlideKind.ROUND, SlideKind.BREAK})
PAUSED = N_("Paused")
CORRECT = N_("✓ Correct")


def letter(i: int) -> str:
    """The label of option `i`: A, B, … Z, then AA, AB, … (as spreadsheet columns)."""
    label = ""
    i += 1
    while i > 0:
        i, rest = divmod(i - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def bar_lengths(counts: Sequence[int], full: float) -> tuple[float, ...]:
    """Each option's bar as its share of all votes (everyone's vote would take the `full` length), so a bar means
    the same as its percentage: one vote of two is half a bar, not a whole one; all zero when nobody voted."""
    total = sum(counts)
    return tuple(full * c / total if total > 0 else 0.0 for c in counts)


def count_labels(counts: Sequence[int]) -> tuple[str, ...]:
    """'12 · 40%' for each option; percentages are of all votes, rounded."""
    return tuple(f"{c} · {round(100 * share)}%" for c, share in zip(counts, shares(counts), strict=True))


def any_votes(counts: Sequence[int] | None) -> bool:
    return counts is not None and sum(counts) > 0


def countdown_text(kind: SlideKind, until: datetime | None, paused: bool, now: datetime) -> str:
    """'4:59' until the end, then 'Time' (a round) or 'Break over'; 'Paused' while paused; never negative."""
    if paused:
        return _(PAUSED)
    if until is None:
        return ""
    left = math.ceil(seconds_between(now, until))  # 0:01 is shown for the whole last second, as clocks do
    if left <= 0:
        return time_up(kind)
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def is_news(words: str) -> bool:
    """Whether the countdown's words are news the room should notice (paused, or time is up): shown in the accent."""
    return words in (_(PAUSED), *(time_up(kind) for kind in COUNTDOWN_KINDS))


def time_up(kind: SlideKind) -> str:
    """What the clock says at zero: "Break over" after a break, "Time" (as a referee calls it) after a round."""
    if kind is SlideKind.BREAK:
        return _("Break over")
    return pgettext("a countdown at zero: time is up", "Time")  # not the "Time" of day heading a column


def seconds_between(now: datetime, until: datetime) -> float:
    """`until - now` in seconds; a naive time is taken as local time."""
    if (now.tzinfo is None) != (until.tzinfo is None):
        now, until = now.astimezone(), until.astimezone()
    return (until - now).total_seconds()


# --- the options and their bars -----------------------------------------------------------------------------

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
            return f"{label}   {_(CORRECT)}" if label else _(CORRECT)
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



# --- the countdown -----------------------------------------------------------------------------------------

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
        words, _news = self.text()
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
