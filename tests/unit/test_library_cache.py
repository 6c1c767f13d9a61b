"""The validated library kept between runs: used only when nothing it was made from has changed, never trusted when
damaged, and never a reason for the app not to start."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from facilitator import paths
from facilitator.content import library_cache
from facilitator.content.library import load_library
from facilitator.content.library_cache import cached_library, library_key
from facilitator.services.sessions import create_session, frozen_workshop
from facilitator.services.workspace import open_workspace
from facilitator.storage.models import TrainingSession


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "library"
    shutil.copytree(paths.library_dir(), copy)
    return copy


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the times the library is loaded from its files."""
    seen: list[Path] = []

    def counting(root: Path):
        seen.append(root)
        return load_library(root)

    monkeypatch.setattr(library_cache, "load_library", counting)
    return seen


def test_the_second_load_comes_from_the_cache_and_equals_a_fresh_one(root: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache" / "library.pickle"
    loads = _loads(monkeypatch)
    first = cached_library(root, cache)
    second = cached_library(root, cache)
    assert loads == [root] and cache.is_file()
    assert second.workshops == first.workshops == load_library(root).workshops
    assert second.jurisdictions == first.jurisdictions and second.agencies == first.agencies
    assert second.topics == first.topics and second.problems == first.problems
    assert second is not first  # each caller gets its own copy to keep


def test_an_edited_workshop_is_loaded_afresh(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "library.pickle"
    cached_library(root, cache)
    loads = _loads(monkeypatch)
    workshop = root / "workshops" / "harassment-prevention-employees.yaml"
    workshop.write_text(_retitled(workshop.read_text(encoding="utf-8")), encoding="utf-8")
    edited = cached_library(root, cache)
    assert loads == [root]
    assert edited.workshops["harassment-prevention-employees"].title == "Edited"


def _retitled(text: str) -> str:
    return "\n".join("title: Edited" if line.startswith("title:") else line for line in text.splitlines()) + "\n"


def test_a_file_touched_to_the_same_size_changes_the_key(root: Path) -> None:
    before = library_key(root)
    topics = root / "topics.yaml"
    info = topics.stat()
    os.utime(topics, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    assert library_key(root) != before


def test_a_new_problem_file_is_seen(root: Path, tmp_path: Path) -> None:
    cache = tmp_path / "library.pickle"
    assert cached_library(root, cache).problems == []
    (root / "workshops" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert [p.file.name for p in cached_library(root, cache).problems] == ["broken.yaml"]


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N."])
def test_a_damaged_cache_is_ignored_and_replaced(root: Path, tmp_path: Path, damage: bytes,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "library.pickle"
    cache.write_bytes(damage)
    loads = _loads(monkeypatch)
    assert cached_library(root, cache).workshops == load_library(root).workshops
    assert loads == [root]
    assert cached_library(root, cache).workshops  # the replacement is read back
    assert loads == [root]


def test_a_cache_that_cannot_be_written_only_means_loading_each_time(root: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    loads = _loads(monkeypatch)
    assert cached_library(root, blocked / "library.pickle").workshops
    assert cached_library(root, blocked / "library.pickle").workshops
    assert loads == [root, root]


def test_the_workspace_keeps_its_library_in_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.CACHE_DIR_ENV, str(tmp_path / "cache"))
    ws = open_workspace(tmp_path / "data")
    ws.close()
    assert paths.library_cache_file() == tmp_path / "cache" / paths.LIBRARY_CACHE_FILE
    assert paths.library_cache_file().is_file()


def test_a_session_of_an_unchanged_workshop_uses_the_validated_one(workspace) -> None:
    detail = create_session(workspace, workshop_id="harassment-prevention-employees", on="2026-12-01",
                            start="09:00", location="Room 1", trainer="Sam Lee", jurisdictions=["ny-state"])
    with workspace.store.transaction() as db:
        row = db.get(TrainingSession, detail.id)
        assert frozen_workshop(workspace, row) is workspace.library.workshops["harassment-prevention-employees"]
        row.workshop_snapshot = _retitled(row.workshop_snapshot)
        assert frozen_workshop(workspace, row).title == "Edited"  # a snapshot that differs is parsed for itself
        db.rollback()
