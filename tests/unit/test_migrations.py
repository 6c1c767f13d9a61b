"""Every past schema upgrades to the newest, keeping its data, with a backup taken first."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from facilitator.storage import database
from facilitator.storage.database import DATABASE_NAME, Store
from facilitator.storage.models import Base

FIXTURES = Path(__file__).parents[1] / "fixtures" / "databases"


def test_every_revision_has_a_stored_database() -> None:
    stored = {p.stem for p in FIXTURES.glob("*.sqlite")}
    missing = database.known_revisions() - stored
    assert not missing, f"run tests/fixtures/databases/make_fixture.py for {sorted(missing)}"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.sqlite")), ids=lambda p: p.stem)
def test_each_stored_database_upgrades_to_head_with_its_data(tmp_path: Path, fixture: Path) -> None:
    shutil.copy(fixture, tmp_path / DATABASE_NAME)
    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / DATABASE_NAME)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (database.head_revision(),)
    assert db.execute("SELECT first_name, last_name FROM roster_entries").fetchall() == [("Zoë", "O'Neil")]
    assert db.execute("SELECT count(*) FROM attendance_events").fetchone() == (1,)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_models_match_the_migrations(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == [], "a model changed without a migration: add one under storage/migrations/versions"


NEXT_REVISION = '''
"""Test-only revision: a later schema that adds a column."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("training_sessions") as batch:
        batch.add_column(sa.Column("notes", sa.Text, nullable=True))


def downgrade():
    with op.batch_alter_table("training_sessions") as batch:
        batch.drop_column("notes")
'''


def test_an_upgrade_backs_up_the_database_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a real later migration (added to a copy of the migrations) over a stored database."""
    migrations = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9001_later.py").write_text(NEXT_REVISION.format(head=database.head_revision()))
    monkeypatch.setattr(database, "MIGRATIONS", migrations)
    monkeypatch.setattr(database, "SCHEMA_HEAD", "9001")
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURES / "0001.sqlite", data / DATABASE_NAME)

    Store.open(data).close()

    [backup] = (data / "backups").glob("*.sqlite")
    old = sqlite3.connect(backup)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert old.execute("SELECT count(*) FROM roster_entries").fetchone() == (1,)
    new = sqlite3.connect(data / DATABASE_NAME)
    assert new.execute("SELECT version_num FROM alembic_version").fetchone() == ("9001",)
    assert "notes" in [row[1] for row in new.execute("PRAGMA table_info(training_sessions)")]


def test_the_fast_path_head_matches_alembics_head() -> None:
    assert database.head_revision() == database.SCHEMA_HEAD
