"""The command line, run in-process and (once) as the installed program, against a real data folder."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from facilitator.cli import main

TINY = Path(__file__).parents[1] / "fixtures" / "content" / "tiny.yaml"
CREATE = ["session", "create", "--workshop", "harassment-prevention-supervisors", "--date", "2026-12-03",
          "--start", "09:00", "--location", "Main St warehouse, break room", "--trainer", "Sam Lee",
          "--jurisdiction", "ca-supervisors", "--jurisdiction", "ny-state"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_content_check_passes_the_library_and_prints_the_matrix(capsys) -> None:
    code, out, _ = run(capsys, "content", "check")
    assert code == 0
    assert "no problems" in out
    header = next(line for line in out.splitlines() if "ca-supervisors" in line and "ny-state" in line)
    row = next(line for line in out.splitlines() if line.startswith("harassment-prevention-supervisors "))
    cells = dict(zip(header.split(), row.split()[1:], strict=True))
    assert cells["ca-supervisors"] == "yes" and cells["ny-state"] == "yes"


def test_content_check_json_is_a_list_with_ids(capsys) -> None:
    code, out, _ = run(capsys, "content", "check", "--json")
    items = json.loads(out)
    assert code == 0 and {i["id"] for i in items} >= {"allyship", "harassment-prevention-supervisors"}
    supervisors = next(i for i in items if i["id"] == "harassment-prevention-supervisors")
    assert {c["jurisdiction"] for c in supervisors["coverage"] if c["satisfied"]} >= {"ca-supervisors", "ny-state"}


def test_content_check_of_a_broken_file_names_file_line_and_field(capsys, tmp_path: Path) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text(TINY.read_text().replace("minutes: 10", "minutes: ten"))
    code, out, _ = run(capsys, "content", "check", str(broken))
    assert code == 1
    assert f"{broken}:17: segments[1].minutes:" in out
    assert "Fix: give a whole number" in out


def test_content_check_of_bad_yaml_exits_1(capsys, tmp_path: Path) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text("id: x\ntitle: [unclosed\n")
    code, out, _ = run(capsys, "content", "check", str(broken))
    assert code == 1 and f"{broken}:" in out and "not valid YAML" in out


def test_content_check_of_a_good_file_and_a_folder(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "content", "check", str(TINY))
    assert code == 0 and "tiny-workshop" in out
    shutil.copy(TINY, tmp_path / "a.yaml")
    code, out, _ = run(capsys, "content", "check", str(tmp_path))
    assert code == 0 and "Checked 1 file" in out


def test_content_check_of_a_missing_path(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "content", "check", str(tmp_path / "nope.yaml"))
    assert code == 1 and "does not exist" in err


def test_content_list(capsys) -> None:
    code, out, _ = run(capsys, "content", "list", "--json")
    assert code == 0
    assert {w["id"] for w in json.loads(out)} == {"allyship", "bystander-intervention",
                                                 "harassment-prevention-employees",
                                                 "harassment-prevention-employees-2h",
                                                 "harassment-prevention-chicago",
                                                 "harassment-prevention-supervisors",
                                                 "restaurant-and-bar-supplement"}
    code, out, _ = run(capsys, "content", "list")
    assert "harassment-prevention-supervisors" in out and "161 min" in out


def test_session_create_list_show(capsys, data_dir: Path) -> None:
    code, out, err = run(capsys, *CREATE)
    session_id = out.strip()
    assert code == 0 and len(session_id) == 8 and err == ""
    code, out, _ = run(capsys, "session", "list", "--json")
    [listed] = json.loads(out)
    assert listed["id"] == session_id and listed["jurisdictions"] == ["ca-supervisors", "ny-state"]
    code, out, _ = run(capsys, "session", "show", session_id[:4].lower(), "--json")
    [shown] = json.loads(out)
    assert shown["id"] == session_id and all(c["satisfied"] for c in shown["coverage"])
    assert len(shown["workshop_sha256"]) == 64
    code, out, _ = run(capsys, "session", "show", session_id)
    assert "meets California (supervisors)" in out


def test_session_create_warns_when_the_workshop_falls_short(capsys, data_dir: Path) -> None:
    args = [a if a != "harassment-prevention-supervisors" else "allyship" for a in CREATE]
    code, out, err = run(capsys, *args)
    assert code == 0 and out.strip()
    assert "warning: the workshop does not meet California (supervisors)" in err


def test_the_global_data_dir_option_wins(capsys, tmp_path: Path, data_dir: Path) -> None:
    other = tmp_path / "elsewhere"
    assert run(capsys, "--data-dir", str(other), *CREATE)[0] == 0
    assert (other / "facilitator.sqlite").is_file() and not data_dir.exists()


@pytest.mark.parametrize(("change", "message"), [
    (("--date", "2026-13-03"), "is not a date"),
    (("--start", "9am"), "is not a time"),
    (("--workshop", "nope"), "unknown workshop 'nope'"),
    (("--jurisdiction", "atlantis"), "unknown jurisdiction 'atlantis'"),
    (("--location", "   "), "the location is empty"),
])
def test_session_create_rejects_bad_input_and_stores_nothing(capsys, data_dir: Path, change, message) -> None:
    args = list(CREATE)
    args[args.index(change[0]) + 1] = change[1]
    code, out, err = run(capsys, *args)
    assert code == 1 and out == "" and message in err and err.count("\n") == 1
    assert json.loads(run(capsys, "session", "list", "--json")[1]) == []


def test_unknown_session_exits_1(capsys, data_dir: Path) -> None:
    code, _, err = run(capsys, "session", "show", "ZZZZ")
    assert code == 1 and "no session 'ZZZZ'" in err


def test_wrong_usage_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["session", "create", "--workshop", "allyship"])
    assert exited.value.code == 2


def test_the_installed_command_and_the_database_it_leaves(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "facilitator", "--data-dir", str(tmp_path), *CREATE]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(tmp_path / "facilitator.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT id FROM training_sessions").fetchone() == (done.stdout.strip(),)


def test_the_cli_default_grace_period_is_the_services_default() -> None:
    from facilitator.cli import session as session_cli
    from facilitator.services import sessions

    assert session_cli.DEFAULT_GRACE_MINUTES == sessions.DEFAULT_GRACE_MINUTES
