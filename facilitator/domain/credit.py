"""A person's credit under each jurisdiction: the teaching they were there for, against what each training asks.

The session's coverage (domain/compliance.py) says whether the workshop as delivered meets each training. A person
is credited with a training only where it was met and they were present for all of it, less a grace period that
never excuses more than GRACE_SHARE of it nor takes it below its statutory minimum, and where they were there for
each of its topics and for the room's part in it (`attended_by`), however few minutes those took.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from facilitator.domain.compliance import TRACK_WORDS, Coverage, Say, Span, Standing, Teaching, Track
from facilitator.i18n import N_, _

GRACE_SHARE = 0.2  # a grace period excuses at most this share of a training's minutes


@dataclass(frozen=True)
class Credit:
    """What one person is credited with under one jurisdiction: met only if every training their track needs
    was met and they were present for each one's minimum minutes, its topics and its interaction."""

    code: str
    name: str
    citation: str
    standing: Standing
    met: tuple[str, ...] = ()  # the trainings met, by name
    missed: tuple[str, ...] = ()  # the trainings not met, each with why: "name: reason"


# What a person must have been there for, whatever the grace period: each required topic, and the room's part.
PRESENCE_CATEGORIES = ("topics", "interactivity")


def credit(coverage: Coverage, track: Track, minutes_in: Callable[[tuple[str, ...]], int], *, grace: int = 0,
           say: Say = _, attended: Coverage | None = None) -> Credit:
    """`minutes_in(segment ids)` is how many minutes the person was present for those segments' teaching. Each
    training asks them to have been there for all of it, less the grace period, and never for less than its
    statutory minimum, which no grace period lowers. `attended` is the jurisdiction evaluated on the teaching they
    were there for (`attended_by`): a training whose topics or interaction they were away for is not met for them,
    however few minutes that was."""
    needed = coverage.for_track(track)
    if not needed:
        return Credit(coverage.jurisdiction_code, coverage.name, coverage.citation, Standing.NOT_APPLICABLE,
                      missed=(say(N_("this jurisdiction's trainings are not for a {track}")).format(
                          track=say(TRACK_WORDS[track])),))
    theirs = {t.name: t for t in attended.trainings} if attended is not None else {}
    met, missed = [], []
    for training in needed:
        present = minutes_in(training.segments)
        least = max(training.minimum_minutes, training.minutes - excused(grace, training.minutes), 1)
        away = [s for s in theirs[training.name].shortfalls if s.category in PRESENCE_CATEGORIES] \
            if training.name in theirs else []
        if not training.met:
            missed.append(f"{training.name}: {training.shortfalls[0].message}")
        elif present < least:
            missed.append(say(N_("{training}: present {minutes} of the {needed} min it requires")).format(
                training=training.name, minutes=present, needed=least))
        elif away:
            missed.append(say(N_("{training}: away for part of what it requires ({what})")).format(
                training=training.name, what=away[0].message))
        else:
            met.append(training.name)
    standing = Standing.MET if not missed else (Standing.PARTIAL if met else Standing.NOT_MET)
    return Credit(coverage.jurisdiction_code, coverage.name, coverage.citation, standing, tuple(met), tuple(missed))


def attended_by(teaching: Teaching, visits: Iterable[Span]) -> Teaching:
    """The part of `teaching` a person was there for: each segment's spans cut to their visits and its minutes
    counted again (a segment they missed entirely left out); what the room did in it kept where they saw any of it."""
    presence = merged(visits)
    segments = []
    for segment in teaching.segments:
        spans = tuple((max(start, p_start), min(end, p_end)) for start, end in segment.spans
                      for p_start, p_end in presence if min(end, p_end) > max(start, p_start))
        if spans:
            minutes = sum((end - start).total_seconds() for start, end in spans) / 60
            segments.append(replace(segment, spans=spans, minutes=minutes))
    return replace(teaching, segments=tuple(segments))


def excused(grace: int, minutes: int) -> int:
    """How many of `minutes` a grace period of `grace` may excuse: never more than GRACE_SHARE of them."""
    return min(grace, int(minutes * GRACE_SHARE))


def overlap_minutes(presence: Iterable[Span], taught: Iterable[Span]) -> int:
    """Whole minutes a person was present while teaching went on (each minute once, however the visits or the
    spans were keyed in)."""
    taught = merged(taught)
    seconds = sum(max(0.0, (min(p_end, t_end) - max(p_start, t_start)).total_seconds())
                  for p_start, p_end in merged(presence) for t_start, t_end in taught)
    return int(seconds / 60 + 1e-9)


def merged(spans: Iterable[Span]) -> list[Span]:
    """The same time as `spans`, with overlapping ones joined."""
    found: list[Span] = []
    for start, end in sorted(spans):
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return found
