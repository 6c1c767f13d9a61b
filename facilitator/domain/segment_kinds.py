"""What each kind of segment does, in one registry: a new kind of segment is added here (and to the workshop
file's schema), not in every module that runs, shows or reports a segment.

For each `SegmentKind` the registry says what it is called, whether the room takes part (laws asking for
"interactive" training count only those kinds) and whether it is training time at all (a break is not); which
steps the presenter moves through; which votes or questions the room answers; which of the console's panels
it needs; and what a trainer reads of it while preparing. Segments are the workshop file's objects, read
through the attribute names the schema gives them; nothing here knows pydantic, storage or Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from facilitator.i18n import N_, _, ngettext


class SegmentKind(StrEnum):
    """The kinds of timed segment a workshop is built from (the workshop file's `type`)."""

    TALK = "talk"
    SCENARIO = "scenario"
    ROLE_PLAY = "role-play"
    KNOWLEDGE_CHECK = "knowledge-check"
    POLL = "poll"
    BREAK = "break"
    FEEDBACK = "feedback"


class Evidence(StrEnum):
    """What the delivery log must show for a segment's interaction to have happened: laws that ask for
    interactive training count only what the room did, not what was planned."""

    VOTED = "voted"  # the room's hands were counted (a tally recorded)
    ANSWERED = "answered"  # a question with right answers was counted and its answer shown
    PLAYED = "played"  # a role-play round was run (parts assigned)
    HELD = "held"  # the segment ran (a feedback round)


class Panel(StrEnum):
    """What the presenter console puts beside the notes while a segment of this kind runs."""

    NONE = "none"
    VOTES = "votes"  # count the hands for each option, then reveal
    ROLES = "roles"  # assign role-play parts among those present, rotate them each round
    FEEDBACK = "feedback"  # type in the paper feedback forms


@dataclass(frozen=True)
class Stage:
    """One step of a segment: what kind of step, and which item (question or round) it is about."""

    name: str  # "screen", "contacts", "vote", "results", "question", "answer", "round", "break", "feedback"
    item: int = 0

    @property
    def reveals(self) -> bool:
        """Stepping onto this stage shows results to the room, so it must be recorded first."""
        return self.name in ("results", "answer")


@dataclass(frozen=True)
class Vote:
    """One thing the room answers by a show of hands: a scenario's or poll's vote, or a knowledge-check question."""

    question: str
    options: tuple[str, ...]
    correct: tuple[int, ...] = ()  # indexes of the right options; a vote has none
    explanation: str = ""


@dataclass(frozen=True)
class Section:
    """One part of a segment as a trainer reads it while preparing: a heading, then items, text or both."""

    title: str
    items: tuple[str, ...] = ()
    ordered: bool = False
    lettered: bool = False  # items lettered A, B, C, as the room sees a question's options
    correct: tuple[int, ...] = ()  # items that are right answers, marked so
    text: str = ""
    why: str = ""  # why the marked items are right
    labelled: tuple[tuple[str, str], ...] = ()  # (a bold label, its text): the five Ds, say
    label_note: str = ""  # said of every label, after it: "private card"
    parts: tuple[Section, ...] = ()  # smaller parts under this heading: a knowledge check's questions


@dataclass(frozen=True)
class KindRules:
    """Everything that differs between kinds of segment."""

    label: str  # marked with N_; translate with _() where shown
    activity: str | None  # the report's heading for the evidence this kind leaves; None: not a room activity
    interactive: bool  # the room takes part: what laws asking for interactive training count
    instruction: bool  # training time (a break is time in the room, not training)
    panel: Panel
    stages: Callable[[Any], list[Stage]]
    votes: Callable[[Any], tuple[Vote, ...]]
    sections: Callable[[Any], list[Section]]
    answers: bool = False  # its votes are questions with right answers, each counted and revealed on its own
    evidence: Evidence | None = None  # what shows the room took part; None: the kind has no interaction


# --- the steps and votes of each kind -------------------------------------------------------------------------

def _talk_stages(segment: Any) -> list[Stage]:
    """A talk's screen, then the agencies' contacts if it is the talk on reporting."""
    return [Stage("screen")] + ([Stage("contacts")] if getattr(segment, "contacts", False) else [])


def _no_votes(_segment: Any) -> tuple[Vote, ...]:
    return ()


def _nothing_more(_segment: Any) -> list[Section]:
    return []


def _scenario_votes(segment: Any) -> tuple[Vote, ...]:
    return (Vote(segment.vote.question, tuple(segment.vote.options)),)


def _poll_votes(segment: Any) -> tuple[Vote, ...]:
    return (Vote(segment.question, tuple(segment.options)),)


def _questions(segment: Any) -> tuple[Vote, ...]:
    return tuple(Vote(q.prompt, tuple(o.text for o in q.options),
                      tuple(i for i, o in enumerate(q.options) if o.correct), q.explanation)
                 for q in segment.questions)


def _intro(segment: Any) -> list[Stage]:
    """The segment's own screen first, where its author wrote one (how the quiz or poll works, say)."""
    return [Stage("screen")] if (getattr(segment, "screen", "") or "").strip() else []


def _question_stages(segment: Any) -> list[Stage]:
    return _intro(segment) + [s for i in range(len(segment.questions))
                              for s in (Stage("question", i), Stage("answer", i))]


def _poll_stages(segment: Any) -> list[Stage]:
    return [*_intro(segment), Stage("vote"), Stage("results")]


def _role_play_stages(segment: Any) -> list[Stage]:
    return [Stage("screen")] + [Stage("round", r) for r in range(segment.rounds)]


# --- what a trainer reads of each kind while preparing ----------------------------------------------------------

def _scenario_sections(segment: Any) -> list[Section]:
    return [Section(_("Discussion questions"), tuple(segment.discussion_questions)),
            Section(_("Room vote: {question}").format(question=segment.vote.question), tuple(segment.vote.options),
                    ordered=True),
            Section(_("Debrief points"), tuple(segment.debrief))]


def _role_play_sections(segment: Any) -> list[Section]:
    rounds = ngettext("{rounds} round of {minutes} min", "{rounds} rounds of {minutes} min", segment.rounds)
    return [Section("", text=rounds.format(rounds=segment.rounds, minutes=segment.round_minutes)),
            Section(_("Roles"), labelled=tuple((r.name, r.card) for r in segment.roles), label_note=_("private card")),
            Section(_("Observer checklist"), tuple(segment.observer_checklist)),
            *_observer_guide(segment),
            Section(_("If someone opts out"), text=segment.opt_out),
            Section(_("Debrief prompts"), tuple(segment.debrief))]


def _observer_guide(segment: Any) -> list[Section]:
    """The workshop's own guide for observers (the five Ds, say) and its advice on giving feedback."""
    guide = getattr(segment, "observer_guide", None)
    found = [Section(guide.title, labelled=tuple((p.name, p.text) for p in guide.points))] if guide else []
    advice = tuple(getattr(segment, "feedback_advice", ()))
    return found + ([Section(_("Giving feedback"), text="\n\n".join(advice))] if advice else [])


def _question_sections(segment: Any) -> list[Section]:
    questions = tuple(Section(f"{number}. {vote.question}", vote.options, lettered=True, correct=vote.correct,
                              why=vote.explanation)
                      for number, vote in enumerate(_questions(segment), start=1))
    return [Section(_("Questions"), parts=questions)]


def _poll_sections(segment: Any) -> list[Section]:
    return [Section(_("Poll: {question}").format(question=segment.question), tuple(segment.options), ordered=True)]


def _feedback_sections(segment: Any) -> list[Section]:
    rating = _("{question} (1 to {top})").format(question=segment.rating.question, top=segment.rating.scale)
    return [Section(_("Rating"), text=rating), Section(_("Comment prompts"), tuple(segment.comments))]


KINDS: Mapping[SegmentKind, KindRules] = {
    SegmentKind.TALK: KindRules(N_("Talk"), None, interactive=False, instruction=True, panel=Panel.NONE,
                                stages=_talk_stages, votes=_no_votes, sections=_nothing_more),
    SegmentKind.SCENARIO: KindRules(
        N_("Scenario"), N_("Scenario discussions"), interactive=True, instruction=True, panel=Panel.VOTES,
        stages=lambda s: [Stage("screen"), Stage("vote"), Stage("results")], votes=_scenario_votes,
        sections=_scenario_sections, evidence=Evidence.VOTED),
    SegmentKind.ROLE_PLAY: KindRules(
        N_("Role-play"), N_("Role-plays"), interactive=True, instruction=True, panel=Panel.ROLES,
        stages=_role_play_stages, votes=_no_votes, sections=_role_play_sections, evidence=Evidence.PLAYED),
    SegmentKind.KNOWLEDGE_CHECK: KindRules(
        N_("Knowledge check"), N_("Knowledge checks"), interactive=True, instruction=True, panel=Panel.VOTES,
        stages=_question_stages, votes=_questions, sections=_question_sections, answers=True,
        evidence=Evidence.ANSWERED),
    SegmentKind.POLL: KindRules(
        N_("Poll"), N_("Room votes"), interactive=True, instruction=True, panel=Panel.VOTES,
        stages=_poll_stages, votes=_poll_votes, sections=_poll_sections,
        evidence=Evidence.VOTED),
    SegmentKind.BREAK: KindRules(N_("Break"), None, interactive=False, instruction=False, panel=Panel.NONE,
                                 stages=lambda s: [Stage("break")], votes=_no_votes, sections=_nothing_more),
    SegmentKind.FEEDBACK: KindRules(
        N_("Feedback"), N_("Feedback rounds"), interactive=True, instruction=True, panel=Panel.FEEDBACK,
        stages=lambda s: [Stage("feedback")], votes=_no_votes, sections=_feedback_sections,
        evidence=Evidence.HELD),
}


def rules(kind: SegmentKind | str) -> KindRules:
    """The rules of one kind of segment (its `SegmentKind`, or the workshop file's name for it)."""
    return KINDS[SegmentKind(kind)]


def kind_label(kind: SegmentKind | str) -> str:
    """The kind's name in the chosen language: "Knowledge check"."""
    return _(rules(kind).label)


def stages(segment: Any) -> list[Stage]:
    """The steps of a segment of a workshop file, in the order the presenter moves through them."""
    return rules(segment.type).stages(segment)


def votes(segment: Any) -> tuple[Vote, ...]:
    """What the room answers by a show of hands in this segment, in order (none for a talk or a break)."""
    return rules(segment.type).votes(segment)


class NoSuchVote(ValueError):
    """A vote or question the segment does not have; the message says which it has."""


def vote_at(segment: Any, index: int) -> Vote:
    """The vote or question at `index` (from 0); NoSuchVote if the segment has none there."""
    found = votes(segment)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(found):
        raise NoSuchVote(_("segment '{segment}' has no vote or question {number}").format(
            segment=segment.id, number=index + 1 if isinstance(index, int) else index))
    return found[index]


def interactive_kinds() -> frozenset[SegmentKind]:
    return frozenset(k for k, r in KINDS.items() if r.interactive)


# --- steps as the presenter reads them ---------------------------------------------------------------------------

STAGE_NAMES = {"screen": N_("On screen"), "contacts": N_("Agencies"), "vote": N_("Vote"), "results": N_("Results"),
               "question": N_("Question"), "answer": N_("Answer"), "round": N_("Round"), "break": N_("Break"),
               "feedback": N_("Feedback")}
NUMBERED_STAGES = ("question", "answer", "round")  # "Question 2": one of several of its kind


def stage_word(name: str) -> str:
    """'Vote', 'Question': a kind of step as the trainer calls it."""
    return _(STAGE_NAMES[name]) if name in STAGE_NAMES else name


def stage_name(stage: Stage) -> str:
    """'Vote', 'Question 2': the step as the trainer calls it."""
    word = stage_word(stage.name)
    return f"{word} {stage.item + 1}" if stage.name in NUMBERED_STAGES else word


def step_text(steps: list[Stage], index: int) -> str:
    """'Step 2 of 3: Vote'."""
    return _("Step {number} of {count}: {step}").format(number=index + 1, count=len(steps),
                                                        step=stage_name(steps[index]))
