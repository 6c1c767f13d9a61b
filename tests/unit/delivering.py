"""Delivering a workshop in tests as a trainer at the console would: each segment started in turn and run for
its planned minutes, every vote counted and revealed, every role-play round assigned and every feedback round
given a response, through the same services the console uses."""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime, timedelta

from facilitator.domain.segment_kinds import SegmentKind, rules
from facilitator.services import delivery
from facilitator.services.workspace import Workspace


def deliver_as_planned(ws: Workspace, sid: str, start: datetime, *, skip: Container[str] = (),
                       interact: bool = True, minutes: dict[str, float] | None = None,
                       leave_running: bool = False) -> datetime:
    """Run the session's workshop from `start`; segments in `skip` are skipped, `minutes` overrides a segment's
    length, and with `interact` False nothing is counted, revealed or assigned. Returns when it ended (with
    `leave_running`, when the last segment's time was up, though nobody pressed End)."""
    at = start
    for segment in delivery.session_run(ws, sid).workshop.segments:
        if segment.id in skip:
            delivery.skip(ws, sid, segment.id, at=at)
            continue
        delivery.start(ws, sid, segment.id, at=at)
        if interact:
            _take_part(ws, sid, segment, at)
        at += timedelta(minutes=(minutes or {}).get(segment.id, segment.minutes))
    if not leave_running:
        delivery.end(ws, sid, at=at)
    return at


def _take_part(ws: Workspace, sid: str, segment: object, at: datetime) -> None:
    kind = SegmentKind(segment.type)  # type: ignore[attr-defined]
    moment = at + timedelta(seconds=30)
    for item, vote in enumerate(rules(kind).votes(segment)):
        delivery.tally(ws, sid, segment.id, item, [1] * len(vote.options), at=moment)  # type: ignore[attr-defined]
        delivery.reveal(ws, sid, segment.id, item, at=moment)  # type: ignore[attr-defined]
    if kind is SegmentKind.ROLE_PLAY:
        people = [token for token, _name in delivery.people_present(ws, sid)]
        delivery.assign(ws, sid, segment.id, people, seed=1, at=moment)  # type: ignore[attr-defined]
    if kind is SegmentKind.FEEDBACK:
        delivery.add_feedback(ws, sid, segment.id, rating=4)  # type: ignore[attr-defined]
