"""A sealed session as the export bundle tells it: its verified record, with the roster details and times HR needs.

Only a seal that verifies is exported (DESIGN.md §3), and the roster rows read here are the ones the verification
compared with the seal; the delivery log gives the session's end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from facilitator.domain.delivery import Delivery
from facilitator.records.export_record import ExportedPerson, ExportedSession
from facilitator.services.delivery import session_delivery
from facilitator.services.seals import amendment_rows, seal_row, verified_seal
from facilitator.services.sessions import find_session
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace


def exported_session(ws: Workspace, session_id: str) -> ExportedSession:
    """The session as a bundle exports it; a UserError (and nothing made) when it is not sealed or does not
    verify."""
    seal = verified_seal(ws, session_id)
    settings = load_settings(ws)
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        roster = {e.badge_token: e for e in session.roster}
        signed = seal_row(db, session.id)
        amendments = amendment_rows(db, session.id)
        # To the second, as the bundle writes them, so what a verifier reads back makes the same records.
        starts = datetime.combine(session.scheduled_date, session.start_time).astimezone().replace(microsecond=0)
        ends = _delivery_end(session_delivery(ws, db, session)) or starts + timedelta(
            minutes=seal.sealed.planned_minutes or 0)
        snapshot = session.workshop_snapshot
    assert signed is not None  # verified_seal found it
    people = tuple(ExportedPerson(a, roster[a.badge_token].first_name, roster[a.badge_token].last_name,
                                  roster[a.badge_token].email, roster[a.badge_token].language)
                   for a in seal.amended.attendees)
    return ExportedSession(seal.sealed, seal.amended, seal.amendments, signed.jws, tuple(a.jws for a in amendments),
                           people, starts, ends.astimezone().replace(microsecond=0), settings.organisation,
                           settings.employer_web_address or None, snapshot, seal.signer_cert,
                           tuple(a.signer_cert for a in amendments))


def _delivery_end(delivery: Delivery) -> datetime | None:
    """When the last segment that ran ended, if the delivery log records one."""
    ends = [run.ended_at for run in delivery.runs if run.ended_at is not None]
    return max(ends) if ends else None
