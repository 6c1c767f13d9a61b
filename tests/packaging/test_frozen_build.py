"""Build the one-folder app with PyInstaller and run the frozen program as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
from build import build  # noqa: E402


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("pyinstaller")
    return build(where / "dist", where / "work")


def run(program: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(program), *args], capture_output=True, text=True, timeout=120, env=env, check=False)


@pytest.mark.slow
def test_the_frozen_program_checks_content_and_creates_sessions(frozen: Path, tmp_path: Path) -> None:
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(tmp_path)}
    checked = run(frozen, "content", "check", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "no problems" in checked.stdout and "harassment-prevention-supervisors" in checked.stdout
    created = run(frozen, "session", "create", "--workshop", "allyship", "--date", "2026-12-01", "--start", "09:00",
                  "--location", "Depot", "--trainer", "Sam", "--jurisdiction", "none", env=env)
    assert created.returncode == 0, created.stderr
    listed = run(frozen, "session", "list", env=env)
    assert created.stdout.strip() in listed.stdout


@pytest.mark.slow
def test_the_frozen_demo_runs_offscreen(frozen: Path, tmp_path: Path) -> None:
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([str(frozen), "demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    assert (tmp_path / "facilitator.sqlite").is_file(), "the demo created its session in the data folder"
