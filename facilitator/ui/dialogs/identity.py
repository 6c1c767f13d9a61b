"""File → Signing identity…: who this laptop signs as, the fingerprint HR can compare over the phone, and the
certificate to give HR (or, before the first seal, the identity made now under the trainer's name)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from facilitator.i18n import _
from facilitator.services.errors import UserError
from facilitator.services.identity import (
    IdentityInfo,
    create_identity,
    default_trainer_name,
    export_certificate,
    has_identity,
    identity_info,
)
from facilitator.services.workspace import Workspace
from facilitator.ui.widgets import error_text, plain


def identity_box(parent: QWidget, ws: Workspace) -> QMessageBox:
    """The signing identity, with the one thing to do next: export its certificate, or create it."""
    box = QMessageBox(QMessageBox.Icon.Information, _("Signing identity"), "", parent=parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    if has_identity(ws):
        box.setText(_described(identity_info(ws)))
        export = box.addButton(_("&Export the certificate for HR…"), QMessageBox.ButtonRole.ActionRole)
        export.clicked.connect(lambda: save_certificate(parent, ws))
    else:
        box.setText("<p>" + escape(_("No signing key yet. One is made under the trainer's name when the first "
                                     "session is sealed, or now.")) + "</p>")
        create = box.addButton(_("&Create it now…"), QMessageBox.ButtonRole.ActionRole)
        create.clicked.connect(lambda: make_identity(parent, ws))
    box.addButton(QMessageBox.StandardButton.Close)
    box.open()
    return box


def _described(info: IdentityInfo) -> str:
    signed = _("Records and certificates are signed as <b>{subject}</b>.").format(subject=escape(info.subject))
    fingerprint = _("Fingerprint: <b>{fingerprint}</b>").format(fingerprint=escape(info.short_fingerprint))
    valid = _("Valid until {date}.").format(date=info.not_after.date().isoformat())
    trust = escape(_("Give HR its certificate (Export) so they can check what you sign."))
    return (f"<p>{signed}</p><p>{fingerprint}<br><small>{escape(info.fingerprint)}</small></p>"
            f"<p>{valid} {trust}</p>")


def save_certificate(parent: QWidget, ws: Workspace, out: Path | None = None) -> Path | None:
    """Ask where, then write the certificate (PEM) for HR or a PDF reader to trust. A file the save dialog asked
    about is replaced; one given as `out` only if it is an earlier export of this certificate."""
    confirmed = out is None  # the save dialog asks before it lets an existing file be chosen
    if out is None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("Save the certificate for HR"),
                                                      str(Path.home() / "trainer.pem"),
                                                      _("Certificates (*.pem)"))
        if not chosen:
            return None
        out = Path(chosen)
    try:
        written = export_certificate(ws, out, force=confirmed)
    except UserError as exc:
        QMessageBox.warning(parent, _("Certificate not saved"), plain(error_text(exc)))
        return None
    QMessageBox.information(parent, _("Certificate saved"),
                            plain(_("Saved to {path}. HR checks your documents with it.").format(path=written)))
    return written


def make_identity(parent: QWidget, ws: Workspace, name: str | None = None) -> IdentityInfo | None:
    """Ask for the trainer's name as certificates will show it, then create the key and certificate."""
    if name is None:
        name, ok = QInputDialog.getText(parent, _("Signing identity"),
                                        _("Your name, as certificates will show it:"), text=default_trainer_name())
        if not ok or not name.strip():
            return None
    try:
        return create_identity(ws, name.strip())
    except UserError as exc:
        QMessageBox.warning(parent, _("No signing identity made"), plain(error_text(exc)))
        return None
