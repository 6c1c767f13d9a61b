"""Certificates of completion: one signed PDF for each person the sealed record says earned one.

Certificates come only from a sealed session's record (and its signed amendments), so a certificate can never
claim more than the seal does. Each carries its facts twice, both signed: as a compact JWS in its QR code
(and its Keywords), and under the PDF's own PAdES signature. Every file is written beside its final name and
moved into place, so an interrupted run leaves whole files or none; Ctrl-C stops between two files and says how
many were written (Stopped). A large batch is drawn and signed on every core (certificate_batch.py); the files
are still written here, one after another, in order. A person whose name the bundled fonts cannot print gets no
certificate, and the others still do: the result's `not_made` names each one left out.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

from facilitator.documents import certificate as cert_doc
from facilitator.documents.file_names import handout_names
from facilitator.domain.compliance import STANDING_WORDS, TRACK_WORDS, Standing, Track, delivered
from facilitator.i18n import _, ngettext
from facilitator.records.identity import Identity
from facilitator.records.sealed import SEAL_FORMAT, SealedAttendee, SealedRecord
from facilitator.services import certificate_batch
from facilitator.services.delivery import session_delivery
from facilitator.services.errors import Remedy, Stopped, UserError
from facilitator.services.files import output_folder, output_targets, save
from facilitator.services.identity import IdentitySigner, get_identity
from facilitator.services.rendering import OutputResult
from facilitator.services.roster import list_roster
from facilitator.services.seals import sealed_record
from facilitator.services.sessions import find_session, frozen_workshop
from facilitator.services.settings import LOGO_MAX_PIXELS, Settings, load_settings
from facilitator.services.verification import CERTIFICATE_TYP
from facilitator.services.workspace import Workspace

Progress = Callable[[int, int], None]  # done, total


def certificate_claims(sealed: SealedRecord, attendee: SealedAttendee, employer: str) -> dict[str, Any]:
    """The facts a certificate's QR code signs: short keys, since every byte makes the code denser. Only the
    jurisdictions this person is fully credited with are under "jurisdictions"; a partial one is under
    "partial", never there; "decided" says the certificate was issued by the trainer's decision."""
    credits = sealed.credits_of(attendee)
    claims = {"id": attendee.certificate_id, "name": attendee.name, "eid": attendee.employee_id,
              "employer": employer, "workshop": sealed.workshop_title,
              "type": "in-person, instructor-led",  # not user text: a signed fact, the same in every language
              "date": sealed.date, "minutes": attendee.minutes, "trainer": sealed.trainer,
              "jurisdictions": [c.code for c in credits if c.standing == Standing.MET], "session": sealed.session}
    if sealed.format == SEAL_FORMAT:  # facts a seal before format 3 did not hold
        claims |= {"track": attendee.track, "delivered": sealed.delivered_minutes, "ack": attendee.acknowledged,
                   "partial": [c.code for c in credits if c.standing == Standing.PARTIAL],
                   "decided": attendee.overridden}
    return claims


@dataclass(frozen=True)
class CertificatePage:
    """One certificate to draw: its facts and the signed QR text."""

    data: cert_doc.CertificateData
    token: str


def make_certificates(ws: Workspace, session_id: str, out_dir: Path, *, paper: str | None = None,
                      passphrase: str | None = None, progress: Progress | None = None,
                      force: bool = False) -> OutputResult:
    """A signed certificate PDF for each person the sealed record (with its amendments) says earned one, into
    `out_dir`. Files there that Facilitator did not write are replaced only with `force` (services/files.py)."""
    sealed_record(ws, session_id)  # say "close it first" before asking for a key or settings
    settings = load_settings(ws)
    _employer(settings)
    logo = _logo(settings)  # a logo that cannot be used stops the batch before the first certificate
    identity = get_identity(ws, passphrase)
    sealed, pages = certificate_pages(ws, session_id, settings, identity)
    folder = output_folder(ws, out_dir)
    targets = output_targets(ws, [folder / name for name in _file_names(ws, sealed)], force=force)
    paper = paper or settings.paper
    box = cert_doc.signature_note_box(paper)
    shared = certificate_batch.Shared(
        paper=paper, logo=logo, created=datetime.fromisoformat(sealed.closed_at),
        reason=_("Certificate of completion"), location=sealed.location, signer_name=sealed.trainer,
        box=(box[0], box[1], box[0] + box[2], box[1] + box[3]))
    # The page prints `facilitator verify` with the file name it is saved under.
    jobs = [certificate_batch.Job(page.data, page.token, target.name) for page, target in zip(pages, targets,
                                                                                             strict=True)]
    files: list[Path] = []
    not_made: list[str] = []
    writing: tuple[Path, bytes] | None = None
    try:
        with certificate_batch.certificates_made(jobs, shared, identity) as made:
            for done, (certificate, target) in enumerate(zip(made, targets, strict=True), start=1):
                if certificate.pdf is None:  # this person's name cannot be printed: the others' still are
                    not_made.append(certificate.problem or "")
                else:
                    writing = target, certificate.pdf
                    save(target, certificate.pdf)
                    files.append(folder / target.name)
                    writing = None
                if progress:
                    progress(done, len(pages))
    except KeyboardInterrupt:  # between two whole files (save leaves none half-written): say how far it got
        if writing and files[-1:] != [folder / writing[0].name] and _holds(*writing):
            files.append(folder / writing[0].name)  # Ctrl-C came once it was in place, before it was counted
        raise Stopped(ngettext("stopped: wrote {count} of {total} certificate to {folder}",
                               "stopped: wrote {count} of {total} certificates to {folder}", len(pages)).format(
            count=len(files), total=len(pages), folder=folder)) from None
    except certificate_batch.WorkerFailed as exc:  # never a traceback: what happened, and how far it got
        raise UserError(ngettext("{reason}; wrote {count} of {total} certificate to {folder}",
                                 "{reason}; wrote {count} of {total} certificates to {folder}", len(pages)).format(
            reason=exc.reason, count=len(files), total=len(pages), folder=folder), Remedy(
            command=_("run the command again: certificates already written are replaced"),
            menu=_("choose Documents… on the sessions list to try again: certificates already written are "
                   "replaced"))) from exc
    return OutputResult(folder, files, ngettext("Wrote {count} signed certificate to {folder}",
                                                "Wrote {count} signed certificates to {folder}", len(files)).format(
        count=len(files), folder=folder), not_made)


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data` (a certificate's signature makes its bytes unlike any earlier one's)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


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
    jws_signer = IdentitySigner(identity)
    pages = []
    for attendee in people:
        token = jws_signer.sign(certificate_claims(sealed, attendee, employer), typ=CERTIFICATE_TYP)
        pages.append(CertificatePage(_certificate_data(sealed, attendee, employer, topics), token))
    return sealed, pages


def _file_names(ws: Workspace, sealed: SealedRecord) -> list[str]:
    """Each certificate's file name, in the order of `certificate_pages`, from the roster's first and last names
    ('Diaz-Ana-certificate.pdf'): a trainer can find each person's and hand it over."""
    names = {p.id: (p.last_name, p.first_name) for p in list_roster(ws, sealed.session)}
    return handout_names([(*names.get(a.roster_id, (a.name, "")), a.certificate_id or "")
                          for a in sealed.attendees if a.eligible])


def _certificate_data(sealed: SealedRecord, attendee: SealedAttendee, employer: str, topics: tuple[str, ...]
                      ) -> cert_doc.CertificateData:
    credits = sealed.credits_of(attendee)
    met = tuple(cert_doc.MetJurisdiction(c.name, c.citation) for c in credits if c.standing == Standing.MET)
    not_complete = tuple(" ".join([
        _("{jurisdiction}: {standing}.").format(jurisdiction=c.name, standing=_(STANDING_WORDS[Standing(c.standing)])),
        *(_("Met: {training}.").format(training=t) for t in c.met),
        *(_("Not met: {why}.").format(why=why) for why in c.missed)])
        for c in credits if c.standing in (Standing.PARTIAL, Standing.NOT_MET))
    track = _(TRACK_WORDS[Track(attendee.track)]).capitalize() if attendee.track else None
    return cert_doc.CertificateData(
        certificate_id=attendee.certificate_id or "", attendee_name=attendee.name,
        employee_id=attendee.employee_id, employer=employer, workshop_title=sealed.workshop_title,
        date=sealed.date, minutes_attended=attendee.minutes, trainer=sealed.trainer, topics=topics,
        jurisdictions=met, track=track, not_complete=not_complete,
        delivered_minutes=sealed.delivered_minutes if sealed.delivery_recorded is not False else None,
        delivery_recorded=sealed.delivery_recorded is not False,
        decided=_decision(attendee), acknowledged=bool(attendee.acknowledged))


def _decision(attendee: SealedAttendee) -> str | None:
    """The sealed reason ("trainer's decision: …", in the record's language) when the trainer decided."""
    return attendee.reason if attendee.overridden else None


def _employer(settings: Settings) -> str:
    if not settings.organisation.strip():
        raise UserError(_("certificates name the employer"), Remedy(
            command=_("set it first with 'facilitator settings set organisation \"Your Organisation\"'"),
            menu=_("set the organisation first in File → Settings…")))
    return settings.organisation.strip()


def _logo(settings: Settings) -> Path | None:
    """The logo set in the settings, once it is sure to be a picture of a size that can be printed (its header
    alone is read here): a message, not a stalled or failed batch, for one that is missing, not a file, or huge."""
    if not settings.logo:
        return None
    path = Path(settings.logo)
    choose = Remedy(command=_("choose another with 'facilitator settings set logo FILE', or clear it with "
                              "'facilitator settings set logo \"\"'"),
                    menu=_("choose another, or clear it, in File → Settings…"))
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise UserError(_("the logo {path} is not a file").format(path=path), choose)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # its size is judged just below
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # so far beyond the limit that Pillow will not even open it
        width = height = None
    except (OSError, ValueError) as exc:
        raise UserError(_("the logo {path} cannot be read as a PNG or JPEG image: {reason}").format(
            path=path, reason=getattr(exc, "strerror", None) or exc), choose) from exc
    if width is None or height is None or width * height > LOGO_MAX_PIXELS:
        raise UserError(_("the logo {path} is too large to print (more than {limit} million pixels)").format(
            path=path, limit=LOGO_MAX_PIXELS // 1_000_000), choose)
    return path


def _topic_labels(ws: Workspace, session_id: str) -> tuple[str, ...]:
    """The topics the session's delivery taught enough to count, as the sealed evaluation counts them: a skipped,
    clicked-through or too-short segment's topics were not covered, and with no delivery recorded none is listed.
    The delivery log read here is the one the verified seal digests; every segment in it ended at the seal."""
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        outline = frozen_workshop(ws, session).outline()
        teaching = delivered(outline, session_delivery(ws, db, session), session.closed_at or datetime.now(UTC))
    labels = {t.id: t.label for t in ws.library.topics}
    return tuple(sorted((labels.get(t, t) for t in teaching.topics_taught), key=str.casefold))
