"""The scan catcher tells a badge scanner's fast burst from a person typing, whatever widget has focus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from facilitator.ui.checkin.scanner import ScanCatcher
from tests.gui.waiting import WAIT_MS

CODE = "FACABCDEFGH0123456789ABCDEFGHJK"


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(qtbot, clock):
    """A window with two text fields and a button, and a catcher watching the whole application."""
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second, button = QLineEdit(), QLineEdit(), QPushButton("Press")
    for w in (first, second, button):
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitActive(window)
    catcher = ScanCatcher(window, clock=clock)
    catcher.install()
    yield window, first, second, button, catcher
    catcher.uninstall()


def focus(qtbot, widget: QWidget) -> QWidget:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)
    return widget


def type_keys(qtbot, widget, clock, text: str, gap_ms: float, end: Qt.Key | None = Qt.Key.Key_Return) -> None:
    """Type `text` into `widget` one key every `gap_ms` of the fake clock, then `end` after the same gap."""
    for char in text:
        key_click(qtbot, widget, char)
        clock.advance(gap_ms)
    if end is not None:
        qtbot.keyClick(widget, end)


def key_click(qtbot, widget: QWidget, char: str) -> None:
    """QTest types ASCII only (it aborts on 'á'); other characters go in as the key events a keyboard makes."""
    if char.isascii():
        qtbot.keyClick(widget, char)
        return
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))


def scans(catcher: ScanCatcher) -> list[str]:
    found: list[str] = []
    catcher.scanned.connect(found.append)
    return found


def test_a_fast_burst_ending_in_enter_is_one_scan_and_leaves_the_field_empty(qtbot, desk, clock) -> None:
    _, first, second, _, catcher = desk
    first.setText("Mei")
    field = focus(qtbot, second)
    found = scans(catcher)
    with qtbot.waitSignal(catcher.scanned, timeout=WAIT_MS) as blocker:
        type_keys(qtbot, field, clock, CODE, gap_ms=8)
    assert blocker.args == [CODE] and found == [CODE]
    assert second.text() == "" and first.text() == "Mei"


def test_tab_ends_a_scan_too_and_does_not_move_the_focus(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, CODE, gap_ms=20, end=Qt.Key.Key_Tab)
    assert found == [CODE]
    assert first.text() == "" and QApplication.focusWidget() is first


def test_a_scan_is_caught_whatever_widget_has_focus(qtbot, desk, clock) -> None:
    _, first, second, button, catcher = desk
    clicked: list[bool] = []
    button.clicked.connect(lambda: clicked.append(True))
    found = scans(catcher)
    type_keys(qtbot, focus(qtbot, button), clock, "A B C D E F", gap_ms=5)  # spaces would press a button
    assert found == ["A B C D E F"] and clicked == []
    assert first.text() == second.text() == ""


def test_slow_typing_reaches_the_field_intact_and_is_no_scan(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    entered: list[str] = []
    first.returnPressed.connect(lambda: entered.append(first.text()))
    type_keys(qtbot, field, clock, "Hernández Luis", gap_ms=180)
    assert found == []
    assert entered == ["Hernández Luis"] and first.text() == "Hernández Luis"


def test_the_last_slow_key_arrives_on_its_own_without_a_next_key(qtbot, desk, clock) -> None:
    _, first, _, _, _ = desk
    field = focus(qtbot, first)
    type_keys(qtbot, field, clock, "Mei", gap_ms=200, end=None)
    assert first.text() == "Me"  # the "i" is held for a moment in case a scan follows
    qtbot.waitUntil(lambda: first.text() == "Mei", timeout=WAIT_MS)


def test_a_burst_without_a_terminator_is_no_scan_and_its_keys_are_delivered(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, CODE, gap_ms=5, end=None)
    assert first.text() == ""
    qtbot.waitUntil(lambda: first.text() == CODE, timeout=WAIT_MS)
    clock.advance(150)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # a terminator long after the burst starts nothing
    assert found == []


def test_a_terminator_that_comes_too_late_is_no_scan(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, CODE, gap_ms=5, end=None)
    clock.advance(200)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert found == [] and first.text() == CODE


def test_two_scans_back_to_back(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, CODE, gap_ms=10)
    clock.advance(10)
    type_keys(qtbot, field, clock, CODE[::-1], gap_ms=10)
    assert found == [CODE, CODE[::-1]] and first.text() == ""


def test_short_fast_bursts_are_typing(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    entered: list[str] = []
    first.returnPressed.connect(lambda: entered.append(first.text()))
    type_keys(qtbot, field, clock, "Chen", gap_ms=10)
    assert found == [] and entered == ["Chen"]


def test_a_slow_gap_splits_a_burst_and_backspace_keeps_its_order(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, "ABCDE", gap_ms=10, end=None)
    clock.advance(300)
    type_keys(qtbot, field, clock, "FGHIJ", gap_ms=10, end=Qt.Key.Key_Backspace)
    assert found == [] and first.text() == "ABCDEFGHI"


def test_shortcuts_and_held_keys_are_not_characters(qtbot, desk, clock) -> None:
    _, first, _, _, _ = desk
    field = focus(qtbot, first)
    first.setText("keep")
    first.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # copy: passes straight through
    assert first.text() == "keep" and first.hasSelectedText()


def test_event_timestamps_measure_gaps_when_the_window_system_gives_them(qtbot, desk, clock) -> None:
    """Keys queued while the app was busy arrive together; their stamps still say the typing was slow."""
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    for i, char in enumerate("SLOWTYPING"):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, char)
            event.setTimestamp(10_000 + 400 * i)
            QApplication.sendEvent(field, event)
    enter = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
    enter.setTimestamp(10_000 + 400 * 10)
    QApplication.sendEvent(field, enter)
    assert found == [] and first.text() == "SLOWTYPING"


def test_uninstalling_delivers_held_keys_and_stops_catching(qtbot, desk, clock) -> None:
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, "ABC", gap_ms=5, end=None)
    catcher.uninstall()
    assert first.text() == "ABC" and not catcher.installed
    type_keys(qtbot, field, clock, "DEFGHIJKL", gap_ms=5)
    assert found == [] and first.text() == "ABCDEFGHIJKL"


def test_a_busy_app_reads_the_keys_already_typed_before_it_gives_up_on_a_burst(qtbot, desk, clock) -> None:
    """The catcher's timer can fire before keys the scanner typed in time were read (the app was busy): it reads
    them first, so the burst is still one scan and nothing lands in the field."""
    _, first, _, _, catcher = desk
    field = focus(qtbot, first)
    found = scans(catcher)
    type_keys(qtbot, field, clock, CODE[:10], gap_ms=8, end=None)
    for char in CODE[10:]:  # typed on time, but still waiting in the event queue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.postEvent(field, QKeyEvent(kind, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, char))
    QApplication.postEvent(field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier))
    catcher._timed_out()  # the timer's turn came first
    assert found == [CODE] and field.text() == ""


def test_a_person_who_stops_typing_gets_their_keys_when_the_timer_runs_out(qtbot, desk, clock) -> None:
    _, first, _, _, _catcher = desk
    field = focus(qtbot, first)
    type_keys(qtbot, field, clock, "Mei", gap_ms=8, end=None)
    assert field.text() == ""  # held a moment, in case a scanner is typing
    qtbot.waitUntil(lambda: field.text() == "Mei", timeout=WAIT_MS)
