"""The one way Facilitator writes a file: whole or not at all.

Every file (a certificate, a badge sheet, the settings, the signing key) is written to a hidden file beside its
final name, flushed to disk, and only then moved into place, so a full disk, a pulled USB stick or a killed
process leaves the earlier file or none, never half of one. `paths` says where files live; this module says how
they are written. Errors are the operating system's own (OSError); the services turn them into messages.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")

SHARED_MODE = 0o666  # as for any file a user saves: their umask decides who else may read it
PRIVATE_MODE = 0o600  # the owner only: keys and settings


class FolderRefused(OSError):
    """Nothing could be created in the target's folder (read-only, missing, not ours). Nothing was changed."""


class ReplaceFailed(OSError):
    """The file was written whole beside its target, but could not be moved over it (on Windows: open in a
    viewer). Nothing was changed."""


def write_atomically(target: Path, data: bytes | Callable[[BinaryIO], T], *, private: bool = False,
                     replace: bool = True) -> T | None:
    """Write `data` (bytes, or a function that writes to the open file and returns a result) to `target`.

    `private` makes the file readable by its owner only, whatever the umask. With `replace=False` the write
    fails (FileExistsError) if `target` exists; where the disk has hard links (every disk a data folder is
    normally on) it never overwrites one that appears meanwhile either."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        handle = _create(temp, PRIVATE_MODE if private else SHARED_MODE)
    except OSError as exc:
        raise FolderRefused(exc.errno, exc.strerror, str(target.parent)) from exc
    result: T | None = None
    try:
        with handle:
            if callable(data):
                result = data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if private:
            os.chmod(temp, PRIVATE_MODE)  # the umask may have narrowed the mode; never leave it wider
        _move_into_place(temp, target, replace)
    finally:
        _discard(temp)
    _sync_folder(target.parent)
    return result


def _discard(temp: Path) -> None:
    """Remove the temporary file if it is still there; failing to do so must not hide whether the write worked."""
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)


def _create(path: Path, mode: int) -> BinaryIO:
    """A new file that must not exist yet, with `mode` (less the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, mode), "wb")


def _move_into_place(temp: Path, target: Path, replace: bool) -> None:
    if not replace:
        try:
            os.link(temp, target)  # atomic, and fails if the target exists: never a silent overwrite
        except FileExistsError:
            raise
        except OSError:  # no hard links on this disk (a FAT stick): check, then rename, as near as it allows
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
            os.rename(temp, target)
        return
    try:
        os.replace(temp, target)
    except PermissionError as exc:
        if os.name != "nt":  # elsewhere a refusal here is the folder's permissions, which the caller reports
            raise
        raise ReplaceFailed(exc.errno, exc.strerror, str(target)) from exc


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened, the rename is as durable as the
    file system makes it."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
