"""What the document services share: drawing a PDF with a clear message when it cannot be drawn, and the
result they return (where the files went)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from facilitator.services.errors import UserError


@dataclass(frozen=True)
class OutputResult:
    """The files a command wrote, the folder or file asked for, and what to tell the trainer; `not_made` says,
    one message each, which documents of a batch could not be made while the others were (a name the fonts
    cannot print)."""

    path: Path
    files: list[Path]
    message: str
    not_made: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "files": [str(f) for f in self.files], "message": self.message,
                "not_made": list(self.not_made)}


def render(draw: Callable[[io.BytesIO], Any]) -> bytes:
    """The bytes `draw` writes; a name the fonts cannot print (say) becomes a message naming the field."""
    buffer = io.BytesIO()
    try:
        draw(buffer)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    return buffer.getvalue()
