"""The delivery as evidence: the agenda as delivered, what each interactive segment recorded and the trainer's
notes, for the session report; and the same as plain data for `facilitator run --json`.

Only counts leave here about people: never who played which part, who opted out, or who wrote a comment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from facilitator.documents import session_report as report_doc
from facilitator.domain.delivery import (
    RunState,
    SegmentRun,
    clock,
    describe_tally,
    per_option,
    planned_starts,
)
from facilitator.domain.segment_kinds import KINDS, Panel, rules, vote_at, votes
from facilitator.domain.times import clock_or_none, local_iso
from facilitator.i18n import _, ngettext
from facilitator.services import delivery
from facilitator.services.workspace import Workspace


def delivered_span(run: delivery.SessionRun) -> tuple[str | None, str | None]:
    """When the first segment began and the last one ended, as recorded; the end is unknown while one runs."""
    starts = [r.started_at for r in run.delivery.runs if r.started_at is not None]
    ends = [r.ended_at for r in run.delivery.runs if r.ended_at is not None]
    if not starts:
        return None, None
    end = max(ends) if ends and run.delivery.current is None else None
    return clock_or_none(min(starts)), clock_or_none(end)


def agenda_entries(run: delivery.SessionRun) -> tuple[report_doc.AgendaEntry, ...]:
    """Each segment as planned and as delivered: actual start and end (local time), minutes without pauses."""
    entries = []
    for r in run.delivery.runs:
        s = r.segment
        done = r.state(None) is RunState.DONE and r.ended_at is not None
        entries.append(report_doc.AgendaEntry(
            s.title, s.kind, s.minutes, clock_or_none(r.started_at), clock_or_none(r.ended_at) if done else None,
            delivery.minutes(r.elapsed(r.ended_at)) if done and r.ended_at else None,
            skipped=r.skipped and not r.spans,
            paused_minutes=delivery.minutes(r.paused) if done else 0))
    return tuple(entries)


def activities(ws: Workspace, run: delivery.SessionRun) -> tuple[report_doc.ActivityCount, ...]:
    """Per kind of interactive segment, how many were held (ran at all), with what each one recorded:
    votes and answers as counted, role-play groups and rounds (counts only), feedback in aggregate."""
    kinds: dict[str, list[SegmentRun]] = {}
    for r in run.delivery.runs:
        if rules(r.segment.kind).activity is not None:
            kinds.setdefault(r.segment.kind, []).append(r)
    out = []
    for kind, runs in kinds.items():
        held = sum(1 for r in runs if r.spans)
        planned = len(runs)
        results: list[report_doc.ActivityResult] = []
        if not run.delivery.log_length:  # run without the console: what happened is unknown, not "nothing"
            summary = ngettext("{count} planned; delivery not recorded", "{count} planned; delivery not recorded",
                               planned).format(count=planned)
            results += [x for r in runs if rules(r.segment.kind).panel is Panel.FEEDBACK
                        for x in _results(ws, run, r)]
            out.append(report_doc.ActivityCount(_activity(kind), held, summary, tuple(results)))
            continue
        if not held:
            summary = _("planned, not held") if planned == 1 else ngettext(
                "{count} planned, not held", "{count} planned, not held", planned).format(count=planned)
        elif held < planned:
            summary = ngettext("{planned} planned, {count} not held", "{planned} planned, {count} not held",
                               planned - held).format(planned=planned, count=planned - held)
        else:
            summary = ngettext("{count} planned", "{count} planned", planned).format(count=planned)
        for r in runs:
            results += _results(ws, run, r)
        out.append(report_doc.ActivityCount(_activity(kind), held, summary, tuple(results)))
    return tuple(out)


def _activity(kind: str) -> str:
    activity = KINDS[kind].activity  # only kinds with an activity name get here
    return _(activity) if activity else kind


def _results(ws: Workspace, run: delivery.SessionRun, r: SegmentRun) -> list[report_doc.ActivityResult]:
    """The rows of evidence one interactive segment leaves in the report."""
    segment = run.segment(r.segment.id)
    title = r.segment.title
    kind = rules(r.segment.kind)
    if kind.panel is Panel.FEEDBACK:  # paper forms may be keyed in for a round the console never ran
        return [report_doc.ActivityResult(title, _feedback_words(ws, run, r))]
    if not r.spans:
        return [report_doc.ActivityResult(title, _not_held(r))]
    if kind.panel is Panel.VOTES and not kind.answers:
        return [report_doc.ActivityResult(title, _vote_words(segment, r, 0, _("the vote was not counted")))]
    if kind.answers:
        questions = len(votes(segment))
        counted = sum(1 for i in range(questions) if i in r.tallies)
        rows = [report_doc.ActivityResult(title, ngettext(
            "{count} question, hands counted for {counted}; ✓ marks a correct answer",
            "{count} questions, hands counted for {counted}; ✓ marks a correct answer", questions).format(
            count=questions, counted=counted))]
        rows += [report_doc.ActivityResult(None, f"{i + 1}. " + _vote_words(segment, r, i, _("not counted")))
                 for i in range(questions)]
        return rows
    if kind.panel is Panel.ROLES:
        return [report_doc.ActivityResult(title, _role_play_words(r, segment.rounds))]
    return [report_doc.ActivityResult(title, None)]


def _not_held(r: SegmentRun) -> str:
    return _("skipped") if r.skipped else _("not held")


def _vote_words(segment: Any, r: SegmentRun, item: int, uncounted: str) -> str:
    """'Is this harassment? Yes 14, No 3, Unsure 2 (revealed)'; only a total for fewer than SMALL_GROUP."""
    vote = vote_at(segment, item)
    question = " ".join(vote.question.split())
    counts = r.tallies.get(item)
    if counts is None:
        return f"{question} ({uncounted})"
    shown = _("(revealed)") if item in r.revealed else _("(not revealed to the room)")
    total = sum(counts)
    if not per_option(counts):
        return ngettext("{question} {count} hand in all, too few to show per option {shown}",
                        "{question} {count} hands in all, too few to show per option {shown}", total).format(
            question=question, count=total, shown=shown)
    names = [" ".join(o.split()) for o in vote.options]
    if any("," in n or ";" in n or len(n.split()) > 3 for n in names):  # quoted, so the options read apart
        names = [f"“{n}”" for n in names]
    names = [f"{n} ✓" if i in vote.correct else n for i, n in enumerate(names)]
    return f"{question} {describe_tally(names, counts)} {shown}"


def _role_play_counts(r: SegmentRun) -> tuple[int, int] | None:
    """(groups in round 1, rounds recorded), or None before any roles were given out."""
    if not r.role_rounds:
        return None
    first = [a for a in r.role_rounds if a.round == 1]
    return len((first or r.role_rounds)[-1].groups), len({a.round for a in r.role_rounds})  # a reshuffle replaces


def _role_play_words(r: SegmentRun, planned_rounds: int) -> str:
    """'3 groups, 2 rounds': counts only, never who played what or who opted out."""
    counts = _role_play_counts(r)
    if counts is None:
        return _("groups not recorded")
    groups, rounds = counts
    grouped = ngettext("{count} group", "{count} groups", groups).format(count=groups)
    if rounds == planned_rounds:
        held = ngettext("{count} round", "{count} rounds", rounds).format(count=rounds)
    else:
        held = ngettext("{count} round of {planned} planned", "{count} rounds of {planned} planned", rounds).format(
            count=rounds, planned=planned_rounds)
    return f"{grouped}, {held}"


def _feedback_words(ws: Workspace, run: delivery.SessionRun, r: SegmentRun) -> str:
    """'12 responses, average 4.2 of 5; by rating 1 to 5: 0, 1, 2, 4, 5; 3 written comments'.

    Per-rating counts only from SMALL_GROUP ratings up (the summary withholds them below that), and never the
    comments themselves: they are free text and may name people."""
    summary = delivery.feedback_summary(ws, run.session_id, r.segment.id)
    unheld = not (r.spans or not run.delivery.log_length)  # the console was used, but never for this round
    if not summary.responses:
        if not unheld:
            return _("no responses")
        return _("no responses; skipped") if r.skipped else _("no responses; not held")
    words = ngettext("{count} response", "{count} responses", summary.responses).format(count=summary.responses)
    if summary.average is not None:
        words = _("{responses}, average {average} of {scale}").format(
            responses=words, average=f"{summary.average:.1f}", scale=summary.scale)
        if summary.rated != summary.responses:
            words = ngettext("{summary} ({count} rated)", "{summary} ({count} rated)", summary.rated).format(
                summary=words, count=summary.rated)
    if summary.distribution is not None:
        words = _("{summary}; by rating 1 to {scale}: {counts}").format(
            summary=words, scale=summary.scale, counts=", ".join(str(n) for n in summary.distribution))
    if summary.comments:
        words = ngettext("{summary}; {count} written comment", "{summary}; {count} written comments",
                         len(summary.comments)).format(summary=words, count=len(summary.comments))
    if not unheld:
        return words
    return (_("{summary} (the round was skipped in the console)") if r.skipped
            else _("{summary} (the round was not held in the console)")).format(summary=words)


def trainer_notes(run: delivery.SessionRun) -> tuple[report_doc.TrainerNote, ...]:
    return tuple(report_doc.TrainerNote(r.segment.title, text) for r in run.delivery.runs for text in r.notes)


# --- the agenda as delivered, as plain data (for `facilitator run --json`) -----------------------------------

def delivery_view(run: delivery.SessionRun, now: datetime) -> dict[str, Any]:
    """Each segment as planned and as delivered so far, with the room's counts, role-play group and round counts
    (never names) and notes; how far the session is ahead of plan (negative) or behind it while a segment runs.
    Times are ISO 8601 with this computer's offset; minutes are whole, pauses left out."""
    d = run.delivery
    starts = planned_starts([r.segment for r in d.runs], run.planned_start)
    timer = clock(d, run.planned_start, now)
    segments = []
    for r, planned in zip(d.runs, starts, strict=True):
        paused_since = d.paused_since if r.segment.id == d.current else None
        state = r.state(paused_since)
        segment = run.segment(r.segment.id)
        tallies = []
        asked = votes(segment)
        for item, counts in sorted(r.tallies.items()):
            if not 0 <= item < len(asked):  # a tally for a question the workshop no longer has
                continue
            tallies.append({"item": item + 1, "question": " ".join(asked[item].question.split()),
                            "options": list(asked[item].options), "counts": list(counts),
                            "revealed": item in r.revealed})
        role_play = _role_play_counts(r)
        segments.append({
            "id": r.segment.id, "title": r.segment.title, "kind": r.segment.kind,
            "planned_start": local_iso(planned), "planned_minutes": r.segment.minutes, "extra_minutes": r.extra_minutes,
            "state": state.value, "actual_start": local_iso(r.started_at),
            "actual_end": local_iso(r.ended_at) if state is RunState.DONE else None,
            "actual_minutes": delivery.minutes(r.elapsed(now, paused_since)) if r.spans else None,
            "paused_minutes": delivery.minutes(r.paused), "tallies": tallies,
            "role_play": None if role_play is None else {"groups": role_play[0], "rounds": role_play[1]},
            "notes": list(r.notes)})
    following = d.next_up
    running = d.current is not None and not run.sealed
    return {"session": run.session_id, "title": run.title, "status": run.status,
            "planned_start": local_iso(run.planned_start), "planned_end": local_iso(timer.planned_end),
            "current": d.current, "paused": d.paused_since is not None,
            "next": following.segment.id if following is not None else None, "finished": d.finished,
            "drift_minutes": delivery.minutes(timer.drift) if running else None, "segments": segments}
