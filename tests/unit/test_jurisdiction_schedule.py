"""Each jurisdiction profile says, as data, when people must be trained (`schedule:`), and a profile without a valid
schedule is refused with its file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from facilitator import paths
from facilitator.content.jurisdictions import load_jurisdiction
from facilitator.content.library import Library, load_library
from facilitator.content.problems import ContentError
from facilitator.domain.jurisdiction import Start, TrainingSchedule
from facilitator.domain.workshop import Audience

PROFILES = paths.library_dir() / "jurisdictions"

# What each law asks, read from its text (see the comment above each profile's schedule for the source).
EXPECTED = {
    "ca-employees": TrainingSchedule(Start.HIRE, 6, 0, 24, None, "ca-supervisors"),  # Gov. Code 12950.1(a)
    "ca-supervisors": TrainingSchedule(Start.SUPERVISOR, 6, 0, 24, None, "ca-employees"),
    "ny-state": TrainingSchedule(Start.HIRE, 12, 0, 12),  # Labor Law 201-g: annual; 12 months meets every cycle
    "nyc": TrainingSchedule(Start.HIRE, 0, 90, 12, (1, 1)),  # Admin. Code 8-107(30): annually, calendar years
    "il": TrainingSchedule(Start.HIRE, 0, 0, 12, (1, 1)),  # 775 ILCS 5/2-109: at least once a year
    "il-restaurants": TrainingSchedule(Start.HIRE, 0, 0, 12, (1, 1)),  # 775 ILCS 5/2-110
    "chicago": TrainingSchedule(Start.HIRE, 0, 0, 12, (7, 1), "chicago-supervisors"),  # 6-10-040: annually
    "chicago-supervisors": TrainingSchedule(Start.SUPERVISOR, 0, 0, 12, (7, 1), "chicago"),
    "ct": TrainingSchedule(Start.HIRE, 6, 0, 120),  # 46a-54(15): 6 months of start; supplemental every 10 years
    "de": TrainingSchedule(Start.HIRE_OR_SUPERVISOR, 12, 0, 24),  # 19 Del. C. 711A
    "me": TrainingSchedule(Start.HIRE_OR_SUPERVISOR, 12, 0, None),  # 26 MRSA 807(3): once, no refresher
    "none": None,
}


def test_every_builtin_profile_has_the_schedule_its_law_sets(library: Library) -> None:
    assert {code: j.schedule for code, j in library.jurisdictions.items()} == EXPECTED


def test_each_supervisors_profile_covers_its_employees_profile(library: Library) -> None:
    """A supervisor's training counts for someone back on the employees' track (domain/due.py): true only if the
    supervisors' profile asks for every topic of the employees' and at least as many minutes."""
    pairs = [(j, library.jurisdictions[j.schedule.other_track]) for j in library.jurisdictions.values()
             if j.schedule and j.schedule.other_track and j.audience is Audience.EMPLOYEES]
    assert {(e.code, s.code) for e, s in pairs} == {("ca-employees", "ca-supervisors"),
                                                    ("chicago", "chicago-supervisors")}
    for employees, supervisors in pairs:
        assert supervisors.audience is Audience.SUPERVISORS
        topics = {t for r in supervisors.requirements for t in r.topics}
        assert {t for r in employees.requirements for t in r.topics} <= topics
        assert sum(r.minimum_minutes for r in supervisors.requirements) >= sum(
            r.minimum_minutes for r in employees.requirements)


# --- a broken schedule is refused with its file, line and field --------------------------------------------------

CT = (PROFILES / "ct.yaml").read_text(encoding="utf-8")
SCHEDULE = "schedule:\n  first: {within_months: 6, from: hire}\n  then_every_months: 120\n"


def refused(tmp_path: Path, library: Library, text: str) -> list:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_jurisdiction(path, library.topic_ids)
    for problem in caught.value.problems:
        assert problem.file == path and problem.line is not None and problem.message and problem.fix
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_ct_profile_holds_the_block_these_tests_change() -> None:
    assert SCHEDULE in CT


def test_a_profile_without_a_schedule_is_refused(tmp_path: Path, library: Library) -> None:
    [problem] = refused(tmp_path, library, CT.replace(SCHEDULE, ""))
    assert (problem.field, problem.message) == ("schedule", "required field is missing")


@pytest.mark.parametrize("written", ["schedule:\n", "schedule: null\n", "schedule: yearly\n", "schedule: ''\n"])
def test_an_empty_or_worded_schedule_is_refused_none_must_be_written_out(tmp_path: Path, library: Library,
                                                                        written: str) -> None:
    text = CT.replace(SCHEDULE, written)
    [problem] = refused(tmp_path, library, text)
    assert problem.field == "schedule" and problem.line == line_of(text, "schedule:")
    assert "write 'none' where no law sets one" in problem.message


def test_none_written_out_means_no_schedule(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "voluntary.yaml"
    path.write_text(CT.replace(SCHEDULE, "schedule: none\n"), encoding="utf-8")
    assert load_jurisdiction(path, library.topic_ids).schedule is None


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("{within_months: 6, from: hire}", "{within_months: 6, within_days: 10, from: hire}", "schedule.first",
     "either within_months or within_days"),
    ("{within_months: 6, from: hire}", "{from: hire}", "schedule.first", "either within_months or within_days"),
    ("from: hire}", "from: promotion}", "schedule.first.from", "'hire', 'supervisor' or 'hire_or_supervisor'"),
    ("{within_months: 6, from: hire}", "{within_months: 6}", "schedule.first.from", "required field is missing"),
    ("within_months: 6", "within_months: -1", "schedule.first.within_months", "greater than or equal to 0"),
    ("within_months: 6", "within_months: 0", "schedule", "on the day itself"),
    ("then_every_months: 120", "then_every_months: ten years", "schedule.then_every_months", "valid integer"),
    ("then_every_months: 120", "then_every_months: 0", "schedule.then_every_months", "greater than or equal to 1"),
    ("  then_every_months: 120\n", "", "schedule.then_every_months", "required field is missing"),
    ("then_every_months: 120", "then_every_months: 120\n  repeat: true", "schedule.repeat", "unknown field"),
    ("then_every_months: 120", "then_every_months: 120\n  training_year_starts: 01/07", "schedule.training_year_starts",
     "should match pattern"),
    ("then_every_months: 120", 'then_every_months: 120\n  training_year_starts: "02-29"', "schedule",
     "not a day of every year"),
    ("then_every_months: 120", 'then_every_months: 120\n  training_year_starts: "13-01"', "schedule",
     "not a day of every year"),
    ("then_every_months: 120", 'then_every_months: 120\n  training_year_starts: "01-01"', "schedule",
     "then_every_months: 12"),
    ("then_every_months: 120", "then_every_months: 120\n  other_track: CA Supervisors", "schedule.other_track",
     "should match pattern"),
])
def test_a_wrong_schedule_names_its_field_and_line(tmp_path: Path, library: Library, old: str, new: str, field: str,
                                                   words: str) -> None:
    assert old in SCHEDULE
    text = CT.replace(SCHEDULE, SCHEDULE.replace(old, new))
    [problem] = refused(tmp_path, library, text)
    assert problem.field == field and words in problem.message, problem
    # The field's own line; for a missing field, the line of the mapping it belongs in (a schedule's mapping starts
    # on its first entry's line).
    *parents, last = field.split(".")
    needles = [f"{last}:"] if last != "schedule" else ["  first:"]
    if "missing" in words:
        needles = [f"{parents[-1]}:", "  first:"]
    assert problem.line in {line_of(text, n) for n in needles if n in text}, problem


# --- other_track: both profiles of one place name each other ------------------------------------------------------

def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sessions"
    shutil.copytree(paths.library_dir(), root, ignore=shutil.ignore_patterns("workshops"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("code", "old", "new", "words"), [
    ("ca-employees", "other_track: ca-supervisors", "other_track: ca-managers", "'ca-managers' is not a jurisdiction"),
    ("ca-employees", "other_track: ca-supervisors", "other_track: ct", "does not name this one ('ca-employees') back"),
    ("ca-supervisors", "audience: supervisors", "audience: everyone", "one profile must be for employees"),
])
def test_an_other_track_that_does_not_pair_up_is_refused(tmp_path: Path, code: str, old: str, new: str,
                                                         words: str) -> None:
    root = library_copy(tmp_path)
    path = root / "jurisdictions" / f"{code}.yaml"
    edit(path, old, new)
    lib = load_library(root)
    found = [p for p in lib.problems if p.file == path]
    assert found and words in found[0].message and found[0].field == "schedule.other_track"
    assert found[0].line == line_of(path.read_text(encoding="utf-8"), "other_track:")
    assert code not in lib.jurisdictions
    assert "ct" in lib.jurisdictions and "nyc" in lib.jurisdictions  # the others still load


def test_a_profile_named_by_one_that_was_refused_is_refused_too(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    edit(root / "jurisdictions" / "chicago.yaml", "minimum_minutes: 60", "minimum_minutes: sixty")
    lib = load_library(root)
    assert "chicago" not in lib.jurisdictions and "chicago-supervisors" not in lib.jurisdictions
    assert any(p.file.name == "chicago-supervisors.yaml" and "'chicago' is not a jurisdiction" in p.message
               for p in lib.problems)
