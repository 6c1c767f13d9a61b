"""Who is due for training, under which law, by when: each built-in jurisdiction's rule against dates worked out by
hand (domain/due.py), with the edges HR meets: promotions, partial credit, leap days, people never trained."""

from __future__ import annotations

from datetime import date

import pytest

from facilitator.content.library import Library
from facilitator.domain.due import (
    DueRow,
    DueStatus,
    TrainingCredit,
    add_months,
    due_rows,
    training_year_end,
)
from facilitator.domain.employees import Employee

TODAY = date(2026, 6, 15)


def person(*codes: str, hired: date | None = date(2020, 1, 6), supervisor: bool = False, since: date | None = None,
           employee_id: str = "E-001") -> Employee:
    return Employee(employee_id, "Ana", "Ruiz", codes, supervisor, hired, since, "ana@example.com")


def met(code: str, on: date, track: str = "employee", standing: str = "met", employee_id: str = "E-001",
        session: str = "S1") -> TrainingCredit:
    return TrainingCredit(employee_id, on, code, track, standing, session)


def due(library: Library, employee: Employee, *credits: TrainingCredit, today: date = TODAY,
        soon_days: int = 60) -> DueRow:
    [row] = due_rows([employee], credits, library.jurisdictions, today, soon_days=soon_days)
    return row


# --- calendar arithmetic -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2025, 1, 31), 1, date(2025, 2, 28)),  # a day February lacks: its last
    (date(2024, 1, 31), 1, date(2024, 2, 29)),  # in a leap year, the 29th
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
    (date(2024, 2, 29), 48, date(2028, 2, 29)),  # and four years on
    (date(2024, 2, 29), 24, date(2026, 2, 28)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),  # across a year's end
    (date(2025, 3, 31), -1, date(2025, 2, 28)),
    (date(2025, 5, 31), 1, date(2025, 6, 30)),
    (date(2025, 7, 4), 0, date(2025, 7, 4)),
    (date(9999, 6, 1), 12, date.max),  # beyond the calendar: its last day, not a crash
])
def test_months_are_calendar_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("day", "starts", "expected"), [
    (date(2025, 3, 10), (1, 1), date(2025, 12, 31)),
    (date(2025, 12, 31), (1, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), (1, 1), date(2026, 12, 31)),
    (date(2025, 6, 30), (7, 1), date(2025, 6, 30)),  # Chicago's year ends on 30 June
    (date(2025, 7, 1), (7, 1), date(2026, 6, 30)),
    (date(2026, 2, 15), (7, 1), date(2026, 6, 30)),
    (date(2024, 2, 29), (3, 1), date(2024, 2, 29)),  # a year from 1 March ends on a leap day when there is one
])
def test_training_years_end_the_day_before_the_next_begins(day: date, starts: tuple[int, int],
                                                           expected: date) -> None:
    assert training_year_end(day, starts) == expected


# --- California --------------------------------------------------------------------------------------------------

def test_ca_hired_five_months_ago_and_untrained_is_due_in_a_month(library: Library) -> None:
    row = due(library, person("ca-employees", hired=date(2026, 1, 15)))
    assert (row.jurisdiction, row.due, row.days_left, row.status) == ("ca-employees", date(2026, 7, 15), 30,
                                                                      DueStatus.DUE_SOON)
    assert row.last_training is None and row.note == "never trained"
    assert row.rule == "within 6 months of hire, then every 2 years"
    assert row.jurisdiction_name == "California (non-supervisory employees)" and "12950.1" in row.citation


def test_ca_employee_trained_is_due_two_years_on(library: Library) -> None:
    training = met("ca-employees", date(2025, 3, 10))
    row = due(library, person("ca-employees"), training)
    assert (row.last_training, row.due, row.status) == (training, date(2027, 3, 10), DueStatus.NOT_YET_DUE)


def test_ca_promoted_after_an_employee_training_is_due_six_months_after_the_promotion(library: Library) -> None:
    """An employee's hour does not make a supervisor trained: 2 hours within 6 months of the promotion."""
    employee = person("ca-employees", hired=date(2022, 1, 10), supervisor=True, since=date(2026, 4, 20))
    row = due(library, employee, met("ca-employees", date(2025, 9, 1)))
    assert (row.jurisdiction, row.listed_as, row.track) == ("ca-supervisors", "ca-employees", "supervisor")
    assert (row.last_training, row.due, row.status) == (None, date(2026, 10, 20), DueStatus.NOT_YET_DUE)
    assert row.note == "an employee's training (2025-09-01) does not count for a supervisor"
    assert row.rule == "within 6 months of becoming a supervisor, then every 2 years"


def test_ca_promoted_long_after_the_last_employee_training_is_overdue_as_an_employee(library: Library) -> None:
    """Supervisors are employees too: trained in 2020, every employee was due again in 2022."""
    employee = person("ca-employees", hired=date(2019, 6, 3), supervisor=True, since=date(2026, 4, 20))
    row = due(library, employee, met("ca-employees", date(2020, 3, 1)))
    assert (row.jurisdiction, row.last_training, row.due, row.status) == ("ca-supervisors", None, date(2022, 3, 1),
                                                                          DueStatus.OVERDUE)
    assert row.note == ("due as an employee first: the last training that counts for one was on 2020-03-01 (a "
                        "supervisor's training counts for both)")


def test_never_trained_and_promoted_years_after_hire_is_overdue_from_hire(library: Library) -> None:
    for code, expected in (("ca-supervisors", date(2015, 9, 1)), ("de", date(2016, 3, 1)),
                           ("chicago", date(2015, 6, 30))):
        employee = person(code, hired=date(2015, 3, 1), supervisor=True, since=date(2026, 4, 20))
        row = due(library, employee)
        assert (row.due, row.status) == (expected, DueStatus.OVERDUE), code
        assert row.note == "due as an employee first: never trained as one (a supervisor's training counts for both)"


def test_ca_supervisor_trained_as_one_is_due_two_years_after(library: Library) -> None:
    employee = person("ca-supervisors", hired=date(2022, 1, 10), supervisor=True, since=date(2026, 4, 20))
    training = met("ca-supervisors", date(2026, 5, 2), track="supervisor")
    row = due(library, employee, met("ca-employees", date(2025, 9, 1)), training)
    assert (row.last_training, row.due, row.note) == (training, date(2028, 5, 2), "")


def test_ca_supervisor_without_a_since_date_counts_from_hire(library: Library) -> None:
    row = due(library, person("ca-supervisors", hired=date(2026, 2, 1), supervisor=True))
    assert row.due == date(2026, 8, 1)


def test_ca_a_supervisors_training_counts_for_someone_back_on_the_employees_track(library: Library) -> None:
    training = met("ca-supervisors", date(2025, 11, 1), track="supervisor")
    row = due(library, person("ca-supervisors"), training)  # listed under the supervisors' profile, not one now
    assert (row.jurisdiction, row.listed_as, row.track) == ("ca-employees", "ca-supervisors", "employee")
    assert (row.last_training, row.due) == (training, date(2027, 11, 1))


def test_listing_both_california_profiles_gives_one_row(library: Library) -> None:
    rows = due_rows([person("ca-employees", "ca-supervisors", "ny-state")], [], library.jurisdictions, TODAY)
    assert [r.jurisdiction for r in rows] == ["ca-employees", "ny-state"]


# --- partial credit, trainings that do not count -------------------------------------------------------------------

def test_partial_credit_never_counts(library: Library) -> None:
    employee = person("ca-employees", hired=date(2025, 6, 1))
    row = due(library, employee, met("ca-employees", date(2026, 2, 1), standing="partial"))
    assert (row.last_training, row.due, row.status, row.days_left) == (None, date(2025, 12, 1), DueStatus.OVERDUE,
                                                                        -196)
    earlier = met("ca-employees", date(2024, 5, 1))
    row = due(library, employee, earlier, met("ca-employees", date(2026, 2, 1), standing="partial"),
              met("ca-employees", date(2026, 3, 1), standing="not-met"))
    assert (row.last_training, row.due) == (earlier, date(2026, 5, 1))


def test_a_training_dated_after_today_is_not_counted(library: Library) -> None:
    row = due(library, person("ct", hired=date(2026, 1, 10)), met("ct", date(2026, 7, 1)))
    assert (row.last_training, row.due, row.status) == (None, date(2026, 7, 10), DueStatus.DUE_SOON)


def test_credits_of_other_people_and_other_laws_do_not_count(library: Library) -> None:
    row = due(library, person("ct", hired=date(2026, 1, 10)), met("ct", date(2026, 2, 1), employee_id="E-002"),
              met("ny-state", date(2026, 2, 1)))
    assert row.last_training is None


def test_employee_ids_match_whatever_their_case_and_spacing(library: Library) -> None:
    training = met("ct", date(2026, 2, 1), employee_id=" e-001 ")
    assert due(library, person("ct", hired=date(2026, 1, 10)), training).last_training == training


def test_the_last_of_several_trainings_counts(library: Library) -> None:
    credits = [met("ct", date(2019, 3, 1)), met("ct", date(2023, 5, 5), session="S2"), met("ct", date(2021, 1, 1))]
    row = due(library, person("ct"), *credits)
    assert (row.last_training.session_id, row.due) == ("S2", date(2033, 5, 5))


# --- leap days ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "trained", "expected"), [
    ("ca-employees", date(2024, 2, 29), date(2026, 2, 28)),
    ("ny-state", date(2024, 2, 29), date(2025, 2, 28)),
    ("ct", date(2016, 2, 29), date(2026, 2, 28)),
    ("de", date(2024, 2, 29), date(2026, 2, 28)),
    ("il", date(2024, 2, 29), date(2025, 12, 31)),
])
def test_a_leap_day_training(library: Library, code: str, trained: date, expected: date) -> None:
    row = due(library, person(code, hired=date(2015, 1, 5)), met(code, trained))
    assert row.due == expected and row.status is DueStatus.OVERDUE


def test_hired_on_a_leap_day(library: Library) -> None:
    assert due(library, person("ca-employees", hired=date(2024, 2, 29))).due == date(2024, 8, 29)
    assert due(library, person("de", hired=date(2024, 2, 29))).due == date(2025, 2, 28)


# --- Connecticut -------------------------------------------------------------------------------------------------

def test_ct_trained_nine_years_ago_is_due_next_year(library: Library) -> None:
    row = due(library, person("ct", hired=date(2017, 2, 1)), met("ct", date(2017, 9, 1)))
    assert (row.due, row.status, row.days_left) == (date(2027, 9, 1), DueStatus.NOT_YET_DUE, 443)
    assert row.rule == "within 6 months of hire, then every 10 years"


def test_ct_a_supervisor_s_employee_training_counts_the_law_asks_the_same_of_both(library: Library) -> None:
    training = met("ct", date(2020, 4, 1))
    row = due(library, person("ct", supervisor=True, since=date(2024, 1, 1)), training)
    assert (row.track, row.last_training, row.due) == ("supervisor", training, date(2030, 4, 1))


def test_never_trained_and_hired_long_before_the_window_is_overdue_since_the_window_ended(library: Library) -> None:
    """The date due is the end of the window from hire, however long ago: the oldest sort first."""
    row = due(library, person("ct", hired=date(2015, 3, 1)))
    assert (row.due, row.status, row.days_left, row.note) == (date(2015, 9, 1), DueStatus.OVERDUE, -3940,
                                                              "never trained")
    assert row.due_within(0) and row.due_within(-3940) and not row.due_within(-3941)


# --- New York ----------------------------------------------------------------------------------------------------

def test_ny_state_every_twelve_months(library: Library) -> None:
    row = due(library, person("ny-state"), met("ny-state", date(2025, 7, 4)))
    assert (row.due, row.days_left, row.status) == (date(2026, 7, 4), 19, DueStatus.DUE_SOON)
    assert row.rule == "within 1 year of hire, then every year"
    assert due(library, person("ny-state", hired=date(2026, 3, 1))).due == date(2027, 3, 1)


@pytest.mark.parametrize(("hired", "expected"), [
    (date(2026, 2, 1), date(2026, 12, 31)),  # 90 days on is 2 May: trained in 2026
    (date(2026, 10, 2), date(2026, 12, 31)),  # the 90th day is 31 December
    (date(2026, 10, 3), date(2027, 12, 31)),  # and here 1 January: the first year it applies is 2027
    (date(2026, 11, 15), date(2027, 12, 31)),
])
def test_nyc_new_employees_in_the_calendar_year_they_pass_ninety_days(library: Library, hired: date,
                                                                     expected: date) -> None:
    assert due(library, person("nyc", hired=hired)).due == expected


def test_nyc_once_every_calendar_year(library: Library) -> None:
    assert due(library, person("nyc"), met("nyc", date(2025, 3, 3))).due == date(2026, 12, 31)
    assert due(library, person("nyc"), met("nyc", date(2026, 1, 2))).due == date(2027, 12, 31)
    row = due(library, person("nyc"))
    assert row.rule == "by the end of the calendar year that includes 90 days after hire, then once every calendar year"


# --- Illinois and Chicago ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("trained", "expected"), [
    (date(2025, 12, 31), date(2026, 12, 31)),
    (date(2026, 1, 1), date(2027, 12, 31)),
    (date(2025, 3, 10), date(2026, 12, 31)),
])
def test_il_once_every_calendar_year(library: Library, trained: date, expected: date) -> None:
    assert due(library, person("il"), met("il", trained)).due == expected


def test_il_new_employee_by_the_end_of_the_year_of_hire(library: Library) -> None:
    row = due(library, person("il", hired=date(2026, 12, 20)))
    assert (row.due, row.rule) == (date(2026, 12, 31), "by the end of the calendar year of hire, then once every "
                                                       "calendar year")


@pytest.mark.parametrize(("trained", "expected"), [
    (date(2025, 8, 1), date(2027, 6, 30)),  # training year 2025-26: the next in 2026-27
    (date(2026, 6, 30), date(2027, 6, 30)),  # the last day of 2025-26: the next in 2026-27 too
    (date(2025, 6, 30), date(2026, 6, 30)),
])
def test_chicago_once_every_training_year_from_july(library: Library, trained: date, expected: date) -> None:
    assert due(library, person("chicago"), met("chicago", trained), today=date(2026, 7, 10)).due == expected


def test_chicago_new_supervisor_by_the_end_of_the_training_year_of_promotion(library: Library) -> None:
    employee = person("chicago", supervisor=True, since=date(2026, 5, 20))
    row = due(library, employee, met("chicago", date(2025, 9, 1)))
    assert (row.jurisdiction, row.due, row.days_left, row.status) == ("chicago-supervisors", date(2026, 6, 30), 15,
                                                                      DueStatus.DUE_SOON)
    assert row.rule == ("by the end of the training year (July 1 to June 30) of becoming a supervisor, then once "
                        "every training year")


# --- Delaware ----------------------------------------------------------------------------------------------------

def test_de_employee_within_a_year_of_hire_then_every_two_years(library: Library) -> None:
    assert due(library, person("de", hired=date(2025, 9, 1))).due == date(2026, 9, 1)
    assert due(library, person("de"), met("de", date(2025, 1, 31))).due == date(2027, 1, 31)


def test_de_promoted_needs_the_supervisors_part_within_a_year_of_the_promotion(library: Library) -> None:
    """Delaware asks supervisors for more than employees: an employee's training does not cover a supervisor."""
    employee = person("de", hired=date(2024, 5, 1), supervisor=True, since=date(2026, 3, 1))
    row = due(library, employee, met("de", date(2025, 10, 1)))
    assert (row.last_training, row.due) == (None, date(2027, 3, 1))
    assert "does not count for a supervisor" in row.note
    assert row.rule == "within 1 year of becoming a supervisor, then every 2 years"


def test_de_a_supervisors_training_covers_the_employees(library: Library) -> None:
    training = met("de", date(2025, 10, 1), track="supervisor")
    row = due(library, person("de"), training)
    assert (row.track, row.last_training, row.due) == ("employee", training, date(2027, 10, 1))


# --- Maine -------------------------------------------------------------------------------------------------------

def test_me_once_within_a_year_and_no_refresher(library: Library) -> None:
    training = met("me", date(2025, 6, 1))
    row = due(library, person("me", hired=date(2025, 1, 10)), training)
    assert (row.last_training, row.due, row.days_left, row.status) == (training, None, None, DueStatus.DONE)
    assert row.rule == "within 1 year of hire; no refresher required"
    assert row.status_words == "trained; no refresher required" and not row.due_within(10_000)
    assert due(library, person("me", hired=date(2025, 9, 1))).due == date(2026, 9, 1)


def test_me_promoted_needs_the_supervisors_training_within_a_year(library: Library) -> None:
    employee = person("me", hired=date(2020, 1, 10), supervisor=True, since=date(2026, 1, 15))
    row = due(library, employee, met("me", date(2020, 6, 1)))
    assert (row.due, row.status) == (date(2027, 1, 15), DueStatus.NOT_YET_DUE)


# --- trainings before the start, missing facts, unknown profiles ---------------------------------------------------

def test_a_training_before_a_re_hire_counts_but_not_before_the_window_ends(library: Library) -> None:
    old = met("ca-employees", date(2023, 1, 10))  # two years on is long past: the window from the re-hire applies
    row = due(library, person("ca-employees", hired=date(2026, 3, 1)), old)
    assert (row.last_training, row.due) == (old, date(2026, 9, 1))
    assert row.note == "the last training was before hire; the window from hire applies"
    recent = met("ca-employees", date(2025, 11, 20))  # its two years run past the window: they stand
    assert due(library, person("ca-employees", hired=date(2026, 3, 1)), recent).due == date(2027, 11, 20)


def test_no_hire_date_and_never_trained_cannot_be_dated(library: Library) -> None:
    row = due(library, person("ct", hired=None))
    assert (row.due, row.status, row.days_left) == (None, DueStatus.UNKNOWN, None)
    assert "gives no hire date; add it" in row.note
    assert due(library, person("ct", hired=None), met("ct", date(2020, 4, 1))).due == date(2030, 4, 1)


def test_an_unknown_profile_and_no_law(library: Library) -> None:
    rows = due_rows([person("tx", "none")], [met("none", date(2026, 1, 1))], library.jurisdictions, TODAY)
    assert [(r.jurisdiction, r.status, r.due) for r in rows] == [("tx", DueStatus.UNKNOWN, None),
                                                                ("none", DueStatus.NOT_REQUIRED, None)]
    assert "'tx' is not a jurisdiction profile" in rows[0].note
    assert rows[1].rule == "no training required by law" and not rows[1].due_within(10_000)


@pytest.mark.parametrize(("hired", "status", "days"), [
    (date(2025, 12, 15), DueStatus.DUE_SOON, 0),  # due today: not yet overdue
    (date(2025, 12, 14), DueStatus.OVERDUE, -1),
    (date(2026, 2, 14), DueStatus.DUE_SOON, 60),
    (date(2026, 2, 15), DueStatus.NOT_YET_DUE, 61),
])
def test_overdue_due_soon_and_not_yet_due(library: Library, hired: date, status: DueStatus, days: int) -> None:
    row = due(library, person("ct", hired=hired))
    assert (row.status, row.days_left) == (status, days)
    assert row.due_within(60) is (days <= 60)


def test_rows_follow_the_employees_and_their_jurisdictions_in_order(library: Library) -> None:
    people = [person("ny-state", "nyc", employee_id="E-002"), person("ct", employee_id="E-001")]
    rows = due_rows(people, [], library.jurisdictions, TODAY)
    assert [(r.employee_id, r.jurisdiction, r.name) for r in rows] == [
        ("E-002", "ny-state", "Ana Ruiz"), ("E-002", "nyc", "Ana Ruiz"), ("E-001", "ct", "Ana Ruiz")]
