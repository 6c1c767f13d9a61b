"""`facilitator sync`, its learning record store part: sealed sessions' xAPI statements, through an outbox in the
trainer's store (migration 0008), to the LRS named in the settings.

- **Queue**: every sealed session that verifies gives its statements (records/xapi.py, from the verified seal as
  amended); a statement id already in the outbox, waiting, sent or refused, is never queued again, so a session
  amended later adds only its new statements (a voiding statement, a completion decided later).
- **Send**: what is due, oldest first, in batches. A batch stored (200, or 204: stored already) is marked sent in
  the same breath; a statement the store refuses for good (409: it holds another statement under that id) is
  marked refused with the reason and never tried again; when the store cannot be reached or is failing, the rest
  wait, each with its attempts counted and a next try that doubles each time (or later, if Retry-After says so).
  A stop anywhere (Cancel between batches, Ctrl-C, a pulled cable, the store stopping) loses nothing: a statement
  is marked sent only once the store said so, and one sent again is harmless, since an LRS keeps one statement per
  id (records/xapi.py makes the ids stable).

The other half of issue 16's sync, importing bundles straight into a configured HR database, is not here: it will
be a destination of its own beside this one (cli/sync.py runs each configured destination and adds up the results).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert

from facilitator.domain.sessions import SessionStatus
from facilitator.domain.times import day_and_clock, local_iso
from facilitator.i18n import _, ngettext
from facilitator.records import xapi
from facilitator.services import lrs_client
from facilitator.services.errors import Stopped, UserError
from facilitator.services.exported_sessions import exported_session
from facilitator.services.lrs_client import Outcome
from facilitator.services.lrs_secret import Endpoint, endpoint
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace
from facilitator.storage.models import LrsOutbox, TrainingSession

Progress = Callable[[int, int], None]  # statements done (sent or refused), statements due
Clock = Callable[[], datetime]
BATCH = 50  # statements per POST: about 75 kB
FIRST_WAIT = timedelta(minutes=1)  # after the first failed try; doubled after each further one …
LONGEST_WAIT = timedelta(hours=6)  # … up to this
LONGEST_RETRY_AFTER = timedelta(days=1)  # a store asking for longer is asked again after a day


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Queued:
    """What queueing found: statements added, sessions that could not be queued (with why), people left out."""

    added: int = 0
    not_queued: tuple[tuple[str, str], ...] = ()  # (session, reason): a seal that does not verify
    # "Name (SESSION)": neither an e-mail nor an employee id on the employer's site; told when the session's
    # statements are queued (or while none of it could be)
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyncResult:
    """One sync with the learning record store: what was sent now, and where the outbox stands after it."""

    url: str
    queued: Queued = field(default_factory=Queued)
    sent: int = 0
    waiting: int = 0
    next_try: datetime | None = None  # the earliest a waiting statement is tried again; None: at the next sync
    waiting_reason: str | None = None  # the last error of a waiting statement
    refused: int = 0  # refused for good, ever
    refused_now: int = 0  # of which in this sync
    refused_reason: str | None = None  # the latest refusal's reason
    error: str | None = None  # what stopped this sync, for the trainer to put right (a password, an address)

    @property
    def ok(self) -> bool:
        """Nothing failed for good: no error to fix, no statement refused now, every sealed session queued. What
        only waits for the store to come back is not a failure."""
        return self.failure is None

    @property
    def failure(self) -> str | None:
        """Why the sync did not end well, on one line; None when it did (`ok`)."""
        if self.error is not None:
            return self.error
        if self.refused_now:
            return ngettext("{count} statement was refused: {reason}", "{count} statements were refused: {reason}",
                            self.refused_now).format(count=self.refused_now, reason=self.refused_reason)
        if self.queued.not_queued:
            sid, reason = self.queued.not_queued[0]
            return _("session {session} was not sent: {reason}").format(session=sid, reason=reason)
        return None

    @property
    def message(self) -> str:
        """ "Sent 12 statements to URL; 3 waiting (next try at …: reason); 1 refused: reason" """
        parts = [ngettext("Sent {count} statement to {url}", "Sent {count} statements to {url}", self.sent).format(
            count=self.sent, url=self.url)]
        if self.waiting:
            waiting = ngettext("{count} waiting", "{count} waiting", self.waiting).format(count=self.waiting)
            if self.next_try is not None:
                waiting += " " + _("(next try at {when}: {reason})").format(
                    when=day_and_clock(self.next_try), reason=self.waiting_reason or "")
            parts.append(waiting)
        if self.refused:
            parts.append(ngettext("{count} refused: {reason}", "{count} refused: {reason}", self.refused).format(
                count=self.refused, reason=self.refused_reason or ""))
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "queued": self.queued.added, "sent": self.sent, "waiting": self.waiting,
                "next_try": local_iso(self.next_try), "waiting_reason": self.waiting_reason,
                "refused": self.refused, "refused_now": self.refused_now, "refused_reason": self.refused_reason,
                "error": self.error, "left_out": list(self.queued.left_out),
                "not_queued": [{"session": sid, "reason": why} for sid, why in self.queued.not_queued]}


def sync(ws: Workspace, *, retry_now: bool = False, batch: int = BATCH, progress: Progress | None = None,
         now: Clock = utc_now) -> SyncResult:
    """Queue every sealed session's statements, then send what is due to the configured store. A UserError (and
    nothing queued) when no store, user name or password is set."""
    to = endpoint(load_settings(ws))
    queued = queue_statements(ws, now=now)
    result = send_due(ws, to, retry_now=retry_now, batch=batch, progress=progress, now=now)
    return replace(result, queued=queued)


def queue_statements(ws: Workspace, *, now: Clock = utc_now) -> Queued:
    """Add to the outbox every statement of every sealed session that is not there yet."""
    with ws.store.transaction() as db:
        sealed = list(db.scalars(select(TrainingSession.id).where(TrainingSession.status == SessionStatus.SEALED)
                                 .order_by(TrainingSession.scheduled_date, TrainingSession.start_time)))
        known = set(db.scalars(select(LrsOutbox.statement_id)))
        seen = set(db.scalars(select(LrsOutbox.session_id).distinct()))
    rows: list[dict[str, Any]] = []
    not_queued: list[tuple[str, str]] = []
    left_out: list[str] = []
    for sid in sealed:
        try:
            made = xapi.statements(exported_session(ws, sid))
        except UserError as refused:  # a seal that does not verify: nothing of it leaves the laptop
            not_queued.append((sid, refused.message))
            continue
        new = [{"statement_id": s["id"], "session_id": sid, "statement": _text(s), "queued_at": now(),
                "attempts": 0} for s in made.statements if s["id"] not in known]
        if new or sid not in seen:  # said when the session's statements are queued, not at every sync after
            left_out += [f"{name} ({sid})" for name in made.left_out]
        rows += new
    if rows:
        with ws.store.write_transaction() as db:  # another sync queueing at the same moment adds nothing twice
            db.execute(insert(LrsOutbox).on_conflict_do_nothing(index_elements=["statement_id"]), rows)
    return Queued(len(rows), tuple(not_queued), tuple(left_out))


def send_due(ws: Workspace, to: Endpoint, *, retry_now: bool = False, batch: int = BATCH,
             progress: Progress | None = None, now: Clock = utc_now) -> SyncResult:
    """Send the waiting statements whose next try has come (all of them with `retry_now`), `batch` at a time.
    Cancel (the progress callback raising Cancelled) or Ctrl-C stops it between batches, as `Stopped`."""
    due = _due(ws, now(), retry_now)
    sending = _Sending(ws, to, now)
    work = deque(due[at:at + batch] for at in range(0, len(due), batch))
    try:
        _tell(progress, 0, len(due))
        while work:
            sending.one(work.popleft(), work)
            if sending.error is not None or sending.retrying:
                break
            _tell(progress, sending.done, len(due))
    except KeyboardInterrupt:
        raise Stopped(ngettext("stopped: sent {sent} of {total} statement to {url}; the rest wait for the next sync",
                               "stopped: sent {sent} of {total} statements to {url}; the rest wait for the next "
                               "sync", len(due)).format(sent=sending.sent, total=len(due), url=to.url)) from None
    return _standing(ws, to, sending, now())


class _Sending:
    """One sync's sending: each batch's answer written to the outbox as soon as it comes."""

    def __init__(self, ws: Workspace, to: Endpoint, now: Clock) -> None:
        self.ws, self.to, self.now = ws, to, now
        self.sent = self.done = self.refused = 0
        self.error: str | None = None
        self.retrying = False

    def one(self, rows: Sequence[tuple[int, str, int]], rest: deque[Sequence[tuple[int, str, int]]]) -> None:
        answer = lrs_client.post(self.to, [text for _id, text, _attempts in rows])
        at, ids = self.now(), [row_id for row_id, _text, _attempts in rows]
        if answer.outcome is Outcome.REFUSED and len(rows) > 1:  # which of them? each on its own, first
            rest.extendleft([row] for row in reversed(rows))
            return
        with self.ws.store.write_transaction() as db:
            if answer.outcome is Outcome.STORED:
                db.execute(update(LrsOutbox).where(LrsOutbox.id.in_(ids)).values(
                    sent_at=at, sent_to=self.to.url, attempts=LrsOutbox.attempts + 1, last_error=None,
                    next_attempt_at=None))
                self.sent += len(ids)
            elif answer.outcome is Outcome.REFUSED:
                db.execute(update(LrsOutbox).where(LrsOutbox.id.in_(ids)).values(
                    refused_at=at, attempts=LrsOutbox.attempts + 1, last_error=answer.reason))
                self.refused += len(ids)
            elif answer.outcome is Outcome.FATAL:  # nothing counted against them: they go once it is put right
                db.execute(update(LrsOutbox).where(LrsOutbox.id.in_(ids)).values(last_error=answer.reason))
                self.error = answer.reason
            else:  # the store is away or failing: this batch and every one after it waits its turn
                self.retrying = True
                for row_id, _text, attempts in [*rows, *(row for later in rest for row in later)]:
                    db.execute(update(LrsOutbox).where(LrsOutbox.id == row_id).values(
                        attempts=attempts + 1, last_error=answer.reason,
                        next_attempt_at=at + wait(attempts + 1, answer.retry_after)))
        self.done += len(ids) if answer.outcome in (Outcome.STORED, Outcome.REFUSED) else 0


def wait(attempts: int, retry_after: float | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failed try: 1 minute, 2, 4 … up to 6 hours; or what the store's
    Retry-After asks, if longer (up to a day)."""
    backoff = min(FIRST_WAIT * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)
    asked = min(timedelta(seconds=retry_after), LONGEST_RETRY_AFTER) if retry_after else timedelta(0)
    return max(backoff, asked)


def _due(ws: Workspace, at: datetime, retry_now: bool) -> list[tuple[int, str, int]]:
    """(row, statement, attempts) of every waiting statement whose time has come, in the order queued."""
    waiting = select(LrsOutbox.id, LrsOutbox.statement, LrsOutbox.attempts).where(
        LrsOutbox.sent_at.is_(None), LrsOutbox.refused_at.is_(None)).order_by(LrsOutbox.id)
    if not retry_now:
        waiting = waiting.where(LrsOutbox.next_attempt_at.is_(None) | (LrsOutbox.next_attempt_at <= at))
    with ws.store.transaction() as db:
        return [(row_id, text, attempts) for row_id, text, attempts in db.execute(waiting)]


def _standing(ws: Workspace, to: Endpoint, sending: _Sending, at: datetime) -> SyncResult:
    """The result: this sync's counts, and the outbox's waiting and refused statements after it (with the next
    try still to come, if one is)."""
    waiting = (LrsOutbox.sent_at.is_(None), LrsOutbox.refused_at.is_(None))
    with ws.store.transaction() as db:
        count, next_try = db.execute(select(func.count(), func.min(LrsOutbox.next_attempt_at)).where(*waiting)).one()
        waiting_reason = db.scalar(select(LrsOutbox.last_error).where(*waiting, LrsOutbox.last_error.is_not(None))
                                   .order_by(LrsOutbox.id).limit(1))
        refused = db.scalar(select(func.count()).where(LrsOutbox.refused_at.is_not(None)))
        refused_reason = db.scalar(select(LrsOutbox.last_error).where(LrsOutbox.refused_at.is_not(None))
                                   .order_by(LrsOutbox.refused_at.desc(), LrsOutbox.id.desc()).limit(1))
    return SyncResult(to.url, sent=sending.sent, waiting=count, waiting_reason=waiting_reason,
                      next_try=next_try if next_try is not None and next_try > at else None, refused=refused or 0,
                      refused_now=sending.refused, refused_reason=refused_reason, error=sending.error)


def _text(statement: dict[str, Any]) -> str:
    """A statement as the outbox keeps it and the store gets it: compact JSON, keys in a fixed order."""
    return json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _tell(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
