"""Where documents may be written (issue 11): never over the data folder's own files (the database and its -wal,
the signing key, the settings, backups), nor over a database or a private key anywhere, nor over a folder, a
device or a pipe; links are followed to the file they name; and a file Facilitator did not write is replaced only
with --force or after a yes at the terminal. The same rule serves every command with an --out and the app."""

from __future__ import annotations

import os
import stat
import sys
from datetime import date
from pathlib import Path

import pytest

from facilitator.domain.roster import Person
from facilitator.records import identity as records
from facilitator.services.errors import UserError
from facilitator.services.role_cards import make_role_cards
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME
from tests.unit.test_faults import IS_ROOT, Terminal, cli, count, integrity, planned, sealed_session

OURS_REFUSED = "inside Facilitator's data folder"
NOT_OURS = "already exists and was not written by Facilitator"


@pytest.fixture
def sealed(workspace: Workspace) -> str:
    return sealed_session(workspace, [Person("Zoë", "O'Neil", "E1")])


def snapshot(folder: Path) -> dict[str, bytes]:
    """The data folder's files that no command here may change (the database is checked by its contents)."""
    kept = [folder / "settings.json", *sorted((folder / "identity").glob("*.pem"))]
    return {str(path): path.read_bytes() for path in kept if path.is_file()}


def test_no_document_is_written_over_the_data_folders_own_files(workspace: Workspace, sealed: str, tmp_path: Path,
                                                                capsys) -> None:
    data = workspace.data_dir
    db = data / DATABASE_NAME
    link = tmp_path / "looks-harmless.pdf"
    link.symlink_to(db)
    (data / "backups").mkdir(exist_ok=True)
    before = snapshot(data)
    attempts = [["report", sealed, "--out", str(db)],
                ["report", sealed, "--out", str(link)],
                ["signin-sheet", sealed, "--out", str(data / "identity" / "key.pem")],
                ["badges", sealed, "--out", str(db.with_name(DATABASE_NAME + "-wal"))],
                ["certificates", sealed, "--out", str(data / "backups")],
                ["keys", "export-cert", "--out", str(data / "identity" / "key.pem")],
                ["keys", "csr", "--out", str(data / "settings.json")]]
    for words in attempts:
        for force in ([], ["--force"]):
            status, _out, err = cli(capsys, *words, *force)
            assert status == 1 and OURS_REFUSED in err and "--out" in err, (words, err)
    assert snapshot(data) == before
    assert integrity(db) == "ok" and count(db, "training_sessions") == 1
    assert link.is_symlink() and list((data / "backups").iterdir()) == []


def test_folders_pipes_and_devices_are_never_replaced(workspace: Workspace, tmp_path: Path, capsys) -> None:
    session_id = planned(workspace)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    pipe = tmp_path / "a-pipe"
    os.mkfifo(pipe)
    for force in ([], ["--force"]):
        status, _out, err = cli(capsys, "report", session_id, "--out", str(folder), *force)
        assert status == 1 and f"{folder} is a folder; give a file name" in err
        status, _out, err = cli(capsys, "badges", session_id, "--out", str(pipe), *force)
        assert status == 1 and "named pipe" in err
    assert folder.is_dir() and list(folder.iterdir()) == [] and stat.S_ISFIFO(pipe.stat().st_mode)
    if IS_ROOT:  # a device node of our own (the same device as /dev/null), never the system's
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        status, _out, err = cli(capsys, "signin-sheet", session_id, "--out", str(device), "--force")
        assert status == 1 and "it is a device, not a file" in err
        assert stat.S_ISCHR(device.stat().st_mode)


def test_a_file_facilitator_did_not_write_needs_force_or_a_yes(workspace: Workspace, tmp_path: Path, capsys,
                                                              monkeypatch) -> None:
    session_id = planned(workspace)
    notes = tmp_path / "sign-in.pdf"
    notes.write_bytes(b"%PDF-1.4 the sheet people signed on paper, scanned")
    status, _out, err = cli(capsys, "signin-sheet", session_id, "--out", str(notes))
    assert status == 1 and f"{notes} {NOT_OURS}" in err and "--force" in err
    monkeypatch.setattr(sys, "stdin", Terminal("n"))
    status, _out, err = cli(capsys, "signin-sheet", session_id, "--out", str(notes))
    assert status == 1 and "Replace it? [y/N]" in err
    assert notes.read_bytes() == b"%PDF-1.4 the sheet people signed on paper, scanned"
    monkeypatch.setattr(sys, "stdin", Terminal("y"))
    assert cli(capsys, "signin-sheet", session_id, "--out", str(notes))[0] == 0
    assert notes.read_bytes().startswith(b"%PDF") and b"scanned" not in notes.read_bytes()
    monkeypatch.setattr(sys, "stdin", Terminal())  # nobody answers: a file Facilitator wrote needs no question
    status, _out, err = cli(capsys, "signin-sheet", session_id, "--out", str(notes))
    assert status == 0 and "Replace" not in err
    other = tmp_path / "other.pdf"
    other.write_bytes(b"someone's report")
    assert cli(capsys, "report", session_id, "--out", str(other), "--force")[0] == 0
    assert other.read_bytes().startswith(b"%PDF")


def test_certificates_never_replace_someone_elses_file_unasked(workspace: Workspace, sealed: str, tmp_path: Path,
                                                               capsys) -> None:
    out = tmp_path / "certs"
    assert cli(capsys, "certificates", sealed, "--out", str(out))[0] == 0
    [made] = out.iterdir()
    assert cli(capsys, "certificates", sealed, "--out", str(out))[0] == 0, "our own certificate is replaced"
    made.write_bytes(b"%PDF-1.7 a certificate from another course, same name")
    status, _out, err = cli(capsys, "certificates", sealed, "--out", str(out))
    assert status == 1 and NOT_OURS in err
    assert made.read_bytes() == b"%PDF-1.7 a certificate from another course, same name"
    assert [p.name for p in out.iterdir()] == [made.name]
    assert cli(capsys, "certificates", sealed, "--out", str(out), "--force")[0] == 0
    assert made.read_bytes().startswith(b"%PDF") and b"another course" not in made.read_bytes()
    file = tmp_path / "a-file"
    file.write_text("x")
    status, _out, err = cli(capsys, "certificates", sealed, "--out", str(file))
    assert status == 1 and "is a file, not a folder" in err


def test_the_exported_certificate_and_the_request_replace_only_their_own(data_dir: Path, tmp_path: Path,
                                                                        capsys) -> None:
    assert cli(capsys, "keys", "create", "--name", "Sam Lee")[0] == 0
    exported, request = tmp_path / "trainer.pem", tmp_path / "me.csr"
    for _again in range(2):  # the second time over the first: ours
        assert cli(capsys, "keys", "export-cert", "--out", str(exported))[0] == 0
        assert cli(capsys, "keys", "csr", "--out", str(request))[0] == 0
    someone = records.create(tmp_path / "someone", "Someone Else")
    theirs = tmp_path / "ca.pem"
    theirs.write_bytes(someone.cert_pem())
    their_request = tmp_path / "theirs.csr"
    their_request.write_bytes(records.make_csr(someone))
    status, _out, err = cli(capsys, "keys", "export-cert", "--out", str(theirs))
    assert status == 1 and NOT_OURS in err and theirs.read_bytes() == someone.cert_pem()
    status, _out, err = cli(capsys, "keys", "csr", "--out", str(their_request))
    assert status == 1 and NOT_OURS in err
    assert cli(capsys, "keys", "export-cert", "--out", str(theirs), "--force")[0] == 0
    assert theirs.read_bytes() != someone.cert_pem()


def test_a_database_or_a_private_key_elsewhere_is_never_replaced(workspace: Workspace, tmp_path: Path,
                                                                capsys) -> None:
    session_id = planned(workspace)
    other = open_workspace(tmp_path / "another-data-folder")
    other.close()
    their_db = tmp_path / "another-data-folder" / DATABASE_NAME
    key = records.create(tmp_path / "another-identity", "Someone").key_path
    key_bytes = key.read_bytes()
    status, _out, err = cli(capsys, "report", session_id, "--out", str(their_db), "--force")
    assert status == 1 and "is a database; no document is ever written over one" in err
    status, _out, err = cli(capsys, "signin-sheet", session_id, "--out", str(key), "--force")
    assert status == 1 and "holds a private key" in err
    assert integrity(their_db) == "ok" and key.read_bytes() == key_bytes


def test_a_link_is_followed_to_the_file_it_names(workspace: Workspace, tmp_path: Path, capsys) -> None:
    session_id = planned(workspace)
    real = tmp_path / "real.pdf"
    real.write_bytes(b"not ours")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    status, _out, err = cli(capsys, "report", session_id, "--out", str(link))
    assert status == 1 and f"{real} {NOT_OURS}" in err and real.read_bytes() == b"not ours"
    assert cli(capsys, "report", session_id, "--out", str(link), "--force")[0] == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.glob(".*.part")] == []


def test_role_cards_from_the_app_follow_the_same_rule(workspace: Workspace, tmp_path: Path) -> None:
    from facilitator.services.files import ForeignFile

    detail = create_session(workspace, workshop_id="bystander-intervention", on=date(2026, 12, 3), start="09:00",
                            location="Depot", trainer="Sam Lee", jurisdictions=["none"])
    with pytest.raises(UserError, match=OURS_REFUSED):
        make_role_cards(workspace, detail.id, "practice-role-play", workspace.data_dir / DATABASE_NAME, force=True)
    mine = tmp_path / "cards.pdf"
    mine.write_bytes(b"my own cards")
    with pytest.raises(ForeignFile):
        make_role_cards(workspace, detail.id, "practice-role-play", mine)
    assert mine.read_bytes() == b"my own cards"
    make_role_cards(workspace, detail.id, "practice-role-play", mine, force=True)  # the save dialog asked
    assert mine.read_bytes().startswith(b"%PDF")
