"""`facilitator hr import`: export bundles from many trainers into HR's store, each verified in full first.

Each file is first copied, whole, to a private temporary folder (so what is verified is exactly what is imported,
however the original changes meanwhile), and its SHA-256 taken. A bundle imported before is not read again. The
copy is verified as `facilitator verify` does, against the certificates HR trusts (hr_trust); one that does not
verify (an untrusted signer, a file changed, not a zip at all) is kept in quarantine with the verdict's reason,
and the next bundle is taken. One that verifies is imported in one transaction (hr_writing.py): its row, then each
session record with its people and their credits, read from the verified sessions/ID.json (never from the CSV).

What makes an import safe to repeat, or to run twice at once: every row has a unique key (hr_models), and is
inserted with `ON CONFLICT DO NOTHING`. So a bundle imported again changes nothing; a re-export of the same
sessions adds only its bundle's row; a later export with more amendments replaces the people of that record
(once, whichever import gets there first); an older one changes nothing. Two laptops' seals of one session are two
records, both kept, and reported as a conflict. Sessions are written in one order (their id, then their seal) in
every import, so two imports at once on PostgreSQL wait for each other rather than deadlock.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography import x509
from sqlalchemy import bindparam, select

from facilitator.i18n import _, ngettext
from facilitator.records import bundle
from facilitator.records.bundle_session import exported_from
from facilitator.records.sealed import Amendment, SealedRecord
from facilitator.services.bundle_check import verify_bundle
from facilitator.services.errors import Stopped
from facilitator.services.hr_trust import trusted_certificates
from facilitator.services.hr_writing import Verified, write_bundle
from facilitator.services.verification import Verdict
from facilitator.storage.hr_database import HrStore, insert_new
from facilitator.storage.hr_models import ImportedBundle, QuarantinedBundle

Progress = Callable[[int, int], None]  # bundles done, bundles in all
QUARANTINE_MAX_BYTES = 128 * 1024 * 1024  # a rejected file larger than this is recorded, but not kept
_CHUNK = 1024 * 1024


class Outcome(StrEnum):
    IMPORTED = "imported"
    ALREADY = "already-imported"
    QUARANTINED = "quarantined"
    NOT_READ = "not-read"  # missing, a folder, not readable: nothing to keep


@dataclass(frozen=True)
class BundleResult:
    """What became of one file given to import."""

    path: Path
    outcome: Outcome
    reason: str | None = None  # why it was quarantined or not read
    sha256: str | None = None
    signer: str | None = None
    sessions: int = 0  # session records in the bundle
    added: int = 0  # records new to the store
    amended: int = 0  # records whose people a later amendment changed
    people: int = 0  # person rows written
    conflicts: tuple[str, ...] = field(default=())  # sessions the store now holds more than one seal of
    hint: str | None = None  # what to do about a quarantined bundle, where there is something

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.IMPORTED, Outcome.ALREADY)

    @property
    def message(self) -> str:
        name = self.path.name or str(self.path)
        if self.outcome is Outcome.ALREADY:
            return _("{file}: imported before; nothing changed").format(file=name)
        if self.outcome is Outcome.QUARANTINED:
            said = _("{file}: quarantined: {reason}").format(file=name, reason=self.reason)
            return f"{said}; {self.hint}" if self.hint else said
        if self.outcome is Outcome.NOT_READ:
            return _("{file}: not imported: {reason}").format(file=name, reason=self.reason)
        said = ngettext("{file}: imported {sessions} session ({added} new, {amended} amended, {people} people "
                        "written)", "{file}: imported {sessions} sessions ({added} new, {amended} amended, {people} "
                        "people written)", self.sessions).format(
            file=name, sessions=self.sessions, added=self.added, amended=self.amended, people=self.people)
        if self.conflicts:
            said += "; " + _("conflict: another laptop sealed {sessions} differently; both records are kept").format(
                sessions=", ".join(self.conflicts))
        return said

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "outcome": str(self.outcome), "reason": self.reason, "sha256": self.sha256,
                "signer": self.signer, "sessions": self.sessions, "added": self.added, "amended": self.amended,
                "people": self.people, "conflicts": list(self.conflicts), "hint": self.hint}


class ImportStopped(Stopped):
    """Cancel (the progress callback raising Cancelled) or Ctrl-C stopped an import between two bundles: `results`
    are those of the bundles dealt with before (each whole, in its own transaction); the rest were not read."""

    def __init__(self, results: list[BundleResult], total: int) -> None:
        super().__init__(ngettext("stopped: {done} of {total} bundle dealt with; the rest were not read",
                                  "stopped: {done} of {total} bundles dealt with; the rest were not read",
                                  total).format(done=len(results), total=total))
        self.results = results


def import_bundles(store: HrStore, paths: Sequence[Path], progress: Progress | None = None,
                   now: datetime | None = None) -> list[BundleResult]:
    """Import each bundle of `paths` in turn, as the module's docstring says; one result per path, in order.
    Stopped between two bundles (Cancel, Ctrl-C), ImportStopped with the results so far."""
    trusted = trusted_certificates(store)
    results: list[BundleResult] = []
    try:
        if progress is not None:
            progress(0, len(paths))
        for done, path in enumerate(paths, start=1):
            results.append(_import_one(store, path, trusted, now or datetime.now(UTC)))
            if progress is not None:
                progress(done, len(paths))
    except KeyboardInterrupt:
        raise ImportStopped(results, len(paths)) from None
    return results


@dataclass(frozen=True)
class Quarantined:
    """A file refused at import, as the quarantine keeps it: its name, when, and why."""

    file_name: str
    reason: str
    quarantined_at: datetime
    size: int
    sha256: str
    kept: bool  # the file itself is kept in the store (False: larger than QUARANTINE_MAX_BYTES)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file_name, "reason": self.reason, "quarantined_at": self.quarantined_at.isoformat(),
                "size": self.size, "sha256": self.sha256, "kept": self.kept}


def quarantined(store: HrStore) -> list[Quarantined]:
    """Every file held in quarantine, the newest first (one imported since is no longer there)."""
    kept = QuarantinedBundle.content.is_not(None).label("kept")
    with store.reading() as db:
        rows = db.execute(select(QuarantinedBundle.file_name, QuarantinedBundle.reason,
                                 QuarantinedBundle.quarantined_at, QuarantinedBundle.size, QuarantinedBundle.sha256,
                                 kept).order_by(QuarantinedBundle.quarantined_at.desc(),
                                                QuarantinedBundle.id.desc())).all()
    return [Quarantined(name, reason, at, size, digest, bool(is_kept))
            for name, reason, at, size, digest, is_kept in rows]


def _import_one(store: HrStore, path: Path, trusted: list[x509.Certificate], now: datetime) -> BundleResult:
    with tempfile.TemporaryDirectory(prefix="facilitator-hr-import-") as folder:
        copy = Path(folder) / (path.name or "bundle.zip")
        try:
            digest, size = _copy(path, copy)
        except OSError as exc:
            return BundleResult(path, Outcome.NOT_READ, _unreadable(path, exc))
        if _imported_before(store, digest):
            return BundleResult(path, Outcome.ALREADY, sha256=digest)
        verdict = verify_bundle(copy, trusted)
        if not verdict.valid:
            # The verdict names the private copy: HR is told of the file it gave.
            reason = verdict.finding.removeprefix(f"{copy.name}: ").replace(str(copy), str(path))
            _quarantine(store, path, copy, digest, size, reason, now)
            # Only an untrusted signer's verdict has a remedy: trusting them, which HR does with its own command.
            hint = _("check the certificate's fingerprint with the trainer, trust it with 'facilitator hr trust add' "
                     "and import the bundle again") if verdict.remedy else None
            return BundleResult(path, Outcome.QUARANTINED, reason, digest, hint=hint)
        sessions = _verified_sessions(copy, verdict)
        return _store(store, path, digest, verdict, sessions, now)


def _copy(path: Path, copy: Path) -> tuple[str, int]:
    """Copy a regular file to `copy`, private to us; its SHA-256 and size. OSError for anything else."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(0, _("it is a folder, not a bundle"))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(0, _("it is not a regular file"))
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as source, open(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
            raise OSError(0, _("it is not a regular file"))
        for piece in iter(lambda: source.read(_CHUNK), b""):
            digest.update(piece)
            out.write(piece)
            size += len(piece)
    return digest.hexdigest(), size


def _unreadable(path: Path, exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("there is no file {file}").format(file=path)
    return _("cannot read {file}: {reason}").format(file=path, reason=exc.strerror or exc)


_BUNDLES = ImportedBundle.__table__
_BUNDLE_BY_DIGEST = select(_BUNDLES.c.id).where(_BUNDLES.c.sha256 == bindparam("digest"))  # built once


def _imported_before(store: HrStore, digest: str) -> bool:
    with store.looking() as conn:
        return conn.scalar(_BUNDLE_BY_DIGEST, {"digest": digest}) is not None


def _quarantine(store: HrStore, path: Path, copy: Path, digest: str, size: int, reason: str, now: datetime) -> None:
    """Keep the refused file (if not too large) and why; a file quarantined before keeps its first record."""
    content = copy.read_bytes() if size <= QUARANTINE_MAX_BYTES else None
    with store.transaction() as db:
        db.execute(insert_new(db, QuarantinedBundle).values(
            sha256=digest, file_name=path.name, reason=reason, size=size, content=content, quarantined_at=now))


def _verified_sessions(copy: Path, verdict: Verdict) -> list[Verified]:
    """The sessions of a bundle that has just verified (the same private copy): read as verify read them, in the
    order every import writes them (their id, then their seal)."""
    sessions = []
    with bundle.OpenedBundle(copy) as opened:
        for sid in verdict.facts["sessions"]:
            data = json.loads(opened.read(f"sessions/{sid}.json"))
            record = SealedRecord.decode(data["seal"]["record"])
            amendments = tuple(Amendment.decode(a["record"]) for a in data["amendments"])
            session = exported_from(data, record, amendments)
            # Each hash encodes the whole record again (for 200 people, tens of milliseconds), so each is taken
            # once; with no amendment, the record as amended is the record as sealed, and so is its hash.
            seal = session.sealed.digest
            sessions.append(Verified(session, seal, session.record.digest if amendments else seal))
    return sorted(sessions, key=lambda v: (v.session.session_id, v.seal_sha256))


# --- writing one verified bundle --------------------------------------------------------------------------------

def _store(store: HrStore, path: Path, digest: str, verdict: Verdict, sessions: list[Verified],
           now: datetime) -> BundleResult:
    written = write_bundle(store, path.name, digest, verdict, sessions, now)
    if written is None:  # another import of the same bundle committed first
        return BundleResult(path, Outcome.ALREADY, sha256=digest, signer=verdict.signer)
    return BundleResult(path, Outcome.IMPORTED, None, digest, verdict.signer, len(sessions), written.added,
                        written.amended, written.people, written.conflicts)
