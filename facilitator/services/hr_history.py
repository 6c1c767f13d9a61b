"""What HR's store holds, read back: the sessions imported (`hr sessions`) and one person's history (`hr person`).

A session sealed differently on two laptops is two records; both are listed, each marked as a conflict, which is
decided here when reading (two records of one session id), so no import running at the same moment can leave it
unmarked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_, select

from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError
from facilitator.storage.hr_database import HrStore
from facilitator.storage.hr_models import HrAttendance, HrCredit, HrSession, ImportedBundle


@dataclass(frozen=True)
class ImportedSession:
    """One session record in HR's store."""

    session_id: str
    seal_sha256: str
    date: date
    start: str | None
    trainer: str
    location: str
    workshop: str
    workshop_version: str
    people: int
    completed: int
    amendments: int
    conflict: bool  # another record of the same session (sealed on another laptop) is in the store too
    signer_fingerprint: str
    bundle: str  # the file name of the bundle its people come from

    def to_json(self) -> dict[str, Any]:
        return {"session": self.session_id, "seal_sha256": self.seal_sha256, "date": self.date.isoformat(),
                "start": self.start, "trainer": self.trainer, "location": self.location, "workshop": self.workshop,
                "workshop_version": self.workshop_version, "people": self.people, "completed": self.completed,
                "amendments": self.amendments, "conflict": self.conflict,
                "signer_fingerprint": self.signer_fingerprint, "bundle": self.bundle}


def _conflicted() -> Any:
    return select(HrSession.session_id).group_by(HrSession.session_id).having(func.count() > 1)


def imported_sessions(store: HrStore) -> list[ImportedSession]:
    """Every session record, oldest first."""
    completed = func.sum(case((HrAttendance.completion == "completed", 1), else_=0))
    with store.reading() as db:
        conflicted = set(db.scalars(_conflicted()))
        counts = {row_id: (people, done or 0) for row_id, people, done in db.execute(
            select(HrAttendance.session_row_id, func.count(), completed).group_by(HrAttendance.session_row_id))}
        rows = db.execute(select(HrSession, ImportedBundle.file_name).join(
            ImportedBundle, ImportedBundle.id == HrSession.bundle_id).order_by(
            HrSession.date, HrSession.start_time, HrSession.session_id, HrSession.seal_sha256)).all()
    return [ImportedSession(s.session_id, s.seal_sha256, s.date, s.start_time, s.trainer, s.location,
                            s.workshop_title, s.workshop_version, *counts.get(s.id, (0, 0)), s.amendments,
                            s.session_id in conflicted, s.signer_fingerprint, file_name) for s, file_name in rows]


@dataclass(frozen=True)
class Attended:
    """One session on a person's record: how it went for them, and what it credited them with."""

    session_id: str
    seal_sha256: str
    date: date
    workshop: str
    workshop_version: str
    trainer: str
    location: str
    completion: str
    minutes: int
    certificate_id: str | None
    track: str | None
    credits: tuple[tuple[str, str], ...]  # (jurisdiction code, standing)
    amended: bool
    conflict: bool

    def to_json(self) -> dict[str, Any]:
        return {"session": self.session_id, "seal_sha256": self.seal_sha256, "date": self.date.isoformat(),
                "workshop": self.workshop, "workshop_version": self.workshop_version, "trainer": self.trainer,
                "location": self.location, "completion": self.completion, "minutes": self.minutes,
                "certificate_id": self.certificate_id, "track": self.track,
                "credits": [{"jurisdiction": code, "standing": standing} for code, standing in self.credits],
                "amended": self.amended, "conflict": self.conflict}


@dataclass(frozen=True)
class PersonHistory:
    """Everything the store holds about one person, found by employee id or e-mail address."""

    asked: str
    names: tuple[str, ...]
    employee_ids: tuple[str, ...]
    emails: tuple[str, ...]
    sessions: tuple[Attended, ...]  # oldest first

    def to_json(self) -> dict[str, Any]:
        return {"asked": self.asked, "names": list(self.names), "employee_ids": list(self.employee_ids),
                "emails": list(self.emails), "sessions": [s.to_json() for s in self.sessions]}


def person_history(store: HrStore, who: str) -> PersonHistory:
    """The sessions of the person whose employee id is `who`, or whose e-mail address is `who` (in any case)."""
    asked = who.strip()
    if not asked:
        raise UserError(_("give an employee id or an e-mail address"))
    with store.reading() as db:
        conflicted = set(db.scalars(_conflicted()))
        rows = db.execute(select(HrAttendance, HrSession).join(HrSession, HrSession.id == HrAttendance.session_row_id)
                          .where(or_(HrAttendance.employee_id == asked, HrAttendance.email_key == asked.casefold()))
                          .order_by(HrSession.date, HrSession.start_time, HrSession.session_id)).all()
        credits: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for attendance_id, code, standing in db.execute(
                select(HrCredit.attendance_id, HrCredit.code, HrCredit.standing).where(
                    HrCredit.attendance_id.in_([a.id for a, _s in rows])).order_by(HrCredit.code)):
            credits[attendance_id].append((code, standing))
    if not rows:
        raise UserError(_("no one with the employee id or e-mail address '{who}' is in the imported records").format(
            who=asked), Remedy(command=_("check it, or import the bundle of their session with 'facilitator hr "
                                         "import'"), menu=_("check it, or import the bundle of their session")))
    sessions = tuple(Attended(s.session_id, s.seal_sha256, s.date, s.workshop_title, s.workshop_version, s.trainer,
                              s.location, a.completion, a.minutes, a.certificate_id, a.track,
                              tuple(credits[a.id]), a.amended, s.session_id in conflicted) for a, s in rows)
    return PersonHistory(asked, _distinct(f"{a.first_name} {a.last_name}".strip() for a, _s in rows),
                         _distinct(a.employee_id for a, _s in rows), _distinct(a.email for a, _s in rows), sessions)


def _distinct(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def held_sessions(store: HrStore) -> dict[str, int]:
    """Every session HR holds a record of, with the most amendments any of its records reflects."""
    with store.reading() as db:
        return dict(db.execute(select(HrSession.session_id, func.max(HrSession.amendments))
                               .group_by(HrSession.session_id)).all())
