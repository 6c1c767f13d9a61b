"""Adding people to a session's roster. Each person gets a fresh, unguessable badge code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from facilitator.domain.ids import new_badge_token
from facilitator.domain.roster import Person
from facilitator.services.errors import UserError
from facilitator.services.sessions import find_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import RosterEntry


def add_people(ws: Workspace, session_id: str, people: Iterable[Person], *, walk_in: bool = False) -> int:
    """Add `people` to the roster in one transaction; returns how many were added."""
    now = datetime.now(UTC)
    with ws.store.transaction() as db:
        session = find_session(db, session_id)
        if session.status == "sealed":
            raise UserError(f"session {session.id} is sealed; its roster can no longer change")
        rows = [RosterEntry(session_id=session.id, first_name=p.first_name, last_name=p.last_name,
                            employee_id=p.employee_id, email=p.email, department=p.department,
                            supervisor=p.supervisor, language=p.language, is_supervisor=p.is_supervisor,
                            walk_in=walk_in, badge_token=new_badge_token(), added_at=now) for p in people]
        db.add_all(rows)
    return len(rows)
