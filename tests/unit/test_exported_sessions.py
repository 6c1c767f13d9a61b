"""The value every bundle format is written from: a verified seal, as amended, with the roster's details."""

from __future__ import annotations

import pytest

from facilitator.services.errors import UserError
from facilitator.services.exported_sessions import exported_session
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace
from tests.unit.exporting import sealed_session


def test_a_sealed_session_exports_each_person_with_their_outcome(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    exported = exported_session(workspace, sid)
    assert [p.first_name for p in exported.people] == ["Zoë", "José", "Ana", "Kim"]
    assert [p.completion for p in exported.people] == ["completed", "incomplete", "completed", "no-show"]
    assert exported.people[0].email == "zoe@example.com" and exported.employer == "Harbor View Clinic"
    assert exported.starts.utcoffset() is not None and exported.ends > exported.starts
    assert exported.seal_jws.count(".") == 2 and "BEGIN CERTIFICATE" in exported.signer_cert_pem


def test_only_a_sealed_session_is_exported(workspace: Workspace) -> None:
    planned = create_session(workspace, workshop_id="harassment-prevention-supervisors", on="2026-12-01",
                             start="09:00", location="Hall", trainer="Sam Lee", jurisdictions=["ca-supervisors"])
    with pytest.raises(UserError, match="not closed yet"):
        exported_session(workspace, planned.id)
