"""What reaches the projector: every step of every built-in workshop, before and after its reveal.

The audience window draws only `Slide`s, so these are the tests that the facilitator's notes, the role cards,
debrief points and answers stay off the room's screen until the trainer reveals them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from facilitator.domain.delivery import PlannedSegment, SegmentRun
from facilitator.domain.segment_kinds import Stage, stages, vote_at
from facilitator.services.library import builtin_library
from facilitator.services.slides import (
    BLANK,
    Slide,
    SlideKind,
    checkin_slide,
    end_slide,
    qr_modules,
    slide,
)

NOTABLE = 25  # shorter lines ("Debrief", "2 minutes") may appear on a slide by coincidence

LIBRARY = builtin_library()
WORKSHOPS = sorted(LIBRARY.workshops.values(), key=lambda w: w.id)
SEGMENTS = [(w, s) for w in WORKSHOPS for s in w.segments]
STEPS = [pytest.param(w, s, st, id=f"{w.id}/{s.id}/{st.name}{st.item}") for w, s in SEGMENTS for st in stages(s)]


def empty_run(segment: Any) -> SegmentRun:
    return SegmentRun(PlannedSegment(segment.id, segment.title, segment.type, segment.minutes))


def on_screen(s: Slide) -> str:
    return "\n".join([s.heading, s.body, *s.options, s.explanation, s.footer, s.content_warning])


def squashed(text: str) -> str:
    """Whitespace made uniform, so that a secret re-wrapped on its way to the slide is still found."""
    return " ".join(text.split()).casefold()


def secrets(segment: Any) -> list[str]:
    """What only the trainer (or one player) may see of `segment`, in pieces worth looking for."""
    found = [line.strip() for line in segment.notes.splitlines() if len(line.strip()) >= NOTABLE]
    for role in getattr(segment, "roles", ()):
        found += [line.strip() for line in role.card.splitlines() if len(line.strip()) >= NOTABLE]
    found += list(getattr(segment, "debrief", ()))
    found += [q.explanation for q in getattr(segment, "questions", ())]
    return found


def options_of(segment: Any, item: int) -> int:
    return len(vote_at(segment, item).options)


def test_the_library_has_every_kind_of_segment() -> None:
    kinds = {s.type for _, s in SEGMENTS}
    assert {"talk", "scenario", "role-play", "knowledge-check", "break", "feedback"} <= kinds
    assert any(s.notes for _, s in SEGMENTS)


@pytest.mark.parametrize(("workshop", "segment", "stage"), STEPS)
def test_nothing_private_reaches_the_screen_before_a_reveal(workshop, segment, stage: Stage) -> None:
    shown = slide(segment, stage, empty_run(segment), title=workshop.title)
    text = squashed(on_screen(shown))
    for secret in secrets(segment):
        assert squashed(secret) not in text, f"{secret!r} is on the {shown.kind} slide"
    assert shown.counts is None
    assert shown.correct == ()
    assert shown.explanation == ""
    assert shown.kind not in (SlideKind.RESULTS, SlideKind.ANSWER)


@pytest.mark.parametrize(("workshop", "segment", "stage"), [p for p in STEPS if p.values[2].reveals])
def test_counts_taken_but_not_revealed_stay_hidden(workshop, segment, stage: Stage) -> None:
    run = empty_run(segment)
    run.tallies[stage.item] = tuple(range(1, options_of(segment, stage.item) + 1))
    shown = slide(segment, stage, run, title=workshop.title)
    assert shown.counts is None
    assert shown.correct == ()
    assert shown.kind in (SlideKind.VOTE, SlideKind.QUESTION)


@pytest.mark.parametrize(("workshop", "segment", "stage"), [p for p in STEPS if p.values[2].reveals])
def test_a_reveal_shows_the_counts_and_the_right_answers(workshop, segment, stage: Stage) -> None:
    run = empty_run(segment)
    counts = tuple(range(3, options_of(segment, stage.item) + 3))  # at least five hands: shown per option
    run.tallies[stage.item] = counts
    run.revealed.add(stage.item)
    shown = slide(segment, stage, run, title=workshop.title)
    assert shown.counts == counts
    if segment.type == "knowledge-check":
        question = segment.questions[stage.item]
        assert shown.kind is SlideKind.ANSWER
        assert shown.correct == tuple(i for i, o in enumerate(question.options) if o.correct)
        assert shown.correct, "every question has a right answer"
        assert shown.explanation == question.explanation
    else:
        assert shown.kind is SlideKind.RESULTS
        assert shown.correct == ()
    # Revealing one item reveals only that one.
    for other in stages(segment):
        if other.reveals and other.item != stage.item:
            assert slide(segment, other, run, title=workshop.title).counts is None


@pytest.mark.parametrize(("workshop", "segment", "stage"), STEPS)
def test_even_after_every_reveal_no_notes_or_cards_are_shown(workshop, segment, stage: Stage) -> None:
    run = empty_run(segment)
    for step in stages(segment):
        if step.reveals:
            run.tallies[step.item] = (1,) * options_of(segment, step.item)
            run.revealed.add(step.item)
    text = squashed(on_screen(slide(segment, stage, run, title=workshop.title)))
    private = [line.strip() for line in segment.notes.splitlines() if len(line.strip()) >= NOTABLE]
    private += [line.strip() for r in getattr(segment, "roles", ()) for line in r.card.splitlines()
                if len(line.strip()) >= NOTABLE]
    private += list(getattr(segment, "debrief", ()))
    for secret in private:
        assert squashed(secret) not in text


@pytest.mark.parametrize(("workshop", "segment", "stage"), STEPS)
def test_each_step_has_a_slide_the_room_can_read(workshop, segment, stage: Stage) -> None:
    shown = slide(segment, stage, empty_run(segment), title=workshop.title)
    assert shown.heading.strip()
    if shown.kind in (SlideKind.VOTE, SlideKind.QUESTION):
        assert len(shown.options) >= 2
    if shown.kind is SlideKind.FEEDBACK:
        assert shown.options == tuple(str(n) for n in range(1, segment.rating.scale + 1))


def test_countdown_slides_carry_their_end_and_pause() -> None:
    workshop, segment = next((w, s) for w, s in SEGMENTS if s.type == "role-play")
    until = datetime(2030, 1, 1, 10, 0, tzinfo=UTC) + timedelta(minutes=5)
    running = slide(segment, Stage("round", 0), empty_run(segment), title=workshop.title, until=until)
    assert running.kind is SlideKind.ROUND and running.until == until and not running.paused
    assert running.footer == f"Round 1 of {segment.rounds}"
    paused = slide(segment, Stage("round", 0), empty_run(segment), title=workshop.title, paused=True)
    assert paused.paused and paused.until is None


def test_the_projector_shows_a_small_groups_answers_only_as_a_total() -> None:
    workshop, segment = next((w, s) for w, s in SEGMENTS if s.type == "scenario")
    run = empty_run(segment)
    run.revealed.add(0)
    run.tallies[0] = tuple([1, 2, 1] + [0] * (options_of(segment, 0) - 3))
    few = slide(segment, Stage("results"), run, title=workshop.title)
    assert few.counts is None and "4 hands in all: too few to show per option" in few.body
    run.tallies[0] = tuple([3, 2, 1] + [0] * (options_of(segment, 0) - 3))
    enough = slide(segment, Stage("results"), run, title=workshop.title)
    assert enough.counts == run.tallies[0] and "too few" not in enough.body
    quiz, check = next((w, s) for w, s in SEGMENTS if s.type == "knowledge-check")
    answered = empty_run(check)
    answered.revealed.add(0)
    answered.tallies[0] = tuple([2] + [0] * (len(check.questions[0].options) - 1))
    shown = slide(check, Stage("answer", 0), answered, title=quiz.title)
    assert shown.counts is None and shown.correct and "2 hands in all" in shown.body


def test_a_break_says_when_the_room_is_back_by_its_own_clock() -> None:
    workshop, segment = next((w, s) for w, s in SEGMENTS if s.type == "break")
    until = datetime(2030, 1, 1, 10, 47, tzinfo=UTC).astimezone()  # the console's clock, extensions included
    shown = slide(segment, Stage("break"), empty_run(segment), title=workshop.title, until=until)
    assert shown.kind is SlideKind.BREAK and f"Back at {until.strftime('%H:%M')}" in shown.body
    assert "____" not in shown.body
    paused = slide(segment, Stage("break"), empty_run(segment), title=workshop.title, paused=True)
    assert "Back at" not in paused.body, "a paused break has no return time yet"
    assert all("____" not in s.screen for _, s in SEGMENTS), "no blank to fill in on any screen"


def test_fixed_slides() -> None:
    assert BLANK.kind is SlideKind.BLANK and on_screen(BLANK).strip() == ""
    assert checkin_slide("Workshop").qr_text is None
    assert checkin_slide("Workshop", "https://10.0.0.1/c").qr_text == "https://10.0.0.1/c"
    assert end_slide("Workshop").kind is SlideKind.END


def test_the_check_in_code_is_the_badges_encoder() -> None:
    from facilitator.documents.qr import QUIET_ZONE, qr_matrix

    modules = qr_modules("https://10.0.0.1/c")
    assert modules == qr_matrix("https://10.0.0.1/c")
    assert not any(modules[0]) and not any(row[QUIET_ZONE - 1] for row in modules)


def test_the_leak_check_can_fail() -> None:
    """A slide that did carry the notes, a card or an explanation would be caught by the checks above."""
    for kind in ("talk", "role-play", "knowledge-check", "scenario"):
        _, segment = next((w, s) for w, s in SEGMENTS if s.type == kind and secrets(s))
        leaked = Slide(SlideKind.TEXT, segment.title, body="\n".join(secrets(segment)))
        text = squashed(on_screen(leaked))
        assert all(squashed(secret) in text for secret in secrets(segment))
    role_play = next(s for _, s in SEGMENTS if s.type == "role-play")
    assert any(r.card.strip()[:NOTABLE] in " ".join(secrets(role_play)) for r in role_play.roles)
