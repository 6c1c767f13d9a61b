"""How a moment is written down: for a person, as the time on this computer's clock; for a record, as ISO 8601.

The log keeps every moment in UTC; a trainer reads "09:05", the time on the wall of the room they are in. An
aware moment is shown on this computer's clock; a naive one is taken to be on it already.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import overload


def local(moment: datetime) -> datetime:
    """`moment` on this computer's clock (a naive moment is taken to be on it already)."""
    return moment.astimezone() if moment.tzinfo is not None else moment


def clock(moment: datetime | time | None, missing: str = "", *, seconds: bool = False) -> str:
    """"09:05" (or "09:05:30") on this computer's clock; `missing` when there is no moment."""
    if moment is None:
        return missing
    shown = local(moment) if isinstance(moment, datetime) else moment  # a time of day is shown as it is
    return shown.strftime("%H:%M:%S" if seconds else "%H:%M")


def clock_or_none(moment: datetime | None) -> str | None:
    """As `clock`, but None when there is no moment: a document leaves that cell empty, or prints a dash."""
    return clock(moment) or None


def day_and_clock(moment: datetime) -> str:
    """"2026-12-03 09:05" on this computer's clock."""
    return local(moment).strftime("%Y-%m-%d %H:%M")


@overload
def iso(moment: datetime, *, on_this_clock: bool = False, timespec: str = "seconds") -> str: ...
@overload
def iso(moment: None, *, on_this_clock: bool = False, timespec: str = "seconds") -> None: ...
@overload
def iso(moment: datetime | None, *, on_this_clock: bool = False, timespec: str = "seconds") -> str | None: ...


def iso(moment: datetime | None, *, on_this_clock: bool = False, timespec: str = "seconds") -> str | None:
    """ISO 8601 with its offset, to the second: as stored (UTC), or on this computer's clock; None for none."""
    if moment is None:
        return None
    return (local(moment) if on_this_clock else moment).isoformat(timespec=timespec)


def local_iso(moment: datetime | None) -> str | None:
    """ISO 8601 on this computer's clock, with its offset (what `--json` gives a script on the same laptop)."""
    return iso(moment, on_this_clock=True)
