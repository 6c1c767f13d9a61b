"""Fixtures the HR tests share: three trainers' laptops' real bundles (made once per run) and HR's store, on
SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.services.hr_store import HrStore, open_hr_store
from tests.unit.hr_laptops import Laptops, make_laptops


@pytest.fixture(scope="session")
def laptops(tmp_path_factory: pytest.TempPathFactory) -> Laptops:
    return make_laptops(tmp_path_factory.mktemp("laptops"))


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str | None, Path]:
    """HR's database (None: hr.sqlite in the data folder) and the data folder."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return url, tmp_path / "hr-data"


@pytest.fixture
def store(where: tuple[str | None, Path]) -> HrStore:
    opened = open_hr_store(*where)
    yield opened
    opened.close()
