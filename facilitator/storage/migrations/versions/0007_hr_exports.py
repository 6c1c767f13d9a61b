"""What was exported for HR, so `facilitator export --since-last` takes only what is new: one row per session per
bundle, with how many amendments the session had then (a later amendment makes it new again) and the bundle's hash.

Nothing in a record changes; this only remembers what left the laptop.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "hr_exports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16), sa.ForeignKey("training_sessions.id"), nullable=False, index=True),
        sa.Column("amendments", sa.Integer, nullable=False),
        sa.Column("exported_at", sa.String(32), nullable=False),
        sa.Column("bundle_sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hr_exports")
