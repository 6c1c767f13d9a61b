"""The built-in library is product: every file validates and each workshop is complete and compliant."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.content.library import Library
from facilitator.domain.compliance import evaluate, planned
from facilitator.domain.workshop import SegmentKind

WORKSHOPS = {
    "harassment-prevention-employees": 60,
    "harassment-prevention-employees-2h": 120,
    "harassment-prevention-supervisors": 120,
    "harassment-prevention-chicago": 60,
    "bystander-intervention": 60,
    "allyship": 60,
}
# Supplements add what one law asks to a full training given separately: shorter, with fewer scenarios.
SUPPLEMENTS = {"restaurant-and-bar-supplement": 30}
JURISDICTIONS = {"ny-state", "nyc", "ca-supervisors", "ca-employees", "il", "il-restaurants", "chicago",
                 "chicago-supervisors", "ct", "de", "me", "none"}


def test_every_builtin_file_loads_without_problems(library: Library) -> None:
    assert library.problems == []
    assert set(library.workshops) == set(WORKSHOPS) | set(SUPPLEMENTS)
    assert set(library.jurisdictions) == JURISDICTIONS


@pytest.mark.parametrize(("workshop_id", "minimum"), WORKSHOPS.items())
def test_each_workshop_is_long_enough_and_interactive(library: Library, workshop_id: str, minimum: int) -> None:
    outline = library.workshops[workshop_id].outline()
    assert outline.instruction_minutes >= minimum
    kinds = [s.kind for s in outline.segments]
    assert kinds.count(SegmentKind.SCENARIO) >= 3
    assert SegmentKind.ROLE_PLAY in kinds
    assert SegmentKind.KNOWLEDGE_CHECK in kinds
    assert kinds[-1] is SegmentKind.FEEDBACK


@pytest.mark.parametrize(("workshop_id", "minimum"), SUPPLEMENTS.items())
def test_each_supplement_is_interactive(library: Library, workshop_id: str, minimum: int) -> None:
    outline = library.workshops[workshop_id].outline()
    assert outline.instruction_minutes >= minimum
    kinds = [s.kind for s in outline.segments]
    assert kinds.count(SegmentKind.SCENARIO) >= 2
    assert SegmentKind.KNOWLEDGE_CHECK in kinds
    assert kinds[-1] is SegmentKind.FEEDBACK


@pytest.mark.parametrize("workshop_id", [*WORKSHOPS, *SUPPLEMENTS])
def test_every_workshop_warns_and_gives_notes(library: Library, workshop_id: str) -> None:
    w = library.workshops[workshop_id]
    assert w.content_warnings
    assert all(s.notes.strip() for s in w.segments), "every segment needs facilitator notes"
    assert all(s.screen.strip() for s in w.segments if s.type != "break"), "every segment needs screen text"


@pytest.mark.parametrize(("workshop_id", "codes"), [
    ("harassment-prevention-supervisors", ["ca-supervisors", "ny-state", "nyc", "ct", "il", "de", "me"]),
    ("harassment-prevention-employees", ["ca-employees", "ny-state", "nyc", "il", "de", "me"]),
    ("harassment-prevention-employees-2h", ["ca-employees", "ny-state", "nyc", "il", "de", "me", "ct"]),
    ("harassment-prevention-chicago", ["il"]),
    ("restaurant-and-bar-supplement", ["il-restaurants"]),
])
def test_harassment_workshops_meet_their_target_jurisdictions(library: Library, workshop_id: str,
                                                               codes: list[str]) -> None:
    outline = library.workshops[workshop_id].outline()
    for code in codes:
        result = evaluate(planned(outline), library.jurisdictions[code])
        assert result.satisfied, (code, result.shortfalls)


def test_employees_workshop_does_not_pass_for_supervisors(library: Library) -> None:
    outline = library.workshops["harassment-prevention-employees"].outline()
    result = evaluate(planned(outline), library.jurisdictions["ca-supervisors"])
    assert {s.category for s in result.shortfalls} >= {"audience", "minutes"}


def test_bystander_workshop_meets_chicagos_bystander_hour(library: Library) -> None:
    outline = library.workshops["bystander-intervention"].outline()
    result = evaluate(planned(outline), library.jurisdictions["chicago"])
    assert "One hour of bystander training" in result.met_requirements
    assert result.partly


def test_chicagos_two_hours_are_the_prevention_hour_and_the_bystander_hour(library: Library) -> None:
    """Chicago asks each employee for an hour of prevention and, separately, an hour of bystander training: the
    Chicago prevention hour meets the first on its own, the bystander workshop the second."""
    chicago = library.jurisdictions["chicago"]
    prevention = evaluate(planned(library.workshops["harassment-prevention-chicago"].outline()), chicago)
    assert prevention.met_requirements == ("One hour of sexual harassment prevention training",)
    bystander = evaluate(planned(library.workshops["bystander-intervention"].outline()), chicago)
    assert bystander.met_requirements == ("One hour of bystander training",)


def test_the_restaurant_supplement_does_not_stand_in_for_the_illinois_training(library: Library) -> None:
    outline = library.workshops["restaurant-and-bar-supplement"].outline()
    assert not evaluate(planned(outline), library.jurisdictions["il"]).satisfied


def test_every_jurisdiction_cites_its_law_and_uses_known_topics(library: Library) -> None:
    for j in library.jurisdictions.values():
        assert j.citation and j.frequency and j.who_must_train
        for req in j.requirements:
            assert set(req.topics) <= library.topic_ids


def test_knowledge_check_questions_have_a_right_answer(library: Library) -> None:
    for w in library.workshops.values():
        for seg in w.segments:
            for q in getattr(seg, "questions", []):
                assert any(o.correct for o in q.options), (w.id, seg.id, q.prompt)


def test_each_workshop_says_when_its_law_was_last_checked_and_warns_a_year_on(tmp_path) -> None:
    from datetime import date

    from facilitator.services.library import check_content

    report = check_content()
    assert report.ok and report.warnings == []
    for wid in report.workshops:
        assert "law last checked 2026-11-29" in report.review_of(wid)
    later = check_content(today=date(2027, 12, 1))
    assert len(later.warnings) == len(later.workshops) + len(later.agencies)
    assert all("over a year ago" in w for w in later.warnings)
    unreviewed = tmp_path / "tiny.yaml"
    fixture = Path(__file__).parents[1] / "fixtures" / "content" / "tiny.yaml"
    unreviewed.write_text(fixture.read_text())
    [warning] = check_content(unreviewed).warnings
    assert "no check of the law it states is recorded" in warning
    assert check_content(unreviewed).to_json()[0]["review"] is None


# The two-hour edition is the one-hour employees' workshop with more in it: a segment both have is the same text,
# so a fix to one cannot quietly miss the other. Only these are the edition's own (its welcome, law, reporting,
# retaliation and closing say what Connecticut adds).
EDITION_OWN = {"welcome", "the-law", "speaking-up", "retaliation-and-supervisors", "knowledge-check", "feedback"}


def test_the_two_hour_edition_keeps_the_shared_segments_word_for_word(library: Library) -> None:
    short = {s.id: s for s in library.workshops["harassment-prevention-employees"].segments}
    long = {s.id: s for s in library.workshops["harassment-prevention-employees-2h"].segments}
    shared = (set(short) & set(long)) - EDITION_OWN
    assert len(shared) >= 7
    assert [sid for sid in sorted(shared) if short[sid] != long[sid]] == []
