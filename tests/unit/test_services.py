"""Use cases against a real temporary data folder: the demo, and the workshop snapshot a session keeps."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest

from facilitator import paths
from facilitator.domain.ids import ALPHABET, BADGE_TOKEN_LENGTH, normalise_code
from facilitator.services import attendance
from facilitator.services import sessions as session_service
from facilitator.services.demo import demo_start, ensure_demo_session
from facilitator.services.errors import UserError
from facilitator.services.workspace import Workspace, open_workspace


def test_the_demo_is_a_session_today_with_a_roster_of_24(workspace: Workspace) -> None:
    today = date(2026, 11, 21)
    session_id = ensure_demo_session(workspace, today)
    detail = session_service.get_session(workspace, session_id)
    assert detail.date == "2026-11-21" and detail.roster_count == 24
    assert len({p.employee_id for p in detail.roster}) == 24
    tokens = [p.badge_code for p in detail.roster]
    assert len(set(tokens)) == 24
    assert all(len(t) == BADGE_TOKEN_LENGTH and set(t) <= set(ALPHABET) for t in tokens)
    assert ensure_demo_session(workspace, today) == session_id, "reopening the demo must not duplicate it"
    assert ensure_demo_session(workspace, date(2026, 11, 22)) != session_id, "a new day gets a fresh demo session"


def test_demo_uses_its_own_folder_unless_told_otherwise(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.demo_data_dir() == paths.data_dir() / "demo"
    assert paths.demo_data_dir(tmp_path) == tmp_path.resolve()


def test_a_session_keeps_the_workshop_as_it_was(tmp_path: Path, data_dir: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(paths.library_dir(), library)
    ws = open_workspace(data_dir, library_root=library)
    created = session_service.create_session(
        ws, workshop_id="harassment-prevention-employees", on="2026-12-01", start="09:00",
        location="Depot", trainer="Sam", jurisdictions=["ca-employees"])
    workshop_file = library / "workshops" / "harassment-prevention-employees.yaml"
    assert created.workshop_sha256 == hashlib.sha256(workshop_file.read_bytes()).hexdigest()
    assert created.coverage[0].satisfied
    ws.close()

    # The library's copy is later cut short; the planned session still reflects what was scheduled.
    text = workshop_file.read_text(encoding="utf-8")
    workshop_file.write_text(text.replace("audience: employees", "audience: supervisors"), encoding="utf-8")
    ws = open_workspace(data_dir, library_root=library)
    assert session_service.get_session(ws, created.id).coverage[0].satisfied
    ws.close()


def test_session_ids_are_typed_leniently(workspace: Workspace) -> None:
    created = session_service.create_session(
        workspace, workshop_id="allyship", on="2026-12-01", start="9:05", location="Depot", trainer="Sam",
        jurisdictions=["none", "none"])
    assert created.start == "09:05" and created.jurisdictions == ["none"]
    assert session_service.get_session(workspace, created.id.lower()).id == created.id
    assert normalise_code(" ab-c0 ") == "ABC0" and normalise_code("IL0o") == "1100"


def test_a_broken_install_is_told_not_a_traceback(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(paths, "_PACKAGE", tmp_path / "nowhere" / "facilitator")
    with pytest.raises(UserError) as raised:
        open_workspace(tmp_path / "data")
    assert "the built-in sessions folder is missing" in str(raised.value)
    assert raised.value.for_command_line().endswith("; reinstall Facilitator")
    assert "facilitator " not in raised.value.for_app()
    from facilitator.services.library import builtin_library, check_content

    for use in (builtin_library, check_content):  # `content list` and `content check` too
        with pytest.raises(UserError, match="reinstall Facilitator"):
            use()


@pytest.mark.parametrize(("now", "start"), [
    (datetime(2026, 11, 21, 14, 37, 45), time(14, 32)), (datetime(2026, 11, 21, 0, 3), time(0, 0)),
    (datetime(2026, 11, 21, 9, 5), time(9, 0)),
])
def test_the_demo_starts_a_few_minutes_before_it_is_opened(now: datetime, start: time) -> None:
    assert demo_start(now) == start


def test_people_scanned_when_the_demo_opens_are_on_time(workspace: Workspace) -> None:
    now = datetime.now()
    session_id = ensure_demo_session(workspace, now.date(), demo_start(now))
    detail = session_service.get_session(workspace, session_id)
    assert detail.start <= now.strftime("%H:%M")
    person = detail.roster[0]
    result = attendance.check_in(workspace, session_id, person.badge_code)
    assert "arrived late" not in result.message
    assert ensure_demo_session(workspace, now.date(), time(9, 0)) == session_id, "reopened: the same session"


def test_new_sessions_take_the_grace_period_from_the_settings(workspace: Workspace, capsys) -> None:
    from facilitator.cli import main
    from facilitator.services.settings import load_settings, set_setting

    assert load_settings(workspace).grace_minutes == 10
    set_setting(workspace, "grace_minutes", "5")
    assert main(["--data-dir", str(workspace.data_dir), "session", "create", "--workshop", "allyship",
                 "--date", "2026-12-01", "--start", "09:00", "--location", "Hall", "--trainer", "Sam",
                 "--jurisdiction", "none"]) == 0
    session_id = capsys.readouterr().out.strip()
    assert session_service.get_session(workspace, session_id).grace_minutes == 5
    set_setting(workspace, "grace_minutes", "")  # cleared: the default again
    assert load_settings(workspace).grace_minutes == 10
    with pytest.raises(UserError):
        set_setting(workspace, "grace_minutes", "121")
