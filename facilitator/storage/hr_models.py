"""SQLAlchemy models of HR's store: the trainers HR trusts, the bundles imported or quarantined, and the sessions,
people and credits read from them.

A database of its own (`hr.sqlite` in the data folder, or a PostgreSQL database a whole company shares), with its
own `DeclarativeBase` and migrations (hr_migrations/), so that nothing of the trainer's store leaks into it. Every
table is prefixed `hr_` (and Alembic's version table is `hr_alembic_version`) so that a PostgreSQL database shared
with other programs never mixes their tables with these.

What makes a row the same row is a unique key, so an import that meets a row already there (imported before, or by
another import running at the same moment) inserts nothing (`INSERT … ON CONFLICT DO NOTHING` in hr_import):

- a bundle: its SHA-256;
- a session record: the session id and the SHA-256 of its seal (two laptops sealing the same session are two
  records, both kept; `conflicts` in the services finds them);
- a person's row: the session record and the roster entry's badge token (random, not personal data);
- a credit: the person's row and the jurisdiction's code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SHA256_HEX = 64
FINGERPRINT = 95  # SHA-256 as colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` shows it


class UTCMoment(TypeDecorator[datetime]):
    """An aware moment: `timestamp with time zone` on PostgreSQL; on SQLite, UTC without its offset (SQLite has no
    time zones), read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")  # not user text: a bug
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class HrBase(DeclarativeBase):
    """HR's tables, and none of the trainer's."""


class TrustedCertificate(HrBase):
    """A trainer's certificate, or an organisation's CA that issued trainers' certificates, that HR trusts."""

    __tablename__ = "hr_trusted_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    not_after: Mapped[datetime] = mapped_column(UTCMoment)
    pem: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCMoment)


class ImportedBundle(HrBase):
    """A bundle that verified and was imported, whole, in one transaction."""

    __tablename__ = "hr_bundles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)
    file_name: Mapped[str] = mapped_column(Text)
    signer_fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT))
    signer_subject: Mapped[str] = mapped_column(Text)
    sessions: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCMoment)


class QuarantinedBundle(HrBase):
    """A file given to import that was refused, with the verdict's reason and (up to a size limit) the file itself,
    kept in the database so that every HR computer sharing it sees the same evidence."""

    __tablename__ = "hr_quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(SHA256_HEX), unique=True)
    file_name: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # None: larger than the limit, not kept
    quarantined_at: Mapped[datetime] = mapped_column(UTCMoment)


class HrSession(HrBase):
    """One sealed record of a session, as its newest imported amendments leave it."""

    __tablename__ = "hr_sessions"
    __table_args__ = (UniqueConstraint("session_id", "seal_sha256", name="uq_hr_sessions_seal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    seal_sha256: Mapped[str] = mapped_column(String(SHA256_HEX))
    bundle_id: Mapped[int] = mapped_column(ForeignKey("hr_bundles.id"), index=True)  # where the rows come from
    signer_fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT))  # of the certificate that sealed it
    trainer: Mapped[str] = mapped_column(Text)
    trainer_organisation: Mapped[str | None] = mapped_column(Text)
    employer: Mapped[str] = mapped_column(Text)
    date: Mapped[date] = mapped_column(Date, index=True)  # as sealed, on the trainer's clock
    start_time: Mapped[str | None] = mapped_column(String(5))  # HH:MM on the trainer's clock
    starts_at: Mapped[datetime] = mapped_column(UTCMoment)
    ends_at: Mapped[datetime] = mapped_column(UTCMoment)
    location: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    workshop_id: Mapped[str] = mapped_column(String(200))
    workshop_version: Mapped[str] = mapped_column(String(64))
    workshop_title: Mapped[str] = mapped_column(Text)
    jurisdictions: Mapped[str] = mapped_column(Text)  # the codes planned, "; " between them
    closed_at: Mapped[datetime] = mapped_column(UTCMoment)
    amendments: Mapped[int] = mapped_column(Integer)  # how many signed amendments the rows reflect
    amended_sha256: Mapped[str] = mapped_column(String(SHA256_HEX))  # of the record as those amendments leave it
    imported_at: Mapped[datetime] = mapped_column(UTCMoment)
    updated_at: Mapped[datetime] = mapped_column(UTCMoment)


class HrAttendance(HrBase):
    """One person on a session record's roster, and their outcome as the record (amended) says it."""

    __tablename__ = "hr_attendance"
    __table_args__ = (UniqueConstraint("session_row_id", "badge_token", name="uq_hr_attendance_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_row_id: Mapped[int] = mapped_column(ForeignKey("hr_sessions.id", ondelete="CASCADE"))
    badge_token: Mapped[str] = mapped_column(String(64))
    employee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), index=True)  # casefolded, for finding a person
    first_name: Mapped[str] = mapped_column(Text)
    last_name: Mapped[str] = mapped_column(Text)
    walk_in: Mapped[bool] = mapped_column(Boolean)
    completion: Mapped[str] = mapped_column(String(16))  # "completed", "incomplete" or "no-show"
    completion_date: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)  # of delivered teaching they were present for
    checked_in: Mapped[datetime | None] = mapped_column(UTCMoment)
    checked_out: Mapped[datetime | None] = mapped_column(UTCMoment)
    certificate_id: Mapped[str | None] = mapped_column(String(64))
    track: Mapped[str | None] = mapped_column(String(16))  # "employee" or "supervisor"
    acknowledged: Mapped[bool | None] = mapped_column(Boolean)
    amended: Mapped[bool] = mapped_column(Boolean)  # a signed amendment decided this person's outcome


class HrCredit(HrBase):
    """What one person's row is credited with under one jurisdiction, as the record says: "met" only for someone
    who completed; "partial", "not-met" or "not-applicable" as sealed."""

    __tablename__ = "hr_credits"
    __table_args__ = (UniqueConstraint("attendance_id", "code", name="uq_hr_credits_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("hr_attendance.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Text)
    standing: Mapped[str] = mapped_column(String(16))


class HrEmployee(HrBase):
    """One person on HR's employee list (`hr employees import`), as the list last said: the due-date rules' input.
    `employee_key` is the id as the rules compare it (case, spacing and accents folded), so one person is one row."""

    __tablename__ = "hr_employees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_key: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(Text)
    last_name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    jurisdictions: Mapped[str] = mapped_column(Text)  # the codes where they work, "; " between them
    is_supervisor: Mapped[bool] = mapped_column(Boolean)
    hire_date: Mapped[date | None] = mapped_column(Date)
    supervisor_since: Mapped[date | None] = mapped_column(Date)
    listed_at: Mapped[datetime] = mapped_column(UTCMoment)
