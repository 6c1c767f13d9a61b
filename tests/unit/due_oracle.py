"""The due-date rules as they were first written, one row at a time with nothing worked out ahead (domain/due.py
before it was made fast for 50,000 employees): kept as the oracle that the fast rules must agree with, row for row
(test_due_oracle.py). Not used by Facilitator itself. Its types and the rule's words are the domain's own."""

from __future__ import annotations

import unicodedata
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from facilitator.domain.compliance import Standing, Track
from facilitator.domain.due import DEFAULT_SOON_DAYS, DueRow, DueStatus, TrainingCredit
from facilitator.domain.due_words import event_words, rule_words
from facilitator.domain.employees import Employee
from facilitator.domain.jurisdiction import Jurisdiction, Start, TrainingSchedule
from facilitator.domain.workshop import Audience
from facilitator.i18n import N_, _


def due_rows(employees: Iterable[Employee], trainings: Iterable[TrainingCredit],
             jurisdictions: Mapping[str, Jurisdiction], today: date, *,
             soon_days: int = DEFAULT_SOON_DAYS) -> list[DueRow]:
    """One row per employee and jurisdiction they work under, in the order given (each profile once a person).

    `trainings` may hold anyone's credits, in any order, duplicates and other standings included: each person's
    are found by employee id (case, spacing and accents' encoding ignored). A row is "due soon" when it is due
    within `soon_days` days of `today`."""
    by_person: dict[str, list[TrainingCredit]] = defaultdict(list)
    for credit in trainings:
        if credit.standing == Standing.MET and credit.on <= today:
            by_person[employee_key(credit.employee_id)].append(credit)
    rows: list[DueRow] = []
    for person in employees:
        credits = by_person.get(employee_key(person.employee_id), [])
        seen: set[str] = set()
        for code in person.jurisdictions:
            row = _row(person, code, credits, jurisdictions, today, soon_days)
            if row.jurisdiction not in seen:
                seen.add(row.jurisdiction)
                rows.append(row)
    return rows


# --- one row -----------------------------------------------------------------------------------------------------

def _row(person: Employee, code: str, credits: list[TrainingCredit], jurisdictions: Mapping[str, Jurisdiction],
         today: date, soon_days: int) -> DueRow:
    track = Track.of(person.is_supervisor)
    listed = jurisdictions.get(code)
    if listed is None:
        return _plain(person, code, code, "", "", track, DueStatus.UNKNOWN, _(
            "'{code}' is not a jurisdiction profile of this library; correct the employee list").format(code=code))
    profile = _profile_for(listed, track, jurisdictions)
    if profile is None:
        return _plain(person, code, listed.name, listed.citation, code, track, DueStatus.NOT_REQUIRED, _(
            "this profile is for {audience} only").format(audience=_(_AUDIENCE_WORDS[listed.audience])))
    schedule = profile.schedule
    listed_as = code if profile.code != code else ""
    if schedule is None:
        return DueRow(person.employee_id, person.full_name, profile.code, profile.name, profile.citation, listed_as,
                      track, _("no training required by law"), _last(credits, profile, track, jurisdictions),
                      None, DueStatus.NOT_REQUIRED, None)
    start = _start(schedule.first_from, track)
    due, last, note = _obligation(person, profile, schedule, track, credits, jurisdictions)
    if track is Track.SUPERVISOR:  # a supervisor is an employee too, and may be due as one first
        as_employee = _profile_for(listed, Track.EMPLOYEE, jurisdictions)
        if as_employee is not None and as_employee.schedule is not None:
            sooner, counted, _note = _obligation(person, as_employee, as_employee.schedule, Track.EMPLOYEE, credits,
                                                 jurisdictions)
            if sooner is not None and (due is None or sooner < due):
                due = sooner
                note = _("due as an employee first: the last training that counts for one was on {date} (a "
                         "supervisor's training counts for both)").format(date=counted.on.isoformat()) if counted \
                    else _("due as an employee first: never trained as one (a supervisor's training counts for both)")
    rule = rule_words(schedule, start)
    if due is None:
        status = DueStatus.DONE if last is not None else DueStatus.UNKNOWN
        return DueRow(person.employee_id, person.full_name, profile.code, profile.name, profile.citation, listed_as,
                      track, rule, last, None, status, None, note)
    days = (due - today).days
    status = DueStatus.OVERDUE if days < 0 else DueStatus.DUE_SOON if days <= soon_days else DueStatus.NOT_YET_DUE
    return DueRow(person.employee_id, person.full_name, profile.code, profile.name, profile.citation, listed_as,
                  track, rule, last, due, status, days, note)


def _obligation(person: Employee, profile: Jurisdiction, schedule: TrainingSchedule, track: Track,
                credits: list[TrainingCredit], jurisdictions: Mapping[str, Jurisdiction]
                ) -> tuple[date | None, TrainingCredit | None, str]:
    """When a person on `track` is next due under `profile`, the last training that counted, and a note."""
    start = _start(schedule.first_from, track)
    begins = person.hire_date if start is Start.HIRE else (person.supervisor_since or person.hire_date)
    first = _first_due(schedule, begins) if begins is not None else None
    last = _last(credits, profile, track, jurisdictions)
    if last is None:
        return first, None, _never_note(credits, profile, track, begins)
    again = _refresh(schedule, last.on)
    if begins is None or last.on >= begins:
        return again, last, ""
    return (first if again is None or first is None else max(again, first)), last, _(
        "the last training was before {event}; the window from {event} applies").format(event=event_words(start))


def _plain(person: Employee, code: str, name: str, citation: str, listed_as: str, track: Track, status: DueStatus,
           note: str) -> DueRow:
    return DueRow(person.employee_id, person.full_name, code, name, citation, listed_as, track, "", None, None,
                  status, None, note)


def _never_note(credits: list[TrainingCredit], profile: Jurisdiction, track: Track, begins: date | None) -> str:
    if begins is None:
        return _("never trained, and the employee list gives no hire date; add it to see when training is due")
    other = [c for c in credits if c.jurisdiction in _place(profile) and c.track != track]
    if other and track is Track.SUPERVISOR:
        return _("an employee's training ({date}) does not count for a supervisor").format(
            date=max(c.on for c in other).isoformat())
    return _("never trained")


_AUDIENCE_WORDS = {Audience.EMPLOYEES: N_("employees"), Audience.SUPERVISORS: N_("supervisors"),
                   Audience.EVERYONE: N_("everyone")}


def _profile_for(listed: Jurisdiction, track: Track, jurisdictions: Mapping[str, Jurisdiction]) -> Jurisdiction | None:
    """The profile a person on `track` is held to where HR listed `listed`: itself, or its other track's."""
    if _applies(listed.audience, track):
        return listed
    other = listed.schedule.other_track if listed.schedule else None
    found = jurisdictions.get(other) if other else None
    return found if found is not None and _applies(found.audience, track) else None


def _place(profile: Jurisdiction) -> set[str]:
    """The profile's code and its other track's."""
    other = profile.schedule.other_track if profile.schedule else None
    return {profile.code, other} if other else {profile.code}


def _last(credits: list[TrainingCredit], profile: Jurisdiction, track: Track,
          jurisdictions: Mapping[str, Jurisdiction]) -> TrainingCredit | None:
    counted = [c for c in credits if _counts(c, profile, track, jurisdictions)]
    return max(counted, key=lambda c: (c.on, c.session_id)) if counted else None


def _counts(credit: TrainingCredit, profile: Jurisdiction, track: Track,
            jurisdictions: Mapping[str, Jurisdiction]) -> bool:
    """Whether a credit "met" counts for a person now on `track` under `profile` (see the module's rules)."""
    if credit.jurisdiction == profile.code:
        if credit.track == track:
            return True
        needed = _needs(profile, track)
        return bool(needed) and credit.track in set(Track) and needed <= _needs(profile, Track(credit.track))
    other = profile.schedule.other_track if profile.schedule else None
    return (credit.jurisdiction == other and profile.audience is Audience.EMPLOYEES
            and credit.track == Track.SUPERVISOR and other in jurisdictions)


def _needs(profile: Jurisdiction, track: Track) -> frozenset[int]:
    """The trainings (by position) a profile asks of a track."""
    if not _applies(profile.audience, track):
        return frozenset()
    return frozenset(i for i, r in enumerate(profile.requirements)
                     if _applies(profile.audience if r.audience is Audience.EVERYONE else r.audience, track))


def _applies(audience: Audience, track: Track) -> bool:
    return audience is Audience.EVERYONE or (audience is Audience.SUPERVISORS) == (track is Track.SUPERVISOR)


def _start(first_from: Start, track: Track) -> Start:
    if first_from is Start.HIRE_OR_SUPERVISOR:
        return Start.SUPERVISOR if track is Track.SUPERVISOR else Start.HIRE
    return first_from


def employee_key(employee_id: str) -> str:
    """An employee id as the rules compare it: spacing, case and the encoding of accents do not matter."""
    return unicodedata.normalize("NFC", " ".join(employee_id.split())).casefold()


# --- dates ------------------------------------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months; a day the month lacks becomes its last (31 January + 1: 28 or 29 February).
    Beyond the calendar's end, its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def training_year_end(day: date, starts: tuple[int, int]) -> date:
    """The last day of the training year (starting each year on month/day `starts`) that `day` falls in."""
    month, first = starts
    if day.year >= date.max.year:
        return date.max
    begin = date(day.year, month, first)
    if begin > day:
        begin = date(day.year - 1, month, first)
    return date(begin.year + 1, month, first) - timedelta(days=1)


def _later(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _first_due(schedule: TrainingSchedule, begins: date) -> date:
    due = _later(add_months(begins, schedule.first_months), schedule.first_days)
    return training_year_end(due, schedule.year_starts) if schedule.year_starts else due


def _refresh(schedule: TrainingSchedule, last: date) -> date | None:
    if schedule.every_months is None:
        return None
    due = add_months(last, schedule.every_months)
    return training_year_end(due, schedule.year_starts) if schedule.year_starts else due
