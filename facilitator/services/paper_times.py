"""Times keyed in afterwards (`checkin --at`, `delivery … --at`): read, and held to the session's day.

A paper sign-in sheet or a step forgotten at the console is keyed in later with the time it happened. Such a
time decides minutes attended, so it must fall on the session's day as this computer's clock tells it: from
EARLIEST_BEFORE_START before the planned start (never before that day's midnight) to the end of that day, or
LATEST_AFTER_START after the start for a session that begins late in the evening and runs past midnight; and
never later than now (give or take FUTURE_TOLERANCE, for a clock a minute apart). A time with an offset
(``2026-03-14T20:00+14:00``) is moved to this computer's clock first, so an offset cannot move the previous
evening into the session.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from facilitator.domain.times import clock, day_and_clock, iso
from facilitator.i18n import _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace

EARLIEST_BEFORE_START = timedelta(hours=2)
LATEST_AFTER_START = timedelta(hours=12)
FUTURE_TOLERANCE = timedelta(minutes=5)


def parse_at(text: str, on: date | None = None) -> datetime:
    """A time from a paper sheet: a full ISO 8601 date-time, or HH:MM on the session's date (`on`).

    Naive times are on this computer's clock. Only the form is checked here; `check_at` holds it to the day."""
    text = text.strip()
    try:
        if on is not None and len(text) <= 5 and ":" in text:
            hours, minutes = text.split(":")
            return datetime(on.year, on.month, on.day, int(hours), int(minutes))
        return datetime.fromisoformat(text)
    except ValueError:
        raise UserError(_("'{text}' is not a time; write it as 2026-03-14T09:05 or 09:05").format(text=text)
                        ) from None


def day_window(on: date, start: time) -> tuple[datetime, datetime]:
    """The first and the last moment (aware, on this computer's clock) a time keyed in for a session planned
    on `on` at `start` may have."""
    planned = datetime.combine(on, start).astimezone()
    day_begins = datetime.combine(on, time()).astimezone()
    day_ends = datetime.combine(on + timedelta(days=1), time()).astimezone()
    return max(day_begins, planned - EARLIEST_BEFORE_START), max(day_ends, planned + LATEST_AFTER_START)


def check_at(at: datetime, on: date, start: time, *, now: datetime | None = None) -> datetime:
    """`at` (naive: on this computer's clock) as an aware moment in UTC, if it lies in the day window of a
    session planned on `on` at `start` and is not in the future; otherwise a UserError that gives the window."""
    shown = iso(at, timespec="minutes")
    if abs((at.date() - on).days) > 2:  # far off (and safe from dates no clock can show, year 1 or 9999)
        raise _not_that_day(shown, on, start)
    try:
        when = (at if at.tzinfo else at.astimezone()).astimezone(UTC)
        earliest, latest = day_window(on, start)
    except (OverflowError, ValueError, OSError):  # a session on the first or last day a computer can count
        raise _not_that_day(shown, on, start) from None
    if when > (now or datetime.now(UTC)) + FUTURE_TOLERANCE:
        raise UserError(_("{time} is in the future; give the time it happened").format(time=shown))
    if earliest <= when < latest:
        return when
    if when.astimezone().date() == on and when < earliest:
        hours = int(EARLIEST_BEFORE_START.total_seconds() // 3600)
        raise UserError(ngettext(
            "{time} is more than {hours} hour before the session's planned start ({start}); a time keyed in must "
            "be between {earliest} and {latest} on this computer's clock; check the time on the sheet",
            "{time} is more than {hours} hours before the session's planned start ({start}); a time keyed in must "
            "be between {earliest} and {latest} on this computer's clock; check the time on the sheet", hours).format(
            time=shown, hours=hours, start=clock(start), earliest=day_and_clock(earliest),
            latest=day_and_clock(latest)))
    raise _not_that_day(shown, on, start, (earliest, latest))


def _not_that_day(shown: str, on: date, start: time,
                  window: tuple[datetime, datetime] | None = None) -> UserError:
    if window is None:
        return UserError(_("{time} is not on the session's date ({day}); check the date on the sheet").format(
            time=shown, day=on.isoformat()))
    hours = int(EARLIEST_BEFORE_START.total_seconds() // 3600)
    return UserError(ngettext(
        "{time} is not on the session's date ({day}); a time keyed in must be between {earliest} and {latest} on "
        "this computer's clock (from {hours} hour before the planned start at {start} to the end of the session's "
        "day); check the date on the sheet",
        "{time} is not on the session's date ({day}); a time keyed in must be between {earliest} and {latest} on "
        "this computer's clock (from {hours} hours before the planned start at {start} to the end of the session's "
        "day); check the date on the sheet", hours).format(
        time=shown, day=on.isoformat(), earliest=day_and_clock(window[0]), latest=day_and_clock(window[1]),
        hours=hours, start=clock(start)))


def keyed_in(ws: Workspace, session_id: str, text: str) -> datetime:
    """A time typed for session `session_id` (HH:MM on its date, or ISO 8601), checked against its day window;
    aware, on this computer's clock."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        on, start = session.scheduled_date, session.start_time
    return check_at(parse_at(text, on), on, start).astimezone()
