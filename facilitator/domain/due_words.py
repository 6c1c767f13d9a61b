"""The due-date rules' words: each law's schedule as an HR officer reads it ("within 6 months of hire, then every 2
years"), for the rows `hr due` lists (domain/due.py). Standard library and the translation seam only."""

from __future__ import annotations

from datetime import date, timedelta

from facilitator.domain.jurisdiction import Start, TrainingSchedule
from facilitator.i18n import N_, _, ngettext

_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
           N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))


def event_words(start: Start) -> str:
    return _("becoming a supervisor") if start is Start.SUPERVISOR else _("hire")


def _period(months: int, days: int) -> str:
    if days:
        return ngettext("{n} day", "{n} days", days).format(n=days)
    if months and months % 12 == 0:
        return ngettext("{n} year", "{n} years", months // 12).format(n=months // 12)
    return ngettext("{n} month", "{n} months", months).format(n=months)


def _year_words(starts: tuple[int, int], *, span: bool = True) -> str:
    """ "calendar year", or "training year (July 1 to June 30)" (without `span`, "training year")."""
    if starts == (1, 1):
        return _("calendar year")
    if not span:
        return _("training year")
    first = date(2001, *starts)
    last = first - timedelta(days=1)
    return _("training year ({start} to {end})").format(start=_day_words(first), end=_day_words(last))


def _day_words(day: date) -> str:
    return _("{month} {day}").format(month=_(_MONTHS[day.month - 1]), day=day.day)


def rule_words(schedule: TrainingSchedule, start: Start) -> str:
    """The rule for a person whose first training counts from `start`, as an HR officer reads it:
    "within 6 months of hire, then every 2 years"."""
    event = event_words(start)
    if schedule.year_starts:
        year = _year_words(schedule.year_starts)
        if schedule.first_months or schedule.first_days:
            first = _("by the end of the {year} that includes {period} after {event}").format(
                year=year, period=_period(schedule.first_months, schedule.first_days), event=event)
        else:
            first = _("by the end of the {year} of {event}").format(year=year, event=event)
    else:
        first = _("within {period} of {event}").format(
            period=_period(schedule.first_months, schedule.first_days), event=event)
    if schedule.every_months is None:
        return _("{first}; no refresher required").format(first=first)
    if schedule.year_starts:
        then = _("then once every {year}").format(year=_year_words(schedule.year_starts, span=False))
    elif schedule.every_months % 12 == 0:
        years = schedule.every_months // 12
        then = ngettext("then every year", "then every {n} years", years).format(n=years)
    else:
        then = ngettext("then every month", "then every {n} months", schedule.every_months).format(
            n=schedule.every_months)
    return _("{first}, {then}").format(first=first, then=then)
