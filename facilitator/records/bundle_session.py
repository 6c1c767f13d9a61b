"""sessions/ID.json: one session's whole record in an export bundle, written from an `ExportedSession` and read
back into one, so that a verifier can make the spreadsheet, the learning records and the credentials again from
what was signed and compare.

What is signed by the seal and its amendments is under "seal" and "amendments" (the records as signed, their JWS
and their signers' certificates); "as_amended" repeats what they add up to. The rest (the people's names apart,
e-mail and language, the session's times on the trainer's clock, the employer, the segments as they ran) is the
trainer's at export, covered by the bundle's signed manifest; reading it back checks it against the seal wherever
the seal says the same thing (who is on the roster, under which name; the date and the start).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from facilitator.i18n import _
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.records.sealed import Amendment, SealedRecord

SESSION_FORMAT = "facilitator-export-session-1"


def in_bundle_order(sessions: Iterable[ExportedSession]) -> list[ExportedSession]:
    """The order sessions take in a bundle's CSV and statements, whoever lists them: by date, start and id, so a
    verifier reading them back makes the same files."""
    return sorted(sessions, key=lambda s: (s.record.date, s.record.start or "", s.session_id))


def session_payload(session: ExportedSession, delivery: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole record of a session, as sessions/ID.json holds it."""
    return {
        "format": SESSION_FORMAT, "session": session.session_id,
        "seal": {"record": session.sealed.to_payload(), "jws": session.seal_jws,
                 "signer_certificate": session.signer_cert_pem},
        "amendments": [{"record": a.to_payload(), "jws": token, "signer_certificate": signer}
                       for a, token, signer in zip(session.amendments, session.amendment_jws,
                                                   session.amendment_signers, strict=True)],
        "as_amended": session.record.to_payload(),
        "workshop": {"id": session.record.workshop, "version": session.record.workshop_version,
                     "title": session.record.workshop_title, "sha256": session.record.materials_sha256,
                     "snapshot": session.workshop_snapshot},
        "times": {"start": session.starts.isoformat(timespec="seconds"),
                  "end": session.ends.isoformat(timespec="seconds")},
        "employer": session.employer, "employer_web_address": session.employer_home_page,
        "people": [{"badge_token": p.attendee.badge_token, "first_name": p.first_name, "last_name": p.last_name,
                    "email": p.email, "language": p.language, "completion": p.completion}
                   for p in session.people],
        "delivery": delivery,
    }


def exported_from(data: Mapping[str, Any], sealed: SealedRecord, amendments: tuple[Amendment, ...]
                  ) -> ExportedSession:
    """The ExportedSession that `data` (a sessions/ID.json already checked for its signatures, whose seal and
    amendments are `sealed` and `amendments`) was written from. ValueError, saying what, where it disagrees with
    the seal; KeyError or TypeError where it is not the format at all."""
    record = sealed.amended(amendments)
    people = tuple(_person(p, record) for p in data["people"])
    if [p.attendee.badge_token for p in people] != [a.badge_token for a in record.attendees]:
        raise ValueError(_("its people are not the sealed roster"))
    starts, ends = (datetime.fromisoformat(data["times"][k]) for k in ("start", "end"))
    if starts.date().isoformat() != sealed.date or (sealed.start is not None and
                                                    starts.strftime("%H:%M") != sealed.start) or ends < starts:
        raise ValueError(_("its times are not the sealed date and start"))
    return ExportedSession(
        sealed, record, amendments, data["seal"]["jws"], tuple(a["jws"] for a in data["amendments"]), people,
        starts, ends, _text(data["employer"]), data["employer_web_address"] or None,
        _text(data["workshop"]["snapshot"]), _text(data["seal"]["signer_certificate"]),
        tuple(_text(a["signer_certificate"]) for a in data["amendments"]))


def _person(data: Mapping[str, Any], record: SealedRecord) -> ExportedPerson:
    attendee = next((a for a in record.attendees if a.badge_token == data["badge_token"]), None)
    if attendee is None:
        raise ValueError(_("it names someone not in the sealed record"))
    person = ExportedPerson(attendee, _text(data["first_name"]), _text(data["last_name"]),
                            _optional_text(data["email"]), _optional_text(data["language"]))
    if f"{person.first_name} {person.last_name}".strip() != attendee.name:
        raise ValueError(_("{name} is not under the name sealed").format(name=attendee.name))
    if data["completion"] != person.completion:
        raise ValueError(_("{name}'s completion is not what the sealed record says").format(name=attendee.name))
    return person


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")  # caught and told as "not a readable session record"
    return value
