"""Alembic environment of HR's store: migrations run on the connection Facilitator hands in (SQLite or PostgreSQL),
never from a URL in a file; the version is kept in `hr_alembic_version`, apart from any other program's."""

from alembic import context

from facilitator.storage.hr_models import HrBase

VERSION_TABLE = "hr_alembic_version"

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=HrBase.metadata, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
