"""facilitator/files.py, the one way a file is written: whole or not at all, private when asked, never over a key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from facilitator.files import FolderRefused, write_atomically


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_file_is_replaced_whole_and_leaves_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"yesterday")
    write_atomically(target, b"today")
    assert target.read_bytes() == b"today" and litter(tmp_path) == []


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    target.write_bytes(b"yesterday")

    def half_then_fail(handle) -> None:
        handle.write(b"%PDF half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, half_then_fail)
    assert target.read_bytes() == b"yesterday" and litter(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX's")
def test_a_private_file_is_the_owner_s_alone_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_atomically(tmp_path / "settings.json", b"{}", private=True)
        write_atomically(tmp_path / "shared.pdf", b"%PDF")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "settings.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shared.pdf").stat().st_mode) == 0o666  # the umask decides, as for any save


def test_without_replace_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(b"the only copy")
    with pytest.raises(FileExistsError):
        write_atomically(key, b"a new key", private=True, replace=False)
    assert key.read_bytes() == b"the only copy" and litter(tmp_path) == []
    write_atomically(tmp_path / "new.pem", b"a new key", private=True, replace=False)
    assert (tmp_path / "new.pem").read_bytes() == b"a new key"


def test_a_folder_that_is_not_there_is_refused_as_such(tmp_path: Path) -> None:
    with pytest.raises(FolderRefused):
        write_atomically(tmp_path / "missing" / "sheet.pdf", b"%PDF")


def test_the_result_of_a_writer_is_returned(tmp_path: Path) -> None:
    assert write_atomically(tmp_path / "badges.pdf", lambda handle: handle.write(b"%PDF") and 3) == 3
