"""The hash chain over a session's attendance log.

Each event's hash covers its own fields and the previous event's hash, so changing, removing or reordering
any event breaks every link after it. The fields hashed are the portable ones (the badge token rather than a
local row id), so the chain still verifies after HR imports the log into another database. Removing events
from the end cannot be seen from the chain alone; sealing signs the head to close that gap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from facilitator.i18n import _

FORMAT = "facilitator-attendance-1"


@dataclass(frozen=True)
class ChainedEvent:
    """The fields of an event that the chain protects."""

    session_id: str
    seq: int
    kind: str
    occurred_at: datetime
    monotonic_ms: int
    person_token: str | None = None
    code: str | None = None
    reason: str | None = None
    actor: str | None = None
    source: str | None = None
    voids_seq: int | None = None

    def canonical(self, prev_hash: str) -> bytes:
        """One unambiguous byte string for hashing: sorted keys, no spaces, UTF-8, UTC to the microsecond."""
        fields = {
            "format": FORMAT, "session": self.session_id, "seq": self.seq, "kind": self.kind,
            "at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "monotonic_ms": self.monotonic_ms, "person": self.person_token, "code": self.code,
            "reason": self.reason, "actor": self.actor, "source": self.source, "voids": self.voids_seq,
            "prev": prev_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def genesis(session_id: str) -> str:
    """The 'previous hash' of a session's first event; tying it to the session stops logs being swapped."""
    return hashlib.sha256(f"{FORMAT}:{session_id}".encode()).hexdigest()


def link(event: ChainedEvent, prev_hash: str) -> str:
    """The hash of `event` following an event whose hash is `prev_hash`."""
    return hashlib.sha256(event.canonical(prev_hash)).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back, with the hashes it was stored with."""

    event: ChainedEvent
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: str
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify(session_id: str, stored: Iterable[StoredEvent]) -> ChainReport:
    """Check a log in the order it was written; report the first event that breaks the chain."""
    stored = list(stored)
    present = {item.event.seq for item in stored}
    expected_prev = genesis(session_id)
    count = 0
    for count, item in enumerate(stored, start=1):
        event = item.event
        if event.seq != count:
            problem = (_("event {expected} is out of order: event {seq} comes where event {expected} should be")
                       if count in present else
                       _("event {expected} is missing: event {seq} comes where event {expected} should be"))
            return ChainReport(count - 1, expected_prev, ChainProblem(
                event.seq, problem.format(expected=count, seq=event.seq)))
        if event.session_id != session_id:
            return ChainReport(count - 1, expected_prev, ChainProblem(
                event.seq, _("event {seq} belongs to session {other}, not {session}").format(
                    seq=event.seq, other=event.session_id, session=session_id)))
        if item.prev_hash != expected_prev:
            return ChainReport(count - 1, expected_prev, ChainProblem(
                event.seq, _("event {seq} does not follow event {previous}: the link between them is broken (an "
                             "event was removed, inserted or edited)").format(seq=event.seq, previous=event.seq - 1)))
        if link(event, item.prev_hash) != item.hash:
            return ChainReport(count - 1, expected_prev, ChainProblem(
                event.seq, _("event {seq} ({kind}) was altered: its contents no longer match its hash").format(
                    seq=event.seq, kind=event.kind)))
        expected_prev = item.hash
    return ChainReport(count, expected_prev, None)
