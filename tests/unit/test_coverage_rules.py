"""The jurisdiction checker's rules, on small hand-made workshops (no files, no Qt)."""

from __future__ import annotations

from facilitator.domain.jurisdiction import (
    InteractivityRule,
    Jurisdiction,
    TrainingRequirement,
    check_coverage,
)
from facilitator.domain.workshop import Audience, SegmentKind, SegmentOutline, WorkshopOutline

K = SegmentKind


def workshop(*segments: tuple[SegmentKind, int, tuple[str, ...]], audience: Audience = Audience.EVERYONE):
    parts = tuple(SegmentOutline(f"s{i}", k, "t", m, topics) for i, (k, m, topics) in enumerate(segments))
    return WorkshopOutline("w", "W", "1.0", "en", audience, parts)


def law(*requirements: TrainingRequirement) -> Jurisdiction:
    return Jurisdiction("x", "X", "X Code 1", "everyone", "yearly", requirements)


def test_breaks_do_not_count_toward_minimum_minutes() -> None:
    w = workshop((K.TALK, 50, ("definition",)), (K.BREAK, 15, ()))
    result = check_coverage(w, law(TrainingRequirement("one hour", 60, ("definition",))))
    assert [s.category for s in result.shortfalls] == ["minutes"]
    assert "50 min" in result.shortfalls[0].message


def test_missing_topics_are_named() -> None:
    w = workshop((K.TALK, 60, ("definition",)))
    result = check_coverage(w, law(TrainingRequirement("r", 0, ("definition", "retaliation", "remedies"))))
    assert result.shortfalls[0].message == "missing topics: retaliation, remedies"


def test_interactivity_counts_segments_of_the_listed_kinds() -> None:
    rule = InteractivityRule(frozenset({K.SCENARIO}), 2, "hypothetical scenarios")
    req = TrainingRequirement("r", 0, (), (rule,))
    assert not check_coverage(workshop((K.SCENARIO, 5, ()), (K.SCENARIO, 5, ())), law(req)).shortfalls
    result = check_coverage(workshop((K.SCENARIO, 5, ()), (K.TALK, 5, ())), law(req))
    assert result.shortfalls[0].category == "interactivity"
    assert "needs 2 scenario segments, has 1" in result.shortfalls[0].message


def test_a_supervisors_requirement_rejects_an_employees_workshop() -> None:
    req = TrainingRequirement("r", 0, (), audience=Audience.SUPERVISORS)
    assert check_coverage(workshop((K.TALK, 5, ()), audience=Audience.EMPLOYEES), law(req)).shortfalls
    assert not check_coverage(workshop((K.TALK, 5, ()), audience=Audience.SUPERVISORS), law(req)).shortfalls
    assert not check_coverage(workshop((K.TALK, 5, ()), audience=Audience.EVERYONE), law(req)).shortfalls


def test_minutes_on_a_topic_and_partial_results() -> None:
    w = workshop((K.TALK, 30, ("bystander-intervention",)), (K.TALK, 40, ("definition",)))
    bystander = TrainingRequirement("bystander", 0, (), topic_minutes=(("bystander-intervention", 60),))
    result = check_coverage(w, law(TrainingRequirement("prevention", 0, ("definition",)), bystander))
    assert result.partly and result.met_requirements == ("prevention",)
    assert "30 min on bystander-intervention; needs at least 60" in result.shortfalls[0].message


def test_no_requirements_is_always_satisfied() -> None:
    assert check_coverage(workshop((K.TALK, 1, ())), law()).satisfied
