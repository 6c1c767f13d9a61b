"""Nothing confirmed is ever lost: a process killed in the middle of a burst of check-ins keeps every
check-in it confirmed, and leaves a database that passes SQLite's integrity check and our chain check."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from facilitator.domain.roster import Person
from facilitator.services import attendance
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.workspace import open_workspace
from facilitator.storage.database import DATABASE_NAME

DRIVER = Path(__file__).with_name("burst_driver.py")
BURST = 400  # long enough that the kill lands well before the end


def start_burst(data_dir: Path, session_id: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, str(DRIVER), str(data_dir), session_id], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_after", [1, 17, 60])
def test_a_burst_killed_midway_loses_nothing_it_confirmed(tmp_path: Path, kill_after: int) -> None:
    data_dir = tmp_path / "data"
    ws = open_workspace(data_dir)
    session = create_session(ws, workshop_id="harassment-prevention-employees", on=date.today(), start="00:00",
                             location="Hall", trainer="Sam Lee", jurisdictions=["none"])
    add_people(ws, session.id, [Person(f"Person{i}", "Tester") for i in range(BURST)])
    codes = [p.badge_code for p in get_session(ws, session.id).roster]
    ws.close()

    proc = start_burst(data_dir, session.id)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(f"{c}\n" for c in codes))  # the whole burst queued at once, as a fast scanner would
    proc.stdin.flush()
    confirmed = [proc.stdout.readline().split()[-1] for _ in range(kill_after)]
    os.kill(proc.pid, signal.SIGKILL)  # mid-burst: more scans are queued and one may be mid-commit
    proc.wait(timeout=30)
    proc.stdout.close()
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()
    assert proc.returncode == -signal.SIGKILL

    db = sqlite3.connect(data_dir / DATABASE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    ws = open_workspace(data_dir)
    try:
        in_room = {r.person.badge_code for r in attendance.attendance_report(ws, session.id).rows if r.is_in}
        assert set(confirmed) <= in_room
        assert len(in_room) < BURST, "the burst finished before the kill; the test proved nothing"
        assert attendance.verify_attendance(ws, session.id).intact
        # The killed process left nothing half-done that stops the next check-in.
        assert attendance.check_in(ws, session.id, codes[-1]).accepted
    finally:
        ws.close()
