"""A session's life: planned (it takes check-ins and runs), then sealed (its record is signed and final)."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_GRACE_MINUTES = 10  # minutes after the start before someone counts as late, unless the trainer says


class SessionStatus(StrEnum):
    """Where a session is in its life; stored as its value."""

    PLANNED = "planned"  # scheduled, checking in, running: everything may still be recorded
    SEALED = "sealed"  # closed and signed: nothing more is recorded; corrections are signed amendments
