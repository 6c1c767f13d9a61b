"""Saving the attendees' hand-out ("Where to get help") for a session: pick a file, write it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from facilitator.i18n import _
from facilitator.services.handout import make_handout
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.save_pdf import save_pdf


def save_handout(parent: QWidget, ws: Workspace, session_id: str, target: Path | None = None) -> Path | None:
    """The session's hand-out, saved where the trainer chooses (or to `target`); None if not saved."""
    return save_pdf(parent, lambda out, force: make_handout(ws, session_id, out, force=force).path,
                    title=_("Save the attendees' hand-out"), suggested=f"where-to-get-help-{session_id}.pdf",
                    refused=_("Hand-out not saved"), target=target)
