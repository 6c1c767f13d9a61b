"""The HR window's tables: Qt models over what HR's services return (due dates, import results, trusted
certificates, quarantine, imported sessions, one person's history), and how each cell reads.

Overdue rows say so in words ("Overdue by 43 days"), and are also shown in bold and red; the colour is never the
only mark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from facilitator.domain.compliance import STANDING_WORDS
from facilitator.domain.due import DueRow, DueStatus
from facilitator.i18n import N_, _, ngettext
from facilitator.services.hr_history import Attended, ImportedSession
from facilitator.services.hr_import import BundleResult, Outcome, Quarantined
from facilitator.services.hr_trust import Trusted
from facilitator.ui.models import Column, Index, RowsModel
from facilitator.ui.widgets import plain

T = TypeVar("T")
FONT_ROLE, FOREGROUND_ROLE = int(Qt.ItemDataRole.FontRole), int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
WARNING_RED = "#b00020"

OUTCOME_WORDS = {Outcome.IMPORTED: N_("Imported"), Outcome.ALREADY: N_("Imported before"),
                 Outcome.QUARANTINED: N_("Quarantined"), Outcome.NOT_READ: N_("Not read")}
COMPLETION_WORDS = {"completed": N_("completed"), "incomplete": N_("incomplete"), "no-show": N_("no-show")}


class MarkedRowsModel(RowsModel[T]):
    """Rows of which some are marked (bold and red, beside the words that already say why), with a tooltip of
    their own where a cell's text is cut short."""

    def __init__(self, columns: Sequence[Column[T]], marked: Callable[[T], bool],
                 tooltip: Callable[[T, int], str | None] | None = None, parent: Any = None) -> None:
        super().__init__(columns, (), parent)
        self._marked = marked
        self._tooltip = tooltip
        self._bold = QFont()
        self._bold.setBold(True)
        self._red = QBrush(QColor(WARNING_RED))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role in (FONT_ROLE, FOREGROUND_ROLE, TOOLTIP_ROLE) and index.isValid() \
                and 0 <= index.row() < self.rowCount():
            row = self.row(index.row())
            if role == TOOLTIP_ROLE:
                tip = self._tooltip(row, index.column()) if self._tooltip else None
                return plain(tip) if tip is not None else super().data(index, role)
            if self._marked(row):
                return self._bold if role == FONT_ROLE else self._red
            return None
        return super().data(index, role)


# --- due dates ---------------------------------------------------------------------------------------------------

def due_status(row: DueRow) -> str:
    """The status in words, with how many days: "Overdue by 43 days", "Due in 12 days", "Due today"."""
    days = row.days_left
    if row.status is DueStatus.OVERDUE and days is not None:
        return ngettext("Overdue by {n} day", "Overdue by {n} days", -days).format(n=-days)
    if row.status is DueStatus.DUE_SOON and days is not None:
        return _("Due today") if days == 0 else ngettext("Due in {n} day", "Due in {n} days", days).format(n=days)
    words = row.status_words
    return words[:1].upper() + words[1:]


def _last_training(row: DueRow) -> str:
    return row.last_training.on.isoformat() if row.last_training else _("never")


DUE_COLUMNS = [
    Column[DueRow](N_("Employee"), lambda r: r.name),
    Column[DueRow](N_("ID"), lambda r: r.employee_id),
    Column[DueRow](N_("Jurisdiction"), lambda r: r.jurisdiction_name),
    Column[DueRow](N_("Rule"), lambda r: r.rule),
    Column[DueRow](N_("Last training"), _last_training),
    Column[DueRow](N_("Due"), lambda r: r.due.isoformat() if r.due else "—"),
    Column[DueRow](N_("Status"), due_status),
    Column[DueRow](N_("Note"), lambda r: r.note),
]
DUE_RULE, DUE_NOTE = 3, 7


def _due_tooltip(row: DueRow, column: int) -> str | None:
    if column == 2:
        listed = _("listed as {code}").format(code=row.listed_as) if row.listed_as else ""
        return "\n".join(filter(None, (f"{row.jurisdiction_name} ({row.jurisdiction})", row.citation, listed)))
    if column == 4 and row.last_training and row.last_training.session_id:
        return _("session {session}").format(session=row.last_training.session_id)
    return None


def due_model(parent: Any = None) -> MarkedRowsModel[DueRow]:
    return MarkedRowsModel(DUE_COLUMNS, lambda r: r.status is DueStatus.OVERDUE, _due_tooltip, parent)


# --- bundles and certificates ------------------------------------------------------------------------------------

def result_details(result: BundleResult) -> str:
    """What became of one bundle, without its name (the File column has it); never a shell command."""
    if result.outcome is Outcome.IMPORTED:
        said = ngettext("{sessions} session: {added} new, {amended} amended, {people} people written",
                        "{sessions} sessions: {added} new, {amended} amended, {people} people written",
                        result.sessions).format(sessions=result.sessions, added=result.added,
                                                amended=result.amended, people=result.people)
        if result.signer:
            said += "; " + _("signed by {signer}").format(signer=result.signer)
        if result.conflicts:
            said += "; " + _("conflict: another laptop sealed {sessions} differently; both records are kept").format(
                sessions=", ".join(result.conflicts))
        return said
    if result.outcome is Outcome.ALREADY:
        return _("nothing changed")
    if result.outcome is Outcome.QUARANTINED and result.hint:
        return _("{reason}; check the certificate's fingerprint with the trainer, trust it (Trust a "
                 "certificate…) and import the bundle again").format(reason=result.reason)
    return result.reason or ""


RESULT_COLUMNS = [
    Column[BundleResult](N_("File"), lambda r: r.path.name or str(r.path)),
    Column[BundleResult](N_("Outcome"), lambda r: _(OUTCOME_WORDS[r.outcome])),
    Column[BundleResult](N_("Details"), result_details),
]


def results_model(parent: Any = None) -> MarkedRowsModel[BundleResult]:
    return MarkedRowsModel(RESULT_COLUMNS, lambda r: not r.ok,
                           lambda r, c: str(r.path) if c == 0 else None, parent)


def short_fingerprint(full: str) -> str:
    """The first 64 bits of a colon-separated fingerprint in four groups, as the trainer's app shows them."""
    bare = full.replace(":", "")[:16]
    return " ".join(bare[i:i + 4] for i in range(0, len(bare), 4))


def _until(cert: Trusted) -> str:
    day = cert.not_after.date().isoformat()
    return _("EXPIRED {date}").format(date=day) if cert.expired else day


TRUSTED_COLUMNS = [
    Column[Trusted](N_("Name"), lambda t: t.name),
    Column[Trusted](N_("Fingerprint"), lambda t: short_fingerprint(t.fingerprint)),
    Column[Trusted](N_("Subject"), lambda t: t.subject),
    Column[Trusted](N_("Valid until"), _until),
]


def trusted_model(parent: Any = None) -> MarkedRowsModel[Trusted]:
    return MarkedRowsModel(TRUSTED_COLUMNS, lambda t: t.expired,
                           lambda t, c: _("SHA-256 {fingerprint}").format(fingerprint=t.fingerprint) if c == 1
                           else None, parent)


# --- what the store holds ----------------------------------------------------------------------------------------

def local_moment(moment: datetime) -> str:
    """An aware moment as this computer's local date and time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def file_size(size: int) -> str:
    if size < 1024:
        return ngettext("{n} byte", "{n} bytes", size).format(n=size)
    if size < 1024 * 1024:
        return _("{n} KB").format(n=round(size / 1024))
    return _("{n} MB").format(n=round(size / 1024 / 1024, 1))


QUARANTINE_COLUMNS = [
    Column[Quarantined](N_("When"), lambda q: local_moment(q.quarantined_at)),
    Column[Quarantined](N_("File"), lambda q: q.file_name),
    Column[Quarantined](N_("Reason"), lambda q: q.reason),
    Column[Quarantined](N_("Size"), lambda q: file_size(q.size), align_right=True),
    Column[Quarantined](N_("Kept"), lambda q: _("yes") if q.kept else _("no: too large to keep")),
]


def quarantine_model(parent: Any = None) -> MarkedRowsModel[Quarantined]:
    return MarkedRowsModel(QUARANTINE_COLUMNS, lambda q: False,
                           lambda q, c: _("SHA-256 {digest}").format(digest=q.sha256) if c == 1 else None, parent)


def _session_note(s: ImportedSession) -> str:
    notes = [ngettext("{n} amendment", "{n} amendments", s.amendments).format(n=s.amendments)] if s.amendments \
        else []
    if s.conflict:
        notes.append(_("CONFLICT: also sealed differently elsewhere (seal {seal}…)").format(seal=s.seal_sha256[:12]))
    return "; ".join(notes)


SESSION_COLUMNS = [
    Column[ImportedSession](N_("Date"), lambda s: s.date.isoformat()),
    Column[ImportedSession](N_("Start"), lambda s: s.start or ""),
    Column[ImportedSession](N_("Workshop"), lambda s: s.workshop),
    Column[ImportedSession](N_("Trainer"), lambda s: s.trainer),
    Column[ImportedSession](N_("Site"), lambda s: s.location),
    Column[ImportedSession](N_("Completed"), lambda s: _("{done} of {n}").format(done=s.completed, n=s.people),
                            align_right=True),
    Column[ImportedSession](N_("Note"), _session_note),
    Column[ImportedSession](N_("Session"), lambda s: s.session_id),
]


def sessions_model(parent: Any = None) -> MarkedRowsModel[ImportedSession]:
    return MarkedRowsModel(SESSION_COLUMNS, lambda s: s.conflict,
                           lambda s, c: _("from {bundle}").format(bundle=s.bundle) if c == 7 else None, parent)


def _credits(a: Attended) -> str:
    return "; ".join(f"{code}: {_(STANDING_WORDS.get(standing, standing))}" for code, standing in a.credits)


def _attended_note(a: Attended) -> str:
    notes = [_("decided by a signed amendment")] if a.amended else []
    if a.conflict:
        notes.append(_("CONFLICT: this session was also sealed differently elsewhere"))
    return "; ".join(notes)


def _outcome(a: Attended) -> str:
    words = _(COMPLETION_WORDS.get(a.completion, a.completion))
    return ngettext("{completion}, {minutes} min", "{completion}, {minutes} min", a.minutes).format(
        completion=words, minutes=a.minutes)


HISTORY_COLUMNS = [
    Column[Attended](N_("Date"), lambda a: a.date.isoformat()),
    Column[Attended](N_("Workshop"), lambda a: f"{a.workshop} ({a.workshop_version})"),
    Column[Attended](N_("Trainer"), lambda a: a.trainer),
    Column[Attended](N_("Site"), lambda a: a.location),
    Column[Attended](N_("Outcome"), _outcome),
    Column[Attended](N_("Credited"), _credits),
    Column[Attended](N_("Certificate"), lambda a: f"{a.certificate_id[:8]}…" if a.certificate_id else ""),
    Column[Attended](N_("Note"), _attended_note),
]


def _history_tooltip(a: Attended, column: int) -> str | None:
    if column == 0:
        return _("session {session}").format(session=a.session_id)
    if column == 6 and a.certificate_id:
        return _("certificate {id}").format(id=a.certificate_id)
    return None


def history_model(parent: Any = None) -> MarkedRowsModel[Attended]:
    return MarkedRowsModel(HISTORY_COLUMNS, lambda a: a.conflict, _history_tooltip, parent)
