"""Closing and sealing: when a session closed, its signed seal, and signed amendments made after sealing.

A seal and its amendments are append-only, like attendance events: the database refuses to change them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

APPEND_ONLY = ["session_seals", "session_amendments"]


def upgrade() -> None:
    with op.batch_alter_table("training_sessions", recreate="never") as batch:
        batch.add_column(sa.Column("closed_at", sa.String(32)))
    for table in APPEND_ONLY:
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False),
            sa.Column("created_at", sa.String(32), nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("jws", sa.Text, nullable=False),
            sa.Column("signer_cert", sa.Text, nullable=False),
            sa.Column("fingerprint", sa.String(64), nullable=False),
        )
        # One seal per session; any number of amendments.
        op.create_index(f"ix_{table}_session_id", table, ["session_id"], unique=table == "session_seals")
        if op.get_bind().dialect.name == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table.replace('_', ' ')} are append-only'); END")


def downgrade() -> None:
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
    with op.batch_alter_table("training_sessions", recreate="never") as batch:
        batch.drop_column("closed_at")
