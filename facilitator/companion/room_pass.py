"""The room pass: the cookie a phone gets for opening the join address with a fresh code (docs/companion.md).

A pass says when the code was scanned, signed with a key derived from the session's rotation secret, so it
outlives a restart of the app (the phones in the room need not scan again) but not the session: another session's
secret signs other passes. Checking in needs a pass at most CHECK_IN_WITHIN old, so a screenshot of the code is
useless once the code has rotated and the few minutes a person takes to type their name are over; votes,
questions and feedback need a pass from the same day (ROOM_DAY). Nothing in it names the phone or the person.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

COOKIE = "room"  # not user text
CHECK_IN_WITHIN = timedelta(minutes=15)
ROOM_DAY = timedelta(hours=14)  # a long training day; tomorrow's session is scanned for again
_KEY_LABEL = b"facilitator companion room pass"


def issue(secret: bytes, scanned_at: datetime) -> str:
    """The pass for a phone that brought a good code at `scanned_at` (`secret`: the session's rotation secret)."""
    stamp = str(int(scanned_at.timestamp()))
    return f"{stamp}.{_mac(secret, stamp)}"


def scanned_at(secret: bytes, value: str | None, now: datetime) -> datetime | None:
    """When the pass's code was scanned, if the pass is this session's, well formed, not from the future and not
    older than ROOM_DAY; else None."""
    if not value or len(value) > 100 or value.count(".") != 1:
        return None
    stamp, mac = value.split(".")
    if not stamp.isdigit() or not hmac.compare_digest(mac, _mac(secret, stamp)):
        return None
    when = datetime.fromtimestamp(int(stamp), now.tzinfo)
    if when > now + timedelta(minutes=1) or now - when > ROOM_DAY:
        return None
    return when


def fresh_enough_to_check_in(scanned: datetime, now: datetime) -> bool:
    return now - scanned <= CHECK_IN_WITHIN


def _mac(secret: bytes, stamp: str) -> str:
    key = hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()  # never the rotation secret itself
    return hmac.new(key, stamp.encode("ascii"), hashlib.sha256).hexdigest()[:32]
