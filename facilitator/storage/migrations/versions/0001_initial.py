"""The first schema: sessions with a workshop snapshot, roster entries, and the attendance event log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# History is never rewritten: the database itself refuses to update or delete an attendance event.
APPEND_ONLY_TRIGGERS = [
    """CREATE TRIGGER attendance_events_no_update BEFORE UPDATE ON attendance_events
       BEGIN SELECT RAISE(ABORT, 'attendance events are append-only'); END""",
    """CREATE TRIGGER attendance_events_no_delete BEFORE DELETE ON attendance_events
       BEGIN SELECT RAISE(ABORT, 'attendance events are append-only'); END""",
]


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("workshop_id", sa.String(64), nullable=False),
        sa.Column("workshop_version", sa.String(32), nullable=False),
        sa.Column("workshop_title", sa.String(200), nullable=False),
        sa.Column("workshop_sha256", sa.String(64), nullable=False),
        sa.Column("workshop_snapshot", sa.Text, nullable=False),
        sa.Column("scheduled_date", sa.Date, nullable=False),
        sa.Column("start_time", sa.Time, nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("trainer", sa.String(200), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("grace_minutes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_training_sessions_scheduled_date", "training_sessions", ["scheduled_date"])
    op.create_table(
        "session_jurisdictions",
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False),
        sa.Column("employee_id", sa.String(64)),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("department", sa.String(100)),
        sa.Column("supervisor", sa.String(200)),
        sa.Column("language", sa.String(16)),
        sa.Column("is_supervisor", sa.Boolean, nullable=False),
        sa.Column("walk_in", sa.Boolean, nullable=False),
        sa.Column("badge_token", sa.String(32), nullable=False),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("badge_token", name="uq_roster_badge_token"),
    )
    op.create_index("ix_roster_entries_session_id", "roster_entries", ["session_id"])
    op.create_table(
        "attendance_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("roster_entry_id", sa.Integer, sa.ForeignKey("roster_entries.id")),
        sa.Column("code", sa.String(256)),
        sa.Column("reason", sa.Text),
        sa.Column("actor", sa.String(200)),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("monotonic_ms", sa.Integer, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("session_id", "seq", name="uq_attendance_session_seq"),
    )
    op.create_index("ix_attendance_events_session_id", "attendance_events", ["session_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in APPEND_ONLY_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("attendance_events")
    op.drop_table("roster_entries")
    op.drop_table("session_jurisdictions")
    op.drop_table("training_sessions")
