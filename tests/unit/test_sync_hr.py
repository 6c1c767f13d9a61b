"""`facilitator sync` into HR's database (the `hr_database` setting), on SQLite and on a real PostgreSQL server: what
HR lacks goes, once; an amendment goes again; an untrusted laptop is refused with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.services import closing
from facilitator.services.errors import UserError
from facilitator.services.hr_history import held_sessions
from facilitator.services.hr_store import open_hr_store
from facilitator.services.hr_trust import add_trusted
from facilitator.services.identity import export_certificate, signer
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.exporting import sealed_session

pytestmark = pytest.mark.slow


def sync(capsys: pytest.CaptureFixture[str], ws: Workspace) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(ws.data_dir), "sync"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_sync_sends_hr_what_it_lacks_once_and_amendments_again(
        workspace: Workspace, where: tuple[str | None, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, data = where
    hr_db = url or str(tmp_path / "shared" / "hr.sqlite")
    sid = sealed_session(workspace)
    hr = open_hr_store(hr_db, data)
    try:
        add_trusted(hr, export_certificate(workspace, tmp_path / "trainer.pem"))
    finally:
        hr.close()
    set_setting(workspace, "hr_database", hr_db)
    code, out, _err = sync(capsys, workspace)
    assert code == 0 and "Sent 1 session to HR's database" in out, out
    assert sync(capsys, workspace)[1].startswith("HR's database at"), "nothing new: nothing sent"
    closing.amend(workspace, sid, signer(workspace), person="E2", eligible=True, reason="made up the hour")
    code, out, _err = sync(capsys, workspace)
    assert code == 0 and "Sent 1 session" in out
    hr = open_hr_store(hr_db, data)
    try:
        assert held_sessions(hr) == {sid: 1}
    finally:
        hr.close()


def test_an_untrusted_laptop_is_refused_with_what_to_do(workspace: Workspace, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    sealed_session(workspace)
    set_setting(workspace, "hr_database", str(tmp_path / "hr.sqlite"))
    code, _out, err = sync(capsys, workspace)
    assert code == 1 and "refused them" in err and "keys export-cert" in err, err


def test_the_setting_refuses_a_password_or_a_relative_path(workspace: Workspace) -> None:
    with pytest.raises(UserError, match="PGPASSWORD"):
        set_setting(workspace, "hr_database", "postgresql+psycopg://hr:secret@db.example.com/hr")
    with pytest.raises(UserError, match="full path"):
        set_setting(workspace, "hr_database", "hr.sqlite")
    set_setting(workspace, "hr_database", "postgresql+psycopg://hr@db.example.com:5432/hr")
