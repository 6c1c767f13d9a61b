"""Saving a role-play's printable cards from the console: pick a file, write it, say where it went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from facilitator.services.errors import UserError
from facilitator.services.role_cards import make_role_cards
from facilitator.services.workspace import Workspace


def save_role_cards(parent: QWidget, ws: Workspace, session_id: str, segment_id: str,
                    target: Path | None = None) -> Path | None:
    """Ask where to save (unless `target` is given) and write the PDF; None if cancelled or refused."""
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(parent, "Save the role cards", str(Path.home() / f"role-cards-"
                                                f"{segment_id}.pdf"), "PDF (*.pdf)")
        if not chosen:
            return None
        target = Path(chosen)
    try:
        return make_role_cards(ws, session_id, segment_id, target).path
    except UserError as exc:
        QMessageBox.warning(parent, "Role cards not saved", str(exc)[:1].upper() + str(exc)[1:])
        return None
