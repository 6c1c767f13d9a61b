"""The fast due-date rules (domain/due.py: each law's plan worked out once a call, rows made only for those
`within_days` keeps, quick paths for ids and calendar months) agree, row for row, with the rules as first written
(due_oracle.py), on companies hypothesis makes up: every jurisdiction of the library and one it lacks, supervisors
with and without a date, no hire date, credits of every standing and track, dated in the future, ids spelt in other
cases, spacings and accent encodings."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator import paths
from facilitator.content.library import Library, load_library
from facilitator.domain import due
from facilitator.domain.due import TrainingCredit
from facilitator.domain.employees import Employee
from facilitator.domain.jurisdiction import Jurisdiction
from tests.unit import due_oracle

IDS = ("E 1", " e  1", "Jos\u00e9", "Jose\u0301", "JOS\u00c9", "x9")  # three people, two of them spelt apart
CODES = ("ca-employees", "ca-supervisors", "chicago", "chicago-supervisors", "ct", "de", "il", "il-restaurants", "me",
         "none", "ny-state", "nyc", "nowhere")  # the library's, and one it lacks
days = st.dates(date(2012, 1, 1), date(2028, 12, 31))
# Days many credits share, so that two trainings on one day (ties) and month ends come up often.
common_days = st.sampled_from((date(2024, 2, 29), date(2025, 1, 31), date(2025, 6, 30), date(2025, 12, 31)))
employees = st.lists(st.builds(
    Employee, st.sampled_from(IDS), st.just("Ana"), st.just("Ruiz"), st.lists(st.sampled_from(CODES), max_size=3)
    .map(tuple), st.booleans(), st.none() | days, st.none() | days), max_size=5)
credits = st.lists(st.builds(
    TrainingCredit, st.sampled_from(IDS), common_days | days, st.sampled_from(CODES),
    st.sampled_from(("employee", "supervisor", "contractor")), st.sampled_from(("met", "met", "partial", "not-met")),
    st.sampled_from(("S1", "S2", "S3"))), max_size=20)


@cache
def profiles() -> dict[str, Jurisdiction]:
    """The built-in library's profiles, loaded once (not a fixture: hypothesis would print it with each example)."""
    return load_library(paths.library_dir()).jurisdictions


@settings(max_examples=500, deadline=None)
@given(employees, credits, st.dates(date(2016, 1, 1), date(2027, 12, 31)), st.integers(0, 120),
       st.none() | st.integers(-30, 800))
def test_the_fast_rules_give_the_rows_the_first_ones_gave(people: list[Employee], trainings: list[TrainingCredit],
                                                           today: date, soon: int, within: int | None) -> None:
    laws = profiles()
    expected = due_oracle.due_rows(people, trainings, laws, today, soon_days=soon)
    assert due.due_rows(people, trainings, laws, today, soon_days=soon) == expected
    if within is not None:
        assert due.due_rows(people, trainings, laws, today, soon_days=soon, within_days=within) \
            == [r for r in expected if r.due_within(within)]


@given(st.text(max_size=12) | st.sampled_from(IDS))
def test_an_id_is_folded_as_before_ascii_or_not(employee_id: str) -> None:
    assert due.employee_key(employee_id) == due_oracle.employee_key(employee_id) \
        == unicodedata.normalize("NFC", " ".join(employee_id.split())).casefold()


month_ends = st.builds(lambda d, n: d - timedelta(days=n), st.dates(date(1, 2, 1)).map(lambda d: d.replace(day=1)),
                       st.integers(1, 4))  # the last four days of a month


@given(month_ends | st.dates(), st.integers(-1200, 1200) | st.integers(-200_000, 200_000))
def test_calendar_months_are_added_as_before(day: date, months: int) -> None:
    assert due.add_months(day, months) == due_oracle.add_months(day, months)


def test_within_days_keeps_a_row_due_on_its_last_day_and_overdue_ones(library: Library) -> None:
    """The edge hypothesis rarely lands on: a row due exactly `within_days` from today is kept, one a day later is
    not; an overdue one always is; a row with no date due never is."""
    today = date(2026, 6, 15)
    people = [Employee("A", "Ana", "Ruiz", ("ca-employees",), hire_date=date(2026, 1, 15)),  # due 2026-07-15: 30
              Employee("B", "Bo", "Li", ("ct",), hire_date=date(2019, 1, 1)),  # never trained: overdue
              Employee("C", "Cy", "Do", ("none", "nowhere"), hire_date=date(2019, 1, 1))]  # no date due
    rows = due.due_rows(people, [], library.jurisdictions, today)
    assert [(r.employee_id, r.days_left) for r in rows if r.days_left is not None] == [("A", 30), ("B", -2541)]
    kept = {n: [r.employee_id for r in due.due_rows(people, [], library.jurisdictions, today, within_days=n)]
            for n in (30, 29, -2541, -2542, 10**7, -10**7)}
    assert kept == {30: ["A", "B"], 29: ["B"], -2541: ["B"], -2542: [], 10**7: ["A", "B"], -10**7: []}


def test_of_two_trainings_on_one_day_the_later_session_is_the_last(library: Library) -> None:
    person = Employee("A", "Ana", "Ruiz", ("ny-state",), hire_date=date(2020, 1, 6))
    credits = [TrainingCredit("A", date(2025, 3, 1), "ny-state", "employee", "met", s) for s in ("S2", "S9", "S1")]
    [row] = due.due_rows([person], credits, library.jurisdictions, date(2026, 6, 15))
    [before] = due_oracle.due_rows([person], credits, library.jurisdictions, date(2026, 6, 15))
    assert row.last_training is not None and row.last_training.session_id == "S9" and row == before
