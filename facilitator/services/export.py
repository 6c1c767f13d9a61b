"""`facilitator export`: sealed sessions into one signed bundle that HR checks with standard tools and imports.

For each session the bundle holds its record as sealed and amended (`sessions/ID.json`), its attendance log
(`events/ID.jsonl`), its certificates, sign-in sheet and report as signed PDFs, and each certificate as an Open
Badges 3.0 credential; across sessions, `attendance.csv` for HR's spreadsheet or system and the xAPI statements
for a learning record store. `SHA256SUMS` and its signature cover every file (records/bundle.py).

Only what HR needs leaves the laptop (README.txt in the bundle says so): no feedback comment, no vote of any
person, no trainer's note (the bundle's report is printed without them). Every session must verify before
anything is written, and the zip is written whole or not at all: a Cancel or Ctrl-C leaves no file.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from facilitator import __version__
from facilitator.content.problems import ContentError
from facilitator.domain.hr_columns import ColumnMap
from facilitator.domain.sessions import SessionStatus
from facilitator.i18n import _, ngettext
from facilitator.records import attendance_log, bundle, hr_csv, openbadges, xapi
from facilitator.records.bundle_readme import readme_text, verify_text
from facilitator.records.bundle_session import in_bundle_order, session_payload
from facilitator.records.export_record import ExportedSession
from facilitator.records.identity import Identity, fingerprint
from facilitator.services import certificates, reports
from facilitator.services.attendance_record import stored_log
from facilitator.services.delivery import session_run
from facilitator.services.errors import Remedy, Stopped, UserError
from facilitator.services.exported_sessions import exported_session
from facilitator.services.files import output_target, save
from facilitator.services.hr_columns import BUNDLED_NAME, column_map
from facilitator.services.identity import get_identity
from facilitator.services.workspace import Workspace
from facilitator.storage.models import HrExport, SessionAmendment, TrainingSession

Progress = Callable[[int, int], None]  # done, total
STEPS_PER_SESSION = 4  # the record, the certificates, the sign-in sheet, the report


@dataclass(frozen=True)
class ExportResult:
    """What was written: the bundle, the sessions in it, and how many of each kind of record."""

    path: Path
    sessions: tuple[str, ...]
    people: int
    certificates: int
    statements: int
    left_out_of_xapi: tuple[str, ...]  # people named by neither an employee id on the employer's system nor e-mail
    sha256: str  # of the zip, to compare with what HR received

    @property
    def message(self) -> str:
        return ngettext("Wrote {sessions} session ({people} people, {certificates} certificates) to {file}",
                        "Wrote {sessions} sessions ({people} people, {certificates} certificates) to {file}",
                        len(self.sessions)).format(sessions=len(self.sessions), people=self.people,
                                                   certificates=self.certificates, file=self.path)

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "sessions": list(self.sessions), "people": self.people,
                "certificates": self.certificates, "statements": self.statements,
                "left_out_of_xapi": list(self.left_out_of_xapi), "sha256": self.sha256}


def a_facilitator_bundle(path: Path) -> bool:
    """Whether an existing file is a bundle this program wrote (so --out may replace it without --force)."""
    try:
        with bundle.OpenedBundle(path) as opened:
            return bundle.MANIFEST in opened.names and "README.txt" in opened.names and \
                b"Facilitator" in opened.read("README.txt")
    except bundle.BundleError:
        return False


def export_bundle(ws: Workspace, session_ids: Sequence[str], out: Path, *, columns: Path | None = None,
                  passphrase: str | None = None, force: bool = False, progress: Progress | None = None,
                  now: datetime | None = None) -> ExportResult:
    """Write the bundle of `session_ids` (each sealed, each verifying) to `out`; nothing is written if any fails."""
    if not session_ids:
        raise nothing_to_export()
    target = output_target(ws, out, force=force, ours=a_facilitator_bundle, example="bundle.zip")
    mapping, map_text = _column_map(columns) if columns is not None else (None, None)
    # Every session verified before a key is asked for or a file made: one that is not sealed, or does not
    # verify, stops the export with nothing written.
    exported = in_bundle_order(exported_session(ws, sid) for sid in dict.fromkeys(session_ids))
    identity = get_identity(ws, passphrase)
    now = now or datetime.now(UTC)
    made = xapi.statements_of(exported)

    def write(out: BinaryIO) -> None:
        writer = bundle.BundleWriter(out, now.astimezone())
        try:
            _write_sessions(ws, writer, exported, identity, passphrase, progress)
            writer.add_all(_shared_files(exported, identity, mapping))
            if map_text is not None:  # so a verifier can write attendance.csv again and compare
                writer.add(BUNDLED_NAME, map_text.encode("utf-8"))
            writer.add("xapi/statements.json", bundle.json_file(made.statements))
            writer.add("README.txt", readme_text(exported, now, len(made.statements), made.left_out,
                                                 _described(mapping), __version__).encode("utf-8"))
            writer.finish(identity.key)
        finally:
            writer.close()

    try:
        save(target, write)
    except KeyboardInterrupt:  # Cancel in the app, Ctrl-C on the command line: the half-made zip is gone
        raise Stopped(_("stopped: no bundle was written")) from None
    digest = _sha256_of(target)
    _remember(ws, exported, digest, now)
    return ExportResult(target, tuple(s.session_id for s in exported), sum(len(s.people) for s in exported),
                        sum(1 for s in exported for p in s.people if p.completed), len(made.statements),
                        made.left_out, digest)


def nothing_to_export() -> UserError:
    return UserError(_("no sessions to export"), Remedy(command=_("name sealed sessions, or use --all-sealed"),
                                                        menu=_("close and seal a session first")))


def sealed_sessions(ws: Workspace) -> list[str]:
    """Every sealed session, oldest first: what `--all-sealed` exports."""
    with ws.store.transaction() as db:
        return list(db.scalars(select(TrainingSession.id).where(TrainingSession.status == SessionStatus.SEALED)
                               .order_by(TrainingSession.scheduled_date, TrainingSession.start_time)))


def new_since_last(ws: Workspace) -> list[str]:
    """The sealed sessions never exported, or amended since they last were: what `--since-last` exports."""
    with ws.store.transaction() as db:
        exported = dict(db.execute(select(HrExport.session_id, func.max(HrExport.amendments))
                                   .group_by(HrExport.session_id)).all())
    return newer_than(ws, exported)


def newer_than(ws: Workspace, held: dict[str, int]) -> list[str]:
    """The sealed sessions that `held` (session id → how many amendments it has of it) lacks, or has with fewer
    amendments than this laptop."""
    with ws.store.transaction() as db:
        amendments = dict(db.execute(select(SessionAmendment.session_id, func.count())
                                     .group_by(SessionAmendment.session_id)).all())
    return [sid for sid in sealed_sessions(ws) if sid not in held or amendments.get(sid, 0) > held[sid]]


def _remember(ws: Workspace, sessions: list[ExportedSession], digest: str, now: datetime) -> None:
    with ws.store.write_transaction() as db:
        db.add_all(HrExport(session_id=s.session_id, amendments=len(s.amendments), exported_at=now,
                            bundle_sha256=digest) for s in sessions)


def _write_sessions(ws: Workspace, writer: bundle.BundleWriter, exported: list[ExportedSession],
                    identity: Identity, passphrase: str | None, progress: Progress | None) -> None:
    """Each session's files, one session at a time, with the progress after each step."""
    total, done = STEPS_PER_SESSION * len(exported), 0
    for session in exported:
        writer.add_all(_session_files(session, _events(ws, session.session_id), _delivery(ws, session.session_id),
                                      identity))
        done += 1
        _tell(progress, done, total)
        writer.add_all(_documents(ws, session, passphrase, lambda step, base=done: _tell(progress, base + step,
                                                                                          total)))
        done += STEPS_PER_SESSION - 1


def _sha256_of(path: Path) -> str:
    """The written bundle's SHA-256, read back in pieces: what HR can compare with what it received."""
    digest = sha256()
    with open(path, "rb") as file:
        for piece in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(piece)
    return digest.hexdigest()


def _column_map(path: Path) -> tuple[ColumnMap, str]:
    """A column map for attendance.csv, and its text; a UserError naming the file, line and entry when it is not a
    good one."""
    try:
        mapping = column_map(path)
        return mapping, path.read_bytes().decode("utf-8")
    except ContentError as exc:
        raise UserError(str(exc.problems[0]), Remedy(
            command=_("fix the map, or start from one in assets/hr-columns"),
            menu=_("fix the map, or start from one that comes with Facilitator"))) from exc
    except (OSError, UnicodeDecodeError) as exc:  # changed since it was read a moment ago
        raise UserError(_("cannot read {file}: {reason}").format(file=path, reason=exc)) from exc


def _described(mapping: ColumnMap | None) -> list[tuple[str, str]]:
    """attendance.csv's columns as the README lists them: our own, or a map's headers and what each holds."""
    ours = dict(hr_csv.column_descriptions())
    if mapping is None:
        return list(ours.items())
    return [(c.header, ours[c.source] if c.source else _("always \"{value}\"").format(value=c.constant))
            for c in mapping.columns]


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(min(done, total), total)


def _events(ws: Workspace, session_id: str) -> list[attendance_log.StoredEvent]:
    with ws.store.transaction() as db:
        return stored_log(db, session_id)


def _session_files(session: ExportedSession, events: list[attendance_log.StoredEvent],
                   delivery: list[dict[str, Any]], identity: Identity) -> dict[str, bytes]:
    """sessions/ID.json, events/ID.jsonl and the session's credentials."""
    sid = session.session_id
    files = {f"sessions/{sid}.json": bundle.json_file(session_payload(session, delivery)),
             f"events/{sid}.jsonl": bundle.events_file(events)}
    for person in session.people:
        if person.completed:
            credential = openbadges.credential(session, person, signer=identity.cert)
            name = f"credentials/{person.attendee.certificate_id}"
            files[f"{name}.json"] = bundle.json_file(credential)
            files[f"{name}.jwt"] = (openbadges.sign_vc_jwt(credential, identity) + "\n").encode("ascii")
    return files


def _delivery(ws: Workspace, session_id: str) -> list[dict[str, Any]]:
    """Each segment as it ran: when, and for how long (no results, notes or roles: those stay on the laptop)."""
    segments = []
    for run in session_run(ws, session_id).delivery.runs:
        segments.append({"segment": run.segment.id, "title": run.segment.title, "kind": str(run.segment.kind),
                         "skipped": run.skipped,
                         "started": run.started_at.isoformat(timespec="seconds") if run.started_at else None,
                         "ended": run.ended_at.isoformat(timespec="seconds") if run.ended_at else None})
    return segments


def _documents(ws: Workspace, session: ExportedSession, passphrase: str | None,
               step: Callable[[int], None]) -> dict[str, bytes]:
    """The session's signed PDFs, made as `facilitator certificates`, `signin-sheet` and `report` make them."""
    sid = session.session_id
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="facilitator-export-") as temp:
        folder = Path(temp)
        made = certificates.make_certificates(ws, sid, folder / "certificates", passphrase=passphrase)
        if made.not_made:
            raise UserError(_("session {session}: {problem}").format(session=sid, problem=made.not_made[0]))
        files |= {f"certificates/{sid}/{path.name}": path.read_bytes() for path in made.files}
        step(1)
        reports.make_signin_sheet(ws, sid, folder / "signin-sheet.pdf", passphrase=passphrase)
        files[f"documents/{sid}/signin-sheet.pdf"] = (folder / "signin-sheet.pdf").read_bytes()
        step(2)
        reports.make_report(ws, sid, folder / "report.pdf", passphrase=passphrase, with_notes=False)
        files[f"documents/{sid}/report.pdf"] = (folder / "report.pdf").read_bytes()
        step(3)
    return files


def _shared_files(sessions: list[ExportedSession], identity: Identity, mapping: ColumnMap | None
                  ) -> dict[str, bytes]:
    csv_text = io.StringIO(newline="")
    hr_csv.write_csv(sessions, csv_text, mapping)
    public = identity.cert.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"attendance.csv": csv_text.getvalue().encode("utf-8"), bundle.TRAINER_CERT: identity.cert_pem(),
            bundle.TRAINER_KEY: public,
            "VERIFY.txt": verify_text(fingerprint(identity.cert), identity.cert.subject.rfc4514_string()
                                      ).encode("utf-8")}
