"""Delivery: the log of how a session was run (segments started, paused, ended; tallies, reveals, role-play
groups, the trainer's notes) and the room's anonymous feedback.

The delivery log is append-only, like attendance: it is the evidence that the training was interactive.
Feedback rows hold a rating and a comment and nothing that could link them to a person: no attendee, no
time, no network address (DESIGN.md §3).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "delivery_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("segment_id", sa.String(64)),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("session_id", "seq", name="uq_delivery_session_seq"),
    )
    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False, index=True),
        sa.Column("segment_id", sa.String(64), nullable=False),
        sa.Column("rating", sa.Integer),
        sa.Column("comment", sa.Text),
        sa.Column("source", sa.String(16), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER delivery_events_no_{action.lower()} BEFORE {action} ON delivery_events "
                       "BEGIN SELECT RAISE(ABORT, 'delivery events are append-only'); END")


def downgrade() -> None:
    op.drop_table("feedback_responses")
    op.drop_table("delivery_events")
