"""Views in step with the store: a change made anywhere (the command line, the console's own desk, a second
process) shows in every open view within a second or two, with no refresh pushed by hand."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from facilitator.domain.attendance import Source
from facilitator.services import attendance
from facilitator.services import sessions as session_service
from facilitator.services.closing import close_session
from facilitator.services.identity import signer
from facilitator.services.workspace import open_workspace
from facilitator.ui.store_watch import StoreWatch

WITHIN_MS = 2000


def codes(workspace, session_id: str) -> list[str]:
    return [p.badge_code for p in session_service.get_session(workspace, session_id).roster]


def test_the_watch_says_changed_once_per_commit_from_any_connection(qtbot, workspace, data_dir) -> None:
    watch = StoreWatch(workspace, interval_ms=50)
    assert not watch.look()
    other = open_workspace(data_dir)  # a second process's connection, as the command line opens it
    session_service.create_session(other, workshop_id="allyship", on=date.today(), start="09:00",
                                   location="Hall", trainer="Sam Lee", jurisdictions=["none"])
    other.close()
    with qtbot.waitSignal(watch.changed, timeout=WITHIN_MS):
        pass
    assert not watch.look(), "said once, not again until the next commit"
    watch.stop()


def test_a_check_in_at_the_command_line_shows_at_the_open_desk(qtbot, demo_window, data_dir) -> None:
    win, session_id = demo_window
    desk = win.open_checkin(session_id)
    assert desk.count.text().startswith("0 of 24")
    code = codes(win._ws, session_id)[0]
    done = subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), "checkin", session_id,
                           "--code", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: desk.count.text().startswith("1 of 24"), timeout=WITHIN_MS)


def test_a_check_in_at_the_consoles_desk_shows_on_the_check_in_tab(qtbot, demo_window) -> None:
    win, session_id = demo_window
    desk = win.open_checkin(session_id)
    console = win.open_console(session_id, checkin=True)
    console.checkin.scan(codes(win._ws, session_id)[0], Source.SCANNER)
    assert console.checkin.count.text().startswith("1 of 24")
    qtbot.waitUntil(lambda: desk.count.text().startswith("1 of 24"), timeout=WITHIN_MS)


def test_a_session_sealed_elsewhere_turns_the_open_consoles_steps_off(qtbot, demo_window, data_dir) -> None:
    win, session_id = demo_window
    console = win.open_console(session_id)
    other = open_workspace(data_dir)
    attendance.check_in(other, session_id, codes(other, session_id)[0])
    close_session(other, session_id, signer(other, create_as="Sam Lee"))
    other.close()
    qtbot.waitUntil(lambda: "This session is sealed" in console.message.text(), timeout=WITHIN_MS)
    qtbot.waitUntil(lambda: win.sessions_view.sessions.rows()[0].status == "sealed", timeout=WITHIN_MS)

