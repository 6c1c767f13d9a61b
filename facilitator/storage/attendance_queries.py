"""The queries a check-in runs, built once and executed on a plain connection.

A door may see a scan every second for twenty minutes, and each must be committed before it is confirmed;
prepared Core statements keep the work around that commit small (benchmarks/run.py --only checkin).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, bindparam, exists, select, union_all

from facilitator.storage.models import AttendanceEvent, RosterEntry, SessionSeal, TrainingSession

_sessions = TrainingSession.__table__.c
_roster = RosterEntry.__table__.c
_events = AttendanceEvent.__table__.c
_seals = SessionSeal.__table__.c



def _newest(column: Any) -> Any:
    return select(column).where(_events.session_id == _sessions.id).order_by(_events.seq.desc()).limit(1)


# With the session, the newest event's number and hash: one round trip fewer on every scan.
_SESSION = select(_sessions.id, _sessions.status, _sessions.trainer, _sessions.scheduled_date,
                  _sessions.start_time, _sessions.grace_minutes, _sessions.language,
                  exists().where(_seals.session_id == _sessions.id).label("has_seal"),
                  _newest(_events.seq).scalar_subquery().label("last_seq"),
                  _newest(_events.hash).scalar_subquery().label("last_hash")).where(_sessions.id == bindparam("id"))
_HOLDER = select(*_roster).where(_roster.badge_token == bindparam("token"))
# A person's events by the badge token the chain covers; events written before tokens were kept (schema 0001)
# have none, and are found by their roster row.
# Two selects, not one with OR, so each finds its rows through its own index rather than scanning the session.
_PERSON_COLUMNS = (_events.seq, _events.kind, _events.occurred_at, _events.voids_seq)
_PERSON_EVENTS = union_all(
    select(*_PERSON_COLUMNS).where(_events.session_id == bindparam("session"),
                                   _events.person_token == bindparam("token")),
    select(*_PERSON_COLUMNS).where(_events.session_id == bindparam("session"), _events.person_token.is_(None),
                                   _events.roster_entry_id == bindparam("person"))).order_by("seq")
_LAST = select(_events.seq, _events.hash).where(_events.session_id == bindparam("session")).order_by(
    _events.seq.desc()).limit(1)
_INSERT = AttendanceEvent.__table__.insert()


def door_session(conn: Connection, session_id: str) -> Row[Any] | None:
    """The few facts about a session that a scan needs, by its exact id, with its newest event's seq and hash
    (None for both before the first event)."""
    return conn.execute(_SESSION, {"id": session_id}).first()


def badge_holder(conn: Connection, token: str) -> Row[Any] | None:
    """The roster entry holding a badge token, in whichever session it is."""
    return conn.execute(_HOLDER, {"token": token}).first()


def person_events(conn: Connection, session_id: str, entry_id: int, token: str) -> list[Row[Any]]:
    return list(conn.execute(_PERSON_EVENTS, {"session": session_id, "person": entry_id, "token": token}))


def last_link(conn: Connection, session_id: str) -> Row[Any] | None:
    """The newest event's number and hash, which the next event chains onto."""
    return conn.execute(_LAST, {"session": session_id}).first()


def insert_event(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(_INSERT, values)
