"""The issue's whole journey (17, "Done when"): the console starts the phones' server on loopback, the audience
window shows the check-in QR code, a picture of that window is decoded by zbar (as a phone's camera would read the
projector), and Debian's chromium, as the phone, opens the address, checks a person in and votes — while the
console's count of who is in the room and the phones' tally beside the counted hands change on their own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page

from facilitator.domain.segment_kinds import vote_at
from facilitator.services.sessions import get_session
from facilitator.services.slides import SlideKind
from facilitator.ui.console.view import ConsoleView
from tests.browser import Phone
from tests.gui.waiting import WAIT_MS
from tests.unit.test_documents_pdf import tool

from ..test_console import OUT_OF_TOWN, page_down, start_from_agenda

pytestmark = pytest.mark.slow
LOOPBACK = "127.0.0.1"
WITHIN_MS = 5000  # the console notices another connection's commit within a second or two; a busy machine, more


def read_projected_code(qtbot, console: ConsoleView, folder: Path) -> str:
    """What a phone's camera reads off the projector: the audience window's picture, decoded by zbarimg."""
    zbarimg = tool("zbarimg")  # fails, never skips, without it: it is in .ci/run's packages
    window = console.link.toggle()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.slide is not None and window.slide.qr_text is not None, timeout=WAIT_MS)
    picture = folder / "projector-checkin.png"
    assert window.grab().save(str(picture))
    done = subprocess.run([zbarimg, "--quiet", "--raw", str(picture)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def tap(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name).tap()  # type: ignore[arg-type]


def test_a_phone_reads_the_projector_checks_in_and_votes_while_the_console_follows(
        qtbot, live_console, workspace, session_id, new_phone, tmp_path) -> None:
    console = live_console
    person = get_session(workspace, session_id).roster[5]
    console.toggle_checkin()
    running = console.phones.start(LOOPBACK, 0)
    try:
        address = read_projected_code(qtbot, live_console, tmp_path)
        assert address == console.current_slide().qr_text
        assert address.startswith(f"http://{LOOPBACK}:{running.port}/j/")
        present = console.checkin.report.in_room

        phone: Phone = new_phone()
        page = phone.page
        page.goto(address)
        page.wait_for_url(f"http://{LOOPBACK}:{running.port}/here")
        tap(page, "Check in", "link")
        page.get_by_label("Your first and last name, or your employee id").fill(person.full_name)
        tap(page, "Find me")
        tap(page, f"I am {person.first_name} {person.last_name[0]}.")
        assert "Checked in" in page.locator("h1").inner_text()
        qtbot.waitUntil(lambda: console.checkin.report.in_room == present + 1, timeout=WITHIN_MS)
        assert f"{present + 1} of" in console.count_label.text()

        console.toggle_checkin()  # back to the segment, then on to the scenario's vote
        start_from_agenda(qtbot, live_console, OUT_OF_TOWN)
        page_down(qtbot)
        assert console.current_slide().kind is SlideKind.VOTE
        page.goto(f"http://{LOOPBACK}:{running.port}/here")
        tap(page, "Answer the question on the screen", "link")
        tap(page, vote_at(console.run.segment(OUT_OF_TOWN), 0).options[2])
        assert "Your answer is counted" in page.locator("main").inner_text()
        qtbot.waitUntil(lambda: console.vote_panel.phones == (0, 0, 1, 0), timeout=WITHIN_MS)
        assert "+ 1 by phone" in console.vote_panel.phone_labels[2].text()
        page_down(qtbot)  # the reveal: the phone's vote joins the hands in the tally the room sees
        qtbot.waitUntil(lambda: console.current_slide().kind is SlideKind.RESULTS, timeout=WAIT_MS)
        assert console.current_slide().counts is None  # one answer: a total only, never per option
        assert console.run.delivery.run_of(OUT_OF_TOWN).tallies[0] == (0, 0, 1, 0)
        assert phone.blocked == [] and phone.errors == []
    finally:
        console.phones.stop()
