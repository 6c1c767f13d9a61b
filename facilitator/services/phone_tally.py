"""How many phones chose each option of a question (docs/companion.md): read inside the transaction that records a
tally, so the counts the delivery log keeps are the counts at that moment, with no vote slipping in between.

Its own module because both the delivery service (which merges the counts into tallies) and the phone votes service
(which adds to them, and needs the delivery service to know which question is open) use it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.storage.models import PhoneVote


def phone_counts(db: Session, session_id: str, segment_id: str, item: int, options: int) -> tuple[int, ...]:
    """One count per option (zeros where no phone chose it); votes for options a question no longer has are not
    counted."""
    rows = db.execute(select(PhoneVote.option, PhoneVote.count).where(
        PhoneVote.session_id == session_id, PhoneVote.segment_id == segment_id, PhoneVote.item == item)).all()
    counts = [0] * options
    for option, count in rows:
        if 0 <= option < options:
            counts[option] = count
    return tuple(counts)
