"""The bundle's xAPI statements: what each person's outcome gives, stable ids, and a real LRS (Ralph) accepting
them, keeping one copy when they are sent again and refusing a broken one."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import replace
from datetime import datetime

import pytest
from cryptography import x509

from facilitator.records import xapi
from facilitator.records.export_record import ExportedSession
from facilitator.records.identity import fingerprint
from facilitator.services.exported_sessions import exported_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.lrs import Ralph
from tests.unit.exporting import sealed_session

HOME_PAGE = "https://harborview.example"


def exported(ws: Workspace, *, home_page: str | None = HOME_PAGE) -> ExportedSession:
    sid = sealed_session(ws)
    if home_page:
        set_setting(ws, "employer_web_address", home_page)
    return exported_session(ws, sid)


def by_person(made: xapi.XapiStatements) -> dict[str, list[str]]:
    verbs: dict[str, list[str]] = {}
    for statement in made.statements:
        verbs.setdefault(statement["actor"]["name"], []).append(statement["verb"]["id"].rsplit("/", 1)[1])
    return verbs


def test_each_person_gets_what_their_outcome_says(workspace: Workspace) -> None:
    made = xapi.statements(exported(workspace))
    # Zoë and Ana completed, José left an hour in, Kim never came.
    assert by_person(made) == {"Zoë O'Neil": ["attended", "completed"], "José Núñez": ["attended"],
                               "Ana Díaz": ["attended", "completed"]}
    assert made.left_out == ()
    completed = [s for s in made.statements if s["verb"]["id"] == xapi.COMPLETED]
    assert all(s["result"] == {"completion": True} for s in completed)
    assert {s["verb"]["display"]["en-US"] for s in made.statements} == {"attended", "completed"}


def test_a_completion_decided_without_a_check_in_is_reported_alone(workspace: Workspace) -> None:
    session = exported(workspace)
    kim = session.people[3]  # never came; a signed amendment may still decide she completed
    decided = replace(kim, attendee=replace(kim.attendee, eligible=True, certificate_id="c-kim"))
    made = xapi.statements(replace(session, people=(*session.people[:3], decided)))
    assert by_person(made)["Kim Park"] == ["completed"]


def test_people_are_named_by_their_employer_account_else_their_email(workspace: Workspace) -> None:
    session = exported(workspace)
    actors = {s["actor"]["name"]: s["actor"] for s in xapi.statements(session).statements}
    assert actors["Zoë O'Neil"] == {"objectType": "Agent", "name": "Zoë O'Neil",
                                    "account": {"homePage": HOME_PAGE, "name": "E1"}}
    # A roster cell that looks like a formula is only text here (CSV is where it would be neutralised).
    assert actors["Ana Díaz"]["account"] == {"homePage": HOME_PAGE, "name": '=HYPERLINK("x")'}


def test_without_the_employers_address_e_mail_names_people_and_who_has_neither_is_reported(
        workspace: Workspace) -> None:
    made = xapi.statements(exported(workspace, home_page=None))
    assert by_person(made) == {"Zoë O'Neil": ["attended", "completed"], "José Núñez": ["attended"]}
    assert {s["actor"]["mbox"] for s in made.statements} == {"mailto:zoe@example.com", "mailto:jose@example.com"}
    assert made.left_out == ("Ana Díaz",)  # an employee id, but no system to name it on, and no e-mail


def test_exporting_again_gives_the_same_statements_with_stable_unique_ids(workspace: Workspace) -> None:
    session = exported(workspace)
    first = xapi.statements(session).statements
    again = xapi.statements(exported_session(workspace, session.session_id)).statements
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    ids = [uuid.UUID(s["id"]) for s in first]
    assert len(set(ids)) == len(ids) and {i.version for i in ids} == {5}
    zoe = session.people[0].attendee.badge_token
    assert first[0]["id"] == xapi.statement_id(session.session_id, zoe, xapi.ATTENDED)


def test_durations_are_the_minutes_of_teaching_each_person_was_there_for(workspace: Workspace) -> None:
    made = xapi.statements(exported(workspace)).statements
    durations = {s["actor"]["name"]: s["result"]["duration"] for s in made if s["verb"]["id"] == xapi.ATTENDED}
    assert durations == {"Zoë O'Neil": "PT2H30M", "José Núñez": "PT1H", "Ana Díaz": "PT2H30M"}


@pytest.mark.parametrize("minutes, duration", [(115, "PT1H55M"), (120, "PT2H"), (45, "PT45M"), (0, "PT0M"),
                                               (605, "PT10H5M")])
def test_minutes_as_iso_8601_durations(minutes: int, duration: str) -> None:
    assert xapi.iso_duration(minutes) == duration


def test_the_session_is_the_registration_and_the_workshop_the_course(workspace: Workspace) -> None:
    session = exported(workspace)
    made = xapi.statements(session).statements
    assert {s["context"]["registration"] for s in made} == {xapi.registration(session.session_id)}
    assert uuid.UUID(made[0]["context"]["registration"]).version == 5
    workshop = made[0]["object"]
    assert workshop == {"objectType": "Activity",
                        "id": "urn:facilitator:workshop:harassment-prevention-supervisors:1.0.0",
                        "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                       "name": {"en": session.record.workshop_title}}}
    other = exported_session(workspace, sealed_session(workspace))
    later = xapi.statements(other).statements
    assert later[0]["object"] == workshop, "the same workshop and version: the same activity"
    assert later[0]["context"]["registration"] != made[0]["context"]["registration"]


def test_the_context_names_the_trainer_by_certificate_and_what_each_person_is_credited_with(
        workspace: Workspace) -> None:
    session = exported(workspace)
    made = xapi.statements(session).statements
    signer = x509.load_pem_x509_certificates(session.signer_cert_pem.encode())[0]
    context = made[0]["context"]
    assert context["instructor"] == {"objectType": "Agent", "name": "Sam Lee",
                                     "account": {"homePage": xapi.SIGNING_CERTIFICATE_HOME,
                                                 "name": fingerprint(signer)}}
    assert (context["platform"], context["revision"], context["language"]) == ("Facilitator", "1.0.0", "en")
    credited = {s["actor"]["name"]: s["context"]["extensions"] for s in made}
    assert credited["Zoë O'Neil"] == {xapi.SESSION_EXTENSION: session.session_id,
                                      xapi.JURISDICTIONS_EXTENSION: ["ca-supervisors"],
                                      xapi.TRACK_EXTENSION: "supervisor"}
    assert xapi.JURISDICTIONS_EXTENSION not in credited["José Núñez"], "left an hour in: no completion, no credit"
    attended = [s for s in made if s["verb"]["id"] == xapi.ATTENDED]
    assert all(xapi.JURISDICTIONS_EXTENSION not in s["context"]["extensions"] for s in attended), \
        "what 'attended' says never changes, so an amendment never needs to change it"


def test_attended_is_dated_by_the_first_check_in_and_completed_by_the_sessions_end(workspace: Workspace) -> None:
    session = exported(workspace)
    attended, completed = xapi.statements(session).statements[:2]
    for statement in (attended, completed):
        assert datetime.fromisoformat(statement["timestamp"]).utcoffset() is not None
        assert "stored" not in statement and "authority" not in statement
    zoe = session.people[0].attendee
    assert datetime.fromisoformat(attended["timestamp"]) == datetime.fromisoformat(zoe.first_in)
    assert datetime.fromisoformat(completed["timestamp"]) == session.ends.replace(microsecond=0)


# --- a real learning record store -------------------------------------------------------------------------

@pytest.mark.slow
def test_ralph_accepts_the_statements_and_gives_them_back(workspace: Workspace, ralph: Ralph) -> None:
    made = xapi.statements(exported(workspace)).statements
    assert ralph.strict_errors(made) == []
    # In two batches, as a sync that was cut short and resumed would send them (tests/lrs.py: Ralph's file store
    # kept only a store's first batch until it was made to append).
    for batch in (made[:2], made[2:]):
        posted = ralph.post_statements(batch)
        assert (posted.status, posted.body) == (200, [s["id"] for s in batch])
    stored = ralph.get_statements(registration=made[0]["context"]["registration"])
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in made)
    # What comes back is what was sent, with what only the LRS may add: when it stored it, and on whose word.
    for statement in stored:
        assert {k: v for k, v in statement.items() if k not in ("stored", "authority")} == next(
            s for s in made if s["id"] == statement["id"])
        assert statement["authority"] == {"objectType": "Agent", "mbox": "mailto:hr@example.com"}


@pytest.mark.slow
def test_sending_the_same_statements_again_stores_nothing_new(workspace: Workspace, ralph: Ralph) -> None:
    session = exported(workspace)
    made = xapi.statements(session).statements
    registration = made[0]["context"]["registration"]
    assert ralph.post_statements(made).status == 200
    before = ralph.get_statements(registration=registration)
    # Ralph 5.1 answers 204 No Content when every statement of a batch is already stored as sent.
    again = ralph.post_statements(xapi.statements(exported_session(workspace, session.session_id)).statements)
    assert (again.status, again.body) == (204, None)
    assert ralph.get_statements(registration=registration) == before
    # An LRS never changes a stored statement: the same id with other content is refused, which is why a
    # re-export must give the very same statements.
    changed = copy.deepcopy(made[0])
    changed["result"]["duration"] = "PT9H"
    assert ralph.post_statements([changed]).status == 409
    assert ralph.get_statements(registration=registration) == before


@pytest.mark.slow
def test_a_broken_statement_is_refused(workspace: Workspace, ralph: Ralph) -> None:
    made = xapi.statements(exported(workspace)).statements
    headless = {k: v for k, v in made[0].items() if k != "actor"}
    refused = ralph.post_statements([headless])
    assert refused.status == 422 and "actor" in json.dumps(refused.body)
    assert ralph.get_statements(registration=made[0]["context"]["registration"]) == []
    # Ralph's API checks little beyond the actor and the ids; its full model checks the rest.
    wrong = copy.deepcopy(made[0])
    wrong["result"]["duration"] = "1h55"
    wrong["context"]["registration"] = "session one"
    errors = ralph.strict_errors([made[1], wrong])
    assert len(errors) == 1 and "duration" in errors[0] and "registration" in errors[0]


@pytest.mark.slow
def test_ralph_can_be_stopped_and_started_again_keeping_what_it_stored(workspace: Workspace, ralph: Ralph) -> None:
    made = xapi.statements(exported(workspace)).statements
    assert ralph.post_statements(made).status == 200
    ralph.stop()
    assert not ralph.running and not ralph.answers()
    ralph.start()
    assert len(ralph.get_statements(registration=made[0]["context"]["registration"])) == len(made)
