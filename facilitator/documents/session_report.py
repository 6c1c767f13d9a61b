"""The session report: what was delivered, how the room took part, which laws the session met, who attended,
and the hashes that tie this paper to the signed record. The document an auditor reads after the certificates.

Portrait, A4 or Letter, every page numbered "page N of M". Every value is printed as given; nothing here is
worked out again, so the report cannot disagree with the record it summarises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from facilitator.documents.pages import (
    CELL,
    CELL_BOLD,
    CELL_CENTRE,
    CELL_MONO,
    CELL_MUTED,
    CELL_RIGHT,
    HEAD,
    HEAD_CENTRE,
    HEAD_RIGHT,
    KICKER,
    LABEL,
    MARGIN,
    SECTION,
    TITLE,
    Cell,
    grid_table,
    para,
    para_wrapped,
    shown,
    style,
)
from facilitator.documents.pages import build as build_pages
from facilitator.documents.text import BOLD, IN_PERSON, MUTED, check_paper, duration, human_date, register_fonts
from facilitator.domain.segment_kinds import kind_label
from facilitator.i18n import _, ngettext

EN_DASH = "\u2013"
MET_STYLE = style("met", 8.5, BOLD, (0.05, 0.42, 0.2))
NOT_MET_STYLE = style("not-met", 8.5, BOLD, (0.7, 0.1, 0.1))
NOTE = style("note", 8, color=MUTED)
SKIPPED = style("skipped", 8.5, BOLD, MUTED, align=TA_CENTER)
WHITE: Any = colors.white  # paints out a rule between rows that belong together


@dataclass(frozen=True)
class AgendaEntry:
    """One segment as delivered; actual times are None for a segment not (yet) run."""

    title: str
    kind: str  # "talk", "scenario", "role-play", "knowledge-check", "poll", "break", "feedback"
    planned_minutes: int
    actual_start: str | None = None  # HH:MM
    actual_end: str | None = None
    actual_minutes: int | None = None  # time it ran, pauses left out
    skipped: bool = False  # passed over without being run
    paused_minutes: int = 0  # pauses left out of actual_minutes


@dataclass(frozen=True)
class ActivityCount:
    """Evidence of interactivity: how many of one kind of activity were held, with any results in words."""

    activity: str  # "Scenario discussions", "Room votes", "Role-plays", "Knowledge checks"…
    held: int
    tallies: str | None = None  # e.g. "Is this harassment? yes 14, no 3, unsure 2", or a summary ("3 planned")
    results: tuple[ActivityResult, ...] = ()  # one row each under the activity: per segment, per question


@dataclass(frozen=True)
class ActivityResult:
    """One row of evidence under an activity: a segment's vote tally, a question's, a role-play's groups."""

    heading: str | None  # the segment's title, in bold; None continues the segment of the row above
    text: str | None = None  # e.g. "Is this harassment? Yes 14, No 3, Unsure 2 (revealed)"


@dataclass(frozen=True)
class TrainerNote:
    """A note the trainer wrote on a segment while running it."""

    segment: str  # the segment's title
    text: str


@dataclass(frozen=True)
class JurisdictionCoverage:
    """How the delivery met one jurisdiction (for each track it applies to), each training met or what fell
    short, and what the plan would have met, beside it only as the plan."""

    name: str
    citation: str
    met: bool  # met for everyone it applies to: a partial result is not met
    result: str  # "Employees: met; supervisors: partly met — not complete"
    trainings: tuple[str, ...] = ()
    plan: str = ""


@dataclass(frozen=True)
class EligibilityOverride:
    """A trainer's decision that changed who gets a certificate, with the reason given."""

    attendee: str
    decision: str  # e.g. "counted eligible", "not eligible"
    reason: str
    by: str | None = None


@dataclass(frozen=True)
class AttendanceSummary:
    on_roster: int
    present: int
    late: int
    left_early: int
    absent: int
    eligible: int  # attended long enough for a certificate, overrides included
    late_and_left_early: int = 0
    overrides: tuple[EligibilityOverride, ...] = ()


@dataclass(frozen=True)
class SealInfo:
    """Who sealed the session and when, as the record states it."""

    signer: str
    fingerprint: str  # of the signer's certificate, e.g. SHA-256 in hex
    sealed_at: str  # as recorded, e.g. "2026-12-03T11:25:09Z"


@dataclass(frozen=True)
class SessionReportData:
    session_id: str
    workshop_title: str
    workshop_version: str
    materials_sha256: str
    language: str
    location: str
    trainer: str
    date: str  # YYYY-MM-DD
    planned_start: str  # HH:MM
    planned_end: str
    actual_start: str | None
    actual_end: str | None
    agenda: tuple[AgendaEntry, ...]
    activities: tuple[ActivityCount, ...]
    coverage: tuple[JurisdictionCoverage, ...]
    attendance: AttendanceSummary
    chain_head: str  # SHA-256 of the last attendance event, hex
    seal: SealInfo | None = None  # None while the session is not sealed
    events: int | None = None  # attendance events in the chain
    employer: str | None = None
    delivery: str | None = None  # how it was given; None: in person, instructor-led (IN_PERSON)
    track: str | None = None  # the audience track, e.g. "Supervisors"
    policy_version: str | None = None  # the harassment policy handed out
    trainer_qualifications: str | None = None  # California asks for the trainer's qualifications
    notes: tuple[TrainerNote, ...] = ()  # the trainer's notes on segments, in the order of the agenda
    evidence: tuple[str, ...] = ()  # acknowledgments and hand-outs, where the session's laws ask for them


# --- sections ------------------------------------------------------------------------------------------

def span(start: str | None, end: str | None) -> str:
    return f"{start or '—'} {EN_DASH} {end or '—'}"


def section(title: str, *body: Flowable) -> list[Flowable]:
    """A heading kept with the start of what follows it (never alone at the foot of a page)."""
    return [KeepTogether([Spacer(1, 5 * mm), Paragraph(title, SECTION), Spacer(1, 2 * mm), body[0]]), *body[1:]]


def facts_table(pairs: Sequence[tuple[str, Flowable]], width: float) -> Flowable:
    label_w = 42 * mm
    return grid_table([[para(label.upper(), LABEL), value] for label, value in pairs], [label_w, width - label_w],
                      header=False)


def session_facts(data: SessionReportData, width: float) -> list[Flowable]:
    track = _("{track} track").format(track=data.track) if data.track else None
    workshop = _("{title} (version {version})").format(title=data.workshop_title, version=data.workshop_version)
    pairs: list[tuple[str, Flowable]] = [
        (_("Workshop"), para(workshop, CELL_BOLD)),
        (_("Materials SHA-256"), para(data.materials_sha256, CELL_MONO)),
        (_("Type"), para(" · ".join(p for p in (data.delivery or _(IN_PERSON), track) if p))),
        (_("Language"), para(data.language)),
        (_("Date"), para(human_date(data.date))),
        (_("Planned start, end"), para(span(data.planned_start, data.planned_end))),
        (_("Actual start, end"), para(span(data.actual_start, data.actual_end), CELL_BOLD)),
        (_("Location"), para(data.location)),
        (_("Trainer"), para(data.trainer)),
    ]
    if data.trainer_qualifications:
        pairs.append((_("Trainer's qualifications"), para(data.trainer_qualifications)))
    if data.employer:
        pairs.insert(0, (_("Employer"), para(data.employer, CELL_BOLD)))
    if data.policy_version:
        pairs.append((_("Policy handed out"), para(data.policy_version)))
    return section(_("Session"), facts_table(pairs, width))


def agenda_table(agenda: Sequence[AgendaEntry], width: float) -> list[Flowable]:
    fixed = [("#", 8 * mm, HEAD), (_("Kind"), 30 * mm, HEAD), (_("Planned min"), 16 * mm, HEAD_RIGHT),
             (_("Actual start"), 16 * mm, HEAD_CENTRE), (_("Actual end"), 16 * mm, HEAD_CENTRE),
             (_("Actual min"), 16 * mm, HEAD_RIGHT)]
    segment_w = width - sum(w for _title, w, _style in fixed)
    cols = [fixed[0], (_("Segment"), segment_w, HEAD), *fixed[1:]]
    rows: list[list[Flowable]] = [[Paragraph(t, st) for t, _width, st in cols]]
    spans: list[tuple[Any, ...]] = []
    for i, entry in enumerate(agenda, start=1):
        row = [para(str(i), CELL_MUTED), para(entry.title), para(kind_label(entry.kind)),
               para(str(entry.planned_minutes), CELL_RIGHT)]
        if entry.skipped:  # one word across the three actual columns
            row += [para(_("skipped"), SKIPPED), para(None, empty=""), para(None, empty="")]
            spans.append(("SPAN", (4, i), (6, i)))
        else:
            row += [para(entry.actual_start, CELL_CENTRE), para(entry.actual_end, CELL_CENTRE),
                    para(_number(entry.actual_minutes), CELL_RIGHT)]
        rows.append(row)
    actual = [e.actual_minutes for e in agenda if e.actual_minutes is not None]
    blank = para(None, empty="")
    rows.append([blank, para(_("Total"), CELL_BOLD), blank,
                 para(str(sum(e.planned_minutes for e in agenda)), CELL_RIGHT), blank, blank,
                 para(str(sum(actual)) if actual else None, CELL_RIGHT)])
    return section(_("Agenda as delivered"), grid_table(rows, [w for _, w, _ in cols], extra=spans),
                   Spacer(1, 1.5 * mm), para(agenda_note(agenda), NOTE))


def agenda_note(agenda: Sequence[AgendaEntry]) -> str:
    """'Planned 2 h 26 min in all; actual times recorded for 15 of 16 segments, 2 h 31 min; 1 skipped. …'"""
    actual = [e.actual_minutes for e in agenda if e.actual_minutes is not None]
    skipped = sum(e.skipped for e in agenda)
    if actual:
        recorded = ngettext("actual times recorded for {count} of {total} segment, {duration}",
                            "actual times recorded for {count} of {total} segments, {duration}", len(agenda))
    else:
        recorded = ngettext("actual times recorded for {count} of {total} segment",
                            "actual times recorded for {count} of {total} segments", len(agenda))
    recorded = recorded.format(count=len(actual), total=len(agenda), duration=duration(sum(actual)))
    if skipped:
        recorded = f"{recorded}; " + ngettext("{count} skipped", "{count} skipped", skipped).format(count=skipped)
    note = _("Planned {duration} in all; {recorded}.").format(
        duration=duration(sum(e.planned_minutes for e in agenda)), recorded=recorded)
    paused = [(i, e.paused_minutes) for i, e in enumerate(agenda, start=1) if e.paused_minutes > 0]
    if paused:
        note += " " + ngettext("Actual minutes leave out pauses: {duration} in all, in segment {segments}.",
                               "Actual minutes leave out pauses: {duration} in all, in segments {segments}.",
                               len(paused)).format(duration=duration(sum(m for _number, m in paused)),
                                                   segments=", ".join(str(i) for i, _minutes in paused))
    return note + " " + _("'—': not recorded.")


def _number(value: int | None) -> str | None:
    return None if value is None else str(value)


def activities_table(activities: Sequence[ActivityCount], width: float) -> list[Flowable]:
    """One row per activity, then one per result under it (a segment, a question), so a long list of results
    can run onto the next page; with results, the summary goes under the activity's name."""
    if not activities:
        return section(_("Interactivity"), para(_("No interactive activity was recorded."), CELL_MUTED))
    rows: list[list[Cell]] = [[Paragraph(_("Activity"), HEAD), Paragraph(_("Held"), HEAD_RIGHT),
                               Paragraph(_("Results"), HEAD)]]
    blank = para(None, empty="")
    unruled: list[tuple[Any, ...]] = []
    for a in activities:
        if not a.results:
            rows.append([para(a.activity, CELL_BOLD), para(str(a.held), CELL_RIGHT), para(a.tallies, CELL_MUTED)])
            continue
        name = [para(a.activity, CELL_BOLD)] + ([para(a.tallies, CELL_MUTED)] if a.tallies else [])
        for i, r in enumerate(a.results):
            cell = ([para(r.heading, CELL_BOLD)] if r.heading else []) + ([para(r.text)] if r.text else [])
            rows.append([name, para(str(a.held), CELL_RIGHT), cell] if i == 0 else [blank, blank, cell])
            if i:  # the activity's own cells read as one down its rows: no rule between them
                unruled.append(("LINEBELOW", (0, len(rows) - 2), (1, len(rows) - 2), 0.6, WHITE))
    return section(_("Interactivity"), grid_table(rows, [60 * mm, 16 * mm, width - 76 * mm],
                                               extra=[*unruled, ("VALIGN", (0, 1), (1, -1), "TOP")]))


def notes_section(notes: Sequence[TrainerNote], width: float) -> list[Flowable]:
    """The trainer's own notes, segment by segment; nothing at all when there are none."""
    if not notes:
        return []
    rows: list[list[Cell]] = [[Paragraph(_("Segment"), HEAD), Paragraph(_("Note"), HEAD)]]
    rows += [[para(n.segment, CELL_BOLD), para(n.text)] for n in notes]
    return section(_("Trainer's notes"), grid_table(rows, [60 * mm, width - 60 * mm]))


def coverage_table(coverage: Sequence[JurisdictionCoverage], width: float) -> list[Flowable]:
    if not coverage:
        return section(_("Coverage by jurisdiction"), para(_("No jurisdiction was chosen for this session."),
                                                            CELL_MUTED))
    rows: list[list[Cell]] = [[Paragraph(_("Jurisdiction"), HEAD), Paragraph(_("Delivered"), HEAD),
                               Paragraph(_("Trainings"), HEAD), Paragraph(_("Plan"), HEAD)]]
    for c in coverage:
        who = [para(c.name, CELL_BOLD), para(c.citation, CELL_MUTED)]
        result = para(c.result, MET_STYLE if c.met else NOT_MET_STYLE)
        trainings = [para(f"• {t}") for t in c.trainings] or [para(_("None"), CELL_MUTED)]
        rows.append([who, result, trainings, para(c.plan, CELL_MUTED)])
    return section(_("Coverage by jurisdiction"), grid_table(rows, [52 * mm, 32 * mm, width - 112 * mm, 28 * mm]))


def evidence_section(lines: Sequence[str]) -> list[Flowable]:
    """What the session's laws ask to be kept besides attendance; nothing at all where they ask for nothing."""
    if not lines:
        return []
    return section(_("Acknowledgments and hand-outs"), *[para(f"• {line}") for line in lines])


def attendance_section(summary: AttendanceSummary, width: float) -> list[Flowable]:
    counts = [(_("On roster"), summary.on_roster), (_("Present"), summary.present), (_("Late"), summary.late),
              (_("Left early"), summary.left_early), (_("Late, left early"), summary.late_and_left_early),
              (_("Absent"), summary.absent), (_("Eligible for certificate"), summary.eligible)]
    cells = [[para(label, HEAD_CENTRE) for label, _n in counts], [para(str(n), CELL_CENTRE) for _label, n in counts]]
    table = grid_table(cells, [width / len(counts)] * len(counts))
    return section(_("Attendance"), table, *overrides_table(summary.overrides, width))


def overrides_table(overrides: Sequence[EligibilityOverride], width: float) -> list[Flowable]:
    if not overrides:
        return [Spacer(1, 2 * mm), para(_("No eligibility decision was overridden."), NOTE)]
    rows: list[list[Flowable]] = [[Paragraph(t, HEAD) for t in (_("Attendee"), _("Decision"), _("Reason"), _("By"))]]
    widths = [50 * mm, 30 * mm, width - 115 * mm, 35 * mm]
    rows += [[para_wrapped(shown(o.attendee, _("(name not printable; see the record)")), CELL, widths[0]),
              para(o.decision, CELL_BOLD), para(o.reason), para(o.by)] for o in overrides]
    heading = Paragraph(_("Overrides"), style("sub", 9.5, BOLD))
    table = grid_table(rows, widths)
    return [Spacer(1, 4 * mm), KeepTogether([heading, Spacer(1, 1.5 * mm), table])]


def integrity_section(data: SessionReportData, width: float) -> list[Flowable]:
    head = data.chain_head
    if data.events is not None:
        head = ngettext("{hash} ({count} event)", "{hash} ({count} events)", data.events).format(
            hash=data.chain_head, count=data.events)
    pairs: list[tuple[str, Flowable]] = [(_("Attendance chain head"), para(head, CELL_MONO))]
    if data.seal is None:
        pairs.append((_("Seal"), para(_("Not sealed: this session can still change."), NOT_MET_STYLE)))
    else:
        pairs += [(_("Sealed by"), para(data.seal.signer, CELL_BOLD)),
                  (_("Signer fingerprint"), para(data.seal.fingerprint, CELL_MONO)),
                  (_("Sealed at"), para(data.seal.sealed_at))]
    note = para(_("The chain head is the SHA-256 of the last attendance event; each event holds the previous "
                  "event's hash, so the record cannot be edited without this value changing."), NOTE)
    return section(_("Record integrity"), facts_table(pairs, width), Spacer(1, 1.5 * mm), note)


def title_block(data: SessionReportData) -> list[Flowable]:
    where = _("{date} · {location} · session {session}").format(date=human_date(data.date), location=data.location,
                                                                session=data.session_id)
    return [para(_("Session report"), KICKER), para(data.workshop_title, TITLE), para(where, CELL_MUTED)]


# --- the document --------------------------------------------------------------------------------------

def render_session_report(data: SessionReportData, out: Path | BinaryIO, paper: str = "letter", *,
                          created: datetime | None = None) -> int:
    """Write the session report as a PDF to a path or an open binary file (left open); returns its page count.

    The bytes depend only on the arguments and `created` (the PDF's creation date; now, if not given)."""
    register_fonts()  # before any paragraph is made: they look their fonts up when created
    width = check_paper(paper)[0] - 2 * MARGIN
    story = [*title_block(data), *session_facts(data, width), *agenda_table(data.agenda, width),
             *activities_table(data.activities, width), *notes_section(data.notes, width),
             *coverage_table(data.coverage, width),
             *attendance_section(data.attendance, width), *evidence_section(data.evidence),
             *integrity_section(data, width)]
    where = _("{title} · {date} · session {session}").format(title=data.workshop_title, date=human_date(data.date),
                                                             session=data.session_id)
    running = _("Session report · {where}").format(where=where)
    title = _("Session report - {title} - {date}").format(title=data.workshop_title, date=data.date)
    return build_pages(out, paper, story, title=title, author=data.employer or data.trainer, running=running,
                       footer_text=running, created=created)
