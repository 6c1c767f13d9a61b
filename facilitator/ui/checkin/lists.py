"""The check-in desk's lists: who is in the room, who is not here (yet, or any more), the recent scans, and the
people a search found; and how an entry of the attendance log is named when it is undone.
"""

from __future__ import annotations

import re
from datetime import datetime

from facilitator.domain.attendance import EventKind, Source, Status
from facilitator.domain.times import clock
from facilitator.i18n import N_, _, pgettext
from facilitator.services.attendance import VOIDABLE, AttendanceRow, LogEntry
from facilitator.services.sessions import RosterPerson
from facilitator.ui.models import Column

ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)")
LATE = {Status.LATE, Status.LATE_AND_LEFT_EARLY}
SOURCES = {Source.SCANNER: N_("scanner"), Source.CAMERA: N_("camera"), Source.TYPED: N_("typed"),
           Source.SEARCH: N_("search"), Source.DESK: N_("desk"), Source.CLI: N_("cli"), Source.PAPER: N_("paper"),
           Source.PHONE: N_("phone")}
UNDO_QUESTIONS = {EventKind.CHECK_IN: N_("Undo the check-in of {person} at {time}?"),
                  EventKind.CHECK_OUT: N_("Undo the check-out of {person} at {time}?"),
                  EventKind.WALK_IN: N_("Undo the walk-in of {person} at {time}?"),
                  EventKind.ACKNOWLEDGED: N_("Undo the acknowledgment of {person} at {time}?")}


def _note(row: AttendanceRow) -> str:
    notes = [_("late")] if row.status in LATE else []
    if row.last_out and not row.is_in:
        notes.append(_("left {time}").format(time=clock(row.last_out)))
    if row.person.walk_in:
        notes.append(_("walk-in"))
    if row.acknowledged:
        notes.append(_("acknowledgment signed"))
    return ", ".join(notes)


def _local_times(text: str | None) -> str:
    """The log's details give times as UTC ISO 8601 (for auditors); the desk shows them as local HH:MM."""
    return ISO_MOMENT.sub(lambda m: clock(datetime.fromisoformat(m.group())), text or "")


def _what(entry: LogEntry) -> str:
    names = {EventKind.CHECK_IN: _("Checked in"), EventKind.CHECK_OUT: _("Checked out"),
             EventKind.VOID: pgettext("an undone event in the attendance log", "Undo"),
             EventKind.WALK_IN: _("Walk-in added"), EventKind.REJECTED: _("Refused"),
             EventKind.ACKNOWLEDGED: _("Acknowledgment signed")}
    text = names.get(entry.kind, entry.kind)  # StrEnum keys match the stored strings
    return _("{what} (undone)").format(what=text) if entry.voided_by else text


def _via(entry: LogEntry) -> str:
    source = entry.source or ""
    return _(SOURCES[source]) if source in SOURCES else source


IN_ROOM = [Column[AttendanceRow](N_("Name"), lambda r: r.person.full_name),
           Column[AttendanceRow](N_("Since"), lambda r: clock(r.first_in)),
           Column[AttendanceRow](N_("Department"), lambda r: r.person.department or ""),
           Column[AttendanceRow](N_("Note"), _note)]
NOT_HERE = [Column[AttendanceRow](N_("Name"), lambda r: r.person.full_name),
            Column[AttendanceRow](N_("Department"), lambda r: r.person.department or ""),
            Column[AttendanceRow](N_("Note"), _note)]
RECENT = [Column[LogEntry](N_("Time"), lambda e: clock(e.at, seconds=True)),
          Column[LogEntry](N_("What"), _what),
          Column[LogEntry](N_("Who"), lambda e: e.person or ""),
          Column[LogEntry](N_("Detail"), lambda e: _local_times(e.detail)),
          Column[LogEntry](N_("Via"), _via)]
MATCHES = [Column[RosterPerson](N_("Name"), lambda p: p.full_name),
           Column[RosterPerson](N_("Employee ID"), lambda p: p.employee_id or ""),
           Column[RosterPerson](N_("Department"), lambda p: p.department or ""),
           Column[RosterPerson](N_("Email"), lambda p: p.email or "")]


def undoable(entry: LogEntry) -> bool:
    return entry.kind in VOIDABLE and entry.voided_by is None


def undo_question(entry: LogEntry) -> str:
    """"Undo the check-in of Zoë O'Neil at 09:05?"."""
    return _(UNDO_QUESTIONS[EventKind(entry.kind)]).format(person=entry.person or _("someone"), time=clock(entry.at))
