"""Starting and stopping the phones' companion from the console (Ctrl+Shift+P), against a fake server that records
its calls: the dialog offers the laptop's IPv4 addresses (loopback last, never 0.0.0.0) and remembers the choice;
while phones run, the check-in slide holds the join address and is drawn again when the code turns; the console's
close and the session's seal stop the server; a jumped clock or a lost address is a warning at the desk."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import Qt

from facilitator.services import companion
from facilitator.services.closing import close_session
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.settings import load_settings
from facilitator.services.slides import SlideKind
from facilitator.ui.checkin.camera import grey_array
from facilitator.ui.console import phones as phones_module
from facilitator.ui.console.view import ConsoleView
from facilitator.ui.phones.addresses import machine_addresses
from facilitator.ui.phones.dialog import PhonesDialog
from facilitator.ui.phones.server import DEFAULT_PORT
from facilitator.ui.phones.watch import CLOCK_JUMP_S, PhonesWatch
from tests.gui.waiting import WAIT_MS

from ..test_console import CTRL, SHIFT, focus, press
from .conftest import Clocks


def open_phones(qtbot, console: ConsoleView) -> PhonesDialog:
    console.activateWindow()  # back from a dialog closed before
    focus(qtbot, console.agenda_table)
    press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)
    qtbot.waitUntil(lambda: console.phones.dialog is not None and console.phones.dialog.isVisible(), timeout=WAIT_MS)
    return console.phones.dialog


def start_on(qtbot, console: ConsoleView, host: str = "127.0.0.1", port: int = 8800) -> PhonesDialog:
    dialog = open_phones(qtbot, console)
    dialog.addresses.setCurrentIndex(dialog.addresses.findData(host))
    dialog.port.setValue(port)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return dialog


def test_the_laptops_addresses_are_offered_loopback_last_never_every_interface(qapp) -> None:
    found = machine_addresses()
    hosts = [a.host for a in found]
    assert "127.0.0.1" in hosts and "0.0.0.0" not in hosts
    assert all(not a.loopback for a in found[:hosts.index("127.0.0.1")])  # loopback comes last
    assert all(a.host.count(".") == 3 for a in found)  # IPv4 only


def test_ctrl_shift_p_starts_phones_on_the_chosen_address_and_remembers_it(qtbot, phones_console, fake_start,
                                                                           workspace, session_id) -> None:
    console = phones_console
    assert console.phones.button.text() == "Phones: off…" and console.presenter.phones is None
    dialog = open_phones(qtbot, console)
    assert dialog.port.value() == DEFAULT_PORT and dialog.start_button.isEnabled()
    assert dialog.addresses.itemData(dialog.addresses.count() - 1) == "127.0.0.1"
    dialog.addresses.setCurrentIndex(dialog.addresses.findData("127.0.0.1"))
    dialog.port.setValue(8800)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.phones.running is not None, timeout=WAIT_MS)
    assert [(ws, sid, host, port) for ws, sid, host, port in fake_start.calls] == [
        (workspace, session_id, "127.0.0.1", 8800)]
    assert "http://127.0.0.1:8800" in dialog.state.text() and dialog.stop_button.isVisible()
    assert console.presenter.phones == ("127.0.0.1", 8800)
    assert console.phones.button.text() == "Phones: 127.0.0.1:8800…"
    settings = load_settings(workspace)
    assert (settings.companion_host, settings.companion_port) == ("127.0.0.1", 8800)
    dialog.close()
    again = open_phones(qtbot, console)  # open again: where it runs, and Stop
    assert again.stop_button.isVisible() and not again.start_button.isVisible()
    qtbot.mouseClick(again.stop_button, Qt.MouseButton.LeftButton)
    assert fake_start.servers[0].stopped and console.phones.running is None and console.presenter.phones is None
    assert again.start_button.isVisible() and "off" in again.state.text()
    assert again.addresses.currentData() == "127.0.0.1" and again.port.value() == 8800  # remembered


def test_a_port_already_taken_is_said_in_the_dialog_and_nothing_runs(qtbot, phones_console, fake_start) -> None:
    fake_start.refuse = UserError("127.0.0.1:8800 is in use by another program; choose another port")
    dialog = start_on(qtbot, phones_console)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT_MS)
    assert dialog.error.text() == "127.0.0.1:8800 is in use by another program; choose another port"
    assert phones_console.phones.running is None and phones_console.presenter.phones is None
    assert dialog.start_button.isVisible()


def test_the_check_in_slide_holds_the_join_address_and_turns_with_the_code(qtbot, phones_console, wall,
                                                                          workspace, session_id) -> None:
    console = phones_console
    console.toggle_checkin()
    assert console.current_slide().kind is SlideKind.CHECKIN and console.current_slide().qr_text is None
    start_on(qtbot, console, port=8800)
    qtbot.waitUntil(lambda: console.current_slide().qr_text is not None, timeout=WAIT_MS)
    code = companion.join_code(workspace, session_id, wall())
    assert console.current_slide().qr_text == companion.join_address("127.0.0.1", 8800, code.code)
    assert "changes every 20 seconds" in console.current_slide().body
    # A timer set for the moment the code turns, not a look every second.
    timer = console.phones.code_timer
    due_ms = (code.changes_at - wall()).total_seconds() * 1000
    assert timer.isActive() and abs(timer.interval() - due_ms) <= 100
    shown = []
    console.slide_changed.connect(shown.append)
    wall.now = code.changes_at + timedelta(milliseconds=10)
    timer.timeout.emit()
    turned = companion.join_code(workspace, session_id, wall()).code
    assert shown and shown[-1].qr_text.endswith(turned) and turned != code.code
    assert timer.isActive() and timer.interval() <= 20_000 + 100
    console.toggle_checkin()  # back to the segment: no code on screen, no timer
    assert console.current_slide().qr_text is None and not timer.isActive()


def test_the_projector_shows_a_qr_code_that_holds_the_join_address(qtbot, phones_console) -> None:
    console = phones_console
    console.toggle_checkin()
    start_on(qtbot, console)
    qtbot.waitUntil(lambda: console.current_slide().qr_text is not None, timeout=WAIT_MS)
    window = console.link.toggle()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.slide.qr_text is not None, timeout=WAIT_MS)
    pixels = grey_array(window.grab().toImage())
    found = zxingcpp.read_barcodes(np.ascontiguousarray(pixels), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [f.text for f in found] == [window.slide.qr_text]
    assert window.composition().qr.height() >= 0.4 * window.height()


def test_closing_the_console_or_sealing_the_session_stops_phones(qtbot, phones_console, fake_start, workspace,
                                                                 session_id) -> None:
    console = phones_console
    start_on(qtbot, console)
    qtbot.waitUntil(lambda: console.phones.running is not None, timeout=WAIT_MS)
    close_session(workspace, session_id, signer(workspace, create_as="Jordan Ellis"))
    console._store_changed()  # as the store watch says it, within half a second
    assert fake_start.servers[0].stopped and console.phones.running is None
    assert not console.shortcuts["Phones"].isEnabled()  # a sealed session takes no more phones


def test_the_console_stops_phones_when_it_closes(qtbot, phones_console, fake_start) -> None:
    start_on(qtbot, phones_console)
    qtbot.waitUntil(lambda: phones_console.phones.running is not None, timeout=WAIT_MS)
    phones_console.shut()
    assert fake_start.servers[0].stopped


# --- warnings at the desk ---------------------------------------------------------------------------------------

def test_a_small_drift_is_no_jump_but_a_jumped_clock_is_and_the_code_is_drawn_again(qtbot, phones_console,
                                                                                   clocks: Clocks, wall) -> None:
    console = phones_console
    console.toggle_checkin()
    start_on(qtbot, console)
    qtbot.waitUntil(lambda: console.phones.running is not None, timeout=WAIT_MS)
    notices = console.checkin.notices
    clocks.tick(60, wall_jump=CLOCK_JUMP_S - 1)  # a time server's nudge: nothing to say
    console.phones.watch.look()
    assert not notices.isVisible()
    clocks.tick(2, wall_jump=-3600)
    wall.now -= timedelta(hours=1)  # the console's own wall clock went back with it
    console.phones.watch.look()
    assert notices.isVisible() and "1 hour back" in notices.text.text()
    assert "phones that joined before may be refused" in notices.text.text()
    assert console.current_slide().qr_text.endswith(console.presenter.join_address().rsplit("/", 1)[1])
    assert console.phones.code_timer.isActive()
    qtbot.mouseClick(notices.dismiss_button, Qt.MouseButton.LeftButton)
    assert not notices.isVisible()


def test_an_address_that_leaves_the_laptop_is_a_warning_until_it_comes_back(qtbot, phones_console,
                                                                            clocks: Clocks) -> None:
    console = phones_console
    start_on(qtbot, console, host="127.0.0.1")
    qtbot.waitUntil(lambda: console.phones.running is not None, timeout=WAIT_MS)
    notices = console.checkin.notices
    clocks.hosts.discard("127.0.0.1")
    clocks.tick(2)
    console.phones.watch.look()
    assert "127.0.0.1 is not one of its addresses" in notices.text.text() and "Ctrl+Shift+P" in notices.text.text()
    assert "Phones can no longer reach" in console.message.text()
    clocks.hosts.add("127.0.0.1")
    clocks.tick(2)
    console.phones.watch.look()
    assert notices.notices() == {} and not notices.isVisible()


def test_the_watch_looks_on_its_own_timer_only_while_phones_run(qtbot, clocks: Clocks) -> None:
    watch = PhonesWatch(wall=lambda: clocks.wall, monotonic=lambda: clocks.monotonic, hosts=lambda: clocks.hosts,
                        interval_ms=20)
    lost = []
    watch.address_lost.connect(lost.append)
    clocks.hosts.clear()
    assert not watch.timer.isActive()
    watch.watch("192.0.2.2")
    qtbot.waitUntil(lambda: lost == ["192.0.2.2"], timeout=WAIT_MS)
    for _ in range(3):
        watch.look()
    assert lost == ["192.0.2.2"]  # said once, however often it looks
    watch.watch(None)
    assert not watch.timer.isActive()


@pytest.mark.parametrize(("seconds", "words"), [(300, "5 minutes forward"), (-3600, "1 hour back"),
                                                (12, "12 seconds forward"), (-7200, "2 hours back")])
def test_how_far_the_clock_jumped_in_words(seconds: float, words: str) -> None:
    assert phones_module.jump_words(seconds) == words
