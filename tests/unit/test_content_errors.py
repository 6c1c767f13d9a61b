"""Broken workshop files get a message naming the file, the line and the field, and what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator import paths
from facilitator.content import yamlfile
from facilitator.content.library import Library, load_library
from facilitator.content.problems import ContentError
from facilitator.content.workshops import load_workshop, parse_workshop

# Hypothesis prints a failing example's arguments; a plain set of ids keeps that readable.
TOPICS = load_library(paths.library_dir()).topic_ids
TINY = (Path(__file__).parents[1] / "fixtures" / "content" / "tiny.yaml").read_text(encoding="utf-8")


def problems_for(tmp_path: Path, text: str, library: Library) -> list:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_workshop(path, library.topic_ids)
    for p in caught.value.problems:
        assert p.file == path and p.message and p.fix
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_tiny_fixture_is_valid(library: Library, tmp_path: Path) -> None:
    assert parse_workshop(TINY, tmp_path / "t.yaml", library.topic_ids).id == "tiny-workshop"


def test_bad_yaml_names_the_line(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("    minutes: 10\n", "    minutes: 10\n   oops: [unclosed\n")
    [problem] = problems_for(tmp_path, text, library)
    assert "not valid YAML" in problem.message
    assert problem.line is not None and abs(problem.line - line_of(text, "oops")) <= 2
    assert str(problem).startswith(f"{tmp_path / 'broken.yaml'}:{problem.line}:")


def test_wrong_value_names_line_and_field(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("minutes: 10", "minutes: ten")
    [problem] = problems_for(tmp_path, text, library)
    assert problem.field == "segments[1].minutes"
    assert problem.line == line_of(text, "minutes: ten")
    assert "whole number" in problem.fix


def test_unknown_segment_type_lists_the_allowed_ones(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("type: talk", "type: lecture")
    [problem] = problems_for(tmp_path, text, library)
    assert problem.field == "segments[0].type"
    assert problem.line == line_of(text, "type: lecture")
    assert "'talk'" in problem.message and "'role-play'" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("summary:", "sumary:").replace("minutes: 5\n    topics: [definition]",
                                                       "minutes: -3\n    topics: [definition]")
    problems = problems_for(tmp_path, text, library)
    fields = {p.field for p in problems}
    assert {"summary", "sumary", "segments[0].minutes"} <= fields
    assert any(p.message == "unknown field" and p.line == line_of(text, "sumary") for p in problems)


def test_unquoted_yes_is_caught_with_a_hint(tmp_path: Path, library: Library) -> None:
    text = TINY.replace('options: ["Yes", "No", It depends]', "options: [Yes, No, It depends]")
    problems = problems_for(tmp_path, text, library)
    assert problems[0].field.startswith("segments[1].vote.options")
    assert "quotes" in problems[0].fix


@pytest.mark.parametrize(("change", "field", "words"), [
    (("planned_minutes: 20", "planned_minutes: 25"), "planned_minutes", "add up to 20"),
    (("topics: [examples]", "topics: [gossip]"), "segments[1].topics[0]", "unknown topic 'gossip'"),
    (("id: quiz", "id: intro"), "segments[2].id", "more than once"),
    (("            correct: true\n", ""), "segments[2].questions[0].options", "no option is marked correct"),
    (('version: "1.0"', "version: 1.0"), "version", "string"),
])
def test_consistency_rules(tmp_path: Path, library: Library, change: tuple[str, str], field: str,
                           words: str) -> None:
    text = TINY.replace(*change)
    assert text != TINY
    problems = problems_for(tmp_path, text, library)
    assert any(p.field == field and words in p.message for p in problems), problems


def test_duplicate_keys_are_refused(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("title: A tiny workshop\n", "title: A tiny workshop\ntitle: Again\n")
    [problem] = problems_for(tmp_path, text, library)
    assert "appears twice" in problem.message and problem.line == line_of(text, "title: Again")


@pytest.mark.parametrize("text", ["", "just a sentence", "- a\n- list\n", "42"])
def test_a_file_that_is_not_a_workshop_says_so(tmp_path: Path, library: Library, text: str) -> None:
    [problem] = problems_for(tmp_path, text, library)
    assert "not a workshop" in problem.message


def test_wrong_encoding_is_reported(tmp_path: Path, library: Library) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(TINY.replace("A tiny workshop", "Caf\u00e9 talk").encode("cp1252"))
    with pytest.raises(ContentError) as caught:
        load_workshop(path, library.topic_ids)
    assert "UTF-8" in caught.value.problems[0].message


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_a_control_character_is_reported_with_its_line(tmp_path: Path, library: Library, loader: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "Loader", getattr(yaml, loader))
    text = TINY.replace("title: Introduction", "title: Intro\x07duction")
    [problem] = problems_for(tmp_path, text, library)
    assert "control character" in problem.message and problem.line == line_of(text, "Intro\x07")


def test_a_control_character_inside_a_quoted_title_is_refused(tmp_path: Path, library: Library) -> None:
    text = TINY.replace("title: A tiny workshop", 'title: "A tiny\\x1fworkshop"')
    [problem] = problems_for(tmp_path, text, library)
    assert problem.field == "title" and "control character (code 0x1f)" in problem.message


def test_a_missing_file_is_reported(tmp_path: Path, library: Library) -> None:
    with pytest.raises(ContentError) as caught:
        load_workshop(tmp_path / "absent.yaml", library.topic_ids)
    assert "cannot be read" in caught.value.problems[0].message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_is_either_a_workshop_or_a_clear_error(tmp_path: Path, text: str) -> None:
    try:
        parse_workshop(text, tmp_path / "fuzz.yaml", TOPICS)
    except ContentError as exc:
        assert all(p.message and p.fix for p in exc.problems)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# YAML itself folds its line-break characters (NEL, LS, PS) into spaces; that is YAML's rule, not ours.
# Lone surrogates are left out: a file read from disk as UTF-8 can never contain one.
@given(st.text(st.characters(exclude_characters="\x85\u2028\u2029", exclude_categories=("Cs",)), min_size=1,
               max_size=200))
def test_hostile_strings_in_a_title_round_trip_or_are_refused(tmp_path: Path, value: str) -> None:
    """Any text, written as a YAML string, is either kept exactly (stripped) or refused with a clear error."""
    text = TINY.replace("title: A tiny workshop", "title: " + json.dumps(value, ensure_ascii=False))
    try:
        workshop = parse_workshop(text, tmp_path / "fuzz.yaml", TOPICS)
    except ContentError as exc:
        assert all(p.message and p.fix for p in exc.problems)
    else:
        assert workshop.title == value.strip()


# --- a role-play's guide for observers (observer_guide, feedback_advice) ----------------------------------

BYSTANDER = paths.library_dir() / "workshops" / "bystander-intervention.yaml"
GUIDE = """    observer_guide:
      title: The five Ds
      points:
        - name: Distract
"""


def role_play_index(library: Library) -> int:
    segments = library.workshops["bystander-intervention"].segments
    return next(i for i, s in enumerate(segments) if s.type == "role-play")


def test_a_role_play_needs_no_guide(tmp_path: Path, library: Library) -> None:
    text = BYSTANDER.read_text(encoding="utf-8")
    start, end = text.index("    observer_guide:\n"), text.index("    debrief:\n", text.index("    feedback_advice:\n"))
    workshop = parse_workshop(text[:start] + text[end:], tmp_path / "w.yaml", library.topic_ids)
    segment = workshop.segments[role_play_index(library)]
    assert segment.observer_guide is None and segment.feedback_advice == []


@pytest.mark.parametrize(("change", "where", "fix"), [
    ((GUIDE, GUIDE.replace("The five Ds", '"  "')), "observer_guide.title", "cannot be empty"),
    ((GUIDE, GUIDE.replace("Distract", "D" * 31)), "observer_guide.points[0].name", "shorten the text"),
    ((GUIDE, GUIDE.replace("      title:", "      titel:")), "observer_guide.titel", "correct its spelling"),
    (("    feedback_advice:\n      - >-\n", "    feedback_advice:\n      - ''\n      - >-\n"), "feedback_advice[0]",
     "cannot be empty"),
])
def test_a_guide_for_observers_is_checked(tmp_path: Path, library: Library, change: tuple[str, str], where: str,
                                          fix: str) -> None:
    text = BYSTANDER.read_text(encoding="utf-8")
    assert change[0] in text
    problems = problems_for(tmp_path, text.replace(*change), library)
    field = f"segments[{role_play_index(library)}].{where}"
    assert any(p.field.startswith(field) and fix in p.fix for p in problems), problems
