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
import time
from dataclasses import dataclass
from pathlib import Path

FOLDER = "witness"
KINDS = ("event", "amendment")
LINE = re.compile(r"^(event|amendment) ([1-9][0-9]{0,9}) ([0-9a-f]{64})$")
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
    """What the witness saw of a session: the log's head and the amendments' head (None: saw none)."""

    events: Head | None
    amendments: Head | None
    damaged: bool = False  # a line that is not one the witness writes: the file was edited


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
    """What the witness saw; None if this session has no witness (made before witnesses, or deleted)."""
    path = path_of(data_dir, session_id)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    heads: dict[str, Head] = {}
    damaged = len(data) > MAX_BYTES
    lines = data[:MAX_BYTES].decode("ascii", errors="replace").split("\n")
    for line in lines:
        found = LINE.match(line)
        if found is None:
            # A line cut short by a crash as it was written is the start of a real one: not an edit.
            damaged = damaged or (bool(line) and not _torn(line))
            continue
        kind, seq = found.group(1), int(found.group(2))
        if kind not in heads or seq >= heads[kind].seq:
            heads[kind] = Head(seq, found.group(3))
    return Witnessed(heads.get("event"), heads.get("amendment"), damaged)


def _torn(line: str) -> bool:
    """A line cut short while it was written: the start of one the witness writes."""
    kind, space, rest = line.partition(" ")
    if not space:
        return any(k.startswith(kind) for k in KINDS)
    return kind in KINDS and re.fullmatch(r"[0-9]{0,10}|[1-9][0-9]{0,9} [0-9a-f]{0,63}", rest) is not None
