"""Certificates of completion: one signed PDF for each person the sealed record says earned one.

Certificates come only from a sealed session's record (and its signed amendments), so a certificate can never
claim more than the seal does. Each carries its facts twice, both signed: as a compact JWS in its QR code
(and its Keywords), and under the PDF's own PAdES signature. Every file is written beside its final name and
moved into place, so an interrupted run leaves whole files or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from facilitator.documents import certificate as cert_doc
from facilitator.i18n import _, ngettext
from facilitator.records.identity import Identity
from facilitator.records.pdf_signing import PdfSigner
from facilitator.records.sealed import SealedAttendee, SealedRecord
from facilitator.services.errors import Remedy, UserError
from facilitator.services.files import ensure_folder, save
from facilitator.services.identity import IdentitySigner, get_identity
from facilitator.services.rendering import OutputResult, render
from facilitator.services.seals import sealed_record
from facilitator.services.sessions import find_session, frozen_workshop
from facilitator.services.settings import Settings, load_settings
from facilitator.services.verification import CERTIFICATE_TYP
from facilitator.services.workspace import Workspace

Progress = Callable[[int, int], None]  # done, total


def certificate_claims(sealed: SealedRecord, attendee: SealedAttendee, employer: str) -> dict[str, Any]:
    """The facts a certificate's QR code signs: short keys, since every byte makes the code denser."""
    return {"id": attendee.certificate_id, "name": attendee.name, "eid": attendee.employee_id,
            "employer": employer, "workshop": sealed.workshop_title,
            "type": "in-person, instructor-led",  # not user text: a signed fact, the same in every language
            "date": sealed.date, "minutes": attendee.minutes, "trainer": sealed.trainer,
            "jurisdictions": [j.code for j in sealed.jurisdictions], "session": sealed.session}


@dataclass(frozen=True)
class CertificatePage:
    """One certificate to draw: its facts and the signed QR text."""

    data: cert_doc.CertificateData
    token: str


def make_certificates(ws: Workspace, session_id: str, out_dir: Path, *, paper: str | None = None,
                      passphrase: str | None = None, progress: Progress | None = None) -> OutputResult:
    """A signed certificate PDF for each person the sealed record (with its amendments) says earned one."""
    sealed_record(ws, session_id)  # say "close it first" before asking for a key or settings
    settings = load_settings(ws)
    _employer(settings)
    identity = get_identity(ws, passphrase)
    sealed, pages = certificate_pages(ws, session_id, settings, identity)
    folder = ensure_folder(out_dir)
    paper = paper or settings.paper
    box = cert_doc.signature_note_box(paper)
    pdf_signer = PdfSigner(identity)
    created = datetime.fromisoformat(sealed.closed_at)
    files = []
    for done, page in enumerate(pages, start=1):
        target = folder / cert_doc.file_name(page.data)
        # The page prints `facilitator verify` with the file name it is saved under (cert_doc.file_name).
        pdf = render(lambda out, p=page: cert_doc.render_certificate(
            p.data, out, paper, org_name=p.data.employer, logo_path=_logo(settings), qr_text=p.token,
            created=created))
        save(target, pdf_signer.sign(pdf, reason=_("Certificate of completion"), location=sealed.location,
                                     signer_name=sealed.trainer,
                                     box=(box[0], box[1], box[0] + box[2], box[1] + box[3])))
        files.append(target)
        if progress:
            progress(done, len(pages))
    return OutputResult(folder, files, ngettext("Wrote {count} signed certificate to {folder}",
                                                "Wrote {count} signed certificates to {folder}", len(files)).format(
        count=len(files), folder=folder))


def certificate_pages(ws: Workspace, session_id: str, settings: Settings, identity: Identity
                      ) -> tuple[SealedRecord, list[CertificatePage]]:
    """The sealed record (as amended), and a page (facts and signed QR text) for everyone who earned one."""
    sealed = sealed_record(ws, session_id)
    employer = _employer(settings)
    people = [a for a in sealed.attendees if a.eligible]
    if not people:
        raise UserError(_("no one in session {session} earned a certificate").format(session=sealed.session), Remedy(
            command=_("see 'facilitator session close --dry-run' or amend the record"),
            menu=_("see who attended on the Check-in desk (View → Check-in desk); a correction to a sealed "
                   "record is a signed amendment")))
    topics = _topic_labels(ws, sealed.session)
    jurisdictions = tuple(cert_doc.MetJurisdiction(j.name, j.citation) for j in sealed.jurisdictions)
    jws_signer = IdentitySigner(identity)
    pages = []
    for attendee in people:
        token = jws_signer.sign(certificate_claims(sealed, attendee, employer), typ=CERTIFICATE_TYP)
        pages.append(CertificatePage(cert_doc.CertificateData(
            certificate_id=attendee.certificate_id or "", attendee_name=attendee.name,
            employee_id=attendee.employee_id, employer=employer, workshop_title=sealed.workshop_title,
            date=sealed.date, minutes_attended=attendee.minutes, trainer=sealed.trainer, topics=topics,
            jurisdictions=jurisdictions), token))
    return sealed, pages


def _employer(settings: Settings) -> str:
    if not settings.organisation.strip():
        raise UserError(_("certificates name the employer"), Remedy(
            command=_("set it first with 'facilitator settings set organisation \"Your Organisation\"'"),
            menu=_("set the organisation first in File → Settings…")))
    return settings.organisation.strip()


def _logo(settings: Settings) -> Path | None:
    return Path(settings.logo) if settings.logo else None


def _topic_labels(ws: Workspace, session_id: str) -> tuple[str, ...]:
    with ws.store.transaction() as db:
        outline = frozen_workshop(ws, find_session(db, session_id)).outline()
    labels = {t.id: t.label for t in ws.library.topics}
    return tuple(labels.get(t, t) for t in sorted(outline.topics, key=lambda t: labels.get(t, t)))
