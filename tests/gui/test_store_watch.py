"""Views in step with the store: a change made anywhere (the command line, the console's own desk, a second
process) shows in every open view within a second or two, with no refresh pushed by hand."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from facilitator.domain.attendance import Source
from facilitator.domain.changes import ChangeKind, Changes
from facilitator.services import attendance, delivery
from facilitator.services import sessions as session_service
from facilitator.services.closing import close_session
from facilitator.services.identity import signer
from facilitator.services.slides import SlideKind
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
    with qtbot.waitSignal(watch.changed, timeout=WITHIN_MS) as blocker:
        pass
    changes = blocker.args[0]
    created = session_service.list_sessions(workspace)[0].id
    assert changes.touches(created, ChangeKind.SESSION) and not changes.touches(created, ChangeKind.ATTENDANCE)
    assert not changes.touches("SOMEONE2", ChangeKind.SESSION)
    assert not watch.look(), "said once, not again until the next commit"
    watch.stop()


def test_the_watch_says_which_session_and_what_changed(qtbot, demo_window, data_dir) -> None:
    win, session_id = demo_window
    seen: list[Changes] = []
    win.store_watch.changed.connect(seen.append)
    other = open_workspace(data_dir)
    attendance.check_in(other, session_id, codes(other, session_id)[0])
    delivery.advance(other, session_id)
    other.close()
    qtbot.waitUntil(lambda: any(c.touches(session_id, ChangeKind.DELIVERY) for c in seen), timeout=WITHIN_MS)
    assert any(c.touches(session_id, ChangeKind.ATTENDANCE) for c in seen)
    assert not any(c.touches(session_id, ChangeKind.SEAL, ChangeKind.ROSTER) for c in seen)


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
    refreshed: list[int] = []
    original = console.checkin.refresh
    console.checkin.refresh = lambda: (refreshed.append(1), original())[1]
    console.checkin.scan(codes(win._ws, session_id)[0], Source.SCANNER)
    assert console.checkin.count.text().startswith("1 of 24")
    assert desk.count.text().startswith("1 of 24"), "the other desk follows at once, not at the next look"
    assert len(refreshed) == 1, "the scanning desk refreshed once, not once for the scan and again for the watch"
    assert not win.store_watch.look()


def test_the_console_follows_steps_taken_at_the_command_line(qtbot, demo_window, data_dir) -> None:
    win, session_id = demo_window
    console = win.open_console(session_id)
    qtbot.waitExposed(console)
    for words, segment, step in ((["run", "next"], "welcome", 0), (["run", "next"], "what-harassment-is", 0),
                                 (["run", "next"], "scenario-out-of-town-job", 0),
                                 (["run", "step"], "scenario-out-of-town-job", 1)):
        done = subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *words, session_id],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        qtbot.waitUntil(lambda s=segment, n=step: (console.run.delivery.current, console.stage_index) == (s, n),
                        timeout=WITHIN_MS)
    assert console.stage_label.text() == "Step 2 of 3: Vote" and console.current_slide().kind is SlideKind.VOTE


def test_a_session_sealed_elsewhere_turns_the_open_consoles_steps_off(qtbot, demo_window, data_dir) -> None:
    win, session_id = demo_window
    console = win.open_console(session_id)
    other = open_workspace(data_dir)
    attendance.check_in(other, session_id, codes(other, session_id)[0])
    close_session(other, session_id, signer(other, create_as="Sam Lee"))
    other.close()
    qtbot.waitUntil(lambda: "This session is sealed" in console.message.text(), timeout=WITHIN_MS)
    qtbot.waitUntil(lambda: win.sessions_view.sessions.rows()[0].status == "sealed", timeout=WITHIN_MS)

