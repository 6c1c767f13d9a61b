"""Composing a slide for one window size: where the heading, the body and each kind's own pieces (the options and
their bars, the countdown, the rating scale, the check-in code) go, all as large as fits.

It knows only `Slide` (services/slides.py decides what the room may see) and draws the slide's text exactly as
given: no notes, no roster, nothing else reaches the projector. Colour is never the only signal: a correct
answer also says "✓ Correct", a stopped countdown says "Paused".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter

from facilitator.i18n import N_, _
from facilitator.services.slides import Slide, SlideKind
from facilitator.ui.audience.blocks import Band, Block, QrCode, RuleBlock, ScaleBlock, TextBlock, fit_stack
from facilitator.ui.audience.charts import COUNTDOWN_KINDS, CountdownBlock, OptionRows, OptionsBlock, any_votes
from facilitator.ui.audience.text import (
    ABSOLUTE_FLOOR_PX,
    ACCENT,
    MUTED,
    Drawn,
    TextBox,
    TypeSizes,
    fit,
    fitted_font,
    type_sizes,
)

HEADING_STEPS = (1.0, 0.8, 0.65, 0.5)  # how far a heading gives way to a crowded body
COMFORTABLE = 0.75  # a body shrunk no further than this needs no room from its heading
QUESTION_KINDS = frozenset({SlideKind.VOTE, SlideKind.RESULTS, SlideKind.QUESTION, SlideKind.ANSWER,
                            SlideKind.FEEDBACK, SlideKind.ROOM_QUESTION})
NO_VOTES = N_("No votes recorded")


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
        return [text for drawn, _at in self.items for text in getattr(drawn, "texts", ())]


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
        warning = _("Content warning: {warning}").format(warning=slide.content_warning)
        band = fit(lambda px: Band(warning, px, room.width()), room.height(),
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
    if kind is SlideKind.ROOM_QUESTION:  # the question is what the room reads: as large as a heading
        blocks.append(TextBlock(slide.body, sizes.heading * 0.9, prose=True))
    elif slide.body:
        blocks.append(TextBlock(slide.body, body, align=centre))
    if kind in (SlideKind.VOTE, SlideKind.QUESTION):
        blocks.append(OptionsBlock(slide.options, body))
    elif kind is SlideKind.RESULTS:
        blocks.append(OptionsBlock(slide.options, body, counts=slide.counts))
        if not any_votes(slide.counts) and not slide.body:  # a body here says the counts are withheld, not absent
            blocks.append(TextBlock(_(NO_VOTES), body, bold=True, colour=ACCENT.name()))
    elif kind is SlideKind.ANSWER:
        blocks.append(OptionsBlock(slide.options, body, counts=slide.counts, correct=slide.correct, answer=True))
        if not any_votes(slide.counts) and not slide.body:
            blocks.append(TextBlock(_(NO_VOTES), body * 0.8, colour=MUTED.name()))
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
    """The QR code on the right as large as the screen allows (at least 40% of its height) with its address in
    text under it, for someone who types it; the words on the left."""
    sizes = out.sizes
    address_px = max(sizes.small, sizes.body * 0.6)
    gap = sizes.body * 1.2
    side = min(inner.height() - address_px * 1.8, max(inner.width() * 0.45, height * 0.4))
    code = QrCode(slide.qr_text or "", side)
    # The address in one line as wide as the code, shrunk (never cut) if it is longer.
    address = fitted_font(slide.qr_text or "", QRectF(0, 0, code.side, address_px * 1.5), address_px,
                          address_px * 0.5, colour=MUTED, align=Qt.AlignmentFlag.AlignHCenter)
    block = code.side + address_px * 0.4 + address.height
    code_at = QPointF(inner.right() - code.side, inner.top() + max(0.0, (inner.height() - block) / 2))
    out.items.append((code, code_at))
    out.items.append((address, QPointF(code_at.x(), code_at.y() + code.side + address_px * 0.4)))
    out.qr = QRectF(code_at.x(), code_at.y(), code.side, code.side)
    left = QRectF(inner.left(), inner.top(), max(1.0, inner.width() - code.side - gap), inner.height())
    _heading_and_body(out, slide, left, _body_blocks(slide, sizes, lambda: ("", False)), centred=False)
