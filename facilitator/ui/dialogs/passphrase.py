"""Asking for the signing key's passphrase, once, where something is about to be signed."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from facilitator.i18n import _
from facilitator.services.identity import needs_passphrase
from facilitator.services.workspace import Workspace


def ask_passphrase(parent: QWidget, ws: Workspace) -> str | Literal[False] | None:
    """The key's passphrase if it has one (asked now), None if it has none, False if the trainer cancelled."""
    if not needs_passphrase(ws):
        return None
    text, ok = QInputDialog.getText(parent, _("Signing key"), _("Passphrase for your signing key:"),
                                    QLineEdit.EchoMode.Password)
    return text if ok else False
