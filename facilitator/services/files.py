"""Writing the documents a session produces: folders made with a clear message, files moved into place whole.

Each file is written beside its final name, flushed to disk and renamed over it, so an interrupted run leaves
whole files or none, and a reader never sees half a PDF.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from facilitator.services.errors import UserError


def ensure_folder(path: Path) -> Path:
    """Create `path` (and its parents) if need be; a clear message if the disk or permissions refuse."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder {path} ({exc.strerror}); choose another with --out") from exc
    return path


def write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target and move into place, so a reader never sees half a file."""
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise UserError(f"cannot write in {target.parent} ({exc.strerror}); choose another folder") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UserError(f"cannot write {target} ({exc.strerror}); is the disk full?") from exc
