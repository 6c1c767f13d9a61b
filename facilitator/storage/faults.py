"""What went wrong with the store, in words, and the store's files kept private to their owner.

SQLite reports a full disk, a read-only file, a folder it cannot write in and a busy database in a few terse
phrases ("database or disk is full", "attempt to write a readonly database", "unable to open database file",
"disk I/O error", "database is locked"). `diagnose` looks at the files themselves to say which it is and what to
do, so that a read-only folder is never reported as a damaged database. `make_private` narrows the data folder to
its owner (0700) and the database, its -wal/-shm and its backups to 0600, whatever the umask.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

from facilitator.i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a database while it is open
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


class StoreError(Exception):
    """The store cannot be opened or used: `message` says why; `command` and `menu` what to do about it, on the
    command line and in the app (services turn them into a UserError's Remedy: this layer cannot import services).
    `str()` is the command-line form, "message; command"."""

    def __init__(self, message: str, command: str = "", menu: str = "") -> None:
        super().__init__(f"{message}; {command}" if command else message)
        self.message = message
        self.command = command
        self.menu = menu


def side_files(path: Path) -> list[Path]:
    """The database's -wal, -shm and -journal files (whether or not they exist)."""
    return [path.with_name(path.name + suffix) for suffix in SIDE_FILES]


def is_sqlite_file(path: Path) -> bool:
    """Whether `path` starts as every SQLite database does (read without SQLite, so it works where SQLite cannot
    open the file at all)."""
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def move_it_aside() -> str:
    """What the app says about a file in the data folder that is not its database (no command line there)."""
    return _("move it aside and start Facilitator again, which then makes a new database")


def not_a_database(path: Path, reason: object) -> StoreError:
    return StoreError(_("{path} is not a readable SQLite database ({reason})").format(path=path, reason=reason),
                      _("move it aside or choose another folder with --data-dir"), move_it_aside())


def disk_full(folder: Path) -> StoreError:
    return StoreError(_("the disk holding {folder} is full; nothing was changed").format(folder=folder),
                      _("free some space on it and try again"), _("free some space on it and try again"))


def busy(path: Path) -> StoreError:
    return StoreError(_("the database {path} is busy: another Facilitator window or command kept it locked for "
                        "too long; nothing was changed").format(path=path),
                      _("try again in a moment"), _("try again in a moment"))


def _unwritable(what: str) -> StoreError:
    return StoreError(what, _("check its permissions (or the disk's), or copy the data folder somewhere you may "
                              "write and use --data-dir"),
                      _("check its permissions (or the disk's), or copy the data folder somewhere you may write"))


def diagnose(path: Path, error: BaseException) -> StoreError:
    """A StoreError saying what stopped SQLite (or the file system) using the database at `path`."""
    reason = str(getattr(error, "orig", None) or error)
    lowered = reason.lower()
    code = getattr(error, "errno", None)
    if "locked" in lowered or "busy" in lowered:
        return busy(path)
    if "full" in lowered or code in _FULL:
        return disk_full(path.parent)
    if "malformed" in lowered or "not a database" in lowered:
        return not_a_database(path, reason)
    found = _what_cannot_be_written(path)
    if found is not None:
        return found
    return StoreError(_("the database {path} could not be used ({reason})").format(path=path, reason=reason),
                      _("check the disk it is on, then try again"), _("check the disk it is on, then try again"))


def _what_cannot_be_written(path: Path) -> StoreError | None:
    """The folder or file SQLite needed to write and could not (read-only, not ours, a full disk), if any."""
    folder = path.parent
    probe = folder / f".facilitator-probe-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"\0")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in _FULL:
            return disk_full(folder)
        if exc.errno in _REFUSED:
            return _unwritable(_("the data folder {folder} cannot be written to ({reason}); Facilitator writes "
                                 "beside its database even to read it").format(folder=folder, reason=exc.strerror))
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    for file in (path, *side_files(path)):
        try:
            fd = os.open(file, os.O_RDWR)
        except FileNotFoundError:
            continue
        except OSError as exc:
            if exc.errno in _REFUSED:
                return _unwritable(_("{file} cannot be written to ({reason}); nothing was changed").format(
                    file=file, reason=exc.strerror))
            continue
        os.close(fd)
    return None


# --- private by default -------------------------------------------------------------------------------------

def create_private(path: Path) -> None:
    """Create an empty database file readable and writable by its owner only (SQLite then gives its -wal and -shm
    the same mode). Nothing happens if it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)  # the umask may have taken the owner's bits too
    finally:
        os.close(fd)


def make_private(data_dir: Path, database: Path, backups: Path) -> list[str]:
    """Take group and other permissions off the data folder, the database, its -wal/-shm/-journal, the backups
    folder and its backups. Returns what could not be narrowed, in words (nothing on success, or off POSIX)."""
    if os.name != "posix":
        return []
    notices = []
    targets = [data_dir, database, *side_files(database)]
    if backups.is_dir():
        targets += [backups, *sorted(backups.iterdir())]
    for target in targets:
        problem = _narrow(target)
        if problem:
            notices.append(_("could not make {path} private to you ({reason}); other people using this computer "
                             "may be able to read it").format(path=target, reason=problem))
    return notices


def _narrow(path: Path) -> str | None:
    """Take group and other permissions off `path` (never adding any); what stopped that, if anything."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror
    if stat.S_ISLNK(mode) or not mode & 0o077:
        return None
    try:
        os.chmod(path, stat.S_IMODE(mode) & 0o700)
    except OSError as exc:
        return exc.strerror
    return None
