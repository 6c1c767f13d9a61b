"""Build the one-folder app with PyInstaller and run the frozen program as a user would."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, timedelta
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
        # Wait for the condition (the demo's session in its store, the program still running), not for a time:
        # on a busy machine the frozen program takes far longer than usual to unpack and open.
        deadline = time.monotonic() + 120
        while not _has_a_session(tmp_path / "facilitator.sqlite") and proc.poll() is None:
            assert time.monotonic() < deadline, "the frozen demo made no session in 120 s"
            time.sleep(0.1)  # polling the store; the condition, not the time, ends the wait
        assert proc.poll() is None, proc.communicate()[1]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err


def _has_a_session(store: Path) -> bool:
    """Whether the store exists and holds a session (read-only, so the running program's writes are not disturbed)."""
    if not store.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("SELECT count(*) FROM training_sessions").fetchone()[0] > 0
    except sqlite3.Error:  # not made yet, or its tables not yet created
        return False


def yesterday() -> date:
    return date.today() - timedelta(days=1)

@pytest.mark.slow
def test_the_frozen_program_imports_a_roster_prints_badges_and_checks_in(frozen: Path, tmp_path: Path) -> None:
    """The parts with native code or data files of their own: openpyxl, ReportLab's fonts, the QR encoder."""
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(tmp_path / "data")}
    # Yesterday: the whole session lies in the past whatever the time now (just after midnight, a session at 00:00
    # today would still be running, and no one would have been there long enough).
    created = run(frozen, "session", "create", "--workshop", "allyship", "--date", yesterday().isoformat(),
                  "--start", "00:00", "--location", "Depot", "--trainer", "Sam", "--jurisdiction", "none", env=env)
    session_id = created.stdout.strip()
    roster = tmp_path / "roster.csv"
    roster.write_bytes("Employee ID;First name;Last name\r\nE1;Zoë;O'Neil\r\n".encode("cp1252"))
    imported = run(frozen, "roster", "import", session_id, str(roster), env=env)
    assert imported.returncode == 0, imported.stderr
    badges = run(frozen, "badges", session_id, "--out", str(tmp_path / "badges.pdf"), env=env)
    assert badges.returncode == 0, badges.stderr
    assert (tmp_path / "badges.pdf").read_bytes().startswith(b"%PDF")
    listed = run(frozen, "roster", "list", session_id, "--json", env=env)
    code = json.loads(listed.stdout)[0]["badge_code"]
    checked = run(frozen, "checkin", session_id, "--code", code, "--at", "00:01", env=env)
    assert checked.returncode == 0 and "Welcome, Zoë O'Neil" in checked.stdout, checked.stderr
    verified = run(frozen, "attendance", "verify", session_id, env=env)
    assert verified.returncode == 0, verified.stderr
    # Sealing and certificates: cryptography, pyHanko and the certificate renderer, frozen.
    assert run(frozen, "settings", "set", "organisation", "Depot Ltd", env=env).returncode == 0
    closed = run(frozen, "session", "close", session_id, env=env)
    assert closed.returncode == 0 and "Sealed session" in closed.stdout, closed.stderr
    made = run(frozen, "certificates", session_id, "--out", str(tmp_path / "certs"), env=env)
    assert made.returncode == 0, made.stderr
    [certificate] = (tmp_path / "certs").glob("*.pdf")
    checked = run(frozen, "verify", str(certificate), env=env)
    assert checked.returncode == 0 and "valid" in checked.stdout, checked.stderr


@pytest.mark.slow
def test_the_frozen_program_makes_a_large_batch_with_worker_processes(frozen: Path, tmp_path: Path) -> None:
    """A hundred certificates are drawn and signed by worker processes, which start as copies of the frozen
    program: `multiprocessing.freeze_support()` in packaging/launcher.py must turn each into a worker (without it
    a copy would run the command line on the worker's arguments, and the batch would stop with a message)."""
    from facilitator.domain.roster import Person
    from facilitator.services import certificate_batch
    from facilitator.services.workspace import open_workspace
    from tests.unit.test_faults import sealed_session

    if certificate_batch.workers_for(100) < 2:
        pytest.skip("one core: a batch is made in one process, with no workers to start")
    data = tmp_path / "data"
    ws = open_workspace(data)  # prepared by the same code the build froze
    session_id = sealed_session(ws, [Person(f"Person{i}", "Tester", f"E{i:03}") for i in range(100)])
    ws.close()
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(data)}
    made = run(frozen, "certificates", session_id, "--out", str(tmp_path / "certs"), env=env)
    assert made.returncode == 0 and "Wrote 100 signed certificates" in made.stdout, made.stderr
    assert made.stderr == ""
    certificate = sorted((tmp_path / "certs").glob("*.pdf"))[57]
    checked = run(frozen, "verify", str(certificate), env=env)
    assert checked.returncode == 0 and "valid" in checked.stdout, checked.stderr
