"""One sealed session as an export bundle tells it to HR: the verified record with what HR's systems need besides.

The export service builds an `ExportedSession` from a seal that verified (DESIGN.md §3: nothing signed is used
unverified) and from the roster rows the seal was checked against; every format in the bundle (the CSV, the
session's JSON, the xAPI statements, the Open Badges credentials) is written from this one value, so they cannot
disagree. It is pure data: no store, no files, no clock.

What a person's row holds beyond the seal (first and last name apart, e-mail address, language) comes from the
roster entry whose joined name and employee id the seal covers; the bundle's signed manifest covers all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from facilitator.domain.compliance import Standing
from facilitator.records.sealed import Amendment, SealedAttendee, SealedCredit, SealedRecord

DELIVERY_METHOD = "instructor-led, in person"  # not user text: a value of the record, the same in every language


@dataclass(frozen=True)
class ExportedPerson:
    """One person on the sealed roster: their outcome as the amendments leave it, and their roster details."""

    attendee: SealedAttendee
    first_name: str
    last_name: str
    email: str | None
    language: str | None  # the roster's, where it gave one

    @property
    def completed(self) -> bool:
        """Completed the training: present, and the sealed record (or a signed amendment) gives a certificate."""
        return self.attendee.eligible and self.attendee.certificate_id is not None

    @property
    def no_show(self) -> bool:
        return self.attendee.first_in is None

    @property
    def completion(self) -> str:
        """"completed", "incomplete" or "no-show": the status column HR systems share."""
        if self.no_show:
            return "no-show"
        return "completed" if self.completed else "incomplete"


@dataclass(frozen=True)
class ExportedSession:
    """A sealed session as verified, with the session's times on the trainer's clock (with its UTC offset)."""

    sealed: SealedRecord  # as signed at the close
    record: SealedRecord  # as its amendments leave it: what every output states
    amendments: tuple[Amendment, ...]
    seal_jws: str  # the compact JWS over `sealed`
    amendment_jws: tuple[str, ...]  # one per amendment, in order
    people: tuple[ExportedPerson, ...]  # in the sealed record's order
    starts: datetime  # aware: the planned start on the trainer's clock
    ends: datetime  # aware: when the delivery ended (or, with no delivery log, the planned end)
    employer: str  # the organisation setting ("" when not set)
    employer_home_page: str | None  # the employer's web address, which xAPI accounts name as their system
    workshop_snapshot: str  # the workshop file as frozen for the session (the text its hash covers)
    signer_cert_pem: str  # the certificate that signed the seal, and its chain
    amendment_signers: tuple[str, ...] = ()  # the certificate (PEM) that signed each amendment, in order

    @property
    def session_id(self) -> str:
        return self.record.session

    def credits(self, person: ExportedPerson, standing: str) -> tuple[SealedCredit, ...]:
        """The person's credits of `standing` ("met", "partial", …) as every output states them. "met" only for
        someone who completed: a certificate taken back by a signed amendment takes its jurisdictions with it,
        whatever minutes the seal counted."""
        if standing == Standing.MET and not person.completed:
            return ()
        return tuple(c for c in self.record.credits_of(person.attendee) if c.standing == standing)

    def person(self, badge_token: str) -> ExportedPerson:
        return next(p for p in self.people if p.attendee.badge_token == badge_token)
