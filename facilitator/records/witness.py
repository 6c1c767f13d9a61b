"""A witness of where each session's records end, kept outside the database.

A hash chain shows an event edited, inserted or removed from the middle of a log, but not one removed from its end:
the shorter log is still a valid chain. Nor does the database alone notice when its write-ahead log is lost and
the last committed events with it. So after every committed event (and every amendment) its number and hash are
appended to a small text file per session, `witness/SESSION.heads` in the data folder, and flushed to disk (for
events at most once a second: the database's own flush is what makes an event safe, and a busy door should pay
for one flush per scan, not two). The file is only ever appended to. Verification then asks the store to hold at
least what the witness saw, with the same hashes.

The witness is written after the database commits, so a crash between the two leaves the witness one step
behind, never ahead: what it saw, the log must still hold. Someone who deletes the witness as well as the end of
the log is not caught by this alone; a sealed session's signed seal names its log's head, and that cannot be
forged without the trainer's key.
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from facilitator.files import read_bounded

FOLDER = "witness"
KINDS = ("event", "amendment", "seal")
LINE = re.compile(r"^(event|amendment|seal) ([1-9][0-9]{0,9}) ([0-9a-f]{64})$")
TAIL_BYTES = 4096  # enough for the last few lines, which is all a check-in needs to look at
MAX_BYTES = 16 * 1024 * 1024  # a session's witness: far beyond any real log (a line is under 90 bytes)
SYNC_EVERY = 1.0  # seconds: at most one flush of a witness this often for events (amendments are always flushed)
_flushed: dict[str, float] = {}  # when each witness was last flushed, by this process


@dataclass(frozen=True)
class Head:
    """The furthest a witness saw one of a session's records reach: its number and hash."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Witnessed:
    """What the witness saw of a session: every event, amendment and seal by number and hash, and whether the
    file holds what the witness never writes (a line that is not one of its own, or two hashes for one number)."""

    seen: dict[str, dict[int, str]]
    damaged: bool = False

    def head(self, kind: str) -> Head | None:
        """The furthest record of `kind` the witness saw; None if it saw none."""
        numbers = self.seen.get(kind, {})
        return Head(max(numbers), numbers[max(numbers)]) if numbers else None

    @property
    def events(self) -> Head | None:
        return self.head("event")

    @property
    def amendments(self) -> Head | None:
        return self.head("amendment")

    @property
    def sealed(self) -> bool:
        return bool(self.seen.get("seal"))


def path_of(data_dir: Path, session_id: str) -> Path:
    return data_dir / FOLDER / f"{session_id}.heads"


def record(data_dir: Path, session_id: str, kind: str, seq: int, hash_: str, *, now: float | None = None) -> None:
    """Append one head to the session's witness (creating the file, owner-only) and flush it to disk, unless it
    is an event's and this witness was flushed less than SYNC_EVERY seconds ago. The database's commit is already
    on disk, so the witness can only lag it; a burst of scans at a busy door pays for one flush a second, and the
    heads written in between reach the disk with the next flush or the system's own write-back."""
    path = path_of(data_dir, session_id)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        size = os.fstat(fd).st_size
        if size:
            os.lseek(fd, size - 1, os.SEEK_SET)
        torn = size > 0 and os.read(fd, 1) != b"\n"  # a crash cut the last line short: start afresh
        os.write(fd, ("\n" if torn else "").encode("ascii") + f"{kind} {seq} {hash_}\n".encode("ascii"))
        moment = time.monotonic() if now is None else now
        if kind != "event" or moment - _flushed.get(str(path), -SYNC_EVERY) >= SYNC_EVERY:
            os.fsync(fd)
            _flushed[str(path)] = moment
    finally:
        os.close(fd)


def read(data_dir: Path, session_id: str) -> Witnessed | None:
    """What the witness saw; None if this session has no witness (made before witnesses, or deleted). A witness
    that cannot be read as one (a folder, a pipe, too large) is reported as damaged, never waited on."""
    try:
        data = read_bounded(path_of(data_dir, session_id), MAX_BYTES)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return Witnessed({}, damaged=True)
    return parse(data)


def parse(data: bytes) -> Witnessed:
    seen: dict[str, dict[int, str]] = {}
    damaged = False
    for line in data.decode("ascii", errors="replace").split("\n"):
        found = LINE.match(line)
        if found is None:
            # A line cut short by a crash as it was written is the start of a real one: not an edit.
            damaged = damaged or (bool(line) and not _torn(line))
            continue
        kind, seq, hash_ = found.group(1), int(found.group(2)), found.group(3)
        known = seen.setdefault(kind, {})
        damaged = damaged or known.get(seq, hash_) != hash_  # one number, two records: the log was rewritten
        known[seq] = hash_
    return Witnessed(seen, damaged)


def tail(data_dir: Path, session_id: str) -> Head | None:
    """The last event the witness saw, read from the end of its file only (a check-in's quick look)."""
    path = path_of(data_dir, session_id)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        size = os.fstat(fd).st_size
        os.lseek(fd, max(0, size - TAIL_BYTES), os.SEEK_SET)
        data = os.read(fd, TAIL_BYTES)
    finally:
        os.close(fd)
    return parse(data.split(b"\n", 1)[-1] if size > TAIL_BYTES else data).head("event")


def _torn(line: str) -> bool:
    """A line cut short while it was written: the start of one the witness writes."""
    kind, space, rest = line.partition(" ")
    if not space:
        return any(k.startswith(kind) for k in KINDS)
    return kind in KINDS and re.fullmatch(r"[0-9]{0,10}|[1-9][0-9]{0,9} [0-9a-f]{0,63}", rest) is not None
