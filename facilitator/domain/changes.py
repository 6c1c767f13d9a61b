"""What a commit to the store changed: which sessions, and which kind of their data. Each open view asks whether
the changes touch what it shows and refreshes only then (ui/store_watch.py); the store keeps the journal they are
read from (storage, migration 0006)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class ChangeKind(StrEnum):
    SESSION = "session"  # planned, edited, its laws
    ROSTER = "roster"  # people added, edited, walk-ins
    ATTENDANCE = "attendance"  # check-ins and -outs, undone scans, acknowledgments
    DELIVERY = "delivery"  # a step of the presenter: segments, counts, reveals, role-play rounds, notes
    FEEDBACK = "feedback"  # an anonymous response added or taken back
    SEAL = "seal"  # sealed, or amended after the seal
    PHONES = "phones"  # from the companion: a walk-in waiting for approval, phone votes, questions from the room


@dataclass(frozen=True)
class Changes:
    """The sessions changed since a watch last looked, each with the kinds of change. `unknown` when the watch
    cannot tell (it fell behind the journal, or could not read it): then everything counts as changed."""

    by_session: dict[str | None, frozenset[ChangeKind]] = field(default_factory=dict)
    unknown: bool = False

    @classmethod
    def of(cls, rows: Iterable[tuple[str | None, str]]) -> Changes:
        found: dict[str | None, set[ChangeKind]] = {}
        for session_id, kind in rows:
            try:
                found.setdefault(session_id, set()).add(ChangeKind(kind))
            except ValueError:  # a kind from a newer version of the app: say everything changed
                return cls(unknown=True)
        return cls({s: frozenset(k) for s, k in found.items()})

    def touches(self, session_id: str | None, *kinds: ChangeKind) -> bool:
        """Whether `session_id` (any session, for None) changed in any of `kinds` (in any way, with none)."""
        if self.unknown:
            return True
        sessions = self.by_session.values() if session_id is None else [self.by_session.get(session_id, frozenset())]
        return any(kinds_changed & set(kinds or ChangeKind) for kinds_changed in sessions)

    def __bool__(self) -> bool:
        return self.unknown or bool(self.by_session)


EVERYTHING = Changes(unknown=True)
