"""The demo workshop run end to end from the keyboard on a real X display (Xvfb), keys sent by xdotool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).with_name("drive_demo.py")


@pytest.mark.slow
def test_a_trainer_runs_the_demo_from_the_keyboard(tmp_path: Path) -> None:
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, str(DRIVER),
                           "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr + (tmp_path / "demo-app.log").read_text()
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["checked_in"] == 13  # twelve at the door and a latecomer scanned in mid-session
    assert result["tallies"] == {"scenario-out-of-town-job": [2, 3, 14, 1]}  # counts typed from the keyboard
    assert result["revealed"] == ["scenario-out-of-town-job"]
    assert result["role_groups"] and result["role_groups"][0] >= 1
    assert result["segments_run"] >= 11
    assert result["status"] == "sealed"
