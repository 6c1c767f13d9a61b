"""The documents a closed session produces: signed certificates, the sign-in sheet and the session report.

Certificates come only from a sealed session's record (and its signed amendments), so a certificate can never
claim more than the seal does. Each carries its facts twice, both signed: as a compact JWS in its QR code
(and its Keywords), and under the PDF's own PAdES signature. Every file is written beside its final name and
moved into place, so an interrupted run leaves whole files or none.
"""

from __future__ import annotations

import io
import json
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
from facilitator.records.identity import Identity
from facilitator.records.pdf_signing import PdfSigner
from facilitator.services import attendance, delivery
from facilitator.services.closing import seal_of
from facilitator.services.delivery_report import activities, agenda_entries, delivered_span, trainer_notes
from facilitator.services.errors import UserError
from facilitator.services.files import ensure_folder, write_atomically
from facilitator.services.identity import IdentitySigner, get_identity
from facilitator.services.sessions import SessionDetail, find_session, frozen_workshop, get_session
from facilitator.services.settings import Settings, load_settings
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
    folder = ensure_folder(out_dir)
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
        write_atomically(target, pdf_signer.sign(pdf, reason="Certificate of completion", location=sealed["location"],
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
    actual_start, actual_end = delivered_span(run)
    data = report_doc.SessionReportData(
        session_id=detail.id, workshop_title=detail.workshop_title, workshop_version=detail.workshop_version,
        materials_sha256=detail.workshop_sha256, language=detail.language, location=detail.location,
        trainer=detail.trainer, date=detail.date, planned_start=_hhmm(report.planned_start) or "",
        planned_end=_hhmm(report.planned_end) or "", actual_start=actual_start, actual_end=actual_end,
        agenda=agenda_entries(run), activities=activities(ws, run), coverage=_coverage(detail),
        attendance=_summary(report, seal), chain_head=chain.head, events=chain.events,
        seal=_seal_info(seal), employer=settings.organisation or None, notes=trainer_notes(run))
    pdf = _render(lambda o: report_doc.render_session_report(data, o, paper or settings.paper))
    return _finish(ws, detail, out, pdf, "Session report", passphrase)


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
    ensure_folder(out.parent)
    write_atomically(out, pdf)
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
