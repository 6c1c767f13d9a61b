"""File → Signing identity…: the trainer sees who the laptop signs as, exports the certificate HR trusts, or makes
the identity before the first seal, all in the app and never told to type a command."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from PySide6.QtWidgets import QMessageBox

from facilitator.services.identity import has_identity, identity_info
from facilitator.ui.dialogs import identity as identity_dialog


def buttons(box: QMessageBox) -> list[str]:
    return [b.text().replace("&", "") for b in box.buttons()]


def test_before_the_first_seal_the_identity_is_made_in_the_app(window, workspace, monkeypatch) -> None:
    monkeypatch.setattr(identity_dialog.QMessageBox, "warning", lambda *a: None)
    box = window.show_identity()
    assert "No signing key yet" in box.text() and "facilitator " not in box.text()
    assert "Create it now…" in buttons(box)
    box.close()
    info = identity_dialog.make_identity(window, workspace, name="Sam Lee")
    assert info is not None and has_identity(workspace) and "Sam Lee" in identity_info(workspace).subject


def test_the_certificate_for_hr_is_exported_from_the_app(window, workspace, tmp_path: Path, monkeypatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(identity_dialog.QMessageBox, "information", lambda _p, _t, text: told.append(text))
    identity_dialog.make_identity(window, workspace, name="Sam Lee")
    box = window.show_identity()
    assert "Sam Lee" in box.text() and "Fingerprint" in box.text() and "facilitator " not in box.text()
    assert "Export the certificate for HR…" in buttons(box)
    box.close()
    out = identity_dialog.save_certificate(window, workspace, tmp_path / "trainer.pem")
    assert out is not None and str(out) in told[0]
    [cert] = x509.load_pem_x509_certificates(out.read_bytes())[:1]
    assert "Sam Lee" in cert.subject.rfc4514_string()


def test_a_refusal_is_shown_with_the_app_s_remedy(window, workspace, tmp_path: Path, monkeypatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(identity_dialog.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    assert identity_dialog.save_certificate(window, workspace, tmp_path / "trainer.pem") is None  # none yet
    assert warned and "facilitator " not in warned[0] and "Close and seal" in warned[0]
