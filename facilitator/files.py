"""The one way Facilitator writes a file: whole or not at all.

Every file (a certificate, a badge sheet, the settings, the signing key) is written to a hidden file beside its
final name, flushed to disk, and only then moved into place, so a full disk, a pulled USB stick or a killed
process leaves the earlier file or none, never half of one. `paths` says where files live; this module says how
they are written. Errors are the operating system's own (OSError); the services turn them into messages.

Every file a user names (a roster, a workshop, a logo, a certificate to verify) is read with `read_bounded`: a
regular file only, never more than its reader's limit, and never waiting on a pipe or a device.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

from facilitator.i18n import _

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
    normally on) it never overwrites one that appears meanwhile either.

    A folder, a device, a pipe or a socket at `target` (or at the end of a link there) is never replaced: that
    raises NotARegularFile before anything is written, or after writing, if one was put there meanwhile."""
    _refuse_unless_a_file(target)
    temp = _temp_beside(target)
    result: T | None = None
    try:  # from before the file is created: an interrupted write (Ctrl-C included) leaves nothing behind
        handle = _open_temp(temp, target, private)
        with handle:
            if callable(data):
                result = data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if private:
            os.chmod(temp, PRIVATE_MODE)  # the umask may have narrowed the mode; never leave it wider
        _refuse_unless_a_file(target)
        _move_into_place(temp, target, replace)
    finally:
        _discard(temp)
    _sync_folder(target.parent)
    return result


def create_together(files: Sequence[tuple[Path, bytes, bool]]) -> None:
    """Create several new files (target, bytes, private), all of them or none.

    Each is first written whole beside its name and flushed to disk; only then are they moved into place, in
    order, none over an existing file (FileExistsError). If anything fails (a full disk, Ctrl-C), the files
    already moved are removed again and the temporary ones discarded, so the folder is as it was. Only a process
    killed between two moves leaves the first ones: whoever reads such a set must recognise it as unfinished."""
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for target, data, private in files:
            temps.append(_temp_beside(target))
            with _open_temp(temps[-1], target, private) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if private:
                os.chmod(temps[-1], PRIVATE_MODE)
        for (target, _data, _private), temp in zip(files, temps, strict=True):
            _move_into_place(temp, target, replace=False)
            placed.append(target)
    except BaseException:
        for target in placed:
            _discard(target)  # made a moment ago by this call (a new file, never one that was there before)
        raise
    finally:
        for temp in temps:
            _discard(temp)
    for folder in dict.fromkeys(target.parent for target, _data, _private in files):
        _sync_folder(folder)


def _temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")


def _open_temp(temp: Path, target: Path, private: bool) -> BinaryIO:
    try:
        return _create(temp, PRIVATE_MODE if private else SHARED_MODE)
    except OSError as exc:
        raise FolderRefused(exc.errno, exc.strerror, str(target.parent)) from exc


def _refuse_unless_a_file(target: Path) -> None:
    """Writing replaces a regular file or makes a new one; a folder, device, pipe or socket is left alone."""
    try:
        mode = os.stat(target).st_mode
    except OSError:  # nothing there (or nothing we can see): the write itself says what is wrong, if anything
        return
    _refuse_unless_regular(target, mode)


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


# --- reading a file a user names ---------------------------------------------------------------------------

FOLDER, PIPE, DEVICE, SOCKET, OTHER = "folder", "pipe", "device", "socket", "other"  # what a path may be instead
_READ_CHUNK = 1024 * 1024


class NotARegularFile(OSError):
    """The path names a folder, a pipe (FIFO), a device or a socket, not a file. Nothing was read or waited for.

    `kind` says which (FOLDER, PIPE, DEVICE, SOCKET or OTHER); `strerror` says it in words."""

    def __init__(self, path: Path, kind: str) -> None:
        words = {FOLDER: _("it is a folder, not a file"), PIPE: _("it is a named pipe (FIFO), not a file"),
                 DEVICE: _("it is a device, not a file"), SOCKET: _("it is a socket, not a file")}
        code = errno.EISDIR if kind == FOLDER else errno.EINVAL
        super().__init__(code, words.get(kind, _("it is not a regular file")), str(path))
        self.kind = kind


class FileTooLarge(OSError):
    """The file is larger than its reader accepts. Nothing beyond the limit was read.

    `limit` is the reader's limit in bytes; `strerror` says it in words ("it is larger than 10 MB")."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(errno.EFBIG, _("it is larger than {size}").format(size=size_text(limit)), str(path))
        self.limit = limit


def size_text(size: int) -> str:
    """"10 MB", "64 KB": a limit as a person reads it (powers of 1024, whole numbers)."""
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=size // (1024 * 1024))
    return _("{n} KB").format(n=max(1, size // 1024))


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (links followed), if there are at most `limit` of them.

    Raises NotARegularFile for a folder, a pipe, a device or a socket (checked before opening, and again on the
    opened file, so a pipe never blocks and a file swapped meanwhile is caught), FileTooLarge beyond `limit`
    (however the file's size is reported: /proc files say 0), and otherwise the operating system's OSError."""
    _refuse_unless_regular(path, os.stat(path).st_mode)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        _refuse_unless_regular(path, info.st_mode)
        if info.st_size > limit:
            raise FileTooLarge(path, limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileTooLarge(path, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _refuse_unless_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        kind = FOLDER
    elif stat.S_ISFIFO(mode):
        kind = PIPE
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = DEVICE
    elif stat.S_ISSOCK(mode):
        kind = SOCKET
    else:
        kind = OTHER
    raise NotARegularFile(path, kind)
