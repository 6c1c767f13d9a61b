"""Writing one verified bundle into HR's store, in one transaction: `hr import`'s last step (hr_import.py).

The bundle's row, then each session record with its people and their credits. Every row has a unique key
(hr_models) and is inserted with `ON CONFLICT DO NOTHING`, so a bundle imported again, or by another import at the
same moment, writes nothing twice; hr_import's docstring says what each case does.

The rows are written as the database driver takes them (storage/hr_rows.py): one INSERT of the bundle and one of
each session record (their ids returned), then each record's people with the driver's `executemany`, their ids read
back with one SELECT, and their credits with another `executemany`. Nothing goes through the ORM's unit of work,
and no row's parameters through SQLAlchemy's per-row processing: for 200 people that processing alone cost more
than the database's own work. The same transaction then asks once which of the bundle's sessions the store holds
more than one seal of (a conflict between laptops), and takes the bundle out of quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from cryptography import x509
from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from facilitator.domain.compliance import Standing
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.records.identity import fingerprint
from facilitator.records.sealed import SealedCredit, SealedRecord
from facilitator.services.verification import Verdict
from facilitator.storage.hr_database import HrStore, insert_new
from facilitator.storage.hr_models import HrAttendance, HrCredit, HrSession, ImportedBundle, QuarantinedBundle
from facilitator.storage.hr_rows import day_for, insert_many, moment_for

# The tables themselves, not their mapped classes: rows are written as rows, without the ORM's bookkeeping.
_BUNDLES, _SESSIONS = ImportedBundle.__table__, HrSession.__table__
_PEOPLE, _CREDITS, _QUARANTINE = HrAttendance.__table__, HrCredit.__table__, QuarantinedBundle.__table__
PERSON_COLUMNS = ("session_row_id", "badge_token", "employee_id", "email", "email_key", "first_name", "last_name",
                  "walk_in", "completion", "completion_date", "minutes", "checked_in", "checked_out",
                  "certificate_id", "track", "acknowledged", "amended")
CREDIT_COLUMNS = ("attendance_id", "code", "name", "standing")

# The statements every import runs, built once (their values are given with each execution), so that SQLAlchemy
# neither builds nor looks up their compiled form again for each bundle.
_QUARANTINE_LEFT = delete(_QUARANTINE).where(_QUARANTINE.c.sha256 == bindparam("digest"))
_PEOPLE_IDS = select(_PEOPLE.c.badge_token, _PEOPLE.c.id).where(_PEOPLE.c.session_row_id == bindparam("row_id"))
_SESSION_ROW = select(_SESSIONS.c.id, _SESSIONS.c.amendments).where(
    _SESSIONS.c.session_id == bindparam("sid"), _SESSIONS.c.seal_sha256 == bindparam("seal"))
_CONFLICTS = (select(_SESSIONS.c.session_id).where(_SESSIONS.c.session_id.in_(bindparam("sids", expanding=True)))
              .group_by(_SESSIONS.c.session_id).having(func.count() > 1).order_by(_SESSIONS.c.session_id))


@cache
def _adding(dialect: str, table: Table) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING RETURNING id` of one row of `table`, for `dialect`: None comes back for a
    row that was there already."""
    return insert_new(dialect, table).returning(table.c.id)


@dataclass(frozen=True)
class Verified:
    """A session record of a bundle that verified, with the hashes that name it in the store: its seal's, and
    the record's as its amendments leave it."""

    session: ExportedSession
    seal_sha256: str
    amended_sha256: str


@dataclass(frozen=True)
class Written:
    """What writing a bundle changed."""

    added: int  # records new to the store
    amended: int  # records whose people a later amendment changed
    people: int  # person rows written
    conflicts: tuple[str, ...]  # sessions the store now holds more than one seal of


def write_bundle(store: HrStore, file_name: str, digest: str, verdict: Verdict, sessions: list[Verified],
                 now: datetime) -> Written | None:
    """Write a verified bundle's rows in one transaction; None when another import of the same bundle committed
    first (and nothing was written)."""
    added = amended = people = 0
    with store.writing() as conn:
        bundle_id = conn.scalar(_adding(conn.dialect.name, _BUNDLES), {
            "sha256": digest, "file_name": file_name, "signer_fingerprint": verdict.facts["fingerprint"],
            "signer_subject": verdict.signer or "", "sessions": len(sessions), "imported_at": now})
        if bundle_id is None:
            return None
        for verified in sessions:
            change = _store_session(conn, verified, bundle_id, now)
            added += change == "added"
            amended += change == "amended"
            people += len(verified.session.people) if change else 0
        conflicts = _conflicts(conn, [v.session.session_id for v in sessions])
        # Quarantined before (its signer not yet trusted, say) and imported now: no longer held back.
        conn.execute(_QUARANTINE_LEFT, {"digest": digest})
    return Written(added, amended, people, conflicts)


def _store_session(conn: Connection, verified: Verified, bundle_id: int, now: datetime) -> str | None:
    """Add the session record, or bring it up to a later amendment; what was done ("added", "amended", None)."""
    session = verified.session
    values = _session_values(verified, bundle_id, now)
    row_id = conn.scalar(_adding(conn.dialect.name, _SESSIONS), values)
    if row_id is not None:
        _store_people(conn, row_id, session)
        return "added"
    row_id, stored = conn.execute(_SESSION_ROW, {"sid": values["session_id"], "seal": values["seal_sha256"]}).one()
    count = len(session.amendments)
    if count <= stored:
        return None  # the same record, or an older state of it
    changed = conn.execute(update(_SESSIONS).where(_SESSIONS.c.id == row_id, _SESSIONS.c.amendments < count).values(
        amendments=count, amended_sha256=values["amended_sha256"], bundle_id=bundle_id, ends_at=values["ends_at"],
        updated_at=now)).rowcount
    if changed != 1:  # another import brought it this far first, and wrote its people
        return None
    conn.execute(delete(_CREDITS).where(_CREDITS.c.attendance_id.in_(
        select(_PEOPLE.c.id).where(_PEOPLE.c.session_row_id == row_id))))
    conn.execute(delete(_PEOPLE).where(_PEOPLE.c.session_row_id == row_id))
    _store_people(conn, row_id, session)
    return "amended"


def _session_values(verified: Verified, bundle_id: int, now: datetime) -> dict[str, Any]:
    session = verified.session
    record = session.record
    signer = x509.load_pem_x509_certificates(session.signer_cert_pem.encode("ascii"))[0]
    return {"session_id": session.session_id, "seal_sha256": verified.seal_sha256, "bundle_id": bundle_id,
            "signer_fingerprint": fingerprint(signer), "trainer": record.trainer,
            "trainer_organisation": record.trainer_organisation, "employer": session.employer,
            "date": datetime.strptime(record.date, "%Y-%m-%d").date(), "start_time": record.start,
            "starts_at": session.starts, "ends_at": session.ends, "location": record.location,
            "language": record.language, "workshop_id": record.workshop, "workshop_version": record.workshop_version,
            "workshop_title": record.workshop_title, "jurisdictions": "; ".join(_planned(record)),
            "closed_at": datetime.fromisoformat(record.closed_at), "amendments": len(session.amendments),
            "amended_sha256": verified.amended_sha256, "imported_at": now, "updated_at": now}


def _planned(record: SealedRecord) -> tuple[str, ...]:
    """The jurisdictions the session was planned for (a format-1 seal names only those it met)."""
    return record.jurisdiction_codes or tuple(j.code for j in record.jurisdictions)


def _store_people(conn: Connection, row_id: int, session: ExportedSession) -> None:
    """The session record's people, then their credits, each with the driver's executemany.

    The people's ids are read back with one SELECT rather than returned by the INSERT: an executemany returns no
    rows, and a RETURNING of many rows is one statement with a parameter for every value (thousands), which
    PostgreSQL's driver parses again each time. Every person of this session record is one this transaction wrote:
    it has just inserted the record, or has just won its amendment (the UPDATE above, whose lock holds any other
    import back) and cleared its people."""
    dialect = conn.dialect.name
    rows = person_rows(row_id, session, dialect)
    if not rows:
        return
    insert_many(conn, _PEOPLE, PERSON_COLUMNS, rows)
    ids: dict[str, int] = {token: number for token, number in conn.execute(_PEOPLE_IDS, {"row_id": row_id})}
    credits = [(ids[p.attendee.badge_token], c.code, c.name, c.standing)
               for p in session.people if p.attendee.badge_token in ids for c in credits_of(session, p)]
    insert_many(conn, _CREDITS, CREDIT_COLUMNS, credits)


def person_rows(row_id: int, session: ExportedSession, dialect: str) -> list[tuple[Any, ...]]:
    """The session record's people as rows of hr_attendance, in PERSON_COLUMNS' order, ready for `dialect`'s
    driver (hr_rows)."""
    moment, day = moment_for(dialect), day_for(dialect)
    amended = {a.person for a in session.amendments}
    completed_on = day(session.ends.date())
    return [_person_row(row_id, person, amended, completed_on, moment) for person in session.people]


def _person_row(row_id: int, person: ExportedPerson, amended: set[str], completed_on: date | str,
                moment: Any) -> tuple[Any, ...]:
    attendee, completion = person.attendee, person.completion
    return (row_id, attendee.badge_token, attendee.employee_id, person.email,
            person.email.casefold() if person.email else None, person.first_name, person.last_name,
            attendee.walk_in, completion, completed_on if completion == "completed" else None, attendee.minutes,
            moment(_moment(attendee.first_in)), moment(_moment(attendee.last_out)), attendee.certificate_id,
            attendee.track, attendee.acknowledged, attendee.badge_token in amended)


_STANDINGS = {standing: place for place, standing in enumerate(Standing)}


def credits_of(session: ExportedSession, person: ExportedPerson) -> list[SealedCredit]:
    """What `person` is credited with, every standing at once, in `Standing`'s order: `session.credits(person, s)`
    for each standing `s` in turn (a test holds them to that), in one pass over the record rather than four. "met"
    only for someone who completed, as there."""
    found = [c for c in session.record.credits_of(person.attendee)
             if c.standing in _STANDINGS and (c.standing != Standing.MET or person.completed)]
    return sorted(found, key=lambda c: _STANDINGS[c.standing])


def _moment(stored: str | None) -> datetime | None:
    return None if stored is None else datetime.fromisoformat(stored)


def _conflicts(conn: Connection, session_ids: list[str]) -> tuple[str, ...]:
    """Which of `session_ids` the store holds more than one seal of (as far as this transaction sees)."""
    return tuple(conn.scalars(_CONFLICTS, {"sids": session_ids}))
