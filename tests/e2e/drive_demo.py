"""Run the demo workshop end to end from the keyboard, as a trainer would, on a real X display.

Run it under `xvfb-run` (tests/e2e/test_keyboard_demo.py does): it starts `facilitator demo`, and with
`xdotool` checks people in by typing their badge codes as a USB scanner does, opens the audience window, starts
and advances segments, counts a vote's hands and reveals them, assigns a role-play, and closes and seals the
session. Only keys are sent, never mouse clicks. With `--shots DIR` it also saves screenshots of both windows.
It prints one JSON line describing what the data folder holds afterwards.

After each key that should change the record, the driver waits for the change to reach the database (read
through a read-only connection) rather than for a fixed time, so it keeps in step on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PEOPLE_TO_CHECK_IN = 12


def xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout.strip()


def key(*names: str, pause: float = 0.15) -> None:
    """Keys as a trainer presses them, a moment apart (what they change is waited for, not this pause)."""
    for name in names:
        xdo("key", "--clearmodifiers", name)
        time.sleep(pause)


def scan(code: str) -> None:
    """A USB scanner: the characters a few milliseconds apart, then Enter."""
    xdo("type", "--delay", "4", code)
    xdo("key", "Return")


class Record:
    """The demo's data folder as the app leaves it, read-only, so the driver never races the app's writes."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def query(self, sql: str, *args: object) -> list[tuple]:
        for path in self.data_dir.glob("*.sqlite"):
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
                try:
                    return db.execute(sql, args).fetchall()
                finally:
                    db.close()
            except sqlite3.Error:  # not created yet, or busy for longer than the timeout
                continue
        return []

    def count(self, sql: str, *args: object) -> int:
        rows = self.query(sql, *args)
        return int(rows[0][0]) if rows else 0

    def checked_in(self, session: str) -> int:
        return self.count("SELECT COUNT(DISTINCT roster_entry_id) FROM attendance_events "
                          "WHERE session_id = ? AND kind = 'check-in'", session)

    def steps(self, session: str, kind: str | None = None) -> int:
        if kind is None:
            return self.count("SELECT COUNT(*) FROM delivery_events WHERE session_id = ?", session)
        return self.count("SELECT COUNT(*) FROM delivery_events WHERE session_id = ? AND kind = ?", session, kind)

    def sealed(self, session: str) -> bool:
        return self.count("SELECT COUNT(*) FROM session_seals WHERE session_id = ?", session) > 0


def until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Wait for `condition` to hold, polling; fail naming `what` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def scan_until_counted(record: Record, session: str, code: str, expected: int, timeout: float = 60) -> None:
    """Scan, and scan again if the app was not listening yet: a second scan of someone already here changes
    nothing (the desk says they are here), so repeating is safe."""
    deadline = time.monotonic() + timeout
    while record.checked_in(session) < expected:
        if time.monotonic() > deadline:
            raise SystemExit(f"the scan of person {expected} was never recorded")
        scan(code)
        wait_until = time.monotonic() + 3
        while record.checked_in(session) < expected and time.monotonic() < wait_until:
            time.sleep(0.1)


def window(name: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True, text=True)
        if found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(0.3)
    raise SystemExit(f"no window named {name!r} appeared within {timeout:.0f} s")


def focused(window_id: str) -> bool:
    """Whether X gives the keyboard to `window_id` now (no window manager here: Qt's own focus request decides)."""
    found = subprocess.run(["xdotool", "getwindowfocus"], capture_output=True, text=True)
    return found.stdout.strip() == window_id


GRAB = """import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
window = 0 if sys.argv[1] == "root" else int(sys.argv[1])
sys.exit(0 if app.primaryScreen().grabWindow(window).save(sys.argv[2]) else 1)
"""


def shot(shots: Path | None, name: str, window_id: str = "root") -> None:
    """A screenshot of one window (or the whole screen), taken by Qt from the same X display: no ImageMagick."""
    if shots is not None:
        time.sleep(0.5)
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        subprocess.run([sys.executable, "-c", GRAB, window_id, str(shots / f"{name}.png")], check=True, env=env)


def demo_codes(data_dir: Path, timeout: float = 60) -> tuple[str, list[str]]:
    """The demo session's id and its people's badge codes, once the app has created them.

    Read through a read-only SQLite connection, so the driver never races the app creating its database."""
    from facilitator.domain.ids import badge_payload

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in data_dir.glob("*.sqlite"):
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                rows = db.execute("SELECT session_id, badge_token FROM roster_entries ORDER BY id").fetchall()
                db.close()
            except sqlite3.Error:  # not created yet
                continue
            if len(rows) > PEOPLE_TO_CHECK_IN:
                return rows[0][0], [badge_payload(session, token) for session, token in rows]
        time.sleep(0.5)
    raise SystemExit("the demo session never appeared")


def focus(window_id: str) -> None:
    """Give the window the keyboard (Xvfb has no window manager, so no activation, just X focus)."""
    xdo("windowfocus", "--sync", window_id)


class Camera:
    """Screenshots of each window on its own: the audience full screen, the console with the audience put away."""

    def __init__(self, folder: Path | None, main: str) -> None:
        self.folder, self.main, self.audience = folder, main, ""

    def console(self, name: str) -> None:
        if self.folder is None:
            return
        if self.audience:
            key("F7")
        shot(self.folder, name, self.main)
        if self.audience:
            key("F7")  # the keyboard stays with the console: no focus given back

    def projector(self, name: str) -> None:
        if self.folder is None or not self.audience:
            return
        focus(self.audience)
        key("F11", pause=0.8)  # full screen, as on a projector
        shot(self.folder, name)
        key("F11")
        focus(self.main)


def drive(data_dir: Path, shots: Path | None) -> None:
    main = window("Facilitator")
    session_id, codes = demo_codes(data_dir)
    record = Record(data_dir)
    focus(main)
    # The console opens once the window has painted and the data folder is open: the first scan is repeated
    # until the app has recorded it, which is the sign it is listening.
    scan_until_counted(record, session_id, codes[0], 1)
    camera = Camera(shots, main)
    camera.console("01-console-checkin-open")
    for number, code in enumerate(codes[1:PEOPLE_TO_CHECK_IN], start=2):
        scan(code)
        until(lambda n=number: record.checked_in(session_id) >= n, f"check-in {number}")
    camera.console("02-checked-in")
    key("F7")  # the audience window; the keyboard stays with the console (no window manager here to give it back)
    camera.audience = window("Audience")
    camera.projector("03-audience-checkin")
    step(record, session_id, "Next", "started", 1)  # Page Down: the first segment starts, the desk gives way
    camera.console("04-first-segment")
    camera.projector("05-audience-first-segment")
    step(record, session_id, "Next", "started", 2)  # the second segment
    step(record, session_id, "Next", "started", 3)  # the scenario
    key("Next")  # the scenario's vote (a step on screen only: nothing is recorded)
    camera.projector("06-audience-vote")
    key("ctrl+t")  # into the first count box
    for count in ("2", "3", "14", "1"):
        xdo("type", "--delay", "60", count)
        key("Tab")
    step(record, session_id, "Next", "revealed", 1)  # reveal (the counts are recorded with it)
    camera.console("07-console-revealed")
    camera.projector("08-audience-results")
    for _ in range(20):  # on to the role-play, a segment at a time
        started = record.steps(session_id, "started")
        key("ctrl+Next")
        until(lambda s=started: record.steps(session_id, "started") > s, "the next segment to start")
        if _current_kind(data_dir, session_id) == "role-play":
            break
    step(record, session_id, "ctrl+g", "roles", 1)  # assign parts among those present
    camera.console("09-console-role-play")
    key("Next")  # round 1
    camera.projector("10-audience-round")
    scan(codes[PEOPLE_TO_CHECK_IN])  # a latecomer, scanned in mid-session from the console
    until(lambda: record.checked_in(session_id) > PEOPLE_TO_CHECK_IN, "the latecomer's check-in")
    started = record.steps(session_id, "started")
    key("ctrl+Next")  # on to the knowledge check
    until(lambda: record.steps(session_id, "started") > started, "the knowledge check to start")
    key("Next")
    camera.projector("11-audience-question")
    step(record, session_id, "ctrl+End", "ended", record.steps(session_id, "ended") + 1)  # end the segment
    key("F7")  # put the projector away
    key("ctrl+shift+s")  # Close and seal…
    dialog = window("Close and seal")
    # A trainer types once the dialog is in front: keys sent before it has the keyboard would reach the window
    # behind it (where Alt+S is the Sessions tab), so wait until it has it, as they would.
    until(lambda: focused(dialog), "the close dialog to have the keyboard")
    shot(shots, "12-close-dialog") if shots else None
    key("alt+s")  # Seal the record
    until(lambda: record.sealed(session_id), "the seal", timeout=120)
    key("Escape")  # not writing the documents now: `facilitator certificates` can, later


def step(record: Record, session: str, name: str, kind: str, expected: int) -> None:
    """Press `name` and wait until the delivery log holds `expected` steps of `kind`."""
    key(name)
    until(lambda: record.steps(session, kind) >= expected, f"{name} to record step '{kind}' number {expected}")


def _current_kind(data_dir: Path, session_id: str) -> str | None:
    from facilitator.services.delivery import session_run
    from facilitator.services.workspace import open_workspace

    ws = open_workspace(data_dir)
    try:
        run = session_run(ws, session_id)
        current = run.delivery.current
        return None if current is None else run.segment(current).type
    finally:
        ws.close()


def outcome(data_dir: Path) -> dict[str, object]:
    from facilitator.services.attendance import attendance_report
    from facilitator.services.delivery import session_run
    from facilitator.services.sessions import list_sessions
    from facilitator.services.workspace import open_workspace

    ws = open_workspace(data_dir)
    try:
        session = list_sessions(ws)[0]
        run = session_run(ws, session.id)
        report = attendance_report(ws, session.id)
        runs = run.delivery.runs
        return {"session": session.id, "status": session.status,
                "checked_in": sum(1 for r in report.rows if r.first_in is not None),
                "segments_run": sum(1 for r in runs if r.spans),
                "tallies": {r.segment.id: list(r.tallies.get(0, ())) for r in runs if r.tallies},
                "revealed": [r.segment.id for r in runs if r.revealed],
                "role_groups": [len(r.role_rounds[-1].groups) for r in runs if r.role_rounds]}
    finally:
        ws.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args()
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(args.data_dir)}
    env.pop("QT_QPA_PLATFORM", None)  # a real X display, not offscreen
    log = open(args.data_dir.parent / "demo-app.log", "w")  # noqa: SIM115 - held open while the app runs
    app = subprocess.Popen([sys.executable, "-m", "facilitator", "demo"], env=env, stdout=log, stderr=log)
    try:
        drive(args.data_dir, args.shots)
    finally:
        app.terminate()
        app.wait(timeout=30)
        log.close()
    print(json.dumps(outcome(args.data_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
