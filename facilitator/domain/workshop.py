"""The parts of a workshop that rules reason about: its audience, segments, minutes and topics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from facilitator.domain.segment_kinds import SegmentKind, interactive_kinds, rules


class Audience(StrEnum):
    """Who a workshop is written for."""

    EMPLOYEES = "employees"
    SUPERVISORS = "supervisors"
    EVERYONE = "everyone"


# Segments in which the room takes part rather than listens; laws that ask for "interactive"
# training are met by these, never by talks or breaks.
INTERACTIVE_KINDS = interactive_kinds()


@dataclass(frozen=True)
class Topic:
    """One entry of the shared topic vocabulary that segments and jurisdictions both use."""

    id: str
    label: str
    description: str


@dataclass(frozen=True)
class SegmentOutline:
    """A segment as far as timing and coverage rules are concerned."""

    id: str
    kind: SegmentKind
    title: str
    minutes: int
    topics: tuple[str, ...]

    @property
    def is_instruction(self) -> bool:
        """Breaks are time in the room but not training time."""
        return rules(self.kind).instruction


@dataclass(frozen=True)
class WorkshopOutline:
    """A workshop reduced to what the jurisdiction checker and scheduling need."""

    id: str
    title: str
    version: str
    language: str
    audience: Audience
    segments: tuple[SegmentOutline, ...]

    @property
    def planned_minutes(self) -> int:
        return sum(s.minutes for s in self.segments)

    @property
    def instruction_minutes(self) -> int:
        """Minutes of training, breaks excluded: what minimum-length laws count."""
        return sum(s.minutes for s in self.segments if s.is_instruction)

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(t for s in self.segments for t in s.topics)

    def minutes_on(self, topic: str) -> int:
        """Minutes of segments that cover `topic`."""
        return sum(s.minutes for s in self.segments if topic in s.topics and s.is_instruction)

    def count_of(self, kinds: frozenset[SegmentKind]) -> int:
        return sum(1 for s in self.segments if s.kind in kinds)
