"""The console with the real phones' server (facilitator.companion), on the loopback address only: started from
the console on a free port, its join address on the check-in slide opens the join page, and stopping it lets go
of the port; a port another program holds is refused in the dialog with the server's own reason."""

from __future__ import annotations

import contextlib
import http.client
import socket
import urllib.parse

import pytest
from PySide6.QtCore import Qt

from facilitator.services import companion
from tests.gui.waiting import WAIT_MS

LOOPBACK = "127.0.0.1"  # never any other address: this machine only


def fetch(url: str) -> tuple[int, str]:
    """GET `url` on this machine, without following a redirect: the status and where it sends the phone."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname == LOOPBACK
    connection = http.client.HTTPConnection(LOOPBACK, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Location") or ""
    finally:
        connection.close()


def test_the_console_starts_the_real_server_on_a_free_port_and_stops_it(qtbot, live_console, workspace,
                                                                        session_id) -> None:
    console = live_console
    console.toggle_checkin()
    running = console.phones.start(LOOPBACK, 0)
    try:
        assert running.host == LOOPBACK and running.port > 0  # the port the system gave it, not 0
        address = console.current_slide().qr_text
        assert address.startswith(f"http://{LOOPBACK}:{running.port}/j/")
        code = address.rsplit("/", 1)[1]
        assert companion.code_accepted(workspace, session_id, code)
        # The QR code's address lets the phone in (a pass, then on to the page of what it can do); an old code
        # would be "This code has expired" (403).
        assert fetch(address) == (303, "/here")
    finally:
        console.phones.stop()
    assert console.current_slide().qr_text is None
    with pytest.raises(ConnectionError):  # the port is let go
        fetch(f"http://{LOOPBACK}:{running.port}/")


def test_a_port_another_program_holds_is_refused_with_the_servers_reason(qtbot, live_console) -> None:
    console = live_console
    dialog = console.phones.open_dialog()
    with contextlib.closing(hold_a_port(dialog.port.minimum(), dialog.port.maximum())) as taken:
        port = taken.getsockname()[1]
        dialog.addresses.setCurrentIndex(dialog.addresses.findData(LOOPBACK))
        dialog.port.setValue(port)
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT_MS)
        assert str(port) in dialog.error.text() and console.phones.running is None
        dialog.close()


def hold_a_port(lowest: int, highest: int) -> socket.socket:
    """A listening socket on the first free loopback port the dialog accepts (another program, to the server)."""
    for port in range(lowest, highest + 1):
        taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            taken.bind((LOOPBACK, port))
        except OSError:
            taken.close()
            continue
        taken.listen()
        return taken
    raise AssertionError(f"no free loopback port from {lowest} to {highest}")

