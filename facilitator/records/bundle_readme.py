"""README.txt and VERIFY.txt of an export bundle: what is in it, what is not, and how to check it without this app.

The texts go through the translation seam like any other a person reads; the commands in them do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from facilitator.i18n import _
from facilitator.records import attendance_log
from facilitator.records.bundle import MANIFEST, SIGNATURE, TRAINER_CERT, TRAINER_KEY
from facilitator.records.export_record import ExportedSession

# How the README names the bundle's files of each session (ID stands for a session's, CERT a certificate's).
SESSIONS, EVENTS, CERTIFICATES = "sessions/ID.json", "events/ID.jsonl", "certificates/ID/"  # not user text
CREDENTIALS, DOCUMENTS = "credentials/CERT.json", "documents/ID/"  # not user text


def readme_text(sessions: Sequence[ExportedSession], made: datetime, statements: int,
                left_out: Sequence[str], columns: Sequence[tuple[str, str]], version: str) -> str:
    """What the bundle holds, file by file, and what it deliberately leaves out (`version`: Facilitator's)."""
    lines = [_("Training records exported by Facilitator {version} on {when}.").format(
        version=version, when=made.astimezone().isoformat(timespec="seconds")), "",
        _("Sessions in this bundle:")]
    for s in sessions:
        lines.append(f"  {s.session_id}  {s.record.date}  {s.record.workshop_title} — {s.record.location} "
                     f"({s.record.trainer})")
    files = [("attendance.csv", _("one row per person per session, for a spreadsheet or an HR system (UTF-8; "
                                  "columns below)")),
             (SESSIONS, _("the whole record of each session: the seal and any amendments as the trainer "
                                    "signed them, the workshop as delivered and its hash, the people, their minutes "
                                    "and outcomes, the segments as they ran")),
             (EVENTS, _("each session's attendance log, one event per line, hash-chained (see "
                                   "VERIFY.txt)")),
             (CERTIFICATES, _("the signed certificate PDFs")),
             (CREDENTIALS, _("each certificate as an Open Badges 3.0 credential, and CERT.jwt the same "
                                         "credential signed (VC-JWT, ES256, with the trainer's public key in its "
                                         "header)")),
             (DOCUMENTS, _("the signed sign-in sheet and session report")),
             ("xapi/statements.json", _("{count} xAPI 1.0.3 statements for a learning record store; their ids are "
                                        "fixed, so sending them twice stores them once").format(count=statements)),
             (f"{TRAINER_CERT}, {TRAINER_KEY}", _("the trainer's signing certificate and its public key")),
             (f"{MANIFEST}, {SIGNATURE}", _("every file's SHA-256, and the trainer's signature over that list"))]
    lines += ["", _("Files:"), *(f"  {name:<22}{text}" for name, text in files),
              "", _("Not in this bundle, on purpose: feedback comments, anyone's vote or answer, who played which "
                    "part in a role-play, the trainer's notes (the report in this bundle is printed without them). "
                    "Votes and feedback were anonymous and stay so."), ""]
    if left_out:
        lines += [_("Not in the xAPI statements (no employee id on the employer's web address, and no e-mail "
                    "address): {names}").format(names=", ".join(left_out)), ""]
    lines.append(_("attendance.csv columns:"))
    lines += [f"  {name}: {description}" for name, description in columns]
    return "\n".join(lines) + "\n"


def verify_text(cert_fingerprint: str, signer: str) -> str:
    """How to check the bundle with standard tools, and the rule that chains each attendance log."""
    return "\n".join([
        _("How to check this bundle without Facilitator"), "",
        _("1. In the unpacked folder, check that no file was changed, added or removed:"),
        f"     sha256sum -c {MANIFEST}",
        _("   (and that every file in the folder is listed in {manifest}).").format(manifest=MANIFEST), "",
        _("2. Check that the trainer signed that list:"),
        f"     openssl dgst -sha256 -verify {TRAINER_KEY} -signature {SIGNATURE} {MANIFEST}",
        _("   It must print \"Verified OK\"."), "",
        _("3. Check that the key is the trainer's. Anyone can make a certificate in any name, so a forged bundle "
          "would carry its own: compare this one's fingerprint with the one the trainer gave you themselves (read "
          "out by phone or in person, or from the certificate file they sent you separately; on their laptop, "
          "File → Signing identity… or 'facilitator keys show' prints it):"),
        f"     openssl x509 -in {TRAINER_CERT} -noout -fingerprint -sha256",
        _("   This bundle says it was signed by {signer}, whose certificate's fingerprint it gives as:").format(
            signer=signer),
        f"     {cert_fingerprint}",
        _("   Only if that is the fingerprint the trainer gave you is the bundle theirs."), "",
        _("4. With Facilitator, one command checks all of the above and every seal, amendment, attendance log, "
          "certificate PDF and credential, and that the spreadsheet, the learning records and the credentials say "
          "what the sealed records say. Trust the certificate the trainer gave you, not the one in this bundle:"),
        "     facilitator verify BUNDLE.zip --trust TRAINER-CERTIFICATE.pem", "",
        _("The attendance log's chain (events/ID.jsonl): each line is a JSON object. Its \"hash\" is the SHA-256, "
          "in hex, of the line without \"hash\", written with its keys sorted, no spaces, and UTF-8 text as itself "
          "(Python: json.dumps(fields, sort_keys=True, separators=(',', ':'), ensure_ascii=False)). Each line's "
          "\"prev\" is the line before's \"hash\"; the first line's \"prev\" is the SHA-256 of the text "
          "\"{format}:\" followed by the session id. The last hash and the number of lines are in the sealed "
          "record (sessions/ID.json, seal → record → chain), which the trainer's key signed.").format(
            format=attendance_log.FORMAT), ""])
