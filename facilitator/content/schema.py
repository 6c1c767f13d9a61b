"""The workshop file format: pydantic models for the YAML files in `sessions/workshops/`.

Field names are the author's words. `notes` are for the facilitator only and never reach the projector;
`screen` is the text the room sees.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from facilitator.domain.workshop import Audience, SegmentKind, SegmentOutline, WorkshopOutline
from facilitator.i18n import _

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(value: str) -> str:
    """Control characters would reach the projector and printed certificates as boxes or worse."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(_("contains an invisible control character (code {code}); delete it").format(
            code=f"{ord(found.group()):#04x}"))
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_printable)]
Advice = Annotated[Text, StringConstraints(max_length=600)]  # a paragraph printed in a box on a sheet
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+(\.\d+)?$")]


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt field would otherwise vanish silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class _Segment(_Strict):
    id: Slug
    title: Text
    minutes: int = Field(ge=1, le=480)
    topics: list[str] = Field(default_factory=list)
    notes: str = ""
    screen: str = ""
    content_warning: str | None = None


class Talk(_Segment):
    type: Literal["talk"]
    # The talk on reporting: after its screen, one more step shows the agencies of the session's jurisdictions
    # (sessions/agencies.yaml), and the attendees' hand-out lists them, so no number is typed into a workshop.
    contacts: bool = False


class Vote(_Strict):
    question: Text
    options: list[Text] = Field(min_length=2, max_length=8)


class Scenario(_Segment):
    type: Literal["scenario"]
    discussion_questions: list[Text] = Field(min_length=1)
    vote: Vote
    debrief: list[Text] = Field(min_length=1)


class Role(_Strict):
    name: Text
    card: Text  # private: shown to the person playing the role only
    volunteer_only: bool = False  # never assigned: a volunteer plays it, or an empty chair stands in


class GuidePoint(_Strict):
    name: Text = Field(max_length=30)  # "Distract": set in bold beside its text, so short
    text: Text = Field(max_length=300)  # one or two sentences


class ObserverGuide(_Strict):
    """What observers keep in mind while they watch (the five Ds, say), at the foot of every observer sheet."""

    title: Text = Field(max_length=60)  # "The five Ds"
    points: list[GuidePoint] = Field(min_length=1, max_length=8)


class RolePlay(_Segment):
    type: Literal["role-play"]
    roles: list[Role] = Field(min_length=2)
    observer_checklist: list[Text] = Field(min_length=1)
    debrief: list[Text] = Field(min_length=1)
    opt_out: Text  # what someone who opts out does instead
    round_minutes: int = Field(default=5, ge=1, le=60)
    rounds: int = Field(default=1, ge=1, le=10)
    observers_per_group: int = Field(default=0, ge=0, le=3)  # observers beyond any observer role
    # Teaching text printed on every observer sheet, in the workshop's language; nothing is printed without it.
    observer_focus: Text | None = Field(default=None, max_length=120)  # "Watch the bystander; don't join in."
    observer_guide: ObserverGuide | None = None
    feedback_advice: list[Advice] = Field(default_factory=list, max_length=3)  # how observers give feedback


class Option(_Strict):
    text: Text
    correct: bool = False


class Question(_Strict):
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=8)
    explanation: Text


class KnowledgeCheck(_Segment):
    type: Literal["knowledge-check"]
    questions: list[Question] = Field(min_length=1)


class Poll(_Segment):
    type: Literal["poll"]
    question: Text
    options: list[Text] = Field(min_length=2, max_length=8)


class Break(_Segment):
    type: Literal["break"]


class Rating(_Strict):
    question: Text
    scale: int = Field(default=5, ge=3, le=10)


class Feedback(_Segment):
    type: Literal["feedback"]
    rating: Rating
    comments: list[Text] = Field(default_factory=list)


AnySegment = Talk | Scenario | RolePlay | KnowledgeCheck | Poll | Break | Feedback  # one per SegmentKind
Segment = Annotated[AnySegment, Field(discriminator="type")]


class Review(_Strict):
    """Who last checked the law a workshop states against its sources, and when: `content check` warns when that
    is more than a year ago, since the law moves (the EEOC's guidance, New York's model training)."""

    law_checked: date
    reviewers: list[Text] = Field(min_length=1)  # their roles: "employment attorney (New York)", never names


class WorkshopFile(_Strict):
    """One workshop as its author wrote it."""

    id: Slug
    title: Text
    version: Version
    language: LanguageTag
    audience: Literal["employees", "supervisors", "everyone"]
    planned_minutes: int = Field(ge=1, le=960)
    summary: Text
    objectives: list[Text] = Field(default_factory=list)
    content_warnings: list[Text] = Field(default_factory=list)
    review: Review | None = None
    segments: list[Segment] = Field(min_length=1)

    def outline(self) -> WorkshopOutline:
        """The domain view of this workshop, for rules and scheduling."""
        return WorkshopOutline(
            id=self.id, title=self.title, version=self.version, language=self.language,
            audience=Audience(self.audience),
            segments=tuple(SegmentOutline(s.id, SegmentKind(s.type), s.title, s.minutes, tuple(s.topics))
                           for s in self.segments),
        )


# The union tag pydantic inserts into error locations ("segments", 3, "scenario", "vote").
SEGMENT_TAGS = frozenset(k.value for k in SegmentKind)
