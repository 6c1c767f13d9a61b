"""The certificates figure: signed certificate PDFs from a sealed session, against bare ReportLab drawing the
same pages without their QR codes (the same renderer and facts, with no QR code, no JWS, no PAdES signature and
no disk writes): what a certificate costs beyond the drawing any PDF of it would need.

Ours is `make_certificates` as a trainer runs it: a batch this large (500) is drawn and signed by one worker
process per core (services/certificate_batch.py; two here), their start-up included, and written to disk by
this one. The baseline stays bare ReportLab in this one process, on one core: the comparison is with the
drawing alone as a single program would do it, so part of what ours gains over it is the other cores, not
less work (a certificate takes more CPU time than its bare page, and more than `ours` says). Fewer than 100
certificates are made in one process, as before."""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from facilitator.documents import certificate as cert_doc
from facilitator.domain.attendance import Source
from facilitator.domain.roster import Person
from facilitator.services import attendance, certificates, closing
from facilitator.services.identity import get_identity, signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import load_settings, set_setting
from facilitator.services.workspace import Workspace, open_workspace


def _sealed_session(ws: Workspace, count: int) -> str:
    now = datetime.now(UTC)
    start = (now - timedelta(minutes=160)).astimezone()
    detail = create_session(ws, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Main St warehouse", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    add_people(ws, detail.id, [Person(f"Person{i}", "Bench", f"E{i:05}") for i in range(count)])
    for person in get_session(ws, detail.id).roster:
        attendance.check_in(ws, detail.id, person.badge_code, at=now - timedelta(minutes=158), source=Source.PAPER)
    set_setting(ws, "organisation", "Harbor View Clinic")
    closing.close_session(ws, detail.id, signer(ws, create_as="Sam Lee"), at=now)
    return detail.id


def measure(count: int = 500) -> tuple[float, float]:
    """Milliseconds per certificate, wall-clock: (ours, signed and written on every core; bare ReportLab drawing
    the same pages in this process)."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(Path(tmp) / "data")
        session_id = _sealed_session(ws, count)
        began = time.perf_counter()
        result = certificates.make_certificates(ws, session_id, Path(tmp) / "certs")
        ours = (time.perf_counter() - began) * 1000 / len(result.files)
        _, pages = certificates.certificate_pages(ws, session_id, load_settings(ws), get_identity(ws))
        with _without_qr_codes():
            began = time.perf_counter()
            for page in pages:
                cert_doc.render_certificate(page.data, io.BytesIO(), "letter", org_name=page.data.employer,
                                            qr_text=page.token)
            bare = (time.perf_counter() - began) * 1000 / len(pages)
        ws.close()
    return ours, bare


@contextmanager
def _without_qr_codes() -> Iterator[None]:
    """The certificate drawn with its QR code left out: no encoding, no modules drawn."""
    encode, draw = cert_doc.encode, cert_doc.draw_matrix
    cert_doc.encode, cert_doc.draw_matrix = (lambda *_a, **_k: [[False]]), (lambda *_a, **_k: 0.0)
    try:
        yield
    finally:
        cert_doc.encode, cert_doc.draw_matrix = encode, draw
