"""Alembic environment: migrations run on the connection Facilitator hands in, never from a URL in a file."""

from alembic import context

from facilitator.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
