"""The signing identity: key file protection, passphrases, CSR and an organisation CA's certificate, and
the `keys` commands."""

from __future__ import annotations

import json
import stat
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from facilitator.cli import main
from facilitator.records import identity
from facilitator.services import identity as service
from facilitator.services.errors import UserError

POSIX = sys.platform != "win32"


def make_ca(name: str = "Acme Training CA") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A small organisation CA, as HR would run one."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def issue_from_csr(csr_pem: bytes, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate,
                   *, days: int = 365) -> x509.Certificate:
    """What the organisation's CA does with a trainer's CSR: an end-entity signing certificate."""
    csr = x509.load_pem_x509_csr(csr_pem)
    assert csr.is_signature_valid
    now = datetime.now(UTC)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
            .public_key(csr.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(csr.extensions.get_extension_for_class(x509.KeyUsage).value, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


# --- records ----------------------------------------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
def test_key_file_is_owner_only_and_pkcs8(tmp_path: Path) -> None:
    made = identity.create(tmp_path / "identity", "Sam Lee", "Acme")
    assert stat.S_IMODE(made.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.folder.stat().st_mode) == 0o700
    assert made.key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_self_signed_certificate_has_what_pdf_validators_need(tmp_path: Path) -> None:
    cert = identity.create(tmp_path, "Sam Lee", "Acme").cert
    assert cert.subject.rfc4514_string() == "O=Acme,CN=Sam Lee" and cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and usage.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert cert.not_valid_after_utc - cert.not_valid_before_utc > timedelta(days=3649)
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey) and cert.public_key().curve.name == "secp256r1"


def test_load_round_trip_and_fingerprints(tmp_path: Path) -> None:
    made = identity.create(tmp_path, "Sam Lee")
    loaded = identity.load(tmp_path)
    assert loaded.cert == made.cert and loaded.key.private_numbers() == made.key.private_numbers()
    assert not loaded.encrypted and loaded.self_signed and loaded.chain == ()
    fp = identity.fingerprint(loaded.cert)
    assert len(fp.split(":")) == 32 and fp.replace(":", "").lower() == loaded.cert.fingerprint(hashes.SHA256()).hex()
    assert identity.short_fingerprint(loaded.cert) == " ".join(fp.replace(":", "")[i:i + 4] for i in (0, 4, 8, 12))
    assert len(identity.thumbprint_s256(loaded.cert)) == 43


def test_an_existing_key_is_never_overwritten(tmp_path: Path) -> None:
    made = identity.create(tmp_path, "Sam Lee")
    before = made.key_path.read_bytes()
    with pytest.raises(identity.IdentityExists):
        identity.create(tmp_path, "Someone Else")
    assert made.key_path.read_bytes() == before


def test_passphrase_round_trip_and_wrong_or_missing_passphrase(tmp_path: Path) -> None:
    made = identity.create(tmp_path, "Sam Lee", passphrase="correct horse")
    assert made.key_path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert identity.is_encrypted(tmp_path)
    loaded = identity.load(tmp_path, "correct horse")
    assert loaded.encrypted and loaded.key.private_numbers() == made.key.private_numbers()
    with pytest.raises(identity.PassphraseError, match="wrong passphrase"):
        identity.load(tmp_path, "battery staple")
    with pytest.raises(identity.PassphraseError, match="none was given"):
        identity.load(tmp_path)


def test_load_of_an_empty_folder_says_there_is_none(tmp_path: Path) -> None:
    with pytest.raises(identity.IdentityMissing):
        identity.load(tmp_path / "identity")


def test_csr_signed_by_an_organisation_ca_is_installed_with_its_chain(tmp_path: Path) -> None:
    mine = identity.create(tmp_path, "Sam Lee", "Acme")
    csr = x509.load_pem_x509_csr(identity.make_csr(mine))
    assert csr.is_signature_valid and csr.subject == mine.cert.subject and csr.public_key() == mine.key.public_key()
    ca_key, ca_cert = make_ca()
    issued = issue_from_csr(identity.make_csr(mine), ca_key, ca_cert)
    installed = identity.install_cert(mine, pem(ca_cert, issued))  # CA first: the order in the file must not matter
    assert installed.cert == issued and installed.chain == (ca_cert,) and not installed.self_signed
    again = identity.load(tmp_path)
    assert again.cert == issued and again.chain == (ca_cert,)
    assert mine.cert_path.read_bytes() == pem(issued, ca_cert)
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left nothing behind


def test_a_certificate_for_another_key_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    mine = identity.create(tmp_path, "Sam Lee")
    before = mine.cert_path.read_bytes()
    other = identity.create(tmp_path / "other", "Sam Lee")
    with pytest.raises(identity.CertificateMismatch, match="this installation's key"):
        identity.install_cert(mine, other.cert_pem())
    with pytest.raises(identity.CertificateMismatch, match="signing request"):
        identity.install_cert(mine, identity.make_csr(mine))
    with pytest.raises(identity.CertificateMismatch, match="no certificate"):
        identity.install_cert(mine, b"hello")
    assert mine.cert_path.read_bytes() == before


def test_an_expired_certificate_is_refused(tmp_path: Path) -> None:
    mine = identity.create(tmp_path, "Sam Lee")
    ca_key, ca_cert = make_ca()
    issued = issue_from_csr(identity.make_csr(mine), ca_key, ca_cert, days=1)
    with pytest.raises(identity.CertificateMismatch, match="expired"):
        identity.install_cert(mine, pem(issued), now=datetime.now(UTC) + timedelta(days=5))


# --- service ----------------------------------------------------------------------------------------------

def test_get_identity_creates_on_first_use_and_info_needs_no_passphrase(workspace) -> None:
    with pytest.raises(UserError, match="keys create"):
        service.get_identity(workspace)
    made = service.get_identity(workspace, create_as="Sam Lee")
    assert made.folder == workspace.data_dir / "identity"
    info = service.identity_info(workspace)
    assert info.name == "Sam Lee" and info.self_signed and info.fingerprint == identity.fingerprint(made.cert)
    assert info.key_path == made.key_path and not info.passphrase_protected
    assert json.loads(json.dumps(info.to_json()))["short_fingerprint"] == info.short_fingerprint


def test_create_refuses_an_existing_identity_and_replace_keeps_the_old_files(workspace) -> None:
    first = service.create_identity(workspace, "Sam Lee", "Acme", "pw")
    with pytest.raises(UserError, match="--replace"):
        service.create_identity(workspace, "Sam Lee")
    second = service.create_identity(workspace, "Sam Lee", replace=True)
    assert second.replaced_to is not None and second.fingerprint != first.fingerprint
    assert identity.fingerprint(x509.load_pem_x509_certificate((second.replaced_to / "cert.pem").read_bytes())) \
        == first.fingerprint
    assert (second.replaced_to / "key.pem").exists()
    with pytest.raises(identity.PassphraseError):  # the old key is intact and still protected
        identity.load(second.replaced_to, "nope")
    assert identity.load(second.replaced_to, "pw").cert.subject.rfc4514_string() == "O=Acme,CN=Sam Lee"


def test_service_turns_identity_errors_into_user_errors(workspace) -> None:
    service.create_identity(workspace, "Sam Lee", passphrase="pw")
    assert service.needs_passphrase(workspace)
    with pytest.raises(UserError, match="wrong passphrase"):
        service.get_identity(workspace, "bad")


# --- command line -----------------------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_show_creates_on_first_use_then_shows(data_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "keys", "show", "--name", "Sam Lee", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["created"] and shown["name"] == "Sam Lee" and not shown["passphrase_protected"]
    code, out, _ = run(capsys, "keys", "show")
    assert code == 0 and "Created" not in out and shown["fingerprint"] in out and "self-signed" in out
    assert str(data_dir / "identity" / "key.pem") in out


def test_keys_create_twice_fails_and_replace_works(data_dir: Path, capsys) -> None:
    assert run(capsys, "keys", "create", "--name", "Sam Lee", "--organisation", "Acme")[0] == 0
    code, _, err = run(capsys, "keys", "create", "--name", "Sam Lee")
    assert code == 1 and err.startswith("facilitator: ") and "--replace" in err
    code, out, _ = run(capsys, "keys", "create", "--name", "Sam Lee", "--replace")
    assert code == 0 and "moved to" in out


def test_keys_passphrase_from_the_environment_and_the_csr_round_trip(data_dir: Path, capsys, tmp_path: Path,
                                                                      monkeypatch) -> None:
    monkeypatch.setenv("FAC_PW", "s3cret")
    assert run(capsys, "keys", "create", "--name", "Sam Lee", "--passphrase-env", "FAC_PW")[0] == 0
    code, _, err = run(capsys, "keys", "csr", "--out", str(tmp_path / "me.csr"))
    assert code == 1 and "--passphrase-env" in err  # stdin is not a terminal under pytest: no prompt
    code, _, err = run(capsys, "keys", "csr", "--out", str(tmp_path / "me.csr"), "--passphrase-env", "UNSET_VAR")
    assert code == 1 and "UNSET_VAR" in err
    assert run(capsys, "keys", "csr", "--out", str(tmp_path / "me.csr"), "--passphrase-env", "FAC_PW")[0] == 0
    ca_key, ca_cert = make_ca()
    issued = tmp_path / "issued.pem"
    issued.write_bytes(pem(issue_from_csr((tmp_path / "me.csr").read_bytes(), ca_key, ca_cert), ca_cert))
    code, out, _ = run(capsys, "keys", "install-cert", str(issued), "--passphrase-env", "FAC_PW", "--json")
    assert code == 0 and json.loads(out)["issuer"] == "CN=Acme Training CA" and json.loads(out)["chain_length"] == 1
    assert run(capsys, "keys", "export-cert", "--out", str(tmp_path / "out.pem"))[0] == 0
    assert len(x509.load_pem_x509_certificates((tmp_path / "out.pem").read_bytes())) == 2


def test_keys_install_cert_names_the_bad_file(data_dir: Path, capsys, tmp_path: Path) -> None:
    run(capsys, "keys", "show", "--name", "Sam Lee")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a certificate")
    code, _, err = run(capsys, "keys", "install-cert", str(junk))
    assert code == 1 and str(junk) in err and "no certificate" in err
    other = tmp_path / "other.pem"
    other.write_bytes(identity.create(tmp_path / "other", "Someone").cert_pem())
    code, _, err = run(capsys, "keys", "install-cert", str(other))
    assert code == 1 and str(other) in err and "this installation's key" in err
    code, _, err = run(capsys, "keys", "install-cert", str(tmp_path / "missing.pem"))
    assert code == 1 and "missing.pem" in err


def test_a_passphrase_is_never_taken_from_the_command_line_itself(data_dir: Path, capsys) -> None:
    # Anything given on the command line is only ever the *name* of a variable, never the secret itself.
    code, _, err = run(capsys, "keys", "create", "--name", "X", "--passphrase-env", "hunter2")
    assert code == 1 and "environment variable hunter2" in err
    assert not (data_dir / "identity").exists()
