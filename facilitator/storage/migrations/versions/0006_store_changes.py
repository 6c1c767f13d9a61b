"""What each commit changed, for the open windows: a short journal of (session, kind of change) rows that SQLite's
own triggers write in the same transaction as the change, whoever makes it (the app, the command line, a second
window, the phones' companion later).

A window's change watch reads the rows after the last it saw and refreshes only the views that show that session
and that kind of data. The journal is a convenience, not part of the record: no time, no person, nothing a hash
covers; each new row drops those more than JOURNAL_KEPT behind it, so it stays a few hundred rows. A watch that fell
further behind than that refreshes everything.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"

JOURNAL_KEPT = 500
# table → (the column naming the session, the kind of change, the writes that are changes)
WATCHED = {
    "training_sessions": ("id", "session", ("INSERT", "UPDATE", "DELETE")),
    "session_jurisdictions": ("session_id", "session", ("INSERT", "UPDATE", "DELETE")),
    "roster_entries": ("session_id", "roster", ("INSERT", "UPDATE", "DELETE")),
    "attendance_events": ("session_id", "attendance", ("INSERT",)),
    "session_seals": ("session_id", "seal", ("INSERT",)),
    "session_amendments": ("session_id", "seal", ("INSERT",)),
    "delivery_events": ("session_id", "delivery", ("INSERT",)),
    "feedback_responses": ("session_id", "feedback", ("INSERT", "DELETE")),
}


def upgrade() -> None:
    op.create_table(
        "store_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(16)),
        sa.Column("kind", sa.String(16), nullable=False),
    )
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE TRIGGER store_changes_kept AFTER INSERT ON store_changes BEGIN "
               f"DELETE FROM store_changes WHERE id <= NEW.id - {JOURNAL_KEPT}; END")
    for table, (column, kind, writes) in WATCHED.items():
        for write in writes:
            row = "OLD" if write == "DELETE" else "NEW"
            op.execute(f"CREATE TRIGGER {table}_noted_{write.lower()} AFTER {write} ON {table} BEGIN "
                       f"INSERT INTO store_changes (session_id, kind) VALUES ({row}.{column}, '{kind}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, (_column, _kind, writes) in WATCHED.items():
            for write in writes:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_noted_{write.lower()}")
        op.execute("DROP TRIGGER IF EXISTS store_changes_kept")
    op.drop_table("store_changes")
