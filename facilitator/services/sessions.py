"""Planning sessions: create, list and show. Each call is one transaction and returns plain data."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from facilitator.content.library import text_digest
from facilitator.content.problems import ContentError
from facilitator.content.schema import WorkshopFile
from facilitator.content.workshops import parse_workshop
from facilitator.domain.compliance import binds
from facilitator.domain.ids import new_session_id
from facilitator.domain.jurisdiction import Jurisdiction
from facilitator.domain.sessions import DEFAULT_GRACE_MINUTES, MAX_GRACE_MINUTES, SessionStatus
from facilitator.domain.times import clock, iso
from facilitator.i18n import _, ngettext
from facilitator.services.errors import Remedy, UserError
from facilitator.services.library import coverage, get_jurisdiction, get_workshop
from facilitator.services.settings import Settings, load_settings
from facilitator.services.workspace import Workspace
from facilitator.storage.models import RosterEntry, SessionJurisdiction, TrainingSession

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class JurisdictionCheck:
    """Whether the session's workshop meets one of the session's jurisdictions."""

    code: str
    name: str
    citation: str
    satisfied: bool
    shortfalls: list[str]
    note: str = ""  # whether its law binds the employer, by the headcount and industry it gave, where in doubt


@dataclass(frozen=True)
class RosterPerson:
    id: int
    first_name: str
    last_name: str
    employee_id: str | None
    email: str | None
    department: str | None
    is_supervisor: bool
    walk_in: bool
    badge_code: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class SessionSummary:
    id: str
    workshop_id: str
    workshop_title: str
    workshop_version: str
    date: str
    start: str
    location: str
    trainer: str
    jurisdictions: list[str]
    status: SessionStatus
    roster_count: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class SessionDetail(SessionSummary):
    language: str
    grace_minutes: int
    workshop_sha256: str
    created_at: str
    coverage: list[JurisdictionCheck]
    roster: list[RosterPerson]


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(_("'{text}' is not a date; write it as YYYY-MM-DD, for example 2026-03-14").format(
            text=text)) from None


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise UserError(_("'{text}' is not a time; write it as HH:MM on a 24-hour clock, for example 09:30").format(
            text=text))
    return time(int(match.group(1)), int(match.group(2)))


def _required(value: str, *, trainer: bool = False) -> str:
    """The location (or, with `trainer`, the trainer's name) with its spaces tidied; a UserError if it is empty
    or longer than 200 characters."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise UserError(_("the trainer's name is empty; give the trainer's name") if trainer
                        else _("the location is empty; give the location"))
    if len(cleaned) > 200:
        too_long = (ngettext("the trainer's name is {count} character long; shorten it to 200 or fewer",
                             "the trainer's name is {count} characters long; shorten it to 200 or fewer", len(cleaned))
                    if trainer else
                    ngettext("the location is {count} character long; shorten it to 200 or fewer",
                             "the location is {count} characters long; shorten it to 200 or fewer", len(cleaned)))
        raise UserError(too_long.format(count=len(cleaned)))
    return cleaned


def check_grace_minutes(minutes: int) -> int:
    """`minutes` if it is a grace period a session may have (0 to MAX_GRACE_MINUTES); a UserError otherwise."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_GRACE_MINUTES:
        raise UserError(_("the grace period must be 0 to {most} minutes, not {minutes}: it is the time after the "
                          "start before someone counts as late, and it is taken off the minutes a certificate "
                          "needs").format(most=MAX_GRACE_MINUTES, minutes=minutes),
                        Remedy(command=_("give --grace-minutes from 0 to {most}").format(most=MAX_GRACE_MINUTES),
                               menu=_("choose 0 to {most} minutes in 'Late after'").format(most=MAX_GRACE_MINUTES)))
    return minutes


def create_session(ws: Workspace, *, workshop_id: str, on: str | date, start: str | time, location: str,
                   trainer: str, jurisdictions: list[str], grace_minutes: int = DEFAULT_GRACE_MINUTES) -> SessionDetail:
    """Schedule a delivery of a workshop, freezing a copy of the workshop file as it is today."""
    grace_minutes = check_grace_minutes(grace_minutes)
    workshop = get_workshop(ws.library, workshop_id)
    codes = list(dict.fromkeys(c.strip() for c in jurisdictions if c.strip()))
    if not codes:
        raise UserError(_("choose at least one jurisdiction (use 'none' if no law applies)"))
    for code in codes:
        get_jurisdiction(ws.library, code)
    snapshot = ws.library.workshop_files[workshop.id].read_text(encoding="utf-8")
    row = TrainingSession(
        id=new_session_id(), workshop_id=workshop.id, workshop_version=workshop.version,
        workshop_title=workshop.title, workshop_sha256=text_digest(snapshot),
        workshop_snapshot=snapshot,
        scheduled_date=on if isinstance(on, date) else parse_date(on),
        start_time=start if isinstance(start, time) else parse_time(start),
        location=_required(location), trainer=_required(trainer, trainer=True),
        language=workshop.language, grace_minutes=grace_minutes, status=SessionStatus.PLANNED,
        created_at=datetime.now(UTC),
        jurisdictions=[SessionJurisdiction(code=c, position=i) for i, c in enumerate(codes)],
    )
    with ws.store.transaction() as db:
        db.add(row)
    return get_session(ws, row.id)


def list_sessions(ws: Workspace) -> list[SessionSummary]:
    """Every session, soonest first."""
    with ws.store.transaction() as db:
        counts = dict(db.execute(select(RosterEntry.session_id, func.count()).group_by(RosterEntry.session_id)).all())
        rows = db.scalars(select(TrainingSession).order_by(TrainingSession.scheduled_date,
                                                            TrainingSession.start_time)).all()
        return [_summary(r, counts.get(r.id, 0)) for r in rows]


def full_id(ws: Workspace, session_id: str) -> str:
    """The whole id of the session `session_id` names (any unambiguous start of it, in any case)."""
    with ws.store.transaction() as db:
        return find_session(db, session_id).id


def get_session(ws: Workspace, session_id: str) -> SessionDetail:
    """One session in full. `session_id` may be any unambiguous start of the id, in any case."""
    with ws.store.transaction() as db:
        row = find_session(db, session_id)
        summary = _summary(row, len(row.roster))
        return SessionDetail(
            **asdict(summary), language=row.language, grace_minutes=row.grace_minutes,
            workshop_sha256=row.workshop_sha256, created_at=iso(row.created_at),
            coverage=_coverage(ws, row), roster=[roster_person(p) for p in row.roster])


def find_session(db: Session, session_id: str) -> TrainingSession:
    wanted = session_id.strip().upper()
    if not wanted:
        raise UserError(_("no session id given"), _see_the_sessions())
    exact = db.get(TrainingSession, wanted)  # the whole id, as the app and the phones' pages give it: by its key
    if exact is not None:
        return exact
    matches = db.scalars(select(TrainingSession).where(TrainingSession.id.startswith(wanted, autoescape=True))).all()
    exact = [m for m in matches if m.id == wanted]
    if exact:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserError(_("no session '{session}'").format(session=session_id), _see_the_sessions())
    raise UserError(ngettext("'{session}' matches {count} session ({ids}); give more of the id",
                             "'{session}' matches {count} sessions ({ids}); give more of the id", len(matches)).format(
        session=session_id, count=len(matches), ids=", ".join(m.id for m in matches)))


def _see_the_sessions() -> Remedy:
    return Remedy(command=_("see 'facilitator session list'"),
                  menu=_("choose one on the Sessions tab (View → Sessions, Ctrl+1)"))


def _summary(row: TrainingSession, roster_count: int) -> SessionSummary:
    return SessionSummary(
        id=row.id, workshop_id=row.workshop_id, workshop_title=row.workshop_title,
        workshop_version=row.workshop_version, date=row.scheduled_date.isoformat(),
        start=clock(row.start_time), location=row.location, trainer=row.trainer,
        jurisdictions=[j.code for j in row.jurisdictions], status=row.effective_status,
        roster_count=roster_count)


def frozen_workshop(ws: Workspace, row: TrainingSession) -> WorkshopFile:
    """The workshop as it was frozen for this session, not as the library has it now.

    Raises ContentError if the snapshot no longer validates against today's topics."""
    if ws.library.workshop_digests.get(row.workshop_id) == text_digest(row.workshop_snapshot):
        return ws.library.workshops[row.workshop_id]  # the very text the library validated, against the same topics
    return _parsed_snapshot(row.workshop_snapshot, ws.data_dir / f"session-{row.id}.yaml", ws.library.topic_ids)


@lru_cache(maxsize=32)
def _parsed_snapshot(text: str, name: Path, topics: frozenset[str]) -> WorkshopFile:
    # Every view of a session asks for its workshop, and parsing and validating a snapshot takes tens of
    # milliseconds; a snapshot never changes once frozen, and the parsed workshop is immutable (a snapshot that
    # fails is not kept: it is parsed again, and fails again, with the same message).
    return parse_workshop(text, name, topics)


def _coverage(ws: Workspace, row: TrainingSession) -> list[JurisdictionCheck]:
    try:
        workshop = frozen_workshop(ws, row)
    except ContentError as exc:
        reason = _("the workshop as frozen for this session no longer validates: {problem}").format(
            problem=exc.problems[0])
        return [JurisdictionCheck(j.code, j.code, "", False, [reason]) for j in row.jurisdictions]
    checks = []
    try:
        settings = load_settings(ws)
    except UserError:
        settings = None  # a damaged settings file is told where the settings are used
    for j in row.jurisdictions:
        profile = ws.library.jurisdictions.get(j.code)
        if profile is None:
            checks.append(JurisdictionCheck(j.code, j.code, "", False, [_("this profile is no longer in the library")]))
            continue
        result = coverage(workshop, profile, ws.library)
        checks.append(JurisdictionCheck(profile.code, profile.name, profile.citation, result.satisfied,
                                        [f"{s.requirement}: {s.message}" for s in result.shortfalls],
                                        _binding(profile, settings)))
    return checks


def _binding(profile: Jurisdiction, settings: Settings | None) -> str:
    """Where the employer's answers say the law may not bind it, or cannot tell, why; "" where it binds."""
    if settings is None:
        return ""
    return binds(profile, settings.employer_employees, settings.employer_industry)[1]


# What a RosterPerson is made of, for queries that read plain rows instead of the session's roster objects.
ROSTER_COLUMNS = (RosterEntry.id, RosterEntry.first_name, RosterEntry.last_name, RosterEntry.employee_id,
                  RosterEntry.email, RosterEntry.department, RosterEntry.is_supervisor, RosterEntry.walk_in,
                  RosterEntry.badge_token, RosterEntry.language)


def roster_person(p: RosterEntry | Row[Any]) -> RosterPerson:
    return RosterPerson(p.id, p.first_name, p.last_name, p.employee_id, p.email, p.department,
                        p.is_supervisor, p.walk_in, p.badge_token)
