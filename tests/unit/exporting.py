"""Sealed sessions to export in tests: delivered as planned through the console's services, then closed and
sealed, as a trainer's day ends. Names with accents, an apostrophe and a formula-looking field test the formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from facilitator.domain.roster import Person
from facilitator.domain.segment_kinds import SegmentKind
from facilitator.services import attendance, closing, delivery
from facilitator.services.identity import signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.delivering import deliver_as_planned

PRIVATE_COMMENT = "Kim's manager shouted again"  # an anonymous comment that must never leave in a bundle
SUPERVISORS = [Person("Zoë", "O'Neil", "E1", "zoe@example.com", is_supervisor=True),
               Person("José", "Núñez", "E2", "jose@example.com", is_supervisor=True),
               Person("Ana", "Díaz", "=HYPERLINK(\"x\")", None, is_supervisor=True),
               Person("Kim", "Park", None, "kim@example.com", is_supervisor=True)]


def sealed_session(ws: Workspace, *, ago: timedelta = timedelta(minutes=160), people: list[Person] | None = None,
                   workshop: str = "harassment-prevention-supervisors", jurisdictions: tuple[str, ...] = (
                       "ca-supervisors",), trainer: str = "Sam Lee") -> str:
    """A session that started `ago` and was sealed now: the first person stayed throughout, the second left an
    hour in, the third came for the whole session, the fourth never came."""
    session_id = delivered_session(ws, ago=ago, people=people, workshop=workshop, jurisdictions=jurisdictions,
                                   trainer=trainer)
    closing.close_session(ws, session_id, signer(ws, create_as=trainer), at=datetime.now(UTC))
    return session_id


def delivered_session(ws: Workspace, *, ago: timedelta = timedelta(minutes=160), people: list[Person] | None = None,
                      workshop: str = "harassment-prevention-supervisors", jurisdictions: tuple[str, ...] = (
                          "ca-supervisors",), trainer: str = "Sam Lee") -> str:
    """The session `sealed_session` makes, delivered and ready to close, but not yet sealed."""
    now = datetime.now(UTC)
    start = (now - ago).astimezone()
    detail = create_session(ws, workshop_id=workshop, on=start.date(), start=start.strftime("%H:%M"),
                            location="Main St warehouse", trainer=trainer, jurisdictions=list(jurisdictions))
    add_people(ws, detail.id, people if people is not None else SUPERVISORS)
    codes = [p.badge_code for p in get_session(ws, detail.id).roster]
    present = codes[:3] if len(codes) > 3 else codes[:-1] or codes
    for code in present:
        attendance.check_in(ws, detail.id, code, at=now - ago - timedelta(minutes=1))
    if len(present) > 1:
        attendance.check_out(ws, detail.id, present[1], at=now - ago + timedelta(minutes=60))
    deliver_as_planned(ws, detail.id, start)
    feedback = next(s.id for s in delivery.session_run(ws, detail.id).workshop.segments
                    if SegmentKind(s.type) is SegmentKind.FEEDBACK)
    delivery.add_feedback(ws, detail.id, feedback, rating=2, comment=PRIVATE_COMMENT)
    set_setting(ws, "organisation", "Harbor View Clinic")
    return detail.id
