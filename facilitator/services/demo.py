"""The demo: a session today with a fictional roster of 24, so the app can be tried in a minute.

The clinic, the trainer and the people are data, not text to translate: they live in the built-in library's
`demo/session.json` (sessions/demo/session.json in the source tree), read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import select

from facilitator.domain.roster import Person
from facilitator.services.library import library_folder
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import TrainingSession

DEMO_FILE = "demo/session.json"  # under the built-in library folder
DEFAULT_START = time(9, 0)  # a demo planned for a given day, with no moment it is opened (tests, examples)
# The demo opened now starts this long before: people scanning in are on time, not "arrived late", and a run
# through it is a delivery that earns certificates.
LEAD = timedelta(minutes=5)


@dataclass(frozen=True)
class DemoSession:
    """What the demo session is made of, as the data file describes it."""

    workshop: str
    location: str
    trainer: str
    jurisdictions: list[str]
    people: list[dict[str, object]]


@cache
def demo_session() -> DemoSession:
    data = json.loads((library_folder() / DEMO_FILE).read_text(encoding="utf-8"))
    return DemoSession(data["workshop"], data["location"], data["trainer"], list(data["jurisdictions"]),
                       list(data["people"]))


def demo_people() -> list[Person]:
    # Addresses use example.com, which is reserved for examples and never delivers mail.
    return [Person(first_name=str(p["first_name"]), last_name=str(p["last_name"]),
                   employee_id=f"HV-{1001 + i}",  # not user text: a made-up employee id
                   email=f"{str(p['first_name']).split()[0].lower()}.{i + 1}@example.com",  # not user text
                   department=str(p["department"]), language="en", is_supervisor=bool(p["is_supervisor"]))
            for i, p in enumerate(demo_session().people)]


def demo_start(now: datetime) -> time:
    """When a demo opened at `now` starts: a few minutes earlier, to the minute, and never the day before."""
    earlier = now - LEAD
    if earlier.date() != now.date():
        return time(0, 0)
    return earlier.time().replace(second=0, microsecond=0)


def ensure_demo_session(ws: Workspace, today: date, start: time = DEFAULT_START) -> str:
    """The id of today's demo session, creating it (with its roster, starting at `start`) if the folder has none
    for today; one made earlier today keeps its own start."""
    demo = demo_session()
    with ws.store.transaction() as db:
        existing = db.scalars(select(TrainingSession.id).where(
            TrainingSession.scheduled_date == today, TrainingSession.location == demo.location)).first()
    if existing:
        return existing
    session = create_session(ws, workshop_id=demo.workshop, on=today, start=start, location=demo.location,
                             trainer=demo.trainer, jurisdictions=demo.jurisdictions)
    add_people(ws, session.id, demo_people())
    return session.id
