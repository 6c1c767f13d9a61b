"""Saving a role-play's printable cards from the console: pick a file, write it, say where it went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from facilitator.i18n import _
from facilitator.services.role_cards import make_role_cards
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.save_pdf import save_pdf


def save_role_cards(parent: QWidget, ws: Workspace, session_id: str, segment_id: str,
                    target: Path | None = None) -> Path | None:
    """The role cards of `segment_id`, saved where the trainer chooses (or to `target`); None if not saved."""
    return save_pdf(parent, lambda out, force: make_role_cards(ws, session_id, segment_id, out, force=force).path,
                    title=_("Save the role cards"), suggested=f"role-cards-{segment_id}.pdf",
                    refused=_("Role cards not saved"), target=target)
