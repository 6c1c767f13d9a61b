"""SQLAlchemy models of the local store.

Attendance events are append-only: rows are inserted, never updated or deleted (the migration adds SQLite
triggers that refuse both), and each carries its predecessor's hash so that tampering is detectable.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from facilitator.domain.roster import (
    DEPARTMENT_MAX,
    EMAIL_MAX,
    EMPLOYEE_ID_MAX,
    FIRST_NAME_MAX,
    LANGUAGE_MAX,
    LAST_NAME_MAX,
    SUPERVISOR_MAX,
)
from facilitator.domain.sessions import SessionStatus

log = logging.getLogger("facilitator.storage")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime stored as ISO 8601 text, which sorts and reads the same everywhere."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")  # not user text: a bug
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class StatusText(TypeDecorator[SessionStatus]):
    """A session's status, stored as its value ("planned", "sealed"). A value Facilitator never writes (an edit
    made outside it) is read back as the text it is rather than stopping every command that lists sessions;
    it is never a sealed session's status, so nothing more is recorded as sealed than was."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: SessionStatus | str | None, dialect: Dialect) -> str | None:
        return None if value is None else SessionStatus(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> SessionStatus | None:
        if value is None:
            return None
        try:
            return SessionStatus(value)
        except ValueError:
            log.warning("session status %r is not one Facilitator writes", value)
            return value  # type: ignore[return-value]


class Base(DeclarativeBase):
    pass


class TrainingSession(Base):
    """A scheduled delivery of one workshop, with a snapshot of the workshop file as it was then."""

    __tablename__ = "training_sessions"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(String(64))
    workshop_version: Mapped[str] = mapped_column(String(32))
    workshop_title: Mapped[str] = mapped_column(String(200))
    workshop_sha256: Mapped[str] = mapped_column(String(64))
    workshop_snapshot: Mapped[str] = mapped_column(Text)
    scheduled_date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    grace_minutes: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[SessionStatus] = mapped_column(StatusText(), default=SessionStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    jurisdictions: Mapped[list[SessionJurisdiction]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionJurisdiction.position")
    roster: Mapped[list[RosterEntry]] = relationship(back_populates="session", order_by="RosterEntry.id")
    seal: Mapped[SessionSeal | None] = relationship(viewonly=True, uselist=False)

    @property
    def effective_status(self) -> SessionStatus:
        """Sealed if a seal exists, whatever the status column says: setting the status back by hand does not
        reopen a sealed session to check-ins (verification reports such an edit)."""
        return SessionStatus.SEALED if self.seal is not None else self.status

    @property
    def is_sealed(self) -> bool:
        return self.effective_status == SessionStatus.SEALED


class SessionJurisdiction(Base):
    """A jurisdiction whose requirements a session is meant to meet."""

    __tablename__ = "session_jurisdictions"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    session: Mapped[TrainingSession] = relationship(back_populates="jurisdictions")


class RosterEntry(Base):
    """A person expected at (or walked in to) a session, with the random token printed on their badge."""

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("badge_token", name="uq_roster_badge_token"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    # Sized by the domain's limits, which the roster reader enforces (facilitator.domain.roster.FIELD_LIMITS).
    employee_id: Mapped[str | None] = mapped_column(String(EMPLOYEE_ID_MAX))
    first_name: Mapped[str] = mapped_column(String(FIRST_NAME_MAX))
    last_name: Mapped[str] = mapped_column(String(LAST_NAME_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    department: Mapped[str | None] = mapped_column(String(DEPARTMENT_MAX))
    supervisor: Mapped[str | None] = mapped_column(String(SUPERVISOR_MAX))
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_MAX))
    is_supervisor: Mapped[bool] = mapped_column(default=False)
    walk_in: Mapped[bool] = mapped_column(default=False)
    badge_token: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[TrainingSession] = relationship(back_populates="roster")


class AttendanceEvent(Base):
    """One entry of a session's append-only, hash-chained attendance log (rejected scans included)."""

    __tablename__ = "attendance_events"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_attendance_session_seq"),
                      Index("ix_attendance_events_person", "session_id", "roster_entry_id"),
                      Index("ix_attendance_events_token", "session_id", "person_token"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    roster_entry_id: Mapped[int | None] = mapped_column(ForeignKey("roster_entries.id"))
    person_token: Mapped[str | None] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String(256))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(16))
    voids_seq: Mapped[int | None] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    monotonic_ms: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class _SignedRecord:
    """A signed statement about a session: the JSON that was signed, its JWS, and who signed it."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)
    jws: Mapped[str] = mapped_column(Text)
    signer_cert: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))


class SessionSeal(_SignedRecord, Base):
    """The signed close of a session: its attendance chain head and the summary of who earned what."""

    __tablename__ = "session_seals"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True, unique=True)


class SessionAmendment(_SignedRecord, Base):
    """A signed correction made after a session was sealed; the seal itself never changes."""

    __tablename__ = "session_amendments"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)


class DeliveryRecord(Base):
    """One entry of a session's append-only delivery log: a segment started or ended, a tally, a reveal…"""

    __tablename__ = "delivery_events"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_delivery_session_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    segment_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackResponse(Base):
    """One anonymous feedback answer: a rating and a comment, with nothing that could say whose it is."""

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    segment_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # "paper" (typed in by the trainer), later "phone"


class StoreChange(Base):
    """One row of the journal of what commits changed (a session, and which kind of its data), written by SQLite
    triggers (migration 0006) for the open windows to refresh only what changed. Not part of any record."""

    __tablename__ = "store_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))


class HrExport(Base):
    """A session put in a bundle for HR (migration 0007): with how many amendments it had then, so a later one makes
    it new for `export --since-last`. Not part of any record."""

    __tablename__ = "hr_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    amendments: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bundle_sha256: Mapped[str] = mapped_column(String(64))


class LrsOutbox(Base):
    """An xAPI statement on its way to the learning record store (migration 0008), in queued order: waiting until it
    is sent (`sent_at`, and the endpoint `sent_to`) or refused for good (`refused_at`, with the reason in
    `last_error`). Not part of any record: the statement is made from the verified seal when queued."""

    __tablename__ = "lrs_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    statement: Mapped[str] = mapped_column(Text)  # its JSON, exactly as it is sent
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: as soon as possible
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_to: Mapped[str | None] = mapped_column(String(500))
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- the phones' companion (migration 0009, docs/companion.md) --------------------------------------------------

class CompanionState(Base):
    """The secret the session's rotating join codes are made from, kept so a reopened window shows the same codes."""

    __tablename__ = "companion_states"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))


class PendingWalkIn(Base):
    """Someone not on the roster who checked in from a phone, waiting for the trainer to approve or decline."""

    __tablename__ = "pending_walk_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(FIRST_NAME_MAX))
    last_name: Mapped[str] = mapped_column(String(LAST_NAME_MAX))
    employee_id: Mapped[str | None] = mapped_column(String(EMPLOYEE_ID_MAX))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[int | None] = mapped_column(Integer)


class PhoneVote(Base):
    """How many phones chose one option of one question: a count, never a row per vote."""

    __tablename__ = "phone_votes"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[int] = mapped_column(Integer, primary_key=True)
    option: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class UsedBallot(Base):
    """The SHA-256 of a phone's ballot for one question, spent: a second vote with it is refused. Nothing else."""

    __tablename__ = "used_ballots"

    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), primary_key=True)
    segment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[int] = mapped_column(Integer, primary_key=True)
    ballot_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)


class AudienceQuestion(Base):
    """An anonymous question from a phone: its text and whether the trainer has shown or dismissed it."""

    __tablename__ = "audience_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
