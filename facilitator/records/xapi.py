"""The xAPI 1.0.3 statements an export bundle gives HR's learning record store for one sealed session.

Each person who was present gets an "attended" statement with the minutes of delivered teaching they were there
for as its duration; each person who completed the training (DESIGN.md §3: as the verified seal and its signed
amendments decide) gets a "completed" statement too. A no-show gets none. The object is the workshop as a course,
the session is the statement's registration, and the trainer is its instructor.

Re-exporting must be harmless: an LRS keeps the first statement it gets with a given id and never changes it,
so every id is a UUIDv5 of what the statement is about (session, person's badge token, verb), and the same record
always gives the same statements, to the byte. Nothing here reads a clock, a file or the store.

Identifiers of our own (the workshop, the trainer's identity, the context extensions) are `urn:facilitator:`
IRIs: Facilitator is offline and has no web address of its own to mint IRLs under; the learning record store
used in the tests (Ralph) accepts them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

from cryptography import x509

from facilitator.domain.compliance import Standing
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.records.identity import fingerprint

XAPI_VERSION = "1.0.3"
PLATFORM = "Facilitator"  # not user text: a product name, the same in every language
AGENT, ACTIVITY, STATEMENT_REF = "Agent", "Activity", "StatementRef"  # not user text: xAPI's object types

ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# The ADL vocabulary's own display of each verb: data about the verb, not text Facilitator shows anyone.
VERB_DISPLAY = {ATTENDED: "attended", COMPLETED: "completed", VOIDED: "voided"}
# The workshop is a course in ADL's vocabulary ("an entire content package worth of material"); one session of it
# is not a separate activity but a registration, so a person's statements from two sessions of the same workshop
# are about the same course.
COURSE = "http://adlnet.gov/expapi/activities/course"

# The IRIs Facilitator defines, all here.
WORKSHOP_IRI = "urn:facilitator:workshop:{id}:{version}"  # not user text
# The trainer is named by the certificate that signed the seal: the one identity Facilitator has for a trainer
# that is stable, unique and checkable. HR holds that certificate in the bundle and can compare its fingerprint
# (as `openssl x509 -fingerprint -sha256` prints it) with the account name. A trainer's e-mail address may not
# be on record, and an account on the employer's home page would claim an employee account the trainer, often
# an outside consultant, does not have.
SIGNING_CERTIFICATE_HOME = "urn:facilitator:signing-certificate:sha256"
SESSION_EXTENSION = "urn:facilitator:xapi:session"  # the session id, as the CSV and the session JSON give it
JURISDICTIONS_EXTENSION = "urn:facilitator:xapi:credited-jurisdictions"  # on "completed": codes of "met" credits
TRACK_EXTENSION = "urn:facilitator:xapi:track"  # "employee" or "supervisor"

# Fixed forever: changing either would give every re-exported statement a new id, and HR's LRS would then keep
# each session's statements twice.
STATEMENT_NAMESPACE = uuid.UUID("0b5c7e0e-8f0c-5a53-9c6e-2f3d8a1b7c44")
REGISTRATION_NAMESPACE = uuid.UUID("9d2f4a61-3c7b-5e18-8a40-6b1e5c9d0f27")


@dataclass(frozen=True)
class XapiStatements:
    """The statements for a session, and the names of the people present who could not be given any because
    the roster holds neither an employee id (with the employer's web address set) nor an e-mail address."""

    statements: list[dict[str, Any]]
    left_out: tuple[str, ...] = ()


def statements(session: ExportedSession) -> XapiStatements:
    """Every statement for `session`, person by person in the sealed record's order, "attended" before
    "completed"."""
    made: list[dict[str, Any]] = []
    left_out: list[str] = []
    instructor = _instructor(session)
    for person in session.people:
        verbs = _verbs_of(person)
        if not verbs:
            continue
        actor = _actor(person, session.employer_home_page)
        if actor is None:
            left_out.append(person.attendee.name)
            continue
        made.extend(_statement(session, person, actor, instructor, verb) for verb in verbs)
    made.extend(_voiding(session, person, instructor) for person in _taken_back(session))
    return XapiStatements(made, tuple(left_out))


def statements_of(sessions: Sequence[ExportedSession]) -> XapiStatements:
    """Every session's statements in one list, in the sessions' order, and everyone left out of them (named with
    their session, since the same name may be in several)."""
    each = [(s.session_id, statements(s)) for s in sessions]
    return XapiStatements([st for _sid, made in each for st in made.statements],
                          tuple(f"{name} ({sid})" for sid, made in each for name in made.left_out))


def _taken_back(session: ExportedSession) -> list[ExportedPerson]:
    """The people who were given a certificate, by the seal or by any signed amendment, and no longer hold one: an
    earlier bundle may have sent their "completed" statement, which an LRS keeps for ever unless it is voided."""
    given = {a.badge_token for a in session.sealed.attendees if a.eligible and a.certificate_id is not None}
    given |= {a.person for a in session.amendments if a.eligible}
    return [p for p in session.people if not p.completed and p.attendee.badge_token in given]


def _voiding(session: ExportedSession, person: ExportedPerson, instructor: dict[str, Any]) -> dict[str, Any]:
    """xAPI's way to take back a statement (§2.3.2): the trainer voids the person's "completed" statement."""
    token = person.attendee.badge_token
    taken_back = next(a.at for a in reversed(session.amendments) if a.person == token)
    return {"id": statement_id(session.session_id, token, VOIDED), "version": XAPI_VERSION, "actor": instructor,
            "verb": {"id": VOIDED, "display": {"en-US": VERB_DISPLAY[VOIDED]}},
            "object": {"objectType": STATEMENT_REF, "id": statement_id(session.session_id, token, COMPLETED)},
            "timestamp": _local(datetime.fromisoformat(taken_back), session.starts.tzinfo)}


def statement_id(session_id: str, badge_token: str, verb: str) -> str:
    """The id of one person's statement with `verb` about one session: the same on every export."""
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{session_id}:{badge_token}:{verb}"))


def registration(session_id: str) -> str:
    """The session as an xAPI registration (a UUID, which the session's own short id is not)."""
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, session_id))


def workshop_iri(workshop_id: str, version: str) -> str:
    """The workshop as an activity: one IRI per workshop and version, whichever session delivered it."""
    return WORKSHOP_IRI.format(id=quote(workshop_id, safe=""), version=quote(version, safe=""))


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 115 is "PT1H55M", 120 "PT2H", 0 "PT0M"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"PT{hours}H{rest}M"
    return f"PT{hours}H" if hours else f"PT{rest}M"


def _verbs_of(person: ExportedPerson) -> list[str]:
    """What a person's statements say: attended if they came, completed if the record says they completed."""
    verbs = [] if person.no_show else [ATTENDED]
    # A signed amendment can decide that someone completed the training without a check-in on record; the
    # completion is still theirs to report.
    return [*verbs, COMPLETED] if person.completed else verbs


def _actor(person: ExportedPerson, employer_home_page: str | None) -> dict[str, Any] | None:
    """The person as an Agent: their account on the employer's systems where there is one to name (which HR
    matches against its own records), else their e-mail address; None when neither is known."""
    agent: dict[str, Any] = {"objectType": AGENT, **_name(person.attendee.name)}
    if employer_home_page and person.attendee.employee_id:
        return {**agent, "account": {"homePage": employer_home_page, "name": person.attendee.employee_id}}
    if person.email and person.email.strip():
        return {**agent, "mbox": f"mailto:{person.email.strip()}"}
    return None


def _instructor(session: ExportedSession) -> dict[str, Any]:
    """The trainer as an Agent named by the certificate that signed the seal (see SIGNING_CERTIFICATE_HOME)."""
    signer = x509.load_pem_x509_certificates(session.signer_cert_pem.encode("ascii"))[0]
    return {"objectType": AGENT, **_name(session.record.trainer),
            "account": {"homePage": SIGNING_CERTIFICATE_HOME, "name": fingerprint(signer)}}


def _name(name: str) -> dict[str, str]:
    """An Agent's optional name, left out when empty (xAPI forbids empty values)."""
    return {"name": name} if name.strip() else {}


def _statement(session: ExportedSession, person: ExportedPerson, actor: dict[str, Any],
               instructor: dict[str, Any], verb: str) -> dict[str, Any]:
    record = session.record
    return {
        "id": statement_id(session.session_id, person.attendee.badge_token, verb),
        "version": XAPI_VERSION,
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": VERB_DISPLAY[verb]}},
        "object": {"objectType": ACTIVITY, "id": workshop_iri(record.workshop, record.workshop_version),
                   "definition": {"type": COURSE, **_title(record.workshop_title, record.language)}},
        "result": _result(person, verb),
        "context": _context(session, person, instructor, verb),
        "timestamp": _timestamp(session, person, verb),
    }


def _title(title: str, language: str) -> dict[str, Any]:
    """The workshop's title as a language map keyed by the language it is written in: the session's."""
    return {"name": {language or "und": title}} if title.strip() else {}


def _result(person: ExportedPerson, verb: str) -> dict[str, Any]:
    """Attended: how long they were present for teaching. Completed: the completion alone, so that a system
    adding up the hours in statements does not count the same minutes twice."""
    if verb == ATTENDED:
        return {"duration": iso_duration(person.attendee.minutes)}
    return {"completion": True}


def _context(session: ExportedSession, person: ExportedPerson, instructor: dict[str, Any], verb: str
             ) -> dict[str, Any]:
    record = session.record
    context: dict[str, Any] = {"registration": registration(session.session_id),
                               "instructor": instructor,
                               "platform": PLATFORM}
    if record.workshop_version:
        context["revision"] = record.workshop_version
    if record.language:
        context["language"] = record.language
    return {**context, "extensions": _extensions(session, person, verb)}


def _extensions(session: ExportedSession, person: ExportedPerson, verb: str) -> dict[str, Any]:
    extensions: dict[str, Any] = {SESSION_EXTENSION: session.session_id}
    # The credit rides on "completed" only: an amendment can take it back (and voids that statement), while what
    # "attended" says never changes, as a statement with a given id must not (an LRS refuses it changed).
    if verb == COMPLETED:
        extensions[JURISDICTIONS_EXTENSION] = [c.code for c in session.credits(person, Standing.MET)]
    if person.attendee.track is not None:  # a seal before format 3 did not decide tracks
        extensions[TRACK_EXTENSION] = person.attendee.track
    return extensions


def _timestamp(session: ExportedSession, person: ExportedPerson, verb: str) -> str:
    """When it happened, on the trainer's clock with its UTC offset: attended at their first check-in, completed
    when the session ended."""
    if verb == ATTENDED and person.attendee.first_in is not None:
        return _local(datetime.fromisoformat(person.attendee.first_in), session.starts.tzinfo)
    return _local(session.ends, session.starts.tzinfo)


def _local(moment: datetime, zone: tzinfo | None) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")
