"""Attendance events say whose badge (by token, which survives export), how they arrived, and what a void undoes.

Columns are only added, so the append-only triggers on attendance_events stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("attendance_events", recreate="never") as batch:
        batch.add_column(sa.Column("person_token", sa.String(32)))
        batch.add_column(sa.Column("source", sa.String(16)))
        batch.add_column(sa.Column("voids_seq", sa.Integer))
    op.create_index("ix_attendance_events_person", "attendance_events", ["session_id", "roster_entry_id"])


def downgrade() -> None:
    op.drop_index("ix_attendance_events_person", "attendance_events")
    with op.batch_alter_table("attendance_events", recreate="never") as batch:
        batch.drop_column("voids_seq")
        batch.drop_column("source")
        batch.drop_column("person_token")
