"""One set of roster field limits: the store's columns are as long as the domain says, the migrated database
agrees, and the roster reader refuses a value one character longer than each limit."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy

from facilitator.content.roster_file import LIMITS, check_person, parse_roster, read_table
from facilitator.domain.roster import FIELD_LIMITS, Person
from facilitator.storage.database import DATABASE_NAME, Store
from facilitator.storage.models import RosterEntry

HEADERS = {"first_name": "First name", "last_name": "Last name", "employee_id": "Employee ID", "email": "Email",
           "department": "Department", "supervisor": "Supervisor", "language": "Language"}


def longest(field: str, extra: int = 0) -> str:
    """A value exactly as long as the field's limit (plus `extra`), valid in every other way."""
    limit = FIELD_LIMITS[field] + extra
    return "z" * (limit - len("@example.com")) + "@example.com" if field == "email" else "é" * limit


def test_every_text_field_of_a_person_has_one_limit() -> None:
    assert set(FIELD_LIMITS) == {f for f, kind in Person.__annotations__.items() if "str" in kind}
    assert LIMITS is FIELD_LIMITS, "the roster reader checks the domain's limits, not a copy"


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_the_store_column_is_as_long_as_the_domain_limit(field: str) -> None:
    assert RosterEntry.__table__.columns[field].type.length == FIELD_LIMITS[field]


def test_the_migrated_database_agrees(tmp_path: Path) -> None:
    """The migrations are never edited: the limits are the sizes the first migration gave the columns."""
    Store.open(tmp_path).close()
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / DATABASE_NAME}")
    try:
        columns = {c["name"]: c["type"] for c in sqlalchemy.inspect(engine).get_columns("roster_entries")}
    finally:
        engine.dispose()
    assert {field: columns[field].length for field in FIELD_LIMITS} == dict(FIELD_LIMITS)


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_the_roster_reader_refuses_one_character_over_the_limit(tmp_path: Path, field: str) -> None:
    headers = list(HEADERS.values())
    cells = {name: "" for name in HEADERS} | {"first_name": "Zoë", "last_name": "Ng"}
    for extra, refused in ((0, False), (1, True)):
        row = {**cells, field: longest(field, extra)}
        path = tmp_path / f"{field}-{extra}.csv"
        path.write_text(",".join(headers) + "\n" + ",".join(row[name] for name in HEADERS) + "\n", encoding="utf-8")
        parsed = parse_roster(read_table(path))
        if not refused:
            assert parsed.problems == [] and getattr(parsed.people[0].person, field) == row[field]
            continue
        [problem] = parsed.problems
        assert (problem.row, problem.column) == (2, HEADERS[field])
        assert f"{FIELD_LIMITS[field] + 1} characters long" in problem.message
        assert f"at most {FIELD_LIMITS[field]}" in problem.message


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_a_walk_in_is_held_to_the_same_limits(field: str) -> None:
    values = {"first_name": "Zoë", "last_name": "Ng"}
    person, problems = check_person({**values, field: longest(field)})
    assert person is not None and problems == []
    person, problems = check_person({**values, field: longest(field, 1)})
    assert person is None and [p.column for p in problems] == [field.replace("_", " ")]  # "first name"
