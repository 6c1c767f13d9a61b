"""The export bundle's frame: its signed manifest, its per-session files, and reading a bundle back safely.

A bundle is a zip. `SHA256SUMS` lists every other file (but its own signature) as `sha256sum` writes it: the hash in
hex, two spaces, the path. `SHA256SUMS.sig` is the trainer key's ECDSA signature over SHA256SUMS, DER-encoded as
`openssl dgst -sha256 -sign` writes it, so `sha256sum -c SHA256SUMS` and `openssl dgst -sha256 -verify
trainer-pubkey.pem -signature SHA256SUMS.sig SHA256SUMS` check a bundle with no Facilitator at hand.

`sessions/ID.json` holds a session's whole record (the seal and its amendments as signed, the workshop as frozen,
the people, the delivery) and `events/ID.jsonl` its attendance log, one event per line with the hashes that chain
it (the rule is in `attendance_log` and written out in VERIFY.txt). Both are pure data here; the services decide
what goes in and check what comes out.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import struct
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from facilitator.i18n import _
from facilitator.records import attendance_log
from facilitator.records.jws import canonical_json

MANIFEST, SIGNATURE = "SHA256SUMS", "SHA256SUMS.sig"  # not user text: file names
TRAINER_CERT, TRAINER_KEY = "trainer.pem", "trainer-pubkey.pem"
# Limits on reading a bundle: far above a real one (a certificate PDF is ~100 kB; 100 sessions of 200 people make
# ~20,000 files), far below what would fill the memory or the disk of the laptop checking it.
MAX_FILES = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
_LOCAL_HEADER = 30  # bytes of a zip entry's local header before its name (APPNOTE 4.3.7)
_ENCRYPTED, _DATA_DESCRIPTOR = 0x1, 0x8  # general purpose flag bits
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  ([^\n]+)$")


class BundleError(ValueError):
    """A file that is not a bundle, or a bundle that is not what was signed; the message says what and where."""


# --- writing ---------------------------------------------------------------------------------------------------

def manifest(files: Mapping[str, bytes]) -> bytes:
    """SHA256SUMS for `files` (path → contents)."""
    return manifest_of({path: hashlib.sha256(data).hexdigest() for path, data in files.items()})


def manifest_of(hashes: Mapping[str, str]) -> bytes:
    """SHA256SUMS for files by their SHA-256 in hex, sorted by path, in `sha256sum`'s own text format."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(hashes.items())).encode("utf-8")


def sign_manifest(text: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
    """The DER ECDSA-SHA256 signature that `openssl dgst -sha256 -verify` checks."""
    return key.sign(text, ec.ECDSA(hashes.SHA256()))


def check_path(path: str) -> str:
    """A path the bundle may hold: relative, forward slashes, letters, digits, '.', '_' and '-' only (so no
    shell, spreadsheet or `sha256sum` escaping is ever needed, and nothing can point outside the folder)."""
    if not _SAFE_PATH.match(path) or any(part in {".", ".."} for part in path.split("/")):
        raise BundleError(_("{path} is not a name a bundle may hold").format(path=repr(path)))
    return path


class BundleWriter:
    """Writes a bundle's files into a zip as they are made (so a bundle of many sessions never sits whole in
    memory), keeping each one's hash; `finish` adds SHA256SUMS over all of them and its signature."""

    def __init__(self, out: Any, when: datetime) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self._stamp = when.timetuple()[:6]
        self.hashes: dict[str, str] = {}

    def add(self, path: str, data: bytes) -> None:
        if path in self.hashes or path in (MANIFEST, SIGNATURE):
            raise ValueError(f"{path} written twice")  # not user text: a programming error, never the user's
        self._write(path, data)
        self.hashes[path] = hashlib.sha256(data).hexdigest()

    def add_all(self, files: Mapping[str, bytes]) -> None:
        for path in sorted(files):
            self.add(path, files[path])

    def finish(self, key: ec.EllipticCurvePrivateKey) -> None:
        text = manifest_of(self.hashes)
        self._write(MANIFEST, text)
        self._write(SIGNATURE, sign_manifest(text, key))
        self.close()

    def close(self) -> None:
        """Close the zip (again is harmless): after `finish`, or when the export stops half-way."""
        self._zip.close()

    def _write(self, path: str, data: bytes) -> None:
        info = zipfile.ZipInfo(check_path(path), date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)


def json_file(value: Any) -> bytes:
    """A JSON file of the bundle: readable (indented), keys sorted, UTF-8 as itself."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def events_file(events: Iterable[attendance_log.StoredEvent]) -> bytes:
    """The attendance log as JSON lines: each line the fields the chain hashes (their canonical form without
    "prev") plus "prev" and "hash", so anyone can recompute each link."""
    lines = []
    for stored in events:
        fields = json.loads(stored.event.canonical(stored.prev_hash))
        lines.append(canonical_json({**fields, "hash": stored.hash}).decode("utf-8") + "\n")
    return "".join(lines).encode("utf-8")


# --- reading ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ManifestEntry:
    path: str
    sha256: str


class OpenedBundle:
    """A bundle's zip, checked as a container before any file is read: a reasonable number of files, each with a
    safe name, once, of a reasonable size. `read` reads one file (never more than the limit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise BundleError(_("{file} is not a bundle: it cannot be read as a zip file ({reason})").format(
                file=path, reason=exc)) from None
        self.names = self._checked_names()

    def _checked_names(self) -> list[str]:
        infos = self._zip.infolist()
        if len(infos) > MAX_FILES:
            raise BundleError(_("the bundle holds {count} files, more than any bundle Facilitator writes").format(
                count=len(infos)))
        for info in infos:
            _plain_entry(info)
        names = [info.filename for info in infos]
        folded = {name.casefold() for name in names}
        if len(folded) != len(names):  # on Windows and macOS, one of two such files would overwrite the other
            raise BundleError(_("the bundle holds two files whose names differ only in upper and lower case, or "
                                "one file twice"))
        if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
            raise BundleError(_("the bundle unpacks to more than any bundle Facilitator writes"))
        self._contiguous(infos)
        return sorted(names)

    def _contiguous(self, infos: list[zipfile.ZipInfo]) -> None:
        """Every byte before the central directory belongs to a listed entry: nothing hidden between them (an
        unzipper reading the entries in order, not the directory, would unpack what is hidden)."""
        at = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            if info.header_offset != at:
                raise BundleError(_("the bundle holds data that is not one of its listed files"))
            at = info.header_offset + self._entry_length(info)
        if at != self._zip.start_dir:
            raise BundleError(_("the bundle holds data that is not one of its listed files"))

    def _entry_length(self, info: zipfile.ZipInfo) -> int:
        """The bytes of an entry: its local header, name, extra field, data and any data descriptor."""
        fp = self._zip.fp
        assert fp is not None
        fp.seek(info.header_offset)
        header = fp.read(_LOCAL_HEADER)
        if len(header) != _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
            raise BundleError(_("{path} in the bundle cannot be read (its header is damaged)").format(
                path=info.filename))
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        length = _LOCAL_HEADER + name_length + extra_length + info.compress_size
        if info.flag_bits & _DATA_DESCRIPTOR:
            fp.seek(info.header_offset + length)
            length += 16 if fp.read(4) == b"PK\x07\x08" else 12
        return length

    def read(self, name: str) -> bytes:
        try:
            with self._zip.open(name) as member:
                data = member.read(MAX_FILE_BYTES + 1)
        except KeyError:
            raise BundleError(_("the bundle has no {path}").format(path=name)) from None
        except (OSError, zipfile.BadZipFile, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
            # a corrupt entry, a bad CRC, an encrypted entry, a compression method zipfile does not know
            raise BundleError(_("{path} in the bundle cannot be read ({reason})").format(path=name, reason=exc)
                              ) from None
        if len(data) > MAX_FILE_BYTES:
            raise BundleError(_("{path} in the bundle is too large to be one of its files").format(path=name))
        return data

    def under(self, folder: str, suffix: str = "") -> Iterator[str]:
        """The names in `folder` (not in its subfolders) ending in `suffix`."""
        for name in self.names:
            pure = PurePosixPath(name)
            if str(pure.parent) == folder and name.endswith(suffix):
                yield name

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> OpenedBundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _plain_entry(info: zipfile.ZipInfo) -> None:
    """An entry a bundle may hold: a regular file (no folder, link or device), with a safe name, of a sensible
    size, stored or deflated, not encrypted."""
    check_path(info.filename)
    kind = (info.external_attr >> 16) & 0o170000
    if info.is_dir() or kind not in (0, stat.S_IFREG):
        raise BundleError(_("{path} in the bundle is not a plain file").format(path=info.filename))
    if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BundleError(_("{path} in the bundle is encrypted or compressed in a way Facilitator never "
                            "writes").format(path=info.filename))
    if info.file_size > MAX_FILE_BYTES:
        raise BundleError(_("{path} in the bundle is too large to be one of its files").format(path=info.filename))


def parse_manifest(text: bytes) -> list[ManifestEntry]:
    """SHA256SUMS's lines; a BundleError naming the first line that is not `hash  path`."""
    try:
        lines = text.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise BundleError(_("{file} is not UTF-8 text").format(file=MANIFEST)) from None
    if lines and lines[-1] == "":
        lines.pop()
    entries = []
    for number, line in enumerate(lines, start=1):
        found = _MANIFEST_LINE.match(line)
        if not found:
            raise BundleError(_("{file} line {n} is not a SHA-256 hash, two spaces and a file name").format(
                file=MANIFEST, n=number))
        entries.append(ManifestEntry(check_path(found.group(2)), found.group(1)))
    return entries


def manifest_signature_problem(text: bytes, signature: bytes, public_key: Any) -> str | None:
    """Why `signature` is not the key's signature over the manifest (None: it is)."""
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        return _("the trainer's certificate does not hold an ECDSA key")
    try:
        public_key.verify(signature, text, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return _("{signature} does not verify {manifest} with the trainer's key: the manifest was changed, or "
                 "signed with another key").format(signature=SIGNATURE, manifest=MANIFEST)
    return None


def stored_events(session_id: str, text: bytes) -> list[attendance_log.StoredEvent]:
    """events/ID.jsonl read back into the chain's own types; a BundleError naming the first bad line."""
    events = []
    for number, line in enumerate(text.decode("utf-8", errors="replace").splitlines(), start=1):
        try:
            row = json.loads(line)
            event = attendance_log.ChainedEvent(
                session_id=row["session"], seq=row["seq"], kind=row["kind"],
                occurred_at=datetime.fromisoformat(row["at"]), monotonic_ms=row["monotonic_ms"],
                person_token=row["person"], code=row["code"], reason=row["reason"], actor=row["actor"],
                source=row["source"], voids_seq=row["voids"])
            events.append(attendance_log.StoredEvent(event, row["prev"], row["hash"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BundleError(_("events/{session}.jsonl line {n} is not an attendance event").format(
                session=session_id, n=number)) from None
    return events
