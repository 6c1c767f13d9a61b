"""Who is due for training, under which law, by when: HR's employee list against the trainings that counted.

`due_rows(employees, trainings, jurisdictions, today)` gives one row per employee and jurisdiction they work
under: the rule in words, the last training that counted, the date due and whether that is past, near or not
yet. The store passes in what it holds (people, and the credits of their sealed records); nothing here reads a
file, a database or the clock.

The rules, as a careful HR officer would apply them:
- Only a credit "met" counts: a person met in part ("partial") was not trained, and is due as if they were not.
- A person is held to the profile for the track they are on now. California and Chicago have a profile for each
  track, linked by their schedules' `other_track`: HR may list either, and a supervisor is held to the
  supervisors' one. Within one profile, a training counts for the person's track if it was on that track, or if
  it covered every training the profile asks of their track (Delaware asks supervisors for more than employees,
  so an employee's training does not make a new supervisor trained; Connecticut asks the same of both).
- An employee's training never counts for a supervisor: promoted in California, they need the supervisors'
  training within 6 months of the promotion, whatever they had before. The other way round it does: the
  supervisors' training of a place covers every topic of its employees' and is longer (a test holds the built-in
  profiles to that), so a supervisor who steps back is not due again at once.
- A supervisor is an employee too: where their obligation as an employee falls due sooner (trained as one too
  long ago, or never trained since hire), that date is theirs, and the row's note says why. A supervisor's
  training meets both.
- The first training is due within the profile's window of hire, or of becoming a supervisor (a supervisor whose
  list gives no date: of hire). A training before that start (a re-hire's, or one from before a promotion) still
  counts, but never brings the date due before the end of the window.
- Someone never trained is due at the end of the window from their hire (or promotion), however long ago that
  was: someone hired years ago and never trained is overdue since then, and the row says they were never
  trained. (The date may be earlier than the law itself; they are overdue either way, and the oldest sort first.)
  With no hire date, no date can be given: the row says so, and what to add.
- A training dated after `today` (a clock set wrong on a trainer's laptop) is not counted.
- Months are calendar months: 31 January plus one month is the last day of February, 29 February plus a year is
  28 February. Laws that count training years (Illinois, New York City: calendar years; Chicago: 1 July to
  30 June) have every date due run to the end of its training year.
"""

from __future__ import annotations

import unicodedata
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from facilitator.domain.compliance import Standing, Track
from facilitator.domain.due_words import event_words, rule_words
from facilitator.domain.employees import Employee
from facilitator.domain.jurisdiction import Jurisdiction, Start, TrainingSchedule
from facilitator.domain.workshop import Audience
from facilitator.i18n import N_, _

DEFAULT_SOON_DAYS = 60


class TrainingCredit(NamedTuple):
    """One person's credit under one jurisdiction from one sealed session, as the store holds it.

    A named tuple rather than a frozen dataclass, immutable all the same: a company's records are tens of thousands
    of these, and a frozen dataclass takes as long to make as the store takes to read its row."""

    employee_id: str
    on: date  # the day of the session (the trainer's calendar)
    jurisdiction: str  # the profile's code
    track: str  # "employee" or "supervisor": the track the person was credited on
    standing: str  # "met", "partial", "not-met" or "not-applicable"; only "met" counts
    session_id: str = ""


class DueStatus(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"  # due within the days asked for (today included)
    NOT_YET_DUE = "not-yet-due"
    DONE = "done"  # the law asks for one training only (Maine), and it counted
    NOT_REQUIRED = "not-required"  # no law sets a schedule here, or the profile is not for this person's track
    UNKNOWN = "unknown"  # no date can be given: no hire date and never trained, or a profile the library lacks


STATUS_WORDS = {DueStatus.OVERDUE: N_("overdue"), DueStatus.DUE_SOON: N_("due soon"),
                DueStatus.NOT_YET_DUE: N_("not yet due"), DueStatus.DONE: N_("trained; no refresher required"),
                DueStatus.NOT_REQUIRED: N_("not required"), DueStatus.UNKNOWN: N_("cannot tell")}


class DueRow(NamedTuple):
    """One employee under one jurisdiction: the rule, the last training that counted, and when the next is due.
    (A named tuple, as TrainingCredit is: `hr due` makes one for every person due, thousands at once.)"""

    employee_id: str
    name: str
    jurisdiction: str  # the profile applied (for a supervisor in California: ca-supervisors)
    jurisdiction_name: str
    citation: str
    listed_as: str  # the code HR listed for them (ca-employees, say), when another profile was applied
    track: Track
    rule: str  # in words, for this person ("within 6 months of becoming a supervisor, then every 2 years")
    last_training: TrainingCredit | None  # the last that counted
    due: date | None
    status: DueStatus
    days_left: int | None  # from today to the date due; negative when overdue
    note: str = ""  # what an HR officer should know about this row ("never trained", ...)

    @property
    def status_words(self) -> str:
        return _(STATUS_WORDS[self.status])

    def due_within(self, days: int) -> bool:
        """Overdue, or due within `days` of today: what `hr due --within` lists."""
        return self.days_left is not None and self.days_left <= days


def due_rows(employees: Iterable[Employee], trainings: Iterable[TrainingCredit],
             jurisdictions: Mapping[str, Jurisdiction], today: date, *,
             soon_days: int = DEFAULT_SOON_DAYS, within_days: int | None = None) -> list[DueRow]:
    """One row per employee and jurisdiction they work under, in the order given (each profile once a person).

    `trainings` may hold anyone's credits, in any order, duplicates and other standings included: each person's
    are found by employee id (case, spacing and accents' encoding ignored). A row is "due soon" when it is due
    within `soon_days` days of `today`. With `within_days`, only the rows overdue or due within that many days
    (`DueRow.due_within`): the others are worked out, but never made into rows (with their notes and words).

    Made for a whole company at once (50,000 people, benchmarks/hr_due_bench.py): what each listed jurisdiction
    means for each track (the profile applied, the rule in words, which credits count) is worked out once a call
    (`_Plan`), not once a person; tests/unit/test_due_oracle.py holds the rows to the rules as first written."""
    met = Standing.MET
    as_given: dict[str, list[TrainingCredit]] = defaultdict(list)  # each id folded once, not once a credit
    for credit in trainings:
        if credit.standing == met and credit.on <= today:
            as_given[credit.employee_id].append(credit)
    by_person: dict[str, list[TrainingCredit]] = defaultdict(list)
    for given, found in as_given.items():
        by_person[employee_key(given)].extend(found)
    plans = _Plans(jurisdictions)
    rows: list[DueRow] = []
    # The last day `within_days` keeps (a date, compared with each date due, rather than a count of days made for
    # each); past the calendar's end, its last day; before its start, no row can be kept.
    horizon = None
    if within_days is not None:
        last = today.toordinal() + within_days
        if last < 1:
            return []
        horizon = date.fromordinal(min(last, date.max.toordinal()))
    # Names bound once, outside a loop that runs once a person: Python looks each up again on every use.
    made, plan_of, credits_of, key_of, row_of = plans.made, plans.of, by_person.get, employee_key, _row
    add, employee, supervisor, none = rows.append, Track.EMPLOYEE, Track.SUPERVISOR, []
    for person in employees:
        eid = person.employee_id  # employee_key's quick path in line (most ids): a call less a person
        credits = credits_of(eid.lower() if eid.isascii() and eid.isalnum() else key_of(eid), none)
        track = supervisor if person.is_supervisor else employee
        codes = person.jurisdictions
        if len(codes) == 1:  # most people: nothing to tell apart
            code = codes[0]
            row = row_of(person, made.get((code, track)) or plan_of(code, track), credits, today, soon_days,
                         horizon)
            if row is not None:
                add(row)
            continue
        seen: set[str] = set()
        for code in codes:
            plan = made.get((code, track)) or plan_of(code, track)
            if plan.applied in seen:
                continue
            seen.add(plan.applied)
            row = row_of(person, plan, credits, today, soon_days, horizon)
            if row is not None:
                add(row)
    return rows


# --- what a listed jurisdiction means for a track, worked out once -----------------------------------------------

@dataclass(frozen=True, eq=False)
class _Plan:
    """What the rules make of one code HR listed, for a person on one track."""

    code: str  # as HR listed it
    track: Track
    listed: Jurisdiction | None  # None: the library has no such profile
    profile: Jurisdiction | None  # the profile applied; None: the listed one is for the other track only
    applied: str  # the row's jurisdiction: the profile's code, else the code listed
    listed_as: str  # the code listed, when another profile is applied
    schedule: TrainingSchedule | None  # the profile's (None: no law sets one, or no profile)
    start: Start | None  # what starts the clock for the first training (None: no schedule)
    rule: str  # the rule in words ("" with no schedule)
    counts: Mapping[str, frozenset[str]]  # jurisdiction -> the credit tracks whose "met" counts (_counting)
    place: frozenset[str]  # the profile's code and its other track's
    as_employee: _Plan | None = None  # for a supervisor, the employees' plan where it has a schedule
    # The dates due after a start, and after a training, as worked out so far: a company's people share a few
    # hundred hire dates and training days, so each is worked out once a plan (a dict, in an otherwise frozen plan).
    firsts: dict[date, date] = field(default_factory=dict)
    refreshes: dict[date, date | None] = field(default_factory=dict)

    def first_due(self, begins: date) -> date:
        found = self.firsts.get(begins)
        if found is None:
            assert self.schedule is not None, "only a plan with a schedule has dates due"
            found = self.firsts[begins] = _first_due(self.schedule, begins)
        return found

    def refresh(self, last: date) -> date | None:
        if last in self.refreshes:
            return self.refreshes[last]
        assert self.schedule is not None, "only a plan with a schedule has dates due"
        found = self.refreshes[last] = _refresh(self.schedule, last)
        return found


class _Plans:
    """Each (code, track)'s plan, made when first asked for."""

    def __init__(self, jurisdictions: Mapping[str, Jurisdiction]) -> None:
        self._jurisdictions = jurisdictions
        self.made: dict[tuple[str, Track], _Plan] = {}

    def of(self, code: str, track: Track) -> _Plan:
        found = self.made.get((code, track))
        if found is None:
            found = self.made[code, track] = self._make(code, track)
        return found

    def _make(self, code: str, track: Track) -> _Plan:
        jurisdictions = self._jurisdictions
        listed = jurisdictions.get(code)
        if listed is None:
            return _Plan(code, track, None, None, code, "", None, None, "", {}, frozenset())
        profile = _profile_for(listed, track, jurisdictions)
        if profile is None:
            return _Plan(code, track, listed, None, code, code, None, None, "", {}, frozenset())
        schedule = profile.schedule
        start = _start(schedule.first_from, track) if schedule else None
        as_employee = None
        if track is Track.SUPERVISOR:  # a supervisor is an employee too, and may be due as one first
            employees = _profile_for(listed, Track.EMPLOYEE, jurisdictions)
            if employees is not None and employees.schedule is not None:
                as_employee = self.of(code, Track.EMPLOYEE)
        return _Plan(code, track, listed, profile, profile.code, code if profile.code != code else "", schedule,
                     start, rule_words(schedule, start) if schedule and start else "",
                     _counting(profile, track, jurisdictions), frozenset(_place(profile)), as_employee)


def _counting(profile: Jurisdiction, track: Track, jurisdictions: Mapping[str, Jurisdiction]
              ) -> dict[str, frozenset[str]]:
    """Which credits "met" count for a person on `track` under `profile`, as jurisdiction -> credit tracks (the
    module's rules): the profile's own on their track, or on the other track where that track's trainings cover
    every one the profile asks of theirs; and under an employees' profile, a supervisor's credit under the profile
    of the same place for supervisors (its other track)."""
    needed = _needs(profile, track)
    tracks = {track.value} | {t.value for t in Track if needed and needed <= _needs(profile, t)}
    found = {profile.code: frozenset(tracks)}
    other = profile.schedule.other_track if profile.schedule else None
    if other and other != profile.code and profile.audience is Audience.EMPLOYEES and other in jurisdictions:
        found[other] = frozenset({Track.SUPERVISOR.value})
    return found


# --- one row -----------------------------------------------------------------------------------------------------

def _row(person: Employee, plan: _Plan, credits: list[TrainingCredit], today: date, soon_days: int,
         horizon: date | None) -> DueRow | None:
    """The person's row under `plan`; None where it is due after `horizon` (the last day `within_days` keeps), or
    has no date due while there is a horizon."""
    track, profile = plan.track, plan.profile
    if profile is None or plan.schedule is None:  # no date due: never within any number of days
        if horizon is not None:
            return None
        if plan.listed is None:
            return _plain(person, plan.code, plan.code, "", "", track, DueStatus.UNKNOWN, _(
                "'{code}' is not a jurisdiction profile of this library; correct the employee list").format(
                code=plan.code))
        if profile is None:
            return _plain(person, plan.code, plan.listed.name, plan.listed.citation, plan.code, track,
                          DueStatus.NOT_REQUIRED, _("this profile is for {audience} only").format(
                              audience=_(_AUDIENCE_WORDS[plan.listed.audience])))
        return DueRow(person.employee_id, person.full_name, profile.code, profile.name, profile.citation,
                      plan.listed_as, track, _("no training required by law"), _last(credits, plan.counts), None,
                      DueStatus.NOT_REQUIRED, None)
    due, last, begins = _obligation(person, plan, credits)
    first_as_employee = False  # due sooner as an employee than as a supervisor
    counted = None
    if plan.as_employee is not None:
        sooner, counted, _begins = _obligation(person, plan.as_employee, credits)
        if sooner is not None and (due is None or sooner < due):
            due, first_as_employee = sooner, True
    if due is None:
        if horizon is not None:
            return None
        status = DueStatus.DONE if last is not None else DueStatus.UNKNOWN
        return DueRow(person.employee_id, person.full_name, profile.code, profile.name, profile.citation,
                      plan.listed_as, track, plan.rule, last, None, status, None,
                      _note(plan, credits, last, begins, first_as_employee, counted))
    if horizon is not None and due > horizon:
        return None
    days = (due - today).days
    status = DueStatus.OVERDUE if days < 0 else DueStatus.DUE_SOON if days <= soon_days else DueStatus.NOT_YET_DUE
    # The row made as DueRow._make makes it, without DueRow's own __new__ (a Python call of 13 arguments): the one
    # row most people due get.
    return _made(DueRow, (person.employee_id, person.full_name, profile.code, profile.name, profile.citation,
                          plan.listed_as, track, plan.rule, last, due, status, days,
                          _note(plan, credits, last, begins, first_as_employee, counted)))


_made = tuple.__new__


def _obligation(person: Employee, plan: _Plan, credits: list[TrainingCredit]
                ) -> tuple[date | None, TrainingCredit | None, date | None]:
    """When a person on the plan's track is next due under its profile, the last training that counted, and the
    day their clock started (None: the list gives none). Run once a person and profile, so `_last` and the plan's
    dates due are looked up here in line, a call less each."""
    start = plan.start
    begins = person.hire_date if start is Start.HIRE else (person.supervisor_since or person.hire_date)
    last = None
    if credits:
        counts = plan.counts
        for credit in credits:  # _last
            tracks = counts.get(credit.jurisdiction)
            if tracks is not None and credit.track in tracks and (
                    last is None or (credit.on, credit.session_id) > (last.on, last.session_id)):
                last = credit
    if last is None:
        if begins is None:
            return None, None, None
        return plan.firsts.get(begins) or plan.first_due(begins), None, begins
    on = last.on
    again = plan.refreshes[on] if on in plan.refreshes else plan.refresh(on)
    if begins is None or on >= begins:
        return again, last, begins
    first = plan.first_due(begins)
    return (first if again is None else max(again, first)), last, begins


def _note(plan: _Plan, credits: list[TrainingCredit], last: TrainingCredit | None, begins: date | None,
          first_as_employee: bool, counted: TrainingCredit | None) -> str:
    """What an HR officer should know about a row that is made (put into words only then)."""
    if first_as_employee:
        if counted is not None:
            return _("due as an employee first: the last training that counts for one was on {date} (a "
                     "supervisor's training counts for both)").format(date=counted.on.isoformat())
        return _("due as an employee first: never trained as one (a supervisor's training counts for both)")
    if last is None:
        return _never_note(credits, plan, begins)
    if begins is None or last.on >= begins:
        return ""
    assert plan.start is not None, "a plan with a schedule has a start"
    return _before_note(plan.start)


def _before_note(start: Start) -> str:
    return _("the last training was before {event}; the window from {event} applies").format(
        event=event_words(start))


def _plain(person: Employee, code: str, name: str, citation: str, listed_as: str, track: Track, status: DueStatus,
           note: str) -> DueRow:
    return DueRow(person.employee_id, person.full_name, code, name, citation, listed_as, track, "", None, None,
                  status, None, note)


def _never_note(credits: list[TrainingCredit], plan: _Plan, begins: date | None) -> str:
    if begins is None:
        return _("never trained, and the employee list gives no hire date; add it to see when training is due")
    other = [c for c in credits if c.jurisdiction in plan.place and c.track != plan.track]
    if other and plan.track is Track.SUPERVISOR:
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


def _last(credits: list[TrainingCredit], counts: Mapping[str, frozenset[str]]) -> TrainingCredit | None:
    """The last of `credits` that counts (by `counts`, a plan's), by day and then session id; the first such of
    equals, as `max` gives."""
    best = None
    for credit in credits:
        tracks = counts.get(credit.jurisdiction)
        if tracks is not None and credit.track in tracks and (
                best is None or (credit.on, credit.session_id) > (best.on, best.session_id)):
            best = credit
    return best


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
    if employee_id.isascii():  # most ids: NFC changes no ASCII text, and casefold is lower there
        return employee_id.lower() if employee_id.isalnum() else " ".join(employee_id.split()).lower()
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
    if day.day <= 28:  # every month has it: no need to ask the calendar how long the month is
        return date(year, month + 1, day.day)
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
    due = add_months(begins, schedule.first_months) if schedule.first_months else begins
    if schedule.first_days:
        due = _later(due, schedule.first_days)
    return training_year_end(due, schedule.year_starts) if schedule.year_starts else due


def _refresh(schedule: TrainingSchedule, last: date) -> date | None:
    if schedule.every_months is None:
        return None
    due = add_months(last, schedule.every_months)
    return training_year_end(due, schedule.year_starts) if schedule.year_starts else due
