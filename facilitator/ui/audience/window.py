"""The audience window: what the projector shows, one `Slide` at a time, legible from the back of the room.

It knows only `Slide` (services/slides.py decides what the room may see) and draws it as `compose` lays it out
for the window's size and the trainer's zoom: no notes, no roster, nothing else reaches the projector through
this window. This module is the window itself: which screen it is on, full screen or not, the zoom keys, and
the once-a-second tick of a countdown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QPainter, QPaintEvent, QScreen
from PySide6.QtWidgets import QWidget

from facilitator.i18n import _
from facilitator.services.slides import BLANK, Slide
from facilitator.ui.audience.charts import COUNTDOWN_KINDS, countdown_text, is_news, seconds_between
from facilitator.ui.audience.compose import Composition, compose
from facilitator.ui.audience.text import BACKGROUND, SCALE_STEP, TypeSizes, clamp_scale, type_sizes


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
        self.setWindowTitle(_("Audience"))
        self.setAccessibleName(_("Audience window"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a click on it gives it the keys (F11, zoom)
        # Showing it (F7) must leave the keyboard with the console, where a presentation clicker's Page Down goes:
        # without a window manager Qt would otherwise give it the X input focus as it maps.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
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
        return words, is_news(words)

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

