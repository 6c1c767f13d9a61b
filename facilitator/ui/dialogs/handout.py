"""Saving the attendees' hand-out ("Where to get help") for a session: pick a file, write it, say where it went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from facilitator.i18n import _
from facilitator.services.errors import UserError
from facilitator.services.handout import make_handout
from facilitator.services.workspace import Workspace
from facilitator.ui.widgets import error_text


def save_handout(parent: QWidget, ws: Workspace, session_id: str, target: Path | None = None) -> Path | None:
    """Ask where to save (unless `target` is given) and write the PDF; None if cancelled or refused. A file the
    save dialog asked about is replaced; one given as `target` only if Facilitator wrote it."""
    confirmed = target is None  # the save dialog asks before it lets an existing file be chosen
    if target is None:
        suggested = Path.home() / f"where-to-get-help-{session_id}.pdf"
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("Save the attendees' hand-out"), str(suggested),
                                                      _("PDF (*.pdf)"))
        if not chosen:
            return None
        target = Path(chosen)
    try:
        return make_handout(ws, session_id, target, force=confirmed).path
    except UserError as exc:
        QMessageBox.warning(parent, _("Hand-out not saved"), error_text(exc))
        return None
