"""The HR bundle, checked as HR would: unpacked, `sha256sum -c` and `openssl dgst -verify` on the manifest, and
`facilitator verify` on a computer that trusts only the trainer's exported certificate. Each way of tampering with
a bundle is caught, with a reason that names it."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws as jose
from joserfc.jwk import ECKey

from facilitator.cli import main
from facilitator.records import bundle
from facilitator.services import closing, export
from facilitator.services.bundle_check import verify_bundle
from facilitator.services.errors import Cancelled, Stopped, UserError
from facilitator.services.identity import get_identity, signer
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace, open_workspace
from tests.lrs import Ralph
from tests.unit.exporting import PRIVATE_COMMENT, sealed_session
from tests.unit.test_openbadges import schema_errors

pytestmark = pytest.mark.slow  # two sealed sessions, their PDFs signed and checked


@pytest.fixture
def two_sessions(workspace: Workspace) -> list[str]:
    return [sealed_session(workspace), sealed_session(workspace)]


@pytest.fixture
def trainer_pem(workspace: Workspace, two_sessions: list[str], tmp_path: Path) -> Path:
    """The certificate the trainer gives HR themselves (`facilitator keys export-cert`), not the bundle's copy."""
    out = tmp_path / "given-by-the-trainer.pem"
    assert main(["--data-dir", str(workspace.data_dir), "keys", "export-cert", "--out", str(out)]) == 0
    return out


@pytest.fixture
def made(workspace: Workspace, two_sessions: list[str], tmp_path: Path) -> Path:
    out = tmp_path / "out" / "bundle.zip"
    out.parent.mkdir()
    export.export_bundle(workspace, two_sessions, out)
    return out


def unpack(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    return folder


def files_of(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes], out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out


def sha256sum_passes(folder: Path) -> bool:
    return subprocess.run(["sha256sum", "--quiet", "-c", bundle.MANIFEST], cwd=folder, capture_output=True
                          ).returncode == 0


def openssl_passes(folder: Path, key: Path | None = None) -> bool:
    done = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(key or folder / bundle.TRAINER_KEY),
                           "-signature", bundle.SIGNATURE, bundle.MANIFEST], cwd=folder, capture_output=True,
                          text=True)
    return done.returncode == 0 and "Verified OK" in done.stdout


def hr_verdict(zip_path: Path, trainer_pem: Path, hr_dir: Path, capsys: pytest.CaptureFixture[str]
               ) -> tuple[int, str]:
    """`facilitator verify` on HR's computer: its own fresh data folder, trusting only the trainer's certificate."""
    capsys.readouterr()
    code = main(["--data-dir", str(hr_dir), "verify", str(zip_path), "--trust", str(trainer_pem)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def resigned(files: dict[str, bytes], key: ec.EllipticCurvePrivateKey) -> dict[str, bytes]:
    """`files` with the manifest made again over them and signed with `key` (as a tamperer with that key would)."""
    body = {k: v for k, v in files.items() if k not in (bundle.MANIFEST, bundle.SIGNATURE)}
    text = bundle.manifest(body)
    return {**body, bundle.MANIFEST: text, bundle.SIGNATURE: bundle.sign_manifest(text, key)}


def test_a_bundle_of_two_sessions_passes_every_standard_check(workspace: Workspace, two_sessions: list[str],
                                                              made: Path, tmp_path: Path, trainer_pem: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = unpack(made, tmp_path / "unpacked")
    assert sha256sum_passes(folder) and openssl_passes(folder)
    listed = {line.split("  ", 1)[1] for line in (folder / bundle.MANIFEST).read_text().splitlines()}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert listed == on_disk - {bundle.MANIFEST, bundle.SIGNATURE}, "every file is covered, and nothing else"
    for sid in two_sessions:
        assert f"sessions/{sid}.json" in listed and f"events/{sid}.jsonl" in listed
        assert f"documents/{sid}/signin-sheet.pdf" in listed and f"documents/{sid}/report.pdf" in listed
        assert any(p.startswith(f"certificates/{sid}/") for p in listed)
    assert {"attendance.csv", "xapi/statements.json", "README.txt", "VERIFY.txt", bundle.TRAINER_CERT} <= listed
    fingerprint = subprocess.run(["openssl", "x509", "-in", str(folder / bundle.TRAINER_CERT), "-noout",
                                  "-fingerprint", "-sha256"], capture_output=True, text=True, check=True).stdout
    assert fingerprint.split("=", 1)[1].strip() in (folder / "VERIFY.txt").read_text(), \
        "VERIFY.txt gives the fingerprint that openssl shows, to compare with the trainer's"
    code, said = hr_verdict(made, trainer_pem, tmp_path / "hr", capsys)
    assert code == 0 and "valid" in said and "2 sessions" in said, said


def test_the_event_chain_is_recomputable_by_the_rule_written_in_verify_txt(made: Path, two_sessions: list[str]
                                                                          ) -> None:
    files = files_of(made)
    record = json.loads(files[f"sessions/{two_sessions[0]}.json"])
    previous = hashlib.sha256(f"facilitator-attendance-1:{two_sessions[0]}".encode()).hexdigest()
    lines = files[f"events/{two_sessions[0]}.jsonl"].decode().splitlines()
    for line in lines:
        row = json.loads(line)
        claimed = row.pop("hash")
        assert row["prev"] == previous
        previous = hashlib.sha256(json.dumps(row, sort_keys=True, separators=(",", ":"),
                                             ensure_ascii=False).encode()).hexdigest()
        assert previous == claimed
    assert record["seal"]["record"]["chain"] == {"events": len(lines), "head": previous}


def test_an_edited_csv_row_is_caught(made: Path, tmp_path: Path, trainer_pem: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    files = files_of(made)
    files["attendance.csv"] = files["attendance.csv"].replace(b"incomplete", b"completed", 1)
    edited = rezip(files, tmp_path / "edited.zip")
    folder = unpack(edited, tmp_path / "edited")
    assert not sha256sum_passes(folder)
    code, said = hr_verdict(edited, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and "attendance.csv does not match its hash" in said, said
    # With the manifest made again to match, its signature no longer does.
    body = {k: v for k, v in files.items() if k != bundle.MANIFEST}
    remade = rezip({**body, bundle.MANIFEST: bundle.manifest({k: v for k, v in body.items()
                                                              if k != bundle.SIGNATURE})}, tmp_path / "remade.zip")
    folder = unpack(remade, tmp_path / "remade")
    assert sha256sum_passes(folder) and not openssl_passes(folder)
    code, said = hr_verdict(remade, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and "does not verify SHA256SUMS" in said, said


@pytest.mark.parametrize("change", ["removed", "added"])
def test_a_removed_or_added_file_is_caught(made: Path, tmp_path: Path, trainer_pem: Path,
                                           capsys: pytest.CaptureFixture[str], change: str) -> None:
    files = files_of(made)
    if change == "removed":
        del files[next(name for name in files if name.startswith("certificates/"))]
    else:
        files["certificates/extra.pdf"] = b"%PDF-1.7 not a certificate"
    tampered = rezip(files, tmp_path / "tampered.zip")
    folder = unpack(tampered, tmp_path / "tampered")
    assert sha256sum_passes(folder) is (change == "added"), "sha256sum cannot see an added file; VERIFY.txt says so"
    code, said = hr_verdict(tampered, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and f"a file was {change}" in said, said


def test_a_manifest_resigned_with_another_key_is_caught(made: Path, tmp_path: Path, trainer_pem: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A tamperer with their own key replaces the certificate, the public key, and signs: every file matches and
    openssl with the bundle's own key says OK, but not with the trainer's key, and HR's trust refuses it."""
    original = unpack(made, tmp_path / "original")
    other_ws = open_workspace(tmp_path / "other")
    try:
        other = get_identity(other_ws, create_as="Sam Lee")
    finally:
        other_ws.close()
    files = files_of(made)
    files[bundle.TRAINER_CERT] = other.cert_pem()
    files[bundle.TRAINER_KEY] = other.cert.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    forged = rezip(resigned(files, other.key), tmp_path / "forged.zip")
    folder = unpack(forged, tmp_path / "forged")
    assert sha256sum_passes(folder) and openssl_passes(folder)
    assert not openssl_passes(folder, original / bundle.TRAINER_KEY), "the trainer's own key does not verify it"
    code, said = hr_verdict(forged, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and "whom you have not trusted" in said, said


def test_a_swapped_certificate_is_caught_even_when_the_trainer_re_signs(
        workspace: Workspace, made: Path, two_sessions: list[str], tmp_path: Path, trainer_pem: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = files_of(made)
    first, second = two_sessions
    mine = sorted(n for n in files if n.startswith(f"certificates/{first}/"))[0]
    theirs = sorted(n for n in files if n.startswith(f"certificates/{second}/"))[0]
    files[mine] = files[theirs]  # a genuine certificate, signed by the same trainer, for another session
    tampered = rezip(files, tmp_path / "swapped.zip")
    folder = unpack(tampered, tmp_path / "swapped")
    assert not sha256sum_passes(folder)
    resigned_zip = rezip(resigned(files, get_identity(workspace).key), tmp_path / "swapped-resigned.zip")
    code, said = hr_verdict(resigned_zip, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and "a certificate was swapped" in said, said


def test_a_broken_event_chain_is_caught_even_when_the_trainer_re_signs(
        workspace: Workspace, made: Path, two_sessions: list[str], tmp_path: Path, trainer_pem: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = files_of(made)
    name = f"events/{two_sessions[0]}.jsonl"
    lines = files[name].decode().splitlines()
    event = json.loads(lines[0])
    event["at"] = event["at"].replace(event["at"][11:13], f"{(int(event['at'][11:13]) + 1) % 24:02d}", 1)
    files[name] = "\n".join([json.dumps(event), *lines[1:]]).encode() + b"\n"
    tampered = rezip(resigned(files, get_identity(workspace).key), tmp_path / "chain.zip")
    folder = unpack(tampered, tmp_path / "chain")
    assert sha256sum_passes(folder) and openssl_passes(folder)
    code, said = hr_verdict(tampered, trainer_pem, tmp_path / "hr", capsys)
    assert code == 1 and "event 1" in said and "altered" in said, said


def test_hostile_zips_get_a_clear_refusal(tmp_path: Path, workspace: Workspace) -> None:
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 broken")
    assert "cannot be read as a zip file" in verify_bundle(not_zip, []).finding
    escaping = rezip({"../../etc/passwd": b"x"}, tmp_path / "escape.zip")
    assert "is not a name a bundle may hold" in verify_bundle(escaping, []).finding
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attendance.csv", b"0" * (bundle.MAX_FILE_BYTES + 1))
    (tmp_path / "bomb.zip").write_bytes(bomb.getvalue())
    assert "too large" in verify_bundle(tmp_path / "bomb.zip", []).finding


def test_reexporting_gives_the_same_record_ids_and_since_last_takes_only_what_is_new(
        workspace: Workspace, two_sessions: list[str], made: Path, tmp_path: Path) -> None:
    again = export.export_bundle(workspace, two_sessions, tmp_path / "again.zip")
    first, second = files_of(made), files_of(again.path)
    ids = [[s["id"] for s in json.loads(f["xapi/statements.json"])] for f in (first, second)]
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0]) > 0
    assert sorted(n for n in first if n.startswith("credentials/")) == \
        sorted(n for n in second if n.startswith("credentials/"))
    assert export.new_since_last(workspace) == []
    closing.amend(workspace, two_sessions[1], signer(workspace), person="E2", eligible=True,
                  reason="made up the hour with the trainer")
    assert export.new_since_last(workspace) == [two_sessions[1]], "an amendment makes a session new again"
    amended = export.export_bundle(workspace, export.new_since_last(workspace), tmp_path / "amended.zip")
    record = json.loads(files_of(amended.path)[f"sessions/{two_sessions[1]}.json"])
    assert len(record["amendments"]) == 1
    assert [p["completion"] for p in record["people"]][:2] == ["completed", "completed"]
    assert verify_bundle(amended.path, []).valid is False, "HR's computer trusts no one until told"


def test_nothing_private_leaves_in_the_bundle(made: Path, tmp_path: Path) -> None:
    folder = unpack(made, tmp_path / "unpacked")
    texts = [p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    texts += [subprocess.run(["pdftotext", str(p), "-"], capture_output=True, check=True).stdout
              for p in folder.rglob("*.pdf")]
    assert all(PRIVATE_COMMENT.encode() not in text for text in texts)
    assert "Not in this bundle, on purpose: feedback comments" in (folder / "README.txt").read_text()


def test_an_unsealed_session_is_refused_and_nothing_is_written(workspace: Workspace, tmp_path: Path) -> None:
    second = create_session(workspace, workshop_id="harassment-prevention-supervisors", on="2026-12-01",
                            start="09:00", location="Hall", trainer="Sam Lee", jurisdictions=["ca-supervisors"])
    with pytest.raises(UserError, match="not closed yet"):
        export.export_bundle(workspace, [second.id], tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists(), "nothing is written when a session cannot be exported"


def test_the_data_folder_is_never_a_target(workspace: Workspace, two_sessions: list[str]) -> None:
    with pytest.raises(UserError):
        export.export_bundle(workspace, two_sessions, workspace.data_dir / "bundle.zip")


def test_the_bundles_statements_are_stored_once_by_a_real_lrs(made: Path, ralph: Ralph) -> None:
    statements = json.loads(files_of(made)["xapi/statements.json"])
    assert statements and ralph.strict_errors(statements) == []
    first = ralph.post_statements(statements)
    assert first.status == 200 and first.body == [s["id"] for s in statements]
    registrations = {s["context"]["registration"] for s in statements}
    stored = [s for r in sorted(registrations) for s in ralph.get_statements(registration=r)]
    assert len(stored) == len(statements)
    assert ralph.post_statements(statements).status == 204, "sent again: nothing new"
    assert len([s for r in sorted(registrations) for s in ralph.get_statements(registration=r)]) == len(statements)


def test_the_bundles_credentials_validate_and_verify_with_a_jose_library(made: Path, tmp_path: Path) -> None:
    files = files_of(made)
    trainer = x509.load_pem_x509_certificates(files[bundle.TRAINER_CERT])[0]
    key = ECKey.import_key(trainer.public_key())  # type: ignore[arg-type]
    tokens = sorted(n for n in files if n.startswith("credentials/") and n.endswith(".jwt"))
    assert len(tokens) == 4, "two sessions, two certificates each"
    for name in tokens:
        credential = json.loads(files[name[:-4] + ".json"])
        assert schema_errors(credential) == []
        verified = jose.deserialize_compact(files[name].decode().strip(), key, algorithms=["ES256"])
        assert json.loads(verified.payload)["credentialSubject"] == credential["credentialSubject"]


def test_the_command_line_exports_and_verifies(workspace: Workspace, two_sessions: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(workspace.data_dir)]
    out = tmp_path / "all.zip"
    assert main([*data, "export", "--all-sealed", "--out", str(out), "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert sorted(said["sessions"]) == sorted(two_sessions) and said["certificates"] == 4 and len(said["sha256"]) == 64
    assert hashlib.sha256(out.read_bytes()).hexdigest() == said["sha256"]
    assert main([*data, "export", "--since-last", "--out", str(tmp_path / "new.zip")]) == 0
    assert "Nothing new to export" in capsys.readouterr().out and not (tmp_path / "new.zip").exists()
    assert main([*data, "verify", str(out)]) == 0, "the trainer's own laptop trusts its own key"
    assert "valid" in capsys.readouterr().out
    moodle = Path(__file__).parents[2] / "assets" / "hr-columns" / "moodle-import-completion.yaml"
    assert main([*data, "export", two_sessions[0], "--out", str(tmp_path / "moodle.zip"), "--columns",
                 str(moodle)]) == 0
    assert main([*data, "verify", str(tmp_path / "moodle.zip")]) == 0, "the map travels in the bundle"
    header = files_of(tmp_path / "moodle.zip")["attendance.csv"].decode("utf-8-sig").splitlines()[0]
    assert header.startswith("email,")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncolumns:\n  - {from: emial, to: E-mail}\n")
    capsys.readouterr()
    assert main([*data, "export", two_sessions[0], "--out", str(tmp_path / "bad.zip"), "--columns", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "emial" in err and "Traceback" not in err
    assert not (tmp_path / "bad.zip").exists()
    notes = tmp_path / "notes.zip"
    notes.write_bytes(b"my own zip")
    assert main([*data, "export", two_sessions[0], "--out", str(notes)]) == 1, "a file not ours is not replaced"
    assert notes.read_bytes() == b"my own zip"


@pytest.mark.parametrize(("what", "change", "said"), [
    ("a completion in the CSV", lambda f: f.update({"attendance.csv": f["attendance.csv"].replace(
        b"incomplete", b"completed", 1)}), "attendance.csv does not say what the sealed records say"),
    ("the learning records emptied", lambda f: f.update({"xapi/statements.json": b"[]\n"}),
     "xapi/statements.json does not say what the sealed records say"),
    ("a completion in the session's JSON", lambda f: f.update({k: v.replace(b'"completion": "incomplete"',
                                                                            b'"completion": "completed"', 1)
                                                              for k, v in f.items() if k.startswith("sessions/")}),
     "does not say what its seal says"),
    ("a stray file", lambda f: f.update({"notes/x.txt": b"hello"}), "notes/x.txt is not a file an export writes"),
    ("a credential from nowhere", lambda f: f.update({"credentials/orphan.json": b"{}"}),
     "credentials/orphan is not a credential for a certificate the records give"),
])
def test_derived_files_must_say_what_the_seals_say_even_when_the_trainer_re_signs(
        workspace: Workspace, made: Path, tmp_path: Path, what: str, change: object, said: str) -> None:
    """The trainer's key re-signs the manifest, so every hash and the signature check out: what HR imports must
    still be what the sealed records make."""
    files = files_of(made)
    change(files)  # type: ignore[operator]
    tampered = rezip(resigned(files, get_identity(workspace).key), tmp_path / "tampered.zip")
    verdict = verify_bundle(tampered, [get_identity(workspace).cert])
    assert not verdict.valid and said in verdict.finding, (what, verdict.finding)


def test_a_certificate_taken_back_takes_its_credit_and_completion_with_it(
        workspace: Workspace, two_sessions: list[str], made: Path, tmp_path: Path, ralph: Ralph) -> None:
    sid = two_sessions[0]
    first = json.loads(files_of(made)["xapi/statements.json"])
    assert ralph.post_statements(first).status == 200
    closing.amend(workspace, sid, signer(workspace), person="E1", eligible=False,
                  reason="the badge was scanned by a colleague")
    again = files_of(export.export_bundle(workspace, [sid], tmp_path / "again.zip").path)
    row = next(line for line in again["attendance.csv"].decode("utf-8-sig").splitlines() if line.startswith("E1,"))
    assert ",incomplete," in row and ",ca-supervisors," not in row, row
    statements = json.loads(again["xapi/statements.json"])
    voiding = [s for s in statements if s["verb"]["id"].endswith("/voided")]
    completed_before = next(s["id"] for s in first if s["verb"]["id"].endswith("/completed")
                            and s["context"]["extensions"]["urn:facilitator:xapi:session"] == sid
                            and s["actor"].get("mbox") == "mailto:zoe@example.com")
    assert [s["object"] for s in voiding] == [{"objectType": "StatementRef", "id": completed_before}]
    zoe = [s for s in statements if s["actor"].get("mbox") == "mailto:zoe@example.com"]
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in zoe] == ["attended"], "no completion, no credit"
    assert ralph.post_statements(statements).status == 200, "the LRS takes the voiding statement"
    assert verify_bundle(tmp_path / "again.zip", [get_identity(workspace).cert]).valid


def test_zip_tricks_are_refused_with_a_reason(made: Path, tmp_path: Path) -> None:
    files = files_of(made)
    clash = rezip({**files, "Attendance.csv": b"x"}, tmp_path / "clash.zip")
    assert "differ only in upper and lower case" in verify_bundle(clash, []).finding
    raw = bytearray(made.read_bytes())
    flagged = bytearray(raw)
    flagged[6] |= 0x1  # the first local header's "encrypted" bit, and the same in its central directory entry
    central = flagged.rfind(b"PK\x01\x02", 0, flagged.rfind(b"PK\x05\x06"))
    first_central = bytes(flagged).find(b"PK\x01\x02")
    flagged[first_central + 8] |= 0x1
    (tmp_path / "encrypted.zip").write_bytes(bytes(flagged))
    del central
    assert "encrypted or compressed in a way" in verify_bundle(tmp_path / "encrypted.zip", []).finding
    hidden = io.BytesIO()
    hidden.write(b"PK\x03\x04" + b"\0" * 40)  # bytes before the first listed entry
    hidden.write(raw)
    (tmp_path / "hidden.zip").write_bytes(hidden.getvalue())
    finding = verify_bundle(tmp_path / "hidden.zip", []).finding
    assert "data that is not one of its listed files" in finding or "cannot be read" in finding, finding


def test_a_cancelled_export_leaves_no_file(workspace: Workspace, two_sessions: list[str], tmp_path: Path) -> None:
    def cancel_after_the_first_step(done: int, total: int) -> None:
        if done > 1:
            raise Cancelled

    with pytest.raises(Stopped, match="no bundle was written"):
        export.export_bundle(workspace, two_sessions, tmp_path / "b.zip", progress=cancel_after_the_first_step)
    assert [p.name for p in tmp_path.iterdir()] == ["data"], "no bundle, and no half-written file beside it"
    assert len(export.new_since_last(workspace)) == 2, "nothing counts as exported"
