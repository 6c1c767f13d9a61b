"""Closing and sealing a session: open visits end, eligibility is decided, the seal is signed and stored, and
a sealed session takes no more check-ins; corrections are signed amendments."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jws as jose_jws
from joserfc.jwk import ECKey

from facilitator.cli import main
from facilitator.domain.roster import Person
from facilitator.services import attendance, closing, seals
from facilitator.services.errors import UserError
from facilitator.services.identity import get_identity, signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.workspace import Workspace
from facilitator.storage.database import DATABASE_NAME
from tests.unit.delivering import deliver_as_planned

NOW = datetime.now(UTC)


@pytest.fixture
def session(workspace: Workspace) -> tuple[str, list[str]]:
    """A supervisors' session in California that started 160 minutes ago, with four people."""
    start = (NOW - timedelta(minutes=160)).astimezone()  # just after midnight, that is yesterday's date
    detail = create_session(workspace, workshop_id="harassment-prevention-supervisors", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee",
                            jurisdictions=["ca-supervisors"])
    names = [("Ana", "Díaz", "E1"), ("Bo", "Li", "E2"), ("Cy", "Ng", "E3"), ("Di", "Ow", "E4")]
    add_people(workspace, detail.id, [Person(first, last, eid, is_supervisor=True) for first, last, eid in names])
    codes = [p.badge_code for p in get_session(workspace, detail.id).roster]
    attendance.check_in(workspace, detail.id, codes[0], at=NOW - timedelta(minutes=158))  # all of it
    attendance.check_in(workspace, detail.id, codes[1], at=NOW - timedelta(minutes=158))
    attendance.check_out(workspace, detail.id, codes[1], at=NOW - timedelta(minutes=60))  # left after 98 min
    attendance.check_in(workspace, detail.id, codes[2], at=NOW - timedelta(minutes=100))  # came very late
    deliver_as_planned(workspace, detail.id, start)
    return detail.id, codes


def test_closing_ends_visits_decides_and_seals(workspace: Workspace, session: tuple[str, list[str]]) -> None:
    sid, codes = session
    plan = closing.plan_close(workspace, sid)
    assert [a.eligible for a in plan.attendees] == [True, False, False, False]
    result = closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=NOW)
    by_name = {a.name: a for a in result.plan.attendees}
    assert by_name["Ana Díaz"].eligible and by_name["Ana Díaz"].certificate_id
    assert by_name["Bo Li"].status == "left early" and not by_name["Bo Li"].eligible
    assert by_name["Di Ow"].status == "absent" and by_name["Di Ow"].certificate_id is None
    assert [j.jurisdiction_code for j in result.plan.jurisdictions] == ["ca-supervisors"]
    # Ana and Cy were still in the room: closing checked them out, so their minutes stop at the close.
    log = attendance.attendance_log_entries(workspace, sid)
    assert [e.kind for e in log[-2:]] == ["check-out", "check-out"]
    later = attendance.attendance_report(workspace, sid, now=NOW + timedelta(hours=5))
    assert {r.person.full_name: r.minutes for r in later.rows}["Ana Díaz"] == 158
    assert attendance.verify_attendance(workspace, sid).intact
    with pytest.raises(UserError, match="sealed"):
        attendance.check_in(workspace, sid, codes[3])
    with pytest.raises(UserError, match="already closed and sealed"):
        closing.close_session(workspace, sid, signer(workspace))


def test_the_seal_verifies_with_a_standard_jose_library(workspace: Workspace, session: tuple[str, list[str]]) -> None:
    sid, _ = session
    closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=NOW)
    with workspace.store.transaction() as db:
        stored = seals.seal_row(db, sid)
    payload, token, cert_pem = json.loads(stored.payload), stored.jws, stored.signer_cert
    key = ECKey.import_key(get_identity(workspace).cert.public_key())
    verified = jose_jws.deserialize_compact(token, key, algorithms=["ES256"])
    assert json.loads(verified.payload) == payload
    assert payload["chain"]["head"] == attendance.verify_attendance(workspace, sid).head
    assert seals.verified_seal(workspace, sid).sealed.to_payload() == payload
    assert "BEGIN CERTIFICATE" in cert_pem


def test_an_override_needs_a_reason_and_is_sealed_with_it(workspace: Workspace,
                                                          session: tuple[str, list[str]]) -> None:
    sid, _ = session
    with pytest.raises(UserError, match="is not an override"):
        closing.parse_overrides(workspace, sid, ["E2=yes"])
    with pytest.raises(UserError, match="no one on this session's roster is 'E9'"):
        closing.parse_overrides(workspace, sid, ["E9=yes: typo"])
    overrides = closing.parse_overrides(workspace, sid, ["E2=yes: made up the last hour on 3 Dec"])
    result = closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), overrides=overrides)
    bo = next(a for a in result.plan.attendees if a.name == "Bo Li")
    assert bo.eligible and bo.overridden and "made up the last hour" in bo.reason


def test_a_tampered_log_cannot_be_sealed(workspace: Workspace, session: tuple[str, list[str]]) -> None:
    sid, _ = session
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    with db:
        db.execute("DROP TRIGGER attendance_events_no_update")
        db.execute("UPDATE attendance_events SET occurred_at = '2020-01-01T00:00:00.000000+00:00' WHERE seq = 3")
    db.close()
    with pytest.raises(UserError, match="tampered with"):
        closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"))
    assert get_session(workspace, sid).status != "sealed"


def test_seals_and_amendments_are_append_only(workspace: Workspace, session: tuple[str, list[str]]) -> None:
    sid, _ = session
    sign = signer(workspace, create_as="Sam Lee")
    closing.close_session(workspace, sid, sign)
    assert "Di Ow is now eligible" in closing.amend(workspace, sid, sign, person="E4", eligible=True,
                                                    reason="attended the 5 Dec repeat session")
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    for table in ("session_seals", "session_amendments"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(f"UPDATE {table} SET payload = '{{}}'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(f"DELETE FROM {table}")
    db.close()


def test_cli_close_dry_run_then_seal(workspace: Workspace, session: tuple[str, list[str]], capsys) -> None:
    sid, _ = session
    assert main(["session", "close", sid, "--dry-run"]) == 0
    assert "1 of 4 earn a certificate" in capsys.readouterr().out
    assert get_session(workspace, sid).status != "sealed"
    assert main(["session", "close", sid, "--override", "E3=yes: joined the afternoon repeat", "--json"]) == 0
    sealed = json.loads(capsys.readouterr().out)
    assert sum(a["eligible"] for a in sealed["attendees"]) == 2 and len(sealed["chain_head"]) == 64
    assert get_session(workspace, sid).status == "sealed"
    assert main(["checkin", sid, "--code", "ABCDEFGHJK0123456789"]) == 1
    assert "sealed" in capsys.readouterr().err


def test_verify_a_sealed_session_and_its_tampering(workspace: Workspace, session: tuple[str, list[str]],
                                                   tmp_path, capsys) -> None:
    sid, _ = session
    closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=NOW)
    assert main(["verify", sid]) == 0
    assert "valid: session" in capsys.readouterr().out
    # HR's laptop: a fresh data folder with no identity trusts the trainer only through --trust.
    exported = tmp_path / "trainer.pem"
    assert main(["keys", "export-cert", "--out", str(exported)]) == 0
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    with db:
        db.execute("DROP TRIGGER attendance_events_no_delete")
        db.execute("DELETE FROM attendance_events WHERE seq = (SELECT max(seq) FROM attendance_events)")
    db.close()
    capsys.readouterr()
    assert main(["verify", sid, "--json"]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert not verdict["valid"] and "no longer ends where it was sealed" in verdict["message"]


def test_verify_refuses_an_untrusted_signer(workspace: Workspace, session: tuple[str, list[str]],
                                           tmp_path) -> None:
    from facilitator.services.verification import verify

    sid, _ = session
    closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=NOW)
    (workspace.data_dir / "identity" / "cert.pem").rename(tmp_path / "elsewhere.pem")
    verdict = verify(workspace, sid)
    assert not verdict.valid and "have not trusted" in verdict.message
    assert verify(workspace, sid, [tmp_path / "elsewhere.pem"]).valid
