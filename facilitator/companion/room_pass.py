"""The room pass: the cookie a phone gets for opening the join address with a fresh code (docs/companion.md).

A pass says when the code was scanned and carries a random value of its own (one scan, naming neither the phone
nor the person), signed with a key derived from the session's rotation secret, so it outlives a restart of the app
(the phones in the room need not scan again) but not the session: another session's secret signs other passes.
Checking in needs a pass at most CHECK_IN_WITHIN old, so a screenshot of the code is useless once the code has
rotated and the few minutes a person takes to type their name are over; votes, questions and feedback need a pass
from the same day (ROOM_DAY).

The pass's random value is what limits one scan to one person checked in, one vote per question and one waiting
walk-in: each phone's ballot for a question is made from it (`ballot`), so a phone cannot choose a fresh ballot
to vote again; it would have to scan the room's screen again. The store keeps only a ballot's hash, never a pass.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

COOKIE = "room"  # not user text
CHECK_IN_WITHIN = timedelta(minutes=15)
ROOM_DAY = timedelta(hours=14)  # a long training day; tomorrow's session is scanned for again
NONCE_BYTES = 12
_PASS_LABEL = b"facilitator companion room pass"
_BALLOT_LABEL = b"facilitator companion ballot"


@dataclass(frozen=True)
class Pass:
    """A phone's pass, read back: when the code was scanned, and the scan's own random value."""

    scanned_at: datetime
    nonce: str

    def fresh_enough_to_check_in(self, now: datetime) -> bool:
        return now - self.scanned_at <= CHECK_IN_WITHIN


def issue(secret: bytes, scanned_at: datetime) -> str:
    """The pass for a phone that brought a good code at `scanned_at` (`secret`: the session's rotation secret)."""
    signed = f"{int(scanned_at.timestamp())}.{secrets.token_hex(NONCE_BYTES)}"
    return f"{signed}.{_mac(secret, _PASS_LABEL, signed)}"


def read(secret: bytes, value: str | None, now: datetime) -> Pass | None:
    """The pass in `value`, if it is this session's, well formed, not from the future and not older than
    ROOM_DAY; else None."""
    if not value or len(value) > 100 or not value.isascii() or value.count(".") != 2:
        return None
    stamp, nonce, mac = value.split(".")
    signed = f"{stamp}.{nonce}"
    if not stamp.isdigit() or not hmac.compare_digest(mac, _mac(secret, _PASS_LABEL, signed)):
        return None
    when = datetime.fromtimestamp(int(stamp), now.tzinfo)
    if when > now + timedelta(minutes=1) or now - when > ROOM_DAY:
        return None
    return Pass(when, nonce)


def ballot(secret: bytes, held: Pass, question: str) -> str:
    """The ballot of the phone holding `held` for `question` (a question's key): the same each time it asks, so
    voting twice spends the same ballot, and unlike any other phone's."""
    return _mac(secret, _BALLOT_LABEL, f"{held.nonce}|{question}")


def _mac(secret: bytes, label: bytes, text: str) -> str:
    key = hmac.new(secret, label, hashlib.sha256).digest()  # never the rotation secret itself
    return hmac.new(key, text.encode("ascii"), hashlib.sha256).hexdigest()[:32]
