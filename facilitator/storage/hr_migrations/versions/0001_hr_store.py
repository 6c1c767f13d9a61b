"""HR's store: trusted certificates, imported and quarantined bundles, and the sessions, people and credits in them.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from facilitator.storage.hr_models import UTCMoment

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hr_trusted_certificates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("fingerprint", sa.String(95), nullable=False, unique=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("not_after", UTCMoment, nullable=False),
        sa.Column("pem", sa.Text, nullable=False),
        sa.Column("added_at", UTCMoment, nullable=False),
    )
    op.create_table(
        "hr_bundles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("signer_fingerprint", sa.String(95), nullable=False),
        sa.Column("signer_subject", sa.Text, nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
        sa.Column("imported_at", UTCMoment, nullable=False),
    )
    op.create_table(
        "hr_quarantine",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=True),
        sa.Column("quarantined_at", UTCMoment, nullable=False),
    )
    op.create_table(
        "hr_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(64), nullable=False, index=True),
        sa.Column("seal_sha256", sa.String(64), nullable=False),
        sa.Column("bundle_id", sa.Integer, sa.ForeignKey("hr_bundles.id"), nullable=False, index=True),
        sa.Column("signer_fingerprint", sa.String(95), nullable=False),
        sa.Column("trainer", sa.Text, nullable=False),
        sa.Column("trainer_organisation", sa.Text, nullable=True),
        sa.Column("employer", sa.Text, nullable=False),
        sa.Column("date", sa.Date, nullable=False, index=True),
        sa.Column("start_time", sa.String(5), nullable=True),
        sa.Column("starts_at", UTCMoment, nullable=False),
        sa.Column("ends_at", UTCMoment, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("workshop_id", sa.String(200), nullable=False),
        sa.Column("workshop_version", sa.String(64), nullable=False),
        sa.Column("workshop_title", sa.Text, nullable=False),
        sa.Column("jurisdictions", sa.Text, nullable=False),
        sa.Column("closed_at", UTCMoment, nullable=False),
        sa.Column("amendments", sa.Integer, nullable=False),
        sa.Column("amended_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", UTCMoment, nullable=False),
        sa.Column("updated_at", UTCMoment, nullable=False),
        sa.UniqueConstraint("session_id", "seal_sha256", name="uq_hr_sessions_seal"),
    )
    op.create_table(
        "hr_attendance",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_row_id", sa.Integer, sa.ForeignKey("hr_sessions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("badge_token", sa.String(64), nullable=False),
        sa.Column("employee_id", sa.String(64), nullable=True, index=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("email_key", sa.String(320), nullable=True, index=True),
        sa.Column("first_name", sa.Text, nullable=False),
        sa.Column("last_name", sa.Text, nullable=False),
        sa.Column("walk_in", sa.Boolean, nullable=False),
        sa.Column("completion", sa.String(16), nullable=False),
        sa.Column("completion_date", sa.Date, nullable=True),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("checked_in", UTCMoment, nullable=True),
        sa.Column("checked_out", UTCMoment, nullable=True),
        sa.Column("certificate_id", sa.String(64), nullable=True),
        sa.Column("track", sa.String(16), nullable=True),
        sa.Column("acknowledged", sa.Boolean, nullable=True),
        sa.Column("amended", sa.Boolean, nullable=False),
        sa.UniqueConstraint("session_row_id", "badge_token", name="uq_hr_attendance_person"),
    )
    op.create_table(
        "hr_credits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attendance_id", sa.Integer, sa.ForeignKey("hr_attendance.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("code", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("standing", sa.String(16), nullable=False),
        sa.UniqueConstraint("attendance_id", "code", name="uq_hr_credits_code"),
    )


def downgrade() -> None:
    for table in ("hr_credits", "hr_attendance", "hr_sessions", "hr_quarantine", "hr_bundles",
                  "hr_trusted_certificates"):
        op.drop_table(table)
