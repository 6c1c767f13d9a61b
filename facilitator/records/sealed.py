"""The sealed record of a session, and the signed amendments made after it, as types with their encoding.

Closing writes a `SealedRecord`; its canonical JSON is what the trainer's key signs (as the payload of a compact
JWS) and what the store keeps beside the signature. Verification, every document and every export read it back
through `SealedRecord.decode`, never by looking keys up in a dictionary, so the format is described once, here.

The encoding is fixed: keys sorted, no spaces, UTF-8 text as itself. A record decoded and encoded again gives
the same bytes, which is how a verifier compares the stored record with what was signed.

Three formats of seal are read. A seal of format 3 decides credit from the delivery: it holds each planned
jurisdiction's coverage as delivered (each training met or not, and why), and for each attendee their track, the
minutes of teaching they were present for and what they are credited with under each jurisdiction (met, partial,
not met or not for their track). A seal of format 2 also covers the session's start time, its grace period and its
status, which decide who was late, the jurisdictions it was planned for, and a digest of how it was delivered (the
delivery log and the anonymous feedback); format 1 (sealed before) covers the rest. An amendment of format 2 names the
hash of the record before it (the seal, or the previous amendment), so the amendments form a chain of their own in
which one deleted, inserted or moved is seen; format-1 amendments, made before, come first and are not chained.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Self

from facilitator.i18n import N_, _, either
from facilitator.records.jws import canonical_json

SEAL_FORMAT = "facilitator-seal-3"
SEAL_FORMAT_2 = "facilitator-seal-2"  # sealed before credit was decided from the delivery, per person and track
SEAL_FORMAT_1 = "facilitator-seal-1"  # sealed before the start time, grace period and status were covered
AMENDMENT_FORMAT = "facilitator-amendment-2"
AMENDMENT_FORMAT_1 = "facilitator-amendment-1"  # made before amendments named the record before them
SEAL_ONLY = ("start", "grace_minutes", "status", "jurisdiction_codes", "delivery_sha256")  # not in a format-1 seal
SEAL_3_ONLY = ("coverage", "delivery_recorded", "delivered_minutes", "planned_minutes", "trainer_organisation",
               "trainer_qualifications", "handouts_required", "handouts_given", "employer_employees",
               "employer_industry")  # nor these in format 2
ATTENDEE_3_ONLY = ("track", "present_minutes", "credits", "acknowledged")
# Certificate ids are derived, not random: closing the same record always names the same certificates.
CERTIFICATE_NAMESPACE = uuid.UUID("6f1c1d9e-3b0a-5d4e-9a51-7c2b6f0e8a11")
# What a message calls each part of a record it finds wrong, translated where the message is made.
SEALED_RECORD, CHAIN_HEAD, ATTENDEE = N_("sealed record"), N_("chain head"), N_("attendee")
AMENDMENT, JURISDICTION = N_("amendment"), N_("jurisdiction")
COVERAGE, TRAINING, CREDIT = N_("coverage"), N_("training"), N_("credit")


class RecordFormatError(ValueError):
    """Stored text that is not a record of the expected format; the message says what is wrong."""


def certificate_id(session_id: str, badge_token: str) -> str:
    """The id of a person's certificate for a session: the same every time the same record is sealed."""
    return str(uuid.uuid5(CERTIFICATE_NAMESPACE, f"{session_id}:{badge_token}"))


def canonical(payload: Mapping[str, Any]) -> str:
    """The one encoding of a record, the same bytes the JWS signs: sorted keys, no spaces, text as itself."""
    return canonical_json(dict(payload)).decode("utf-8")


@dataclass(frozen=True)
class ChainHead:
    """How many attendance events the log held when the session was sealed, and the hash of the last one."""

    events: int
    head: str


@dataclass(frozen=True)
class CreditedJurisdiction:
    """A jurisdiction the delivery met, with the trainings it met there and the longest minimum they ask for."""

    code: str
    name: str
    citation: str
    trainings: tuple[str, ...]
    minimum_minutes: int


@dataclass(frozen=True)
class SealedTraining:
    """One training a jurisdiction asks for, as the delivery met it or not (format 3)."""

    name: str
    audience: str  # "employees", "supervisors" or "everyone"
    met: bool
    minutes: int  # of delivered teaching counted toward it
    minimum_minutes: int
    shortfalls: tuple[str, ...]


@dataclass(frozen=True)
class SealedCoverage:
    """A jurisdiction the session was planned for, and how the delivery met it for employees and for
    supervisors: "met", "partial", "not-met" or "not-applicable"."""

    code: str
    name: str
    citation: str
    employee: str
    supervisor: str
    trainings: tuple[SealedTraining, ...]


@dataclass(frozen=True)
class SealedCredit:
    """What one person is credited with under one jurisdiction: "met" only when every training their track
    needs was delivered and they were there for it; "partial", "not-met" or "not-applicable" otherwise."""

    code: str
    name: str
    citation: str
    standing: str
    met: tuple[str, ...]
    missed: tuple[str, ...]


@dataclass(frozen=True)
class SealedAttendee:
    """One person on the roster as sealed: their times, minutes, status and whether they earned a certificate."""

    roster_id: int
    name: str
    employee_id: str | None
    badge_token: str
    walk_in: bool
    first_in: str | None  # ISO 8601
    last_out: str | None
    minutes: int
    status: str
    eligible: bool
    required_minutes: int
    reason: str
    overridden: bool
    certificate_id: str | None
    track: str | None = None  # "employee" or "supervisor"; None in a seal before format 3
    present_minutes: int | None = None  # in the room at all, where `minutes` counts only teaching they were there for
    credits: tuple[SealedCredit, ...] | None = None
    acknowledged: bool | None = None  # a signed acknowledgment was on record at the close


@dataclass(frozen=True)
class SealedRecord:
    """What a sealed session's signature covers: the session, the workshop as delivered, the attendance log's
    head, the jurisdictions met and every attendee's outcome."""

    session: str
    workshop: str
    workshop_title: str
    workshop_version: str
    materials_sha256: str
    date: str  # YYYY-MM-DD
    location: str
    trainer: str
    language: str
    closed_at: str  # ISO 8601
    chain: ChainHead
    jurisdictions: tuple[CreditedJurisdiction, ...]
    attendees: tuple[SealedAttendee, ...]
    start: str | None = None  # HH:MM, the planned start; None in a format-1 seal
    grace_minutes: int | None = None
    status: str | None = None  # "sealed"
    jurisdiction_codes: tuple[str, ...] | None = None  # the jurisdictions the session was planned for, in order
    delivery_sha256: str | None = None  # of the delivery log and the feedback, as services/delivery.py digests them
    coverage: tuple[SealedCoverage, ...] | None = None  # each planned jurisdiction as delivered; None before format 3
    delivery_recorded: bool | None = None
    delivered_minutes: int | None = None  # of teaching, breaks and pauses excluded
    planned_minutes: int | None = None
    trainer_organisation: str | None = None  # the trainer's profile as it was at the close
    trainer_qualifications: str | None = None
    handouts_required: tuple[str, ...] | None = None  # what the session's laws ask to be handed out
    handouts_given: tuple[str, ...] | None = None  # what the trainer confirmed was handed out
    employer_employees: int | None = None  # the employer's headcount as it gave it, which decides what binds it
    employer_industry: str | None = None

    @property
    def format(self) -> str:
        if self.start is None:
            return SEAL_FORMAT_1
        return SEAL_FORMAT_2 if self.coverage is None else SEAL_FORMAT

    def credits_of(self, attendee: SealedAttendee) -> tuple[SealedCredit, ...]:
        """What `attendee` is credited with. A seal before format 3 credited the session's jurisdictions to
        everyone who earned a certificate; that is what it said, so that is what is read back."""
        if attendee.credits is not None:
            return attendee.credits
        if not attendee.eligible:
            return ()
        return tuple(SealedCredit(j.code, j.name, j.citation, "met", j.trainings, ()) for j in self.jurisdictions)

    @property
    def digest(self) -> str:
        """The hash the first amendment names as the record before it."""
        return record_digest(self.encode())

    @property
    def eligible(self) -> int:
        return sum(a.eligible for a in self.attendees)

    def amended(self, amendments: Iterable[Amendment]) -> SealedRecord:
        """The record as its signed amendments leave it: for each person, the latest amendment decides, as a
        decision against the minutes (with its reason), never as credit."""
        decided = {a.person: a for a in amendments}
        return replace(self, attendees=tuple(
            replace(a, eligible=decided[a.badge_token].eligible, overridden=True,
                    reason=_("trainer's decision by signed amendment: {reason}").format(
                        reason=decided[a.badge_token].reason),
                    certificate_id=decided[a.badge_token].certificate_id if decided[a.badge_token].eligible
                    else None)
            if a.badge_token in decided else a for a in self.attendees))

    def to_payload(self) -> dict[str, Any]:
        """The record as the JSON object that is signed (a format-1 record without the fields it never had)."""
        values = asdict(self)
        leave_out = _left_out(self.format)
        values = {k: v for k, v in values.items() if k not in leave_out}
        if self.format != SEAL_FORMAT:
            values["attendees"] = [{k: v for k, v in a.items() if k not in ATTENDEE_3_ONLY}
                                   for a in values["attendees"]]
        return _plain({"format": self.format, **values})

    def encode(self) -> str:
        return canonical(self.to_payload())

    @classmethod
    def decode(cls, text: str | Mapping[str, Any]) -> Self:
        """The record from its stored JSON (or the signed claims); RecordFormatError if it is not one."""
        data = _object(text, (SEAL_FORMAT, SEAL_FORMAT_2, SEAL_FORMAT_1), SEALED_RECORD)
        newest = data["format"] == SEAL_FORMAT
        try:
            values = _fields_of(cls, data, SEALED_RECORD, _left_out(data["format"]))
            if "jurisdiction_codes" in values:
                values["jurisdiction_codes"] = tuple(_list(values["jurisdiction_codes"]))
            if newest:
                values["coverage"] = tuple(_coverage(c) for c in _list(values["coverage"]))
                values = _texts(values, "handouts_required", "handouts_given")
            return cls(**{**values,
                          "chain": ChainHead(**_fields_of(ChainHead, data["chain"], CHAIN_HEAD)),
                          "jurisdictions": tuple(_jurisdiction(j) for j in _list(data["jurisdictions"])),
                          "attendees": tuple(_attendee(a, newest) for a in _list(data["attendees"]))})
        except (KeyError, TypeError) as exc:
            raise RecordFormatError(_("the sealed record is incomplete or malformed ({reason})").format(
                reason=exc)) from None


@dataclass(frozen=True)
class Amendment:
    """A signed correction after sealing: one person's eligibility for a certificate, and why it changed."""

    session: str
    at: str  # ISO 8601
    person: str  # the badge token of the roster entry
    name: str
    eligible: bool
    reason: str
    certificate_id: str
    previous: str | None = None  # the digest of the record before it; None in a format-1 amendment

    @property
    def format(self) -> str:
        return AMENDMENT_FORMAT_1 if self.previous is None else AMENDMENT_FORMAT

    @property
    def digest(self) -> str:
        """The hash the next amendment names as the record before it."""
        return record_digest(self.encode())

    def to_payload(self) -> dict[str, Any]:
        values = {k: v for k, v in asdict(self).items() if k != "previous" or self.previous is not None}
        return _plain({"format": self.format, **values})

    def encode(self) -> str:
        return canonical(self.to_payload())

    @classmethod
    def decode(cls, text: str | Mapping[str, Any]) -> Self:
        data = _object(text, (AMENDMENT_FORMAT, AMENDMENT_FORMAT_1), AMENDMENT)
        leave_out = ("previous",) if data["format"] == AMENDMENT_FORMAT_1 else ()
        try:
            return cls(**_fields_of(cls, data, AMENDMENT, leave_out))
        except TypeError as exc:
            raise RecordFormatError(_("the amendment is incomplete or malformed ({reason})").format(
                reason=exc)) from None


def _plain(value: Any) -> Any:
    """JSON's own types: tuples become lists, so a payload compares equal to the same JSON read back."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record_digest(encoded: str) -> str:
    """SHA-256 of a record's canonical JSON, in hex: how an amendment names the record before it."""
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _object(text: str | Mapping[str, Any], expected: tuple[str, ...], what: str) -> Mapping[str, Any]:
    """`what` is one of the N_-marked names above."""
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except ValueError:
            raise RecordFormatError(_("the {part} is not JSON").format(part=_(what))) from None
    if not isinstance(text, Mapping):
        raise RecordFormatError(_("the {part} is not a JSON object").format(part=_(what)))
    if text.get("format") not in expected:
        raise RecordFormatError(_("the {part} has format {found}, not {expected}").format(
            part=_(what), found=repr(text.get("format")), expected=either(repr(e) for e in expected)))
    return text


def _fields_of(cls: type, data: Any, what: str, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values of `cls`'s fields (but `leave_out`) from `data`, which must hold all of them and nothing else
    (but "format")."""
    if not isinstance(data, Mapping):
        raise RecordFormatError(_("the {part} is not a JSON object").format(part=_(what)))
    names = {f.name for f in fields(cls)} - set(leave_out)
    extra = set(data) - names - {"format"}
    missing = names - set(data)
    if extra or missing:
        raise RecordFormatError(_("the {part} has unexpected fields {extra} or lacks {missing}").format(
            part=_(what), extra=sorted(extra), missing=sorted(missing)))
    return {name: data[name] for name in names}


def _left_out(format_: str) -> tuple[str, ...]:
    """The record's fields that a seal of `format_` does not have."""
    if format_ == SEAL_FORMAT_1:
        return SEAL_ONLY + SEAL_3_ONLY
    return SEAL_3_ONLY if format_ == SEAL_FORMAT_2 else ()


def _attendee(data: Any, newest: bool) -> SealedAttendee:
    values = _fields_of(SealedAttendee, data, ATTENDEE, () if newest else ATTENDEE_3_ONLY)
    if newest:
        values["credits"] = tuple(SealedCredit(**_texts(_fields_of(SealedCredit, c, CREDIT), "met", "missed"))
                                  for c in _list(values["credits"]))
    return SealedAttendee(**values)


def _coverage(data: Any) -> SealedCoverage:
    values = _fields_of(SealedCoverage, data, COVERAGE)
    values["trainings"] = tuple(SealedTraining(**_texts(_fields_of(SealedTraining, t, TRAINING), "shortfalls"))
                                for t in _list(values["trainings"]))
    return SealedCoverage(**values)


def _texts(values: dict[str, Any], *lists: str) -> dict[str, Any]:
    """`values` with each of the named lists as a tuple, as the record's types hold them."""
    return {**values, **{name: tuple(_list(values[name])) for name in lists}}


def _jurisdiction(data: Any) -> CreditedJurisdiction:
    values = _fields_of(CreditedJurisdiction, data, JURISDICTION)
    return CreditedJurisdiction(**{**values, "trainings": tuple(_list(values["trainings"]))})


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise RecordFormatError(_("the sealed record holds a list where it should not"))
    return value
