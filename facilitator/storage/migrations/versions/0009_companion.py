"""The phones' companion (docs/companion.md): one rotation secret per session for the join code, walk-ins waiting
for the trainer's approval, phone votes kept only as counts per option, the hashes of spent ballots (to refuse a
second vote from one phone), and anonymous questions from the room with their moderation state.

Nothing here says who voted, asked or gave feedback, from which address or when: no time column on any anonymous
table, and no row per vote. Each table is journalled for the open windows (migration 0006) under "phones".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

WATCHED = {"pending_walk_ins": ("INSERT", "UPDATE"), "phone_votes": ("INSERT", "UPDATE"),
           "audience_questions": ("INSERT", "UPDATE")}


def session() -> sa.ForeignKey:
    return sa.ForeignKey("training_sessions.id")  # one per column: a ForeignKey belongs to a single column


def upgrade() -> None:
    op.create_table(
        "companion_states",
        sa.Column("session_id", sa.String(16), session(), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),  # hex of 32 random bytes
    )
    op.create_table(
        "pending_walk_ins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), session(), nullable=False, index=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("employee_id", sa.String(64)),
        sa.Column("asked_at", sa.String(32), nullable=False),  # when they arrived: the check-in time if approved
        sa.Column("state", sa.String(16), nullable=False),  # waiting, approved, declined
        sa.Column("entry_id", sa.Integer),  # the roster entry made on approval
    )
    op.create_table(
        "phone_votes",
        sa.Column("session_id", sa.String(16), session(), primary_key=True),
        sa.Column("segment_id", sa.String(64), primary_key=True),
        sa.Column("item", sa.Integer, primary_key=True),
        sa.Column("option", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "used_ballots",
        sa.Column("session_id", sa.String(16), session(), primary_key=True),
        sa.Column("segment_id", sa.String(64), primary_key=True),
        sa.Column("item", sa.Integer, primary_key=True),
        sa.Column("ballot_sha256", sa.String(64), primary_key=True),
        sqlite_with_rowid=False,  # no rowid: the order ballots were spent in is not kept either
    )
    op.create_table(
        "audience_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), session(), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),  # waiting, shown, dismissed
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, writes in WATCHED.items():
        for write in writes:
            op.execute(f"CREATE TRIGGER {table}_noted_{write.lower()} AFTER {write} ON {table} BEGIN "
                       f"INSERT INTO store_changes (session_id, kind) VALUES (NEW.session_id, 'phones'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, writes in WATCHED.items():
            for write in writes:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_noted_{write.lower()}")
    for table in ("audience_questions", "used_ballots", "phone_votes", "pending_walk_ins", "companion_states"):
        op.drop_table(table)
