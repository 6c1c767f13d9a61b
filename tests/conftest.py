"""Shared fixtures. Qt runs offscreen; tests under tests/gui are marked `gui` automatically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from facilitator import paths
from facilitator.content.library import Library, load_library
from facilitator.services.workspace import Workspace, open_workspace
from tests.browser import chromium, new_phone, phone  # noqa: F401 (fixtures: Debian's chromium as a phone)
from tests.lrs import ralph, ralph_server  # noqa: F401 (fixtures: a real xAPI learning record store)
from tests.pg import postgres_server, postgres_url  # noqa: F401 (fixtures: a real PostgreSQL for HR's store)

# The phone pages' tests: the demo session (sid), the companion's wall clock (clock) and its server (server); a
# module that defines fixtures of the same names uses its own.
from tests.phone_pages import clock, server, sid  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(scope="session", autouse=True)
def library_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests keep the validated library in a folder of their own (and their command-line children inherit
    it), never in the user's cache folder."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.CACHE_DIR_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(paths.library_dir())


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def workspace(data_dir: Path) -> Workspace:
    ws = open_workspace(data_dir)
    yield ws
    ws.close()
