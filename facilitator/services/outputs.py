"""The documents a closed session produces: signed certificates, the sign-in sheet and the session report.

Certificates come only from a sealed session's record (and its signed amendments), so a certificate can never
claim more than the seal does. Each carries its facts twice, both signed: as a compact JWS in its QR code
(and its Keywords), and under the PDF's own PAdES signature. Every file is written beside its final name and
moved into place, so an interrupted run leaves whole files or none.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from facilitator.documents import certificate as cert_doc
from facilitator.documents import session_report as report_doc
from facilitator.documents import signin_sheet as signin_doc
from facilitator.domain.attendance import Status
from facilitator.domain.delivery import SMALL_GROUP, RunState, SegmentRun, clock, describe_tally, planned_starts
from facilitator.records.identity import Identity
from facilitator.records.pdf_signing import PdfSigner
from facilitator.services import attendance, delivery
from facilitator.services.closing import seal_of
from facilitator.services.errors import UserError
from facilitator.services.identity import IdentitySigner, get_identity
from facilitator.services.sessions import SessionDetail, find_session, frozen_workshop, get_session
from facilitator.services.settings import Settings, load_settings
from facilitator.services.slides import vote_of
from facilitator.services.verification import CERTIFICATE_TYP
from facilitator.services.workspace import Workspace
from facilitator.storage.models import SessionAmendment

Progress = Callable[[int, int], None]  # done, total


@dataclass(frozen=True)
class OutputResult:
    path: Path
    files: list[Path]
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "files": [str(f) for f in self.files], "message": self.message}


# --- certificates -----------------------------------------------------------------------------------------

def certificate_claims(sealed: dict[str, Any], attendee: dict[str, Any], employer: str) -> dict[str, Any]:
    """The facts a certificate's QR code signs: short keys, since every byte makes the code denser."""
    return {"id": attendee["certificate_id"], "name": attendee["name"], "eid": attendee["employee_id"],
            "employer": employer, "workshop": sealed["workshop_title"], "type": "in-person, instructor-led",
            "date": sealed["date"], "minutes": attendee["minutes"], "trainer": sealed["trainer"],
            "jurisdictions": [j["code"] for j in sealed["jurisdictions"]], "session": sealed["session"]}


@dataclass(frozen=True)
class CertificatePage:
    """One certificate to draw: its facts and the signed QR text."""

    data: cert_doc.CertificateData
    token: str


def make_certificates(ws: Workspace, session_id: str, out_dir: Path, *, paper: str | None = None,
                      passphrase: str | None = None, progress: Progress | None = None) -> OutputResult:
    """A signed certificate PDF for each person the sealed record (with its amendments) says earned one."""
    _sealed(ws, session_id)  # say "close it first" before asking for a key or settings
    settings = load_settings(ws)
    _employer(settings)
    identity = get_identity(ws, passphrase)
    sealed, pages = certificate_pages(ws, session_id, settings, identity)
    folder = _folder(out_dir)
    paper = paper or settings.paper
    box = cert_doc.signature_note_box(paper)
    pdf_signer = PdfSigner(identity)
    created = datetime.fromisoformat(sealed["closed_at"])
    files = []
    for done, page in enumerate(pages, start=1):
        target = folder / cert_doc.file_name(page.data)
        pdf = _render(lambda out, p=page, t=target: cert_doc.render_certificate(
            p.data, out, paper, org_name=p.data.employer, logo_path=_logo(settings), qr_text=p.token,
            created=created, verify_hint=f"facilitator verify {t.name}"))
        _write(target, pdf_signer.sign(pdf, reason="Certificate of completion", location=sealed["location"],
                                       signer_name=sealed["trainer"],
                                       box=(box[0], box[1], box[0] + box[2], box[1] + box[3])))
        files.append(target)
        if progress:
            progress(done, len(pages))
    return OutputResult(folder, files, f"Wrote {len(files)} signed certificate(s) to {folder}")


def certificate_pages(ws: Workspace, session_id: str, settings: Settings, identity: Identity
                      ) -> tuple[dict[str, Any], list[CertificatePage]]:
    """The sealed record, and a page (facts and signed QR text) for everyone who earned a certificate."""
    sealed, _, _ = _sealed(ws, session_id)
    employer = _employer(settings)
    people = _eligible(sealed, _amendments(ws, sealed["session"]))
    if not people:
        raise UserError(f"no one in session {sealed['session']} earned a certificate; see 'facilitator session "
                        "close --dry-run' or amend the record")
    topics = _topic_labels(ws, sealed["session"])
    jurisdictions = tuple(cert_doc.MetJurisdiction(j["name"], j["citation"]) for j in sealed["jurisdictions"])
    jws_signer = IdentitySigner(identity)
    pages = []
    for attendee in people:
        token = jws_signer.sign(certificate_claims(sealed, attendee, employer), typ=CERTIFICATE_TYP)
        pages.append(CertificatePage(cert_doc.CertificateData(
            certificate_id=attendee["certificate_id"], attendee_name=attendee["name"],
            employee_id=attendee["employee_id"], employer=employer, workshop_title=sealed["workshop_title"],
            date=sealed["date"], minutes_attended=attendee["minutes"], trainer=sealed["trainer"], topics=topics,
            jurisdictions=jurisdictions), token))
    return sealed, pages


def _sealed(ws: Workspace, session_id: str) -> tuple[dict[str, Any], str, str]:
    seal = seal_of(ws, session_id)
    if seal is None:
        raise UserError(f"session {session_id} is not closed yet; certificates come from the sealed record: run "
                        "'facilitator session close' first")
    return seal


def _amendments(ws: Workspace, session_id: str) -> list[dict[str, Any]]:
    with ws.store.transaction() as db:
        rows = db.scalars(select(SessionAmendment).where(SessionAmendment.session_id == session_id)
                          .order_by(SessionAmendment.id)).all()
        return [json.loads(r.payload) for r in rows]


def _eligible(sealed: dict[str, Any], amendments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sealed attendees who earned a certificate, after the signed amendments (the latest one wins)."""
    decided = {a["person"]: a for a in amendments}
    people = []
    for attendee in sealed["attendees"]:
        amended = decided.get(attendee["badge_token"])
        eligible = amended["eligible"] if amended else attendee["eligible"]
        if eligible:
            people.append({**attendee, "certificate_id": amended["certificate_id"] if amended
                           else attendee["certificate_id"]})
    return people


def _employer(settings: Settings) -> str:
    if not settings.organisation.strip():
        raise UserError("certificates name the employer: set it first with "
                        "'facilitator settings set organisation \"Your Organisation\"'")
    return settings.organisation.strip()


def _logo(settings: Settings) -> Path | None:
    return Path(settings.logo) if settings.logo else None


def _topic_labels(ws: Workspace, session_id: str) -> tuple[str, ...]:
    with ws.store.transaction() as db:
        outline = frozen_workshop(ws, find_session(db, session_id)).outline()
    labels = {t.id: t.label for t in ws.library.topics}
    return tuple(labels.get(t, t) for t in sorted(outline.topics, key=lambda t: labels.get(t, t)))


# --- sign-in sheet and report -----------------------------------------------------------------------------

def make_signin_sheet(ws: Workspace, session_id: str, out: Path, *, paper: str | None = None,
                      passphrase: str | None = None) -> OutputResult:
    """The sign-in sheet: per person in, out, minutes and status, with a column to sign; signed if sealed."""
    detail = get_session(ws, session_id)
    report = attendance.attendance_report(ws, detail.id)
    settings = load_settings(ws)
    rows = tuple(signin_doc.SigninRow(r.person.full_name, r.person.employee_id, _hhmm(r.first_in),
                                      _hhmm(r.last_out), r.minutes, r.status.value) for r in report.rows)
    firsts = [r.first_in for r in report.rows if r.first_in]
    lasts = [r.last_out for r in report.rows if r.last_out]
    data = signin_doc.SigninSheetData(
        session_id=detail.id, title=detail.workshop_title, date=detail.date, location=detail.location,
        trainer=detail.trainer, actual_start=_hhmm(min(firsts)) if firsts else None,
        actual_end=_hhmm(max(lasts)) if lasts else None, rows=rows, planned_start=_hhmm(report.planned_start),
        planned_end=_hhmm(report.planned_end), employer=settings.organisation or None)
    pdf = _render(lambda o: signin_doc.render_signin_sheet(data, o, paper or settings.paper))
    return _finish(ws, detail, out, pdf, "Sign-in sheet", passphrase)


def make_report(ws: Workspace, session_id: str, out: Path, *, paper: str | None = None,
                passphrase: str | None = None) -> OutputResult:
    """The session report: facts, agenda, interactivity, coverage, attendance and the record's integrity."""
    detail = get_session(ws, session_id)
    report = attendance.attendance_report(ws, detail.id)
    chain = attendance.verify_attendance(ws, detail.id)
    seal = seal_of(ws, detail.id)
    settings = load_settings(ws)
    run = delivery.session_run(ws, detail.id)
    actual_start, actual_end = _delivered_span(run)
    data = report_doc.SessionReportData(
        session_id=detail.id, workshop_title=detail.workshop_title, workshop_version=detail.workshop_version,
        materials_sha256=detail.workshop_sha256, language=detail.language, location=detail.location,
        trainer=detail.trainer, date=detail.date, planned_start=_hhmm(report.planned_start) or "",
        planned_end=_hhmm(report.planned_end) or "", actual_start=actual_start, actual_end=actual_end,
        agenda=_agenda(run), activities=_activities(ws, run), coverage=_coverage(detail),
        attendance=_summary(report, seal), chain_head=chain.head, events=chain.events,
        seal=_seal_info(seal), employer=settings.organisation or None, notes=_notes(run))
    pdf = _render(lambda o: report_doc.render_session_report(data, o, paper or settings.paper))
    return _finish(ws, detail, out, pdf, "Session report", passphrase)


def _delivered_span(run: delivery.SessionRun) -> tuple[str | None, str | None]:
    """When the first segment began and the last one ended, as recorded; the end is unknown while one runs."""
    starts = [r.started_at for r in run.delivery.runs if r.started_at is not None]
    ends = [r.ended_at for r in run.delivery.runs if r.ended_at is not None]
    if not starts:
        return None, None
    end = max(ends) if ends and run.delivery.current is None else None
    return _local_hhmm(min(starts)), _local_hhmm(end)


def _agenda(run: delivery.SessionRun) -> tuple[report_doc.AgendaEntry, ...]:
    """Each segment as planned and as delivered: actual start and end (local time), minutes without pauses."""
    entries = []
    for r in run.delivery.runs:
        s = r.segment
        done = r.state(None) is RunState.DONE and r.ended_at is not None
        entries.append(report_doc.AgendaEntry(
            s.title, s.kind, s.minutes, _local_hhmm(r.started_at), _local_hhmm(r.ended_at) if done else None,
            delivery.minutes(r.elapsed(r.ended_at)) if done and r.ended_at else None,
            skipped=r.skipped and not r.spans,
            paused_minutes=delivery.minutes(r.paused) if done else 0))
    return tuple(entries)


ACTIVITY_NAMES = {"scenario": "Scenario discussions", "role-play": "Role-plays",
                  "knowledge-check": "Knowledge checks", "poll": "Room votes", "feedback": "Feedback rounds"}


def _activities(ws: Workspace, run: delivery.SessionRun) -> tuple[report_doc.ActivityCount, ...]:
    """Per kind of interactive segment, how many were held (ran at all), with what each one recorded:
    votes and answers as counted, role-play groups and rounds (counts only), feedback in aggregate."""
    kinds: dict[str, list[SegmentRun]] = {}
    for r in run.delivery.runs:
        if r.segment.kind in ACTIVITY_NAMES:
            kinds.setdefault(r.segment.kind, []).append(r)
    out = []
    for kind, runs in kinds.items():
        held = sum(1 for r in runs if r.spans)
        planned = len(runs)
        results: list[report_doc.ActivityResult] = []
        if not run.delivery.log_length:  # run without the console: what happened is unknown, not "nothing"
            summary = f"{planned} planned; delivery not recorded"
            results += [x for r in runs if r.segment.kind == "feedback" for x in _results(ws, run, r)]
            out.append(report_doc.ActivityCount(ACTIVITY_NAMES[kind], held, summary, tuple(results)))
            continue
        if not held:
            summary = "planned, not held" if planned == 1 else f"{planned} planned, not held"
        else:
            summary = f"{planned} planned" + (f", {planned - held} not held" if held < planned else "")
        for r in runs:
            results += _results(ws, run, r)
        out.append(report_doc.ActivityCount(ACTIVITY_NAMES[kind], held, summary, tuple(results)))
    return tuple(out)


def _results(ws: Workspace, run: delivery.SessionRun, r: SegmentRun) -> list[report_doc.ActivityResult]:
    """The rows of evidence one interactive segment leaves in the report."""
    segment = run.segment(r.segment.id)
    title = r.segment.title
    kind = r.segment.kind
    if kind == "feedback":  # paper forms may be keyed in for a round the console never ran
        return [report_doc.ActivityResult(title, _feedback_words(ws, run, r))]
    if not r.spans:
        return [report_doc.ActivityResult(title, _not_held(r))]
    if kind in ("scenario", "poll"):
        return [report_doc.ActivityResult(title, _vote_words(segment, r, 0, "the vote was not counted"))]
    if kind == "knowledge-check":
        questions = len(segment.questions)
        counted = sum(1 for i in range(questions) if i in r.tallies)
        rows = [report_doc.ActivityResult(title, f"{questions} question{'s' if questions != 1 else ''}, hands "
                                                 f"counted for {counted}; ✓ marks a correct answer")]
        rows += [report_doc.ActivityResult(None, f"{i + 1}. " + _vote_words(segment, r, i, "not counted"))
                 for i in range(questions)]
        return rows
    if kind == "role-play":
        return [report_doc.ActivityResult(title, _role_play_words(r, segment.rounds))]
    return [report_doc.ActivityResult(title, None)]


def _not_held(r: SegmentRun) -> str:
    return "skipped" if r.skipped else "not held"


def _vote_words(segment: Any, r: SegmentRun, item: int, uncounted: str) -> str:
    """'Is this harassment? Yes 14, No 3, Unsure 2 (revealed)'; only a total for fewer than SMALL_GROUP."""
    question, options = vote_of(segment, item)
    question = " ".join(question.split())
    counts = r.tallies.get(item)
    if counts is None:
        return f"{question} ({uncounted})"
    shown = "(revealed)" if item in r.revealed else "(not revealed to the room)"
    total = sum(counts)
    if total < SMALL_GROUP:
        return (f"{question} {total} hand{'s' if total != 1 else ''} in all, too few to show per option "
                f"{shown}")
    names = [" ".join(o.split()) for o in options]
    if any("," in n or ";" in n or len(n.split()) > 3 for n in names):  # quoted, so the options read apart
        names = [f"“{n}”" for n in names]
    if segment.type == "knowledge-check":
        names = [f"{n} ✓" if o.correct else n for n, o in zip(names, segment.questions[item].options,
                                                                     strict=True)]
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
        return "groups not recorded"
    groups, rounds = counts
    text = f"{groups} group{'s' if groups != 1 else ''}, {rounds} round{'s' if rounds != 1 else ''}"
    return text + (f" of {planned_rounds} planned" if rounds != planned_rounds else "")


def _feedback_words(ws: Workspace, run: delivery.SessionRun, r: SegmentRun) -> str:
    """'12 responses, average 4.2 of 5; by rating 1 to 5: 0, 1, 2, 4, 5; 3 written comments'.

    Per-rating counts only from SMALL_GROUP ratings up (the service counts comment-only responses towards
    that; this counts ratings), and never the comments themselves: they are free text and may name people."""
    summary = delivery.feedback_summary(ws, run.session_id, r.segment.id)
    if not summary.responses:
        return "no responses" + ("" if r.spans or not run.delivery.log_length else f"; {_not_held(r)}")
    words = f"{summary.responses} response{'s' if summary.responses != 1 else ''}"
    if summary.average is not None:
        words += f", average {summary.average:.1f} of {summary.scale}"
        if summary.rated != summary.responses:
            words += f" ({summary.rated} rated)"
    if summary.distribution is not None and summary.rated >= SMALL_GROUP:
        words += f"; by rating 1 to {summary.scale}: " + ", ".join(str(n) for n in summary.distribution)
    if summary.comments:
        words += f"; {len(summary.comments)} written comment{'s' if len(summary.comments) != 1 else ''}"
    return words + ("" if r.spans or not run.delivery.log_length else f" (the round was {_not_held(r)} in the console)")


def _notes(run: delivery.SessionRun) -> tuple[report_doc.TrainerNote, ...]:
    return tuple(report_doc.TrainerNote(r.segment.title, text) for r in run.delivery.runs for text in r.notes)


# --- the agenda as delivered, as plain data (for `facilitator delivery --json`) ------------------------------

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
        for item, counts in sorted(r.tallies.items()):
            try:
                question, options = vote_of(segment, item)
            except (ValueError, IndexError):
                continue
            if segment.type != "knowledge-check" and item:  # a scenario or poll has one vote, at item 0
                continue
            tallies.append({"item": item + 1, "question": " ".join(question.split()), "options": list(options),
                            "counts": list(counts), "revealed": item in r.revealed})
        role_play = _role_play_counts(r)
        segments.append({
            "id": r.segment.id, "title": r.segment.title, "kind": r.segment.kind,
            "planned_start": _iso(planned), "planned_minutes": r.segment.minutes, "extra_minutes": r.extra_minutes,
            "state": state.value, "actual_start": _iso(r.started_at),
            "actual_end": _iso(r.ended_at) if state is RunState.DONE else None,
            "actual_minutes": delivery.minutes(r.elapsed(now, paused_since)) if r.spans else None,
            "paused_minutes": delivery.minutes(r.paused), "tallies": tallies,
            "role_play": None if role_play is None else {"groups": role_play[0], "rounds": role_play[1]},
            "notes": list(r.notes)})
    following = d.next_up
    running = d.current is not None and not run.sealed
    return {"session": run.session_id, "title": run.title, "status": run.status,
            "planned_start": _iso(run.planned_start), "planned_end": _iso(timer.planned_end),
            "current": d.current, "paused": d.paused_since is not None,
            "next": following.segment.id if following is not None else None, "finished": d.finished,
            "drift_minutes": delivery.minutes(timer.drift) if running else None, "segments": segments}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone().isoformat(timespec="seconds")


def _coverage(detail: SessionDetail) -> tuple[report_doc.JurisdictionCoverage, ...]:
    return tuple(report_doc.JurisdictionCoverage(c.name, c.citation, c.satisfied, tuple(c.shortfalls))
                 for c in detail.coverage)


def _summary(report: attendance.AttendanceReport, seal: tuple[dict[str, Any], str, str] | None
             ) -> report_doc.AttendanceSummary:
    attendees = seal[0]["attendees"] if seal else []
    overrides = tuple(report_doc.EligibilityOverride(a["name"], "eligible" if a["eligible"] else "not eligible",
                                                     a["reason"]) for a in attendees if a["overridden"])
    return report_doc.AttendanceSummary(
        on_roster=len(report.rows), present=report.count(Status.PRESENT), late=report.count(Status.LATE),
        left_early=report.count(Status.LEFT_EARLY), absent=report.count(Status.ABSENT),
        eligible=sum(a["eligible"] for a in attendees), late_and_left_early=report.count(Status.LATE_AND_LEFT_EARLY),
        overrides=overrides)


def _seal_info(seal: tuple[dict[str, Any], str, str] | None) -> report_doc.SealInfo | None:
    if seal is None:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert = x509.load_pem_x509_certificates(seal[2].encode("ascii"))[0]
    return report_doc.SealInfo(cert.subject.rfc4514_string(), cert.fingerprint(hashes.SHA256()).hex(),
                               seal[0]["closed_at"])


def _finish(ws: Workspace, detail: SessionDetail, out: Path, pdf: bytes, what: str,
            passphrase: str | None) -> OutputResult:
    """Sign the document if the session is sealed (the record is final), then write it."""
    if detail.status == "sealed":
        identity: Identity = get_identity(ws, passphrase)
        pdf = PdfSigner(identity).sign(pdf, reason=what, location=detail.location, signer_name=detail.trainer)
    _folder(out.parent)
    _write(out, pdf)
    signed = "signed " if detail.status == "sealed" else "draft (the session is not sealed) "
    return OutputResult(out, [out], f"Wrote the {signed}{what.lower()} to {out}")


# --- files ------------------------------------------------------------------------------------------------

def _render(draw: Callable[[io.BytesIO], Any]) -> bytes:
    buffer = io.BytesIO()
    try:
        draw(buffer)
    except ValueError as exc:  # a name the fonts cannot print, say: the renderer names the field
        raise UserError(str(exc)) from exc
    return buffer.getvalue()


def _hhmm(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _local_hhmm(value: datetime | None) -> str | None:
    """HH:MM on this computer's clock, as the sign-in sheet prints times (the log keeps them in UTC)."""
    return None if value is None else _hhmm(value.astimezone())


def _folder(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder {path} ({exc.strerror}); choose another with --out") from exc
    return path


def _write(target: Path, data: bytes) -> None:
    """Write beside the target and move into place, so a reader never sees half a file."""
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise UserError(f"cannot write in {target.parent} ({exc.strerror}); choose another folder") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"cannot write {target} ({exc.strerror}); is the disk full?") from exc
