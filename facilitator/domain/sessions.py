"""A session's life: planned (it takes check-ins and runs), then sealed (its record is signed and final)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from facilitator.i18n import N_, _

DEFAULT_GRACE_MINUTES = 10  # minutes after the start before someone counts as late, unless the trainer says
# The longest grace period a session may have: it is also taken off the minutes a certificate needs, and more than
# two hours would excuse most of any workshop.
MAX_GRACE_MINUTES = 120


class SessionStatus(StrEnum):
    """Where a session is in its life; stored as its value."""

    PLANNED = "planned"  # scheduled, checking in, running: everything may still be recorded
    SEALED = "sealed"  # closed and signed: nothing more is recorded; corrections are signed amendments


STATUS_WORDS: Mapping[SessionStatus, str] = MappingProxyType({SessionStatus.PLANNED: N_("planned"),
                                                              SessionStatus.SEALED: N_("sealed")})


def status_label(status: SessionStatus | str) -> str:
    """"planned" or "sealed", in the chosen language; a value the store should not hold is shown as it is."""
    try:
        return _(STATUS_WORDS[SessionStatus(status)])
    except ValueError:
        return str(status)
