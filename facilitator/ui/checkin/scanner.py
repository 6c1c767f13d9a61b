"""Telling a USB badge scanner from a person typing, whatever widget has the keyboard focus.

A keyboard-wedge scanner is a keyboard: it types the badge code in a fast burst (a few milliseconds a
character) and ends it with Enter or Tab. While the check-in desk is open, `ScanCatcher` watches every key
press in the application and turns such a burst into one `scanned(code)` signal; a person typing is left alone.

How keys are held back, and why this way. Characters that turn out to be a scan must not land in whatever
text field has focus, and taking characters back out of an arbitrary widget (a line edit, a table's type-ahead
search, a button) is not possible in general. So a printable key is held for at most `max_gap_ms`; if the next
one follows as fast, it is held too. A burst of at least `min_length` such characters ending in Enter or Tab is
a scan, and none of its keys is delivered. Anything else (a slow key, an arrow, Backspace, a short burst, a
burst whose terminator does not come within `terminator_wait_ms`) sends the held keys on to the widget they were
typed into, in order, synchronously with `sendEvent`, before the key that ended the wait; `postEvent` would let
that key overtake them. A person typing sees each character at most `max_gap_ms` late; a scanner's never show.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

Clock = Callable[[], float]  # seconds, only ever compared with itself

TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                 Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock}
# Scanners send Shift for capitals; the keypad and AltGr flags come with some layouts. Ctrl, Alt or Meta mean
# a shortcut, which no scanner types.
TYPING_MODIFIERS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
                    | Qt.KeyboardModifier.GroupSwitchModifier)
KEY_TYPES = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


class ScanCatcher(QObject):
    """An application-wide key filter that emits `scanned(code)` for each burst a badge scanner types."""

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, max_gap_ms: int = 50, terminator_wait_ms: int = 100,
                 min_length: int = 8, clock: Clock = time.monotonic) -> None:
        super().__init__(parent)
        self.max_gap = max_gap_ms / 1000
        self.terminator_wait = terminator_wait_ms / 1000
        self.min_length = min_length
        self._clock = clock
        self._held: list[tuple[QWidget, QKeyEvent]] = []  # presses and releases, in the order they came
        self._text: list[str] = []
        self._last: tuple[float, int] = (0.0, 0)  # the clock and the event's own timestamp at the last character
        self._replaying = False
        self._installed = False
        self._draining = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._timed_out)

    def install(self) -> None:
        """Start watching every key press in the application."""
        if not self._installed:
            QCoreApplication.instance().installEventFilter(self)
            self._installed = True

    def uninstall(self) -> None:
        """Stop watching, handing any held keys to their widgets first."""
        self.release()
        if self._installed:
            QCoreApplication.instance().removeEventFilter(self)
            self._installed = False

    @property
    def installed(self) -> bool:
        return self._installed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in KEY_TYPES or not _first_receiver(watched):
            return False
        assert isinstance(event, QKeyEvent) and isinstance(watched, QWidget)
        if event.type() == QEvent.Type.KeyRelease:
            return self._on_release(watched, event)
        return self._on_press(watched, event)

    def _on_press(self, target: QWidget, event: QKeyEvent) -> bool:
        if _is_terminator(event):
            return self._on_terminator(event)
        if not _is_character(event):
            if event.key() not in MODIFIER_KEYS:
                self.release()
            return False
        if self._text and self._gap(event) > self.max_gap:
            self.release()
        self._hold(target, event)
        return True

    def _on_terminator(self, event: QKeyEvent) -> bool:
        if len(self._text) >= self.min_length and self._gap(event) <= self.terminator_wait:
            code = "".join(self._text)
            self._forget()
            self.scanned.emit(code)
            return True
        self.release()
        return False

    def _on_release(self, target: QWidget, event: QKeyEvent) -> bool:
        """While keys are held, their releases wait with them, so a widget never sees a release before its press."""
        if not self._held or event.key() in MODIFIER_KEYS:
            return False
        self._held.append((target, event.clone()))
        return True

    def _hold(self, target: QWidget, event: QKeyEvent) -> None:
        self._held.append((target, event.clone()))
        self._text.append(event.text())
        self._last = (self._clock(), event.timestamp())
        long_enough = len(self._text) >= self.min_length
        self._timer.start(round(1000 * (self.terminator_wait if long_enough else self.max_gap)))

    def _gap(self, event: QKeyEvent) -> float:
        """Seconds since the last held character.

        The window system stamps real key events with the time they were typed, which stays right even if the
        app was busy (saving a check-in) while the scanner typed; synthetic events carry no stamp, so the clock
        measures those."""
        clock_then, stamp_then = self._last
        stamp = event.timestamp()
        if stamp and stamp_then and stamp >= stamp_then:
            return (stamp - stamp_then) / 1000
        return self._clock() - clock_then

    def _timed_out(self) -> None:
        """No next key in time, or so it seems: an app kept busy (a laptop with both cores working) may not yet have
        read keys the scanner typed in time, and this timer can fire before them. Read what is waiting first (their
        own timestamps then judge the gaps); release the held keys only if nothing followed."""
        if self._draining:
            return
        typed = len(self._text)
        self._draining = True
        try:
            QCoreApplication.processEvents()
        finally:
            self._draining = False
        if self._held and len(self._text) == typed and not self._timer.isActive():
            self.release()

    def release(self) -> None:
        """Deliver the held keys to the widgets they were typed into: they were not a scan."""
        held = self._held
        self._forget()
        self._replaying = True
        try:
            for target, event in held:
                if shiboken6.isValid(target):
                    QCoreApplication.sendEvent(target, event)
        finally:
            self._replaying = False

    def _forget(self) -> None:
        self._held = []
        self._text = []
        self._timer.stop()


def _first_receiver(watched: QObject) -> bool:
    """Whether `watched` is where a key event is delivered first.

    An application filter sees one key event several times: at the window, at the focus widget, and at each
    parent the event propagates to when a widget ignores it. Only the first widget counts, or one keystroke
    would be counted twice."""
    if not isinstance(watched, QWidget):
        return False
    popup = QApplication.activePopupWidget()
    first = (QWidget.keyboardGrabber() or (popup.focusWidget() or popup if popup else None)
             or QApplication.focusWidget())
    return watched is first if first is not None else watched.isWindow()


def _is_terminator(event: QKeyEvent) -> bool:
    return event.key() in TERMINATORS and not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)


def _is_character(event: QKeyEvent) -> bool:
    text = event.text()
    return (len(text) == 1 and text.isprintable() and not event.isAutoRepeat()
            and not (event.modifiers() & ~TYPING_MODIFIERS))
