"""The demo: a session today with a fictional roster of 24, so the app can be tried in a minute."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from facilitator.domain.roster import Person
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import TrainingSession

DEMO_WORKSHOP = "harassment-prevention-employees"
DEMO_LOCATION = "Harbor View Clinic, Training Room B (demo)"
DEMO_TRAINER = "Jordan Ellis (demo trainer)"
DEMO_JURISDICTIONS = ["ny-state", "nyc"]

# Fictional people. Addresses use example.com, which is reserved for examples and never delivers mail.
_PEOPLE = [
    ("Amara", "Okafor", "Nursing", True), ("Luis", "Hernández", "Nursing", False),
    ("Mei", "Chen", "Pharmacy", False), ("Daniel", "O'Brien", "Facilities", True),
    ("Priya", "Raman", "Pharmacy", False), ("Tomasz", "Wiśniewski", "Facilities", False),
    ("Fatima", "Al-Sayed", "Front Desk", False), ("Jamal", "Washington", "Nursing", False),
    ("Sofia", "Rossi", "Billing", False), ("Kenji", "Watanabe", "Radiology", True),
    ("Grace", "Mensah", "Radiology", False), ("Noah", "Goldberg", "Billing", False),
    ("Ana Lucía", "Torres Vega", "Front Desk", True), ("Ikaika", "Kahananui", "Facilities", False),
    ("Olga", "Petrova", "Laboratory", False), ("Samuel", "Adeyemi", "Laboratory", True),
    ("Hannah", "Schmidt", "Nursing", False), ("Rashid", "Karimi", "IT", False),
    ("Chloé", "Dubois", "Billing", False), ("Marcus", "Johnson", "IT", True),
    ("Leilani", "Nakamura", "Radiology", False), ("Diego", "Fernández", "Laboratory", False),
    ("Aisha", "Bello", "Pharmacy", False), ("Seo-yeon", "Park", "Front Desk", False),
]


def demo_people() -> list[Person]:
    return [Person(first_name=first, last_name=last, employee_id=f"HV-{1001 + i}",
                   email=f"{first.split()[0].lower()}.{i + 1}@example.com", department=dept,
                   language="en", is_supervisor=lead)
            for i, (first, last, dept, lead) in enumerate(_PEOPLE)]


def ensure_demo_session(ws: Workspace, today: date) -> str:
    """The id of today's demo session, creating it (with its roster) if the folder has none for today."""
    with ws.store.transaction() as db:
        existing = db.scalars(select(TrainingSession.id).where(
            TrainingSession.scheduled_date == today, TrainingSession.location == DEMO_LOCATION)).first()
    if existing:
        return existing
    session = create_session(ws, workshop_id=DEMO_WORKSHOP, on=today, start=time(9, 0), location=DEMO_LOCATION,
                             trainer=DEMO_TRAINER, jurisdictions=DEMO_JURISDICTIONS)
    add_people(ws, session.id, demo_people())
    return session.id
