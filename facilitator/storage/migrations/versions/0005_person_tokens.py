"""Attendance events are found by the badge token their hash covers, not by the roster row (which an edit could
change without breaking the chain): an index for the check-in's lookup of one person's events by token.

Nothing is rewritten, so every existing chain verifies as before. Events written under schema 0001 carry no token:
they are still found by their row, which their hash does not cover (such databases come only from before the first
release).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_index("ix_attendance_events_token", "attendance_events", ["session_id", "person_token"])


def downgrade() -> None:
    op.drop_index("ix_attendance_events_token", "attendance_events")
