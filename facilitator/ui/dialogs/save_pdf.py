"""Saving one PDF the trainer asked for (role cards, the attendees' hand-out): pick a file, write it, say why
not if it could not be written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from facilitator.i18n import _
from facilitator.services.errors import UserError
from facilitator.ui.widgets import error_text, plain

# Writes the PDF to the path; the flag says whether a file already there may be replaced.
Make = Callable[[Path, bool], Path]


def save_pdf(parent: QWidget, make: Make, *, title: str, suggested: str, refused: str,
             target: Path | None = None) -> Path | None:
    """Ask where to save under `title` (unless `target` is given) and write the PDF; None if cancelled or
    refused (`refused` heads the message). A file the save dialog asked about is replaced; one given as `target`
    only if Facilitator wrote it."""
    confirmed = target is None  # the save dialog asks before it lets an existing file be chosen
    if target is None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), _("PDF (*.pdf)"))
        if not chosen:
            return None
        target = Path(chosen)
    try:
        return make(target, confirmed)
    except UserError as exc:
        QMessageBox.warning(parent, refused, plain(error_text(exc)))
        return None
