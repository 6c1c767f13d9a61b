"""The sealed record as a type: a seal and an amendment written before the type existed (by the code at 059eedf,
kept in tests/fixtures/records/seal-v1.json) decode, encode to the very bytes that were signed, and verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509

from facilitator.records import jws
from facilitator.records.sealed import Amendment, RecordFormatError, SealedRecord

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "records" / "seal-v1.json").read_text("utf-8"))


def test_an_old_seal_decodes_and_encodes_to_the_bytes_it_was_signed_over() -> None:
    stored = FIXTURE["seal"]["payload"]
    record = SealedRecord.decode(stored)
    assert record.encode() == stored
    key = x509.load_pem_x509_certificate(FIXTURE["signer_cert"].encode("ascii")).public_key()
    assert jws.verify_compact(FIXTURE["seal"]["jws"], key) == record.to_payload()
    assert record.trainer == "Zoë Ñúñez" and record.location == "Zürich depot"
    assert [a.name for a in record.attendees] == ["Ana Díaz", "Bo Li", "Çelik Öz"]
    assert record.jurisdictions[0].trainings and isinstance(record.jurisdictions[0].trainings, tuple)


def test_an_old_amendment_round_trips_and_decides_its_person() -> None:
    stored = FIXTURE["amendment"]["payload"]
    amendment = Amendment.decode(stored)
    assert amendment.encode() == stored
    record = SealedRecord.decode(FIXTURE["seal"]["payload"])
    bo = next(a for a in record.attendees if a.name == "Bo Li")
    assert not bo.eligible
    amended = next(a for a in record.amended([amendment]).attendees if a.name == "Bo Li")
    assert amended.eligible and amended.certificate_id == amendment.certificate_id


@pytest.mark.parametrize("text, problem", [
    ("not json", "not JSON"),
    ("[]", "not a JSON object"),
    ('{"format": "facilitator-seal-9"}', "has format"),
    ('{"format": "facilitator-seal-1"}', "lacks"),
])
def test_junk_is_a_format_error_not_a_crash(text: str, problem: str) -> None:
    with pytest.raises(RecordFormatError, match=problem):
        SealedRecord.decode(text)


def test_an_extra_field_is_refused() -> None:
    data = json.loads(FIXTURE["seal"]["payload"])
    data["attendees"][0]["bonus_minutes"] = 60
    with pytest.raises(RecordFormatError, match="unexpected fields"):
        SealedRecord.decode(json.dumps(data))
