"""Run the demo workshop end to end from the keyboard, as a trainer would, on a real X display.

Run it under `xvfb-run` (tests/e2e/test_keyboard_demo.py does): it starts `facilitator demo`, and with
`xdotool` checks people in by typing their badge codes as a USB scanner does, opens the audience window, starts
and advances segments, counts a vote's hands and reveals them, assigns a role-play, and closes and seals the
session. Only keys are sent, never mouse clicks. With `--shots DIR` it also saves screenshots of both windows.
It prints one JSON line describing what the data folder holds afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PEOPLE_TO_CHECK_IN = 12


def xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout.strip()


def key(*names: str, pause: float = 0.35) -> None:
    for name in names:
        xdo("key", "--clearmodifiers", name)
        time.sleep(pause)


def scan(code: str) -> None:
    """A USB scanner: the characters a few milliseconds apart, then Enter."""
    xdo("type", "--delay", "4", code)
    xdo("key", "Return")
    time.sleep(0.4)


def window(name: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], capture_output=True, text=True)
        if found.stdout.strip():
            return found.stdout.split()[0]
        time.sleep(0.3)
    raise SystemExit(f"no window named {name!r} appeared within {timeout:.0f} s")


def shot(shots: Path | None, name: str, window_id: str = "root") -> None:
    if shots is not None:
        time.sleep(0.5)
        subprocess.run(["import", "-window", window_id, str(shots / f"{name}.png")], check=True)


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
            key("F7")
            focus(self.main)

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
    time.sleep(2)  # the console opens once the window has painted and the data folder is open
    focus(main)
    camera = Camera(shots, main)
    camera.console("01-console-checkin-open")
    for code in codes[:PEOPLE_TO_CHECK_IN]:
        scan(code)
    camera.console("02-checked-in")
    key("F7")  # the audience window
    camera.audience = window("Audience")
    focus(main)
    camera.projector("03-audience-checkin")
    key("Next")  # Page Down: the first segment starts (and the desk gives way to the console)
    camera.console("04-first-segment")
    camera.projector("05-audience-first-segment")
    key("Next", "Next")  # the second segment, then the scenario
    key("Next")  # the scenario's vote
    camera.projector("06-audience-vote")
    key("ctrl+t")  # into the first count box
    for count in ("2", "3", "14", "1"):
        xdo("type", "--delay", "120", count)
        key("Tab", pause=0.2)
    key("Next")  # reveal
    camera.console("07-console-revealed")
    camera.projector("08-audience-results")
    for _ in range(20):  # on to the role-play, a segment at a time
        key("ctrl+Next")
        if _current_kind(data_dir, session_id) in ("role-play", None):
            break
    key("ctrl+g")  # assign parts among those present
    camera.console("09-console-role-play")
    key("Next")  # round 1
    camera.projector("10-audience-round")
    scan(codes[PEOPLE_TO_CHECK_IN])  # a latecomer, scanned in mid-session from the console
    key("ctrl+Next")  # on to the knowledge check
    key("Next")
    camera.projector("11-audience-question")
    key("ctrl+End")  # end the segment
    key("F7")  # put the projector away
    key("ctrl+shift+s")  # Close and seal…
    time.sleep(1.5)
    shot(shots, "12-close-dialog") if shots else None
    key("alt+s", pause=3)  # Seal the record
    key("Escape")  # not writing the documents now: `facilitator certificates` can, later


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
        time.sleep(1)
    finally:
        app.terminate()
        app.wait(timeout=30)
        log.close()
    print(json.dumps(outcome(args.data_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
