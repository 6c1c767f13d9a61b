"""Writing the files a trainer asks for: folders made with a clear message, files moved into place whole.

The writing itself is `facilitator.files.write_atomically` (beside the target, flushed, renamed over it); this
module turns what the operating system says when it refuses into a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from facilitator.files import FolderRefused, ReplaceFailed, write_atomically
from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError

T = TypeVar("T")


def ensure_folder(path: Path) -> Path:
    """Create `path` (and its parents) if need be; a clear message if the disk or permissions refuse."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(_("cannot create the folder {folder} ({reason})").format(folder=path, reason=exc.strerror),
                        Remedy(command=_("choose another with --out"), menu=_("choose another folder"))) from exc
    return path


def save(target: Path, data: bytes | Callable[[BinaryIO], T], *, private: bool = False) -> T | None:
    """Write a file whole, or leave what was there: the reasons it cannot be done, as messages."""
    try:
        return write_atomically(target, data, private=private)
    except FolderRefused as exc:
        raise UserError(_("cannot write in {folder}: {reason}; choose another folder").format(
            folder=target.parent, reason=exc.strerror)) from None
    except ReplaceFailed as exc:  # on Windows, a PDF open in a viewer cannot be replaced
        raise UserError(_("cannot write {file}: {reason}; is it open in another program?").format(
            file=target, reason=exc.strerror)) from None
    except OSError as exc:  # a full disk, a USB stick pulled out
        raise UserError(_("could not write {file}: {reason}; any earlier file there is unchanged").format(
            file=target, reason=exc.strerror or exc)) from exc
