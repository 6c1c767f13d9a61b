"""Certificates from a sealed session, checked as outsiders would: pyHanko's validator and poppler's pdfsig
trusting the trainer's exported certificate, the QR decoded from the rendered page by zbarimg and verified
with joserfc. Altered PDFs and altered QR text are rejected by all of them, and by `facilitator verify`."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc import jws as jose_jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey

from facilitator.cli import main
from facilitator.domain.roster import Person
from facilitator.services import attendance, certificates, closing, reports
from facilitator.services.errors import UserError
from facilitator.services.identity import get_identity, signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.delivering import deliver_as_planned
from tests.unit.test_pdf_signing import pdfsig_says, pyhanko_says

NOW = datetime.now(UTC)


@pytest.fixture
def sealed(workspace: Workspace) -> str:
    start = (NOW - timedelta(minutes=160)).astimezone()
    detail = create_session(workspace, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Main St warehouse", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    add_people(workspace, detail.id, [Person("Zoë", "O'Neil", "E1", is_supervisor=True),
                                      Person("José", "Núñez", "E2", is_supervisor=True),
                                      Person("Ana", "Díaz", "E3", is_supervisor=True)])
    codes = [p.badge_code for p in get_session(workspace, detail.id).roster]
    for code in codes[:2]:
        attendance.check_in(workspace, detail.id, code, at=NOW - timedelta(minutes=161))
    attendance.check_out(workspace, detail.id, codes[1], at=NOW - timedelta(minutes=100))
    deliver_as_planned(workspace, detail.id, start)
    set_setting(workspace, "organisation", "Harbor View Clinic")
    closing.close_session(workspace, detail.id, signer(workspace, create_as="Sam Lee"), at=NOW)
    return detail.id


def mk(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def page_qr(pdf: Path, tmp_path: Path) -> str:
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    done = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page-1.png")], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_only_people_present_long_enough_get_certificates(workspace: Workspace, sealed: str, tmp_path: Path) -> None:
    result = certificates.make_certificates(workspace, sealed, tmp_path / "certs")
    assert len(result.files) == 1
    text = subprocess.run(["pdftotext", str(result.files[0]), "-"], capture_output=True, text=True).stdout
    assert "Zoë O'Neil" in text and "Harbor View Clinic" in text and "California" in text
    assert result.files[0].name == "O-Neil-Zoe-certificate.pdf", "named so the trainer can hand it out"
    # The command may wrap after a hyphen, which pdftotext then drops: the page names the file it is saved as.
    assert re.search(r"facilitator verify O-Neil-Zoe-?\s*certificate\.pdf", text)
    assert "José" not in text
    assert "DIGITALLY SIGNED BY Sam Lee · " in " ".join(text.split()), "the signature's stamp names the trainer"


def test_a_certificate_passes_every_independent_check(workspace: Workspace, sealed: str, tmp_path: Path) -> None:
    [pdf] = certificates.make_certificates(workspace, sealed, tmp_path / "certs").files
    trainer = get_identity(workspace).cert_pem()
    data = pdf.read_bytes()
    assert "INTACT:TRUSTED,UNTOUCHED" in pyhanko_says(data, trainer, mk(tmp_path / "hanko"))
    said = pdfsig_says(data, trainer, mk(tmp_path / "nss"))
    assert "Signature is Valid" in said and "Certificate is Trusted" in said
    token = page_qr(pdf, tmp_path)
    key = ECKey.import_key(get_identity(workspace).cert.public_key())
    claims = json.loads(jose_jws.deserialize_compact(token, key, algorithms=["ES256"]).payload)
    assert claims["name"] == "Zoë O'Neil" and claims["employer"] == "Harbor View Clinic"
    assert claims["jurisdictions"] == ["ca-supervisors"] and claims["minutes"] == 150
    assert main(["verify", token]) == 0
    assert main(["verify", str(pdf)]) == 0


def test_altered_certificates_and_codes_are_rejected(workspace: Workspace, sealed: str, tmp_path: Path,
                                                    capsys) -> None:
    [pdf] = certificates.make_certificates(workspace, sealed, tmp_path / "certs").files
    trainer = get_identity(workspace).cert_pem()
    data = pdf.read_bytes()
    # One changed byte inside the signed range: the document information written before signing.
    assert b"/Creator (Facilitator)" in data
    altered = data.replace(b"/Creator (Facilitator)", b"/Creator (Facilitatos)", 1)
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(altered)
    assert "INTACT:TRUSTED" not in pyhanko_says(altered, trainer, mk(tmp_path / "hanko"))
    assert "Signature is Valid" not in pdfsig_says(altered, trainer, mk(tmp_path / "nss"))
    assert main(["verify", str(forged)]) == 1
    # A QR code whose claims were changed ("more minutes"), keeping the original signature.
    token = page_qr(pdf, tmp_path)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["minutes"] += 60
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{changed}.{signature}"
    key = ECKey.import_key(get_identity(workspace).cert.public_key())
    with pytest.raises(BadSignatureError):
        jose_jws.deserialize_compact(tampered, key, algorithms=["ES256"])
    capsys.readouterr()
    assert main(["verify", tampered]) == 1
    assert "altered or forged" in capsys.readouterr().err


def test_documents_need_a_sealed_session_and_an_organisation(workspace: Workspace, tmp_path: Path) -> None:
    detail = create_session(workspace, workshop_id="allyship", on=NOW.date(), start="00:00", location="Hall",
                            trainer="Sam Lee", jurisdictions=["none"])
    with pytest.raises(UserError, match="not closed yet"):
        certificates.make_certificates(workspace, detail.id, tmp_path)
    draft = reports.make_signin_sheet(workspace, detail.id, tmp_path / "draft.pdf")
    assert "draft" in draft.message and (tmp_path / "draft.pdf").read_bytes().startswith(b"%PDF")
    closing.close_session(workspace, detail.id, signer(workspace, create_as="Sam Lee"))
    with pytest.raises(UserError, match="set it first"):
        certificates.make_certificates(workspace, detail.id, tmp_path)
    set_setting(workspace, "organisation", "Depot Ltd")
    with pytest.raises(UserError, match="no one in session"):
        certificates.make_certificates(workspace, detail.id, tmp_path)
    assert not list(tmp_path.glob("*.part"))


def test_sign_in_sheet_and_report_are_signed_once_sealed(workspace: Workspace, sealed: str, tmp_path: Path,
                                                        capsys) -> None:
    assert main(["signin-sheet", sealed, "--out", str(tmp_path / "signin.pdf"), "--paper", "a4"]) == 0
    assert main(["report", sealed, "--out", str(tmp_path / "report.pdf")]) == 0
    trainer = get_identity(workspace).cert_pem()
    for name in ("signin.pdf", "report.pdf"):
        said = pyhanko_says((tmp_path / name).read_bytes(), trainer, mk(tmp_path / f"{name}.check"))
        assert "INTACT:TRUSTED,UNTOUCHED" in said
    sheet = subprocess.run(["pdftotext", str(tmp_path / "signin.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Núñez" in sheet and "left early" in sheet.lower() and "absent" in sheet.lower()
    report = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert get_session(workspace, sealed).workshop_sha256[:16] in report.replace("\n", "")


def test_a_signed_amendment_adds_a_certificate_and_still_verifies(workspace: Workspace, sealed: str,
                                                                 tmp_path: Path, capsys) -> None:
    assert main(["session", "amend", sealed, "--person", "E2", "--eligible", "yes",
                 "--reason", "made up the missed hour on 3 Dec"]) == 0
    assert "José Núñez is now eligible" in capsys.readouterr().out
    files = certificates.make_certificates(workspace, sealed, tmp_path / "certs").files
    assert len(files) == 2
    assert main(["verify", sealed]) == 0
    assert "1 amendment" in capsys.readouterr().out
