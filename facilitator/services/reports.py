"""The sign-in sheet and the session report of a session: drafts while it runs, signed once it is sealed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from facilitator.documents import session_report as report_doc
from facilitator.documents import signin_sheet as signin_doc
from facilitator.domain.attendance import Status
from facilitator.domain.compliance import STANDING_WORDS, TRACK_WORDS, Standing, Track
from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import clock, clock_or_none
from facilitator.i18n import _
from facilitator.records.pdf_signing import PdfSigner
from facilitator.records.sealed import SealedCoverage, SealedTraining
from facilitator.services import attendance, delivery
from facilitator.services.compliance import profiles_of
from facilitator.services.delivery_report import activities, agenda_entries, delivered_span, trainer_notes
from facilitator.services.evidence import handouts_of, session_acknowledgment
from facilitator.services.files import ensure_folder, output_target, save
from facilitator.services.identity import get_identity
from facilitator.services.rendering import OutputResult, render
from facilitator.services.seals import VerifiedSeal, verified_seal
from facilitator.services.sessions import SessionDetail, get_session
from facilitator.services.settings import Settings, load_settings
from facilitator.services.workspace import Workspace


def make_signin_sheet(ws: Workspace, session_id: str, out: Path, *, paper: str | None = None,
                      passphrase: str | None = None, force: bool = False) -> OutputResult:
    """The sign-in sheet: per person in, out, minutes and status, with a column to sign; signed if sealed."""
    detail = get_session(ws, session_id)
    target = output_target(ws, out, force=force)  # before any work: the file it would replace may not be ours
    report = attendance.attendance_report(ws, detail.id)
    settings = load_settings(ws)
    rows, firsts, lasts = _sheet_rows(ws, detail, report)
    data = signin_doc.SigninSheetData(
        session_id=detail.id, title=detail.workshop_title, date=detail.date, location=detail.location,
        trainer=detail.trainer, actual_start=clock_or_none(min(firsts)) if firsts else None,
        actual_end=clock_or_none(max(lasts)) if lasts else None, rows=rows,
        planned_start=clock_or_none(report.planned_start), planned_end=clock_or_none(report.planned_end),
        employer=settings.organisation or None, acknowledgment=session_acknowledgment(ws, detail.jurisdictions) or None)
    pdf = render(lambda o: signin_doc.render_signin_sheet(data, o, paper or settings.paper))
    return _finish(ws, detail, out, target, pdf, passphrase, reason=_("Sign-in sheet"),
                   signed=_("Wrote the signed sign-in sheet to {file}"),
                   draft=_("Wrote the draft (the session is not sealed) sign-in sheet to {file}"))


def _sheet_rows(ws: Workspace, detail: SessionDetail, report: attendance.AttendanceReport
                ) -> tuple[tuple[signin_doc.SigninRow, ...], list[datetime], list[datetime]]:
    """Each person's row, and the first arrivals and last departures: a sealed session's from its verified seal
    (what was signed, whatever the store says now), a session still open from its attendance log."""
    if detail.status == SessionStatus.SEALED:
        people = verified_seal(ws, detail.id).sealed.attendees
        firsts = [datetime.fromisoformat(a.first_in) for a in people if a.first_in]
        lasts = [datetime.fromisoformat(a.last_out) for a in people if a.last_out]
        # Minutes in the room, as the draft sheet shows them (a seal before format 3 kept only those).
        return (tuple(signin_doc.SigninRow(a.name, a.employee_id, _clock_of(a.first_in), _clock_of(a.last_out),
                                           a.minutes if a.present_minutes is None else a.present_minutes, a.status)
                      for a in people), firsts, lasts)
    rows = tuple(signin_doc.SigninRow(r.person.full_name, r.person.employee_id, clock_or_none(r.first_in),
                                      clock_or_none(r.last_out), r.minutes, r.status.value) for r in report.rows)
    return rows, [r.first_in for r in report.rows if r.first_in], [r.last_out for r in report.rows if r.last_out]


def _clock_of(moment: str | None) -> str | None:
    return clock_or_none(datetime.fromisoformat(moment)) if moment else None


def make_report(ws: Workspace, session_id: str, out: Path, *, paper: str | None = None,
                passphrase: str | None = None, force: bool = False, with_notes: bool = True) -> OutputResult:
    """The session report: facts, agenda, interactivity, coverage, attendance and the record's integrity; and,
    unless `with_notes` is false (the copy in HR's bundle), the trainer's own notes, which may record what
    someone disclosed in the room."""
    detail = get_session(ws, session_id)
    target = output_target(ws, out, force=force)  # before any work: the file it would replace may not be ours
    report = attendance.attendance_report(ws, detail.id)
    chain = attendance.verify_attendance(ws, detail.id)
    seal = verified_seal(ws, detail.id) if detail.status == SessionStatus.SEALED else None
    settings = load_settings(ws)
    run = delivery.session_run(ws, detail.id)
    actual_start, actual_end = delivered_span(run)
    data = report_doc.SessionReportData(
        session_id=detail.id, workshop_title=detail.workshop_title, workshop_version=detail.workshop_version,
        materials_sha256=detail.workshop_sha256, language=detail.language, location=detail.location,
        trainer=_trainer(detail, seal, settings), date=detail.date, planned_start=clock(report.planned_start),
        planned_end=clock(report.planned_end), actual_start=actual_start, actual_end=actual_end,
        agenda=agenda_entries(run), activities=activities(ws, run), coverage=report_coverage(detail, seal),
        attendance=_summary(report, seal), chain_head=chain.head, events=chain.events,
        seal=_seal_info(seal), employer=settings.organisation or None, notes=trainer_notes(run) if with_notes else (),
        trainer_qualifications=_qualifications(ws, detail, seal, settings),
        evidence=_evidence(ws, detail, report, seal))
    pdf = render(lambda o: report_doc.render_session_report(data, o, paper or settings.paper))
    return _finish(ws, detail, out, target, pdf, passphrase, reason=_("Session report"),
                   signed=_("Wrote the signed session report to {file}"),
                   draft=_("Wrote the draft (the session is not sealed) session report to {file}"))


def report_coverage(detail: SessionDetail, seal: VerifiedSeal | None) -> tuple[report_doc.JurisdictionCoverage, ...]:
    """The coverage the sealed record states (from the delivery), with the plan's beside it; for a session not
    sealed (or sealed before coverage was sealed), the plan's alone, said to be the plan."""
    planned = {c.code: c for c in detail.coverage}
    sealed = seal.sealed.coverage if seal is not None else None
    if sealed is None:
        return tuple(report_doc.JurisdictionCoverage(
            c.name, c.citation, False, _("not delivered yet: see the plan") if seal is None else
            _("sealed before coverage was taken from the delivery"), tuple(c.shortfalls), _plan_words(c.satisfied))
            for c in detail.coverage)
    return tuple(report_doc.JurisdictionCoverage(
        c.name, c.citation, _met_for_all(c), _delivered_words(c), tuple(_training_line(t) for t in c.trainings),
        _plan_words(planned[c.code].satisfied) if c.code in planned else "") for c in sealed)


def _evidence(ws: Workspace, detail: SessionDetail, report: attendance.AttendanceReport,
              seal: VerifiedSeal | None) -> tuple[str, ...]:
    """The acknowledgments and hand-outs the session's laws ask for: as sealed, or as the record stands now."""
    lines = []
    if session_acknowledgment(ws, detail.jurisdictions):
        people = [(a.minutes > 0, bool(a.acknowledged)) for a in seal.sealed.attendees] if seal is not None \
            else [(r.minutes > 0, r.acknowledged) for r in report.rows]
        attended = [signed for came, signed in people if came]
        lines.append(_("Signed acknowledgments on record: {signed} of the {attended} who attended").format(
            signed=sum(attended), attended=len(attended)))
    sealed = seal.sealed if seal is not None and seal.sealed.coverage is not None else None
    required = sealed.handouts_required if sealed else handouts_of(profiles_of(ws, detail.jurisdictions))
    given = (sealed.handouts_given or ()) if sealed else ()
    if required:
        if given:
            lines.append(_("Handed out, as the trainer confirmed: {items}").format(items="; ".join(given)))
        missing = [h for h in required or () if h not in given]
        if missing:
            lines.append(_("Not confirmed as handed out: {items}").format(items="; ".join(missing)))
    return tuple(lines)


def _trainer(detail: SessionDetail, seal: VerifiedSeal | None, settings: Settings) -> str:
    """The trainer, with the provider they train for (as sealed, or as the settings say for a draft)."""
    provider = seal.sealed.trainer_organisation if seal is not None else settings.trainer_organisation
    return f"{detail.trainer} ({provider})" if provider else detail.trainer


def _qualifications(ws: Workspace, detail: SessionDetail, seal: VerifiedSeal | None, settings: Settings
                    ) -> str | None:
    """The trainer's qualifications (as sealed, or as set); where a jurisdiction asks for a qualified trainer and
    none are stated, the report says so rather than leave the line out."""
    if seal is not None and seal.sealed.coverage is None:
        return None  # sealed before qualifications were: nothing stated then, and today's settings are not it
    stated = seal.sealed.trainer_qualifications if seal is not None else settings.trainer_qualifications
    if stated:
        return stated
    rules = [j for j in profiles_of(ws, detail.jurisdictions) if j.qualified_trainer]
    return "; ".join(_("not stated — {jurisdiction} asks for a qualified trainer ({rule})").format(
        jurisdiction=j.name, rule=j.qualified_trainer) for j in rules) or None


def _met_for_all(c: SealedCoverage) -> bool:
    found = {c.employee, c.supervisor} - {Standing.NOT_APPLICABLE.value}
    return found == {Standing.MET.value}


def _delivered_words(c: SealedCoverage) -> str:
    parts = [_("{track}: {standing}").format(track=_(TRACK_WORDS[track]).capitalize(),
                                             standing=_(STANDING_WORDS[Standing(standing)]))
             for track, standing in ((Track.EMPLOYEE, c.employee), (Track.SUPERVISOR, c.supervisor))
             if standing != Standing.NOT_APPLICABLE.value]
    return "; ".join(parts) or _(STANDING_WORDS[Standing.NOT_APPLICABLE])


def _training_line(t: SealedTraining) -> str:
    if t.met:
        return _("met: {training} ({minutes} min delivered)").format(training=t.name, minutes=t.minutes)
    return _("not met: {training}: {why}").format(training=t.name, why="; ".join(t.shortfalls))


def _plan_words(met: bool) -> str:
    return _("the plan would meet it") if met else _("the plan would not meet it")


def _summary(report: attendance.AttendanceReport, seal: VerifiedSeal | None) -> report_doc.AttendanceSummary:
    attendees = seal.amended.attendees if seal else ()  # the counts as the amendments leave them
    overrides = _decisions(seal) if seal else ()
    return report_doc.AttendanceSummary(
        on_roster=len(report.rows), present=report.count(Status.PRESENT), late=report.count(Status.LATE),
        left_early=report.count(Status.LEFT_EARLY), absent=report.count(Status.ABSENT),
        eligible=sum(a.eligible for a in attendees), late_and_left_early=report.count(Status.LATE_AND_LEFT_EARLY),
        overrides=overrides)


def _decisions(seal: VerifiedSeal) -> tuple[report_doc.EligibilityOverride, ...]:
    """Every decision against the minutes, and who made it: the trainer's at closing, then each amendment."""
    def decision(eligible: bool) -> str:
        return _("eligible") if eligible else _("not eligible")

    at_close = [report_doc.EligibilityOverride(a.name, decision(a.eligible), a.reason,
                                               _("{trainer}, at closing").format(trainer=seal.sealed.trainer))
                for a in seal.sealed.attendees if a.overridden]
    later = [report_doc.EligibilityOverride(a.name, decision(a.eligible), a.reason,
                                            _("signed amendment {n} ({date})").format(n=n, date=a.at[:10]))
             for n, a in enumerate(seal.amendments, start=1)]
    return tuple(at_close + later)


def _seal_info(seal: VerifiedSeal | None) -> report_doc.SealInfo | None:
    if seal is None:
        return None
    cert = x509.load_pem_x509_certificates(seal.signer_cert.encode("ascii"))[0]
    return report_doc.SealInfo(cert.subject.rfc4514_string(), cert.fingerprint(hashes.SHA256()).hex(),
                               seal.sealed.closed_at)


def _finish(ws: Workspace, detail: SessionDetail, out: Path, target: Path, pdf: bytes, passphrase: str | None, *,
            reason: str, signed: str, draft: str) -> OutputResult:
    """Sign the document if the session is sealed (the record is final), then write it to `target` (what `out`
    names, checked by output_target). `reason` is what the signature says the document is; `signed` and `draft`
    what to tell the trainer, with the {file} written."""
    sealed = detail.status == SessionStatus.SEALED
    if sealed:
        identity = get_identity(ws, passphrase)
        pdf = PdfSigner(identity).sign(pdf, reason=reason, location=detail.location, signer_name=detail.trainer)
    ensure_folder(target.parent)
    save(target, pdf)
    return OutputResult(out, [out], (signed if sealed else draft).format(file=out))
