"""Writing the files a trainer asks for: where they may go, folders made with a clear message, files moved into
place whole.

The writing itself is `facilitator.files.write_atomically` (beside the target, flushed, renamed over it); this
module turns what the operating system says when it refuses into a message that says what to do.

Where a document may go is decided here, once, for every service that writes one (certificates, the sign-in
sheet, the report, badges, role cards, the exported certificate and the CSR):

- Links are followed: the file written is the one the link names, checked as such.
- Nothing is ever written inside the data folder (its database and -wal/-shm, the signing key and certificate,
  settings.json, backups, the witness files and whatever else Facilitator keeps there), nor over any SQLite
  database or private key anywhere, whatever `force` says.
- A folder, a device, a pipe or a socket is never replaced by a file.
- An existing file is replaced without asking only if it is "ours": a PDF this program wrote (its document
  information names Facilitator as its creator, as every PDF it makes does), or for the exported certificate and
  the CSR, an earlier one for this installation's own key. Any other file is replaced only with `force` (the
  command line's --force, or a yes at its prompt; the app's save dialogs have already asked); without it,
  ForeignFile is raised before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from facilitator.documents import PRODUCT
from facilitator.files import FolderRefused, NotARegularFile, ReplaceFailed, write_atomically
from facilitator.i18n import _, ngettext
from facilitator.services.errors import Remedy, UserError

if TYPE_CHECKING:
    from facilitator.services.workspace import Workspace

T = TypeVar("T")
Ours = Callable[[Path], bool]  # whether an existing file is one this program wrote, and may be replaced unasked

_CREATOR = b"/Creator (" + PRODUCT.encode("ascii") + b")"
_SCAN_LIMIT = 64 * 1024 * 1024  # a larger file is not a PDF Facilitator wrote
_SCAN_CHUNK = 1024 * 1024
_SQLITE = b"SQLite format 3\x00"


class ForeignFile(UserError):
    """Files that exist and were not written by Facilitator would be replaced; nothing was written. `paths` are
    the files; the command line may ask and try again with force."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        if len(self.paths) == 1:
            super().__init__(_("{file} already exists and was not written by Facilitator").format(file=self.paths[0]),
                             Remedy(command=_("use --force to replace it, or choose another name with --out"),
                                    menu=_("choose another name, or move that file aside first")))
            return
        shown = ", ".join(p.name for p in self.paths[:5]) + (", …" if len(self.paths) > 5 else "")
        super().__init__(ngettext("{count} file in {folder} already exists and was not written by Facilitator "
                                  "({files})",
                                  "{count} files in {folder} already exist and were not written by Facilitator "
                                  "({files})", len(self.paths)).format(
            count=len(self.paths), folder=self.paths[0].parent, files=shown),
            Remedy(command=_("use --force to replace them, or choose another folder with --out"),
                   menu=_("choose another folder, or move those files aside first")))


def a_facilitator_pdf(path: Path) -> bool:
    """Whether the file is a PDF this program wrote: it starts as a PDF does, and its document information names
    Facilitator as its creator (signing adds to a PDF and keeps that). Read in pieces, and never past 64 MB."""
    try:
        with open(path, "rb") as file:
            if file.read(5) != b"%PDF-":
                return False
            tail = b""
            for _piece in range(_SCAN_LIMIT // _SCAN_CHUNK):
                chunk = file.read(_SCAN_CHUNK)
                if not chunk:
                    break
                if _CREATOR in tail + chunk:
                    return True
                tail = chunk[-len(_CREATOR):]
    except OSError:
        pass
    return False


def output_target(ws: Workspace, out: Path, *, force: bool = False, ours: Ours = a_facilitator_pdf,
                  example: str = "document.pdf") -> Path:
    """The file to write for `out` (links followed), once it is sure that writing it destroys nothing it should
    not: a UserError for the data folder, a database, a key, a folder or a device, and ForeignFile for an existing
    file that is not `ours` unless `force`. `example` is the file name suggested when `out` is a folder."""
    [target] = output_targets(ws, [out], force=force, ours=ours, example=example)
    return target


def output_targets(ws: Workspace, outs: Sequence[Path], *, force: bool = False, ours: Ours = a_facilitator_pdf,
                   example: str = "document.pdf") -> list[Path]:
    """output_target for several files at once (a folder of certificates): one ForeignFile names every file that
    is in the way, before any is written."""
    targets, foreign = [], []
    for out in outs:
        target = _resolved(out)
        _refuse_the_data_folder(ws, out, target)
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            targets.append(target)
            continue
        except OSError as exc:
            raise UserError(_("cannot write {file}: {reason}").format(file=out, reason=exc.strerror),
                            _choose_another_file()) from exc
        if stat.S_ISDIR(mode):
            raise UserError(_("{folder} is a folder; give a file name, for example {file}").format(
                folder=out, file=Path(out) / example))
        if not stat.S_ISREG(mode):
            raise UserError(_("{file} cannot be written: {reason}").format(file=out, reason=_not_a_file(mode)),
                            _choose_another_file())
        _refuse_precious(out, target)
        if not force and not ours(target):
            foreign.append(target)
        targets.append(target)
    if foreign:
        raise ForeignFile(foreign)
    return targets


def output_folder(ws: Workspace, out: Path) -> Path:
    """The folder to write documents into (created if need be), never inside the data folder."""
    target = _resolved(out)
    _refuse_the_data_folder(ws, out, target)
    if target.exists() and not target.is_dir():
        raise UserError(_("{path} is a file, not a folder").format(path=out),
                        Remedy(command=_("give a folder with --out"), menu=_("choose a folder")))
    return ensure_folder(target)


def _resolved(out: Path) -> Path:
    return Path(os.path.realpath(Path(out).expanduser()))


def _refuse_the_data_folder(ws: Workspace, out: Path, target: Path) -> None:
    folder = _resolved(ws.data_dir)
    if target == folder or folder in target.parents or _within(target, folder):
        raise UserError(_("{path} is inside Facilitator's data folder {folder}, which holds the database, the signing "
                          "key and the settings; documents are never written there").format(path=out, folder=folder),
                        Remedy(command=_("choose a place outside it with --out"), menu=_("choose a place outside it")))


def _within(target: Path, folder: Path) -> bool:
    """Whether `target` (or a folder above it) is `folder` by identity rather than by name: on a disk that ignores
    letter case (macOS, Windows) ".../FACILITATOR/Settings.json" is the data folder's settings."""
    try:
        data = os.stat(folder)
    except OSError:
        return False
    for place in (target, *target.parents):
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(place), data):
                return True
    return False


def _refuse_precious(out: Path, target: Path) -> None:
    """A database or a private key (another data folder's, say) is never replaced by a document."""
    try:
        with open(target, "rb") as file:
            start = file.read(200)
    except OSError:
        return
    if start.startswith(_SQLITE):
        raise UserError(_("{file} is a database; no document is ever written over one").format(file=out),
                        _choose_another_file())
    first_line = start.lstrip().split(b"\n", 1)[0]
    if first_line.startswith(b"-----BEGIN") and b"PRIVATE KEY-----" in first_line:
        raise UserError(_("{file} holds a private key; no document is ever written over one").format(file=out),
                        _choose_another_file())


def _not_a_file(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("it is a named pipe (FIFO), not a file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("it is a device, not a file")
    if stat.S_ISSOCK(mode):
        return _("it is a socket, not a file")
    return _("it is not a regular file")


def _choose_another_file() -> Remedy:
    return Remedy(command=_("choose another file with --out"), menu=_("choose another file"))


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
    except NotARegularFile as exc:  # a folder or a device put where the file was to go, after it was checked
        raise UserError(_("{file} cannot be written: {reason}").format(file=target, reason=exc.strerror),
                        _choose_another_file()) from None
    except OSError as exc:  # a full disk, a USB stick pulled out
        raise UserError(_("could not write {file}: {reason}; any earlier file there is unchanged").format(
            file=target, reason=exc.strerror or exc)) from exc
