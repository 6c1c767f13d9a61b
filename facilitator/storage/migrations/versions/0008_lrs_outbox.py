"""The outbox of xAPI statements on their way to a learning record store (`facilitator sync`): one row per statement
id, in the order they were queued, with the statement as it will be sent, how many times sending it was tried, the
last error, when to try again, and when it was stored (and where) or refused for good.

Nothing in a record changes; this only remembers what left the laptop, as hr_exports does for bundles.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "lrs_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False, index=True),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("queued_at", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", sa.String(32)),
        sa.Column("sent_at", sa.String(32)),
        sa.Column("sent_to", sa.String(500)),
        sa.Column("refused_at", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("lrs_outbox")
