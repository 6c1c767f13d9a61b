"""HR's employee list: who works where, since when, and who supervises since when — what the due-date rules need.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

from facilitator.storage.hr_models import UTCMoment

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hr_employees",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("employee_key", sa.String(64), nullable=False, unique=True),
        sa.Column("employee_id", sa.String(64), nullable=False),
        sa.Column("first_name", sa.Text, nullable=False),
        sa.Column("last_name", sa.Text, nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("jurisdictions", sa.Text, nullable=False),
        sa.Column("is_supervisor", sa.Boolean, nullable=False),
        sa.Column("hire_date", sa.Date),
        sa.Column("supervisor_since", sa.Date),
        sa.Column("listed_at", UTCMoment, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hr_employees")
