"""Claims that hold up (issue 12): what a session is credited with comes from its delivery and each person's
presence, partial results are said to be partial, and a lecture cannot game the checker. Each test is one way a
record could claim more than happened."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from facilitator.cli import main
from facilitator.content.library import Library
from facilitator.domain.compliance import Standing, Track, binds, delivered, evaluate, planned
from facilitator.domain.credit import overlap_minutes
from facilitator.domain.delivery import DeliveryEvent, DeliveryKind, replay
from facilitator.domain.eligibility import Override
from facilitator.domain.roster import Person
from facilitator.domain.segment_kinds import SegmentKind, rules
from facilitator.services import attendance, certificates, closing, delivery, reports, seals
from facilitator.services.delivery import plan_of
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.delivering import deliver_as_planned

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
TOPICS = yaml.safe_load((Path(__file__).parents[2] / "sessions" / "topics.yaml").read_text())
CA_TOPICS = ["definition", "examples", "federal-law", "state-law", "remedies", "abusive-conduct", "gender-identity",
             "employer-policy", "internal-complaint", "external-complaint", "investigation", "retaliation",
             "prevention"]


# --- the checker cannot be gamed ----------------------------------------------------------------------------------

def _talk(sid: str, minutes: int, topics: list[str]) -> dict:
    return {"id": sid, "type": "talk", "title": "A talk", "minutes": minutes, "topics": topics}


POLL = {"id": "poll", "type": "poll", "title": "A poll", "minutes": 1, "question": "Ready?", "options": ["Yes", "No"]}
FEEDBACK = {"id": "feedback", "type": "feedback", "title": "Feedback", "minutes": 1,
            "rating": {"question": "Useful?", "scale": 5}, "comments": ["What would you change?"]}
SCENARIO = {"id": "case", "type": "scenario", "title": "A case", "minutes": 1, "topics": ["examples"],
            "screen": "Someone says something.", "discussion_questions": ["What happened?"],
            "vote": {"question": "Harassment?", "options": ["Yes", "No"]}, "debrief": ["It depends."]}
ADVERSARIES = {
    # one 58-minute talk tagged with every topic, a 1-minute poll and a 1-minute feedback round
    "every-tag": [_talk("lecture", 58, [t["id"] for t in TOPICS]), POLL, FEEDBACK],
    # 58 minutes of talks covering each of California's topics, a 1-minute scenario and a 1-minute poll
    "minute-of-scenario": [_talk("part-1", 20, CA_TOPICS[:5]), _talk("part-2", 20, CA_TOPICS[5:9]),
                           _talk("part-3", 18, CA_TOPICS[9:]), SCENARIO, POLL],
}


def _checked(tmp_path: Path, capsys, name: str) -> dict[str, dict]:
    workshop = {"id": name, "title": name, "version": "1.0", "language": "en", "audience": "everyone",
                "summary": "Made to game the checker.", "planned_minutes": 60, "segments": ADVERSARIES[name]}
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(workshop, sort_keys=False))
    assert main(["content", "check", str(tmp_path / f"{name}.yaml"), "--json"]) == 0
    [found] = json.loads(capsys.readouterr().out)
    return {c["jurisdiction"]: c for c in found["coverage"]}


# The laws each adversary would game: the tagged lecture every one; an hour of talks that does teach each topic
# only those asking for interactive training (Illinois and Maine ask for none, so an hour of talks can meet them).
GAMED = {"every-tag": None, "minute-of-scenario": {"ca-employees", "ca-supervisors", "ny-state", "nyc", "de"}}


@pytest.mark.parametrize("name", sorted(ADVERSARIES))
def test_an_adversarial_workshop_meets_no_jurisdiction_it_would_game(tmp_path: Path, capsys, name: str) -> None:
    coverage = _checked(tmp_path, capsys, name)
    for code, found in coverage.items():
        if code != "none" and (GAMED[name] is None or code in GAMED[name]):
            assert found["standing"] != "met" and not found["satisfied"], (code, found)


def test_a_minute_of_scenario_is_not_interactive_training(tmp_path: Path, capsys) -> None:
    """Its minutes and topics pass for California's employees: only the interactivity rule stops it."""
    ca = _checked(tmp_path, capsys, "minute-of-scenario")["ca-employees"]
    assert {m["category"] for m in ca["missing"]} == {"interactivity"}
    assert any("took part" in m["message"] for m in ca["missing"])


def test_a_poll_with_no_right_answer_assesses_nothing(library: Library) -> None:
    outline = library.workshops["harassment-prevention-employees"].outline()
    no_check = outline.__class__(**{**outline.__dict__, "segments": tuple(
        s for s in outline.segments if s.kind is not SegmentKind.KNOWLEDGE_CHECK)})
    found = evaluate(planned(no_check), library.jurisdictions["ca-employees"])
    assert any("assess learning" in s.message for s in found.shortfalls)


# --- one evaluation: the plan and a delivery as planned agree -------------------------------------------------------

def _as_planned(outline, start: datetime) -> list[DeliveryEvent]:
    """The log of a delivery exactly as planned: every segment run for its minutes, every vote counted and shown,
    every role-play round assigned."""
    events, at = [], start
    for segment in outline.segments:
        events.append(DeliveryEvent(DeliveryKind.STARTED, at, segment.id))
        if segment.kind in (SegmentKind.SCENARIO, SegmentKind.POLL, SegmentKind.KNOWLEDGE_CHECK):
            events += [DeliveryEvent(DeliveryKind.TALLY, at, segment.id, {"item": 0, "counts": [3, 1]}),
                       DeliveryEvent(DeliveryKind.REVEALED, at, segment.id, {"item": 0})]
        if segment.kind is SegmentKind.ROLE_PLAY:
            events.append(DeliveryEvent(DeliveryKind.ROLES, at, segment.id, {"round": 1, "groups": []}))
        at += timedelta(minutes=segment.minutes)
    return [*events, DeliveryEvent(DeliveryKind.ENDED, at, None)]


def test_the_plan_and_a_delivery_as_planned_agree_on_every_workshop_and_jurisdiction(library: Library) -> None:
    for workshop in library.workshops.values():
        outline = workshop.outline()
        log = replay(plan_of(workshop), _as_planned(outline, NOW))
        as_delivered = delivered(outline, log, NOW + timedelta(hours=5))
        for jurisdiction in library.jurisdictions.values():
            plan, done = evaluate(planned(outline), jurisdiction), evaluate(as_delivered, jurisdiction)
            assert [(t.name, t.met, t.minutes) for t in plan.trainings] == \
                   [(t.name, t.met, t.minutes) for t in done.trainings], (workshop.id, jurisdiction.code)
            assert plan.standing is done.standing


def test_an_interaction_that_did_not_happen_counts_for_nothing(library: Library) -> None:
    workshop = library.workshops["harassment-prevention-employees"]
    outline = workshop.outline()
    quiet = [e for e in _as_planned(outline, NOW) if e.kind in (DeliveryKind.STARTED, DeliveryKind.ENDED)]
    found = evaluate(delivered(outline, replay(plan_of(workshop), quiet), NOW + timedelta(hours=2)),
                     library.jurisdictions["ca-employees"])
    assert not found.satisfied
    assert {s.category for s in found.shortfalls} == {"interactivity"}
    assert rules(SegmentKind.SCENARIO).evidence is not None


def test_a_knowledge_check_nobody_answered_assesses_nothing(library: Library) -> None:
    """Zeros keyed in for every question (to move on) and the answers shown: California's questions that assess
    learning were asked, but no one's learning was assessed."""
    workshop = library.workshops["harassment-prevention-employees"]
    outline = workshop.outline()
    checks = {s.id for s in outline.segments if s.kind is SegmentKind.KNOWLEDGE_CHECK}
    silent = [replace(e, detail={"item": 0, "counts": [0, 0]}) if e.kind is DeliveryKind.TALLY and e.segment in checks
              else e for e in _as_planned(outline, NOW)]

    def under_california(events: list[DeliveryEvent]):
        return evaluate(delivered(outline, replay(plan_of(workshop), events), NOW + timedelta(hours=2)),
                        library.jurisdictions["ca-employees"])

    found = under_california(silent)
    assert not found.satisfied and {s.category for s in found.shortfalls} == {"interactivity"}
    assert under_california(_as_planned(outline, NOW)).satisfied


# --- sessions, closed and sealed -----------------------------------------------------------------------------------

def _session(ws: Workspace, workshop: str, codes: list[str], people: list[Person], *, minutes: int = 170
             ) -> tuple[str, list[str], datetime]:
    start = (NOW - timedelta(minutes=minutes)).astimezone()
    detail = create_session(ws, workshop_id=workshop, on=start.date(), start=start.strftime("%H:%M"),
                            location="Depot", trainer="Sam Lee", jurisdictions=codes)
    add_people(ws, detail.id, people)
    set_setting(ws, "organisation", "Depot Ltd")
    return detail.id, [p.badge_code for p in get_session(ws, detail.id).roster], start


OTHERS = [Person("Cy", "Ng", "E3"), Person("Di", "Ow", "E4")]  # enough for a role-play group


def _credits(result: closing.SealResult, name: str) -> dict[str, str]:
    [person] = [a for a in result.plan.attendees if a.name == name]
    return {c.code: c.standing for c in person.credits}


def _seal(ws: Workspace, sid: str, **overrides: Override) -> closing.SealResult:
    found = closing.parse_overrides(ws, sid, [f"{who}={'yes' if o.eligible else 'no'}: {o.reason}"
                                              for who, o in overrides.items()])
    return closing.close_session(ws, sid, signer(ws, create_as="Sam Lee"), overrides=found, at=NOW)


def test_skipped_scenarios_and_knowledge_check_credit_no_california_supervisors(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-supervisors", ["ca-supervisors"],
                                 [Person("Ana", "Díaz", "E1", is_supervisor=True)])
    attendance.check_in(workspace, sid, codes[0], at=start)
    deliver_as_planned(workspace, sid, start, skip={"scenario-warehouse", "scenario-restaurant", "knowledge-check"})
    result = _seal(workspace, sid)
    assert result.plan.jurisdictions == []
    assert _credits(result, "Ana Díaz") == {"ca-supervisors": "not-met"}
    [coverage] = result.plan.coverage
    assert any("assess learning" in s.message for s in coverage.shortfalls)


def test_a_supervisor_present_110_minutes_is_not_credited_the_120(workspace: Workspace, tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-supervisors", ["ca-supervisors"],
                                 [Person("Ana", "Díaz", "E1", is_supervisor=True),
                                  Person("Bo", "Li", "E2", is_supervisor=True)])
    attendance.check_in(workspace, sid, codes[0], at=start - timedelta(minutes=5))
    attendance.check_in(workspace, sid, codes[1], at=start - timedelta(minutes=5))
    end = deliver_as_planned(workspace, sid, start)
    attendance.check_out(workspace, sid, codes[1], at=end - timedelta(minutes=41))  # misses 41 of the 151
    result = _seal(workspace, sid, E2=Override(True, "made up the rest on 3 Dec"))
    people = {a.name: a for a in result.plan.attendees}
    assert people["Ana Díaz"].minutes == 151  # arrived early, left at the close: teaching only
    assert people["Bo Li"].minutes == 110 and people["Bo Li"].eligible and people["Bo Li"].overridden
    assert _credits(result, "Ana Díaz") == {"ca-supervisors": "met"}
    assert _credits(result, "Bo Li") == {"ca-supervisors": "not-met"}  # the override decided the certificate only
    made = certificates.make_certificates(workspace, sid, tmp_path / "certs").files
    [bo] = [f for f in made if "Li" in f.name or _pdf_text(f).count("Bo Li")]
    text = _pdf_text(bo)
    assert "trainer's decision: made up the rest on 3 Dec" in text.replace("Trainer's", "trainer's")
    assert "1 h 50 min" in text and "Not complete".upper() in text.upper()
    assert "present 110 of the 141 min it requires" in " ".join(text.split())  # 151 delivered, less 10 of grace
    closing.amend(workspace, sid, signer(workspace), person="E1", eligible=False, reason="slept through it")
    reports.make_report(workspace, sid, tmp_path / "report.pdf")
    report = " ".join(_pdf_text(tmp_path / "report.pdf").split())
    assert "Sam Lee, at closing" in report and "signed amendment 1" in report and "slept through it" in report


def test_a_supervisor_on_the_employees_workshop_gets_no_supervisors_credit(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ca-employees", "de", "me"],
                                 [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2", is_supervisor=True),
                                  *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    result = _seal(workspace, sid)
    assert _credits(result, "Ana Díaz") == {"ca-employees": "met", "de": "met", "me": "met"}
    assert _credits(result, "Bo Li") == {"ca-employees": "not-applicable", "de": "partial", "me": "partial"}
    [bo] = [a for a in result.plan.attendees if a.name == "Bo Li"]
    assert bo.track == Track.SUPERVISOR.value


def test_a_bystander_session_under_chicago_is_partial_everywhere(workspace: Workspace, tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "bystander-intervention", ["chicago"], [Person("Ana", "Díaz", "E1"),
                                                                                   *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    result = _seal(workspace, sid)
    assert result.plan.jurisdictions == [] and _credits(result, "Ana Díaz") == {"chicago": "partial"}
    [pdf] = [f for f in certificates.make_certificates(workspace, sid, tmp_path / "certs").files
             if "Ana Díaz" in _pdf_text(f)]
    text = " ".join(_pdf_text(pdf).split())
    met_part = text[text.index("REQUIREMENTS MET"):]
    assert "No jurisdiction's requirements are met by this certificate." in met_part
    assert "Chicago (employees): partly met — not complete." in met_part
    [token] = [p.token for p in certificates.certificate_pages(workspace, sid, *_page_args(workspace))[1]
               if p.data.attendee_name == "Ana Díaz"]
    claims = json.loads(__import__("base64").urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["jurisdictions"] == [] and claims["partial"] == ["chicago"]
    reports.make_report(workspace, sid, tmp_path / "report.pdf")
    report = " ".join(_pdf_text(tmp_path / "report.pdf").split())
    assert "Employee: partly met — not complete" in report
    assert "the plan would not meet it" in report


def test_a_session_closed_without_its_delivery_credits_nothing(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ca-employees"],
                                 [Person("Ana", "Díaz", "E1")], minutes=200)
    attendance.check_in(workspace, sid, codes[0], at=start - timedelta(minutes=5))
    result = _seal(workspace, sid)
    assert not result.plan.delivery_recorded and result.plan.jurisdictions == []
    [coverage] = result.plan.coverage
    assert coverage.shortfalls[0].message == "delivery not recorded: no jurisdiction credited"
    [ana] = result.plan.attendees
    assert ana.minutes == 79  # in the room from the planned start to its planned end, not 3 h 25 min
    assert _credits(result, "Ana Díaz") == {"ca-employees": "not-met"}


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _page_args(ws: Workspace) -> tuple:
    from facilitator.services.identity import get_identity
    from facilitator.services.settings import load_settings

    return load_settings(ws), get_identity(ws)


def test_standing_words_cover_every_standing() -> None:
    from facilitator.domain.compliance import STANDING_WORDS

    assert set(STANDING_WORDS) == set(Standing)


# --- the trainer ----------------------------------------------------------------------------------------------------

def test_california_asks_for_the_trainer_s_qualifications_and_the_record_keeps_them(workspace: Workspace,
                                                                                   tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ca-employees"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    [warning] = [w for w in closing.plan_close(workspace, sid, at=NOW).warnings if "qualified trainer" in w]
    assert "California" in warning
    set_setting(workspace, "trainer_qualifications", "Employment attorney, 6 years")
    set_setting(workspace, "trainer_organisation", "Fair Work Training LLC")
    result = _seal(workspace, sid)
    assert not [w for w in result.plan.warnings if "qualified trainer" in w]
    set_setting(workspace, "trainer_qualifications", "")  # changed later: the sealed record still says what it said
    reports.make_report(workspace, sid, tmp_path / "report.pdf")
    report = " ".join(_pdf_text(tmp_path / "report.pdf").split())
    assert "Employment attorney, 6 years" in report and "Sam Lee (Fair Work Training LLC)" in report


def test_a_report_says_when_no_qualification_is_stated(workspace: Workspace, tmp_path: Path) -> None:
    sid, _codes, _start = _session(workspace, "harassment-prevention-employees", ["ca-employees"],
                                   [Person("Ana", "Díaz", "E1")])
    reports.make_report(workspace, sid, tmp_path / "draft.pdf")
    report = " ".join(_pdf_text(tmp_path / "draft.pdf").split())
    assert "not stated — California" in report and "asks for a qualified trainer" in report


# --- acknowledgments and hand-outs as evidence ----------------------------------------------------------------------

def test_nyc_acknowledgments_are_recorded_sealed_and_printed(workspace: Workspace, tmp_path: Path, capsys) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["nyc"],
                                 [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    assert main(["signin-sheet", sid, "--out", str(tmp_path / "draft.pdf")]) == 0
    sheet = " ".join(_pdf_text(tmp_path / "draft.pdf").split())
    assert "By signing below, each attendee acknowledges:" in sheet
    capsys.readouterr()
    assert main(["attendance", "acknowledge", sid, "E1"]) == 0  # ticked from the signed paper sheet
    assert "Recorded the signed acknowledgment of Ana Díaz" in capsys.readouterr().out
    assert main(["attendance", "acknowledge", sid, "E2", "--source", "desk"]) == 0
    [bo_ack] = [e for e in attendance.attendance_log_entries(workspace, sid)
                if e.kind == "acknowledged" and e.source == "desk"]
    attendance.void(workspace, sid, bo_ack.seq, "ticked the wrong row")
    assert attendance.verify_attendance(workspace, sid).intact
    deliver_as_planned(workspace, sid, start)
    plan = closing.plan_close(workspace, sid, at=NOW)
    assert any("3 people who attended have no signed acknowledgment" in w for w in plan.warnings)
    result = _seal(workspace, sid)
    signed = {a.name: a.acknowledged for a in result.plan.attendees}
    assert signed["Ana Díaz"] is True and signed["Bo Li"] is False
    reports.make_report(workspace, sid, tmp_path / "report.pdf")
    assert "Signed acknowledgments on record: 1 of the 4 who attended" in " ".join(
        _pdf_text(tmp_path / "report.pdf").split())
    made = certificates.make_certificates(workspace, sid, tmp_path / "certs").files
    texts = {f: _pdf_text(f) for f in made}
    [ana] = [t for t in texts.values() if "Ana Díaz" in t]
    [bo] = [t for t in texts.values() if "Bo Li" in t]
    assert "Signed acknowledgment on record." in ana and "Signed acknowledgment on record." not in bo


def test_new_york_state_hand_outs_are_confirmed_and_sealed(workspace: Workspace, tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    plan = closing.plan_close(workspace, sid, at=NOW)
    required = plan.evidence.handouts_required
    assert len(required) >= 3 and any("not confirmed as handed out" in w for w in plan.warnings)
    with pytest.raises(UserError, match="is not a hand-out"):
        closing.plan_close(workspace, sid, at=NOW, handouts=["a leaflet"])
    assert main(["session", "close", sid, "--handed-out", required[0], "--handed-out", required[1]]) == 0
    sealed = seals.verified_seal(workspace, sid).sealed
    assert sealed.handouts_required == required and sealed.handouts_given == required[:2]
    reports.make_report(workspace, sid, tmp_path / "report.pdf")
    report = " ".join(_pdf_text(tmp_path / "report.pdf").split())
    assert f"Handed out, as the trainer confirmed: {required[0]}; {required[1]}" in report
    assert "Not confirmed as handed out:" in report


def test_someone_absent_or_gone_early_is_credited_with_nothing(workspace: Workspace) -> None:
    """A law with no minimum length (New York) still asks each person to have been there for the training."""
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2"), Person("Cy", "Ng", "E3"),
                                  Person("Di", "Ow", "E4"), Person("Ed", "Po", "E5")])
    for code in codes[:4]:
        attendance.check_in(workspace, sid, code, at=start)
    end = deliver_as_planned(workspace, sid, start)
    attendance.check_out(workspace, sid, codes[3], at=end - timedelta(minutes=30))
    result = _seal(workspace, sid)
    assert _credits(result, "Ana Díaz") == {"ny-state": "met"}
    assert _credits(result, "Di Ow") == {"ny-state": "not-met"}  # left 30 minutes before the end
    assert _credits(result, "Ed Po") == {"ny-state": "not-met"}  # never came


# --- the employer's answers decide which laws bind it ----------------------------------------------------------------

def test_whether_a_law_binds_the_employer_is_said_from_its_answers(library: Library) -> None:
    nyc, restaurants = library.jurisdictions["nyc"], library.jurisdictions["il-restaurants"]
    assert binds(nyc, 40, "")[0] is True
    bound, why = binds(nyc, 8, "")
    assert bound is False and "15 or more employees" in why and "has 8" in why
    assert binds(nyc, None, "")[0] is None
    assert binds(restaurants, 3, "bar")[0] is True
    assert binds(restaurants, 3, "other")[0] is False and binds(restaurants, 3, "")[0] is None
    assert binds(library.jurisdictions["ny-state"], None, "")[0] is True  # every employer


def test_the_employer_s_answers_are_noted_at_planning_warned_at_closing_and_sealed(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["nyc", "ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    [nyc, nys] = get_session(workspace, sid).coverage
    assert "headcount is not set" in nyc.note and nys.note == ""
    with pytest.raises(UserError, match="employer_employees"):
        set_setting(workspace, "employer_employees", "-3")
    set_setting(workspace, "employer_employees", "8")
    assert "this employer has 8" in get_session(workspace, sid).coverage[0].note
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    result = _seal(workspace, sid)
    assert any("may not bind this employer" in w for w in result.plan.warnings)
    sealed = seals.verified_seal(workspace, sid).sealed
    assert (sealed.employer_employees, sealed.employer_industry) == (8, "")
    set_setting(workspace, "employer_employees", "")
    assert "headcount is not set" in get_session(workspace, sid).coverage[0].note


# --- found by review: ways a record could still claim more -----------------------------------------------------------

def test_delivery_times_keyed_out_of_order_are_refused(workspace: Workspace) -> None:
    sid, _codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                  [Person("Ana", "Díaz", "E1")])
    delivery.start(workspace, sid, "welcome", at=start + timedelta(minutes=10))
    with pytest.raises(UserError, match="before the last one recorded"):
        delivery.start(workspace, sid, "what-harassment-is", at=start)
    delivery.note(workspace, sid, "welcome", "keyed in later", at=start)  # a note moves no clock


def test_minutes_are_counted_once_however_visits_and_spans_overlap() -> None:
    t0 = NOW
    visits = [(t0, t0 + timedelta(minutes=40)), (t0 + timedelta(minutes=10), t0 + timedelta(minutes=50))]
    taught = [(t0, t0 + timedelta(minutes=60)), (t0 + timedelta(minutes=5), t0 + timedelta(minutes=30))]
    assert overlap_minutes(visits, taught) == 50


def test_a_segment_left_running_over_the_close_counts_only_its_allowed_time(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    end = deliver_as_planned(workspace, sid, start)
    delivery.start(workspace, sid, "knowledge-check", at=end)  # gone back to it, never ended
    plan = closing.plan_close(workspace, sid, at=end + timedelta(hours=3))
    assert plan.delivered_minutes <= 79 + 6  # the workshop, and the knowledge check's 6 minutes once more at most
    assert max(a.minutes for a in plan.attendees) <= plan.delivered_minutes
    sealed = closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=end + timedelta(hours=3))
    assert sealed.plan.delivered_minutes == plan.delivered_minutes, "the seal claims what the preview showed"
    assert [a.minutes for a in sealed.plan.attendees] == [a.minutes for a in plan.attendees]


def test_a_last_segment_left_running_is_sealed_as_the_preview_shows_it(workspace: Workspace) -> None:
    """The trainer forgets to press End on the last segment and closes an hour and a half later: the seal counts the
    segment's allowed minutes, not the hour and a half, and Connecticut's two hours are not met by it."""
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ct", "ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS], minutes=400)
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    end = deliver_as_planned(workspace, sid, start, leave_running=True)
    last = delivery.session_run(workspace, sid).workshop.segments[-1]
    closed_at = end + timedelta(minutes=90)
    preview = closing.plan_close(workspace, sid, at=closed_at)
    sealed = closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=closed_at)
    assert sealed.plan.delivered_minutes == preview.delivered_minutes <= 79
    assert _credits(sealed, "Ana Díaz")["ct"] != Standing.MET
    ended = delivery.session_run(workspace, sid).delivery.run_of(last.id).ended_at
    assert ended is not None and ended < closed_at, "the record ends it when its time ran out, not at the close"


def test_a_long_grace_period_never_excuses_the_training(workspace: Workspace) -> None:
    start = (NOW - timedelta(minutes=170)).astimezone()
    detail = create_session(workspace, workshop_id="harassment-prevention-employees", on=start.date(),
                            start=start.strftime("%H:%M"), location="Depot", trainer="Sam Lee",
                            jurisdictions=["ny-state"], grace_minutes=120)
    add_people(workspace, detail.id, [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2"), *OTHERS])
    codes = [p.badge_code for p in get_session(workspace, detail.id).roster]
    for code in codes:
        attendance.check_in(workspace, detail.id, code, at=start)
    end = deliver_as_planned(workspace, detail.id, start)
    attendance.check_out(workspace, detail.id, codes[1], at=start + timedelta(minutes=2))
    result = _seal(workspace, detail.id)
    [bo] = [a for a in result.plan.attendees if a.name == "Bo Li"]
    assert not bo.eligible and _credits(result, "Bo Li") == {"ny-state": "not-met"}
    assert _credits(result, "Ana Díaz") == {"ny-state": "met"} and end


def test_a_log_of_notes_alone_records_no_delivery(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1")])
    attendance.check_in(workspace, sid, codes[0], at=start)
    delivery.skip(workspace, sid, "welcome", at=start)
    plan = closing.plan_close(workspace, sid, at=NOW)
    assert not plan.delivery_recorded and plan.jurisdictions == []


def test_rebalancing_trainings_always_ends(library: Library) -> None:
    """Realistic deliveries (segments skipped, run short or long) of every built-in workshop, under every
    jurisdiction: the evaluation ends, and the same delivery always gives the same answer."""
    import random

    pick = random.Random(12)
    for _round in range(60):
        workshop = pick.choice(list(library.workshops.values()))
        outline = workshop.outline()
        events, at = [], NOW
        for segment in outline.segments:
            if pick.random() < 0.3:
                continue
            events.append(DeliveryEvent(DeliveryKind.STARTED, at, segment.id))
            events += [DeliveryEvent(DeliveryKind.TALLY, at, segment.id, {"item": 0, "counts": [2, 1]}),
                       DeliveryEvent(DeliveryKind.REVEALED, at, segment.id, {"item": 0})]
            at += timedelta(minutes=segment.minutes * pick.uniform(0.3, 1.5))
        events.append(DeliveryEvent(DeliveryKind.ENDED, at, None))
        teaching = delivered(outline, replay(plan_of(workshop), events), at)
        for jurisdiction in library.jurisdictions.values():
            assert evaluate(teaching, jurisdiction) == evaluate(teaching, jurisdiction)


def test_a_workshop_that_bounced_segments_between_trainings_is_checked(tmp_path: Path, capsys) -> None:
    segments = [
        {"id": "s0", "type": "feedback", "title": "F1", "minutes": 20, "topics": ["employer-policy"],
         "rating": {"question": "Useful?", "scale": 5}, "comments": ["Why?"]},
        {"id": "s2", "type": "feedback", "title": "F2", "minutes": 60,
         "topics": ["abusive-conduct", "prevention", "federal-law", "retaliation"],
         "rating": {"question": "Useful?", "scale": 5}, "comments": ["Why?"]},
        {"id": "s3", "type": "talk", "title": "T", "minutes": 10, "topics": ["gender-identity", "remedies"]},
        {"id": "s4", "type": "poll", "title": "P", "minutes": 30, "topics": ["gender-identity"],
         "question": "Ready?", "options": ["Yes", "No"]}]
    workshop = {"id": "loop", "title": "Loop", "version": "1.0", "language": "en", "audience": "supervisors",
                "summary": "Once hung the checker.", "planned_minutes": 120, "segments": segments}
    (tmp_path / "loop.yaml").write_text(yaml.safe_dump(workshop, sort_keys=False))
    assert main(["content", "check", str(tmp_path / "loop.yaml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["coverage"]


def test_a_certificate_given_by_amendment_says_so(workspace: Workspace, tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), Person("Ed", "Po", "E5"), *OTHERS])
    for code in codes[1:]:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    _seal(workspace, sid)
    closing.amend(workspace, sid, signer(workspace), person="E1", eligible=True, reason="trained on 3 Dec instead")
    [page] = [p for p in certificates.certificate_pages(workspace, sid, *_page_args(workspace))[1]
              if p.data.attendee_name == "Ana Díaz"]
    assert "signed amendment: trained on 3 Dec instead" in (page.data.decided or "")
    claims = json.loads(__import__("base64").urlsafe_b64decode(page.token.split(".")[1] + "=="))
    assert claims["decided"] is True and claims["jurisdictions"] == [] and claims["minutes"] == 0



def test_a_certificate_given_by_amendment_and_taken_back_is_voided_for_the_lrs(workspace: Workspace) -> None:
    """Not eligible at the seal, given a certificate by one amendment (an export sends her "completed"), taken back
    by another: the next export voids that "completed", as it would one the seal had given."""
    from facilitator.records import xapi
    from facilitator.services.exported_sessions import exported_session

    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1", email="ana@example.com"), Person("Ed", "Po", "E5"),
                                  *OTHERS])
    for code in codes[1:]:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    [ana] = [a for a in _seal(workspace, sid).plan.attendees if a.name == "Ana Díaz"]
    completed = xapi.statement_id(sid, ana.badge_token, xapi.COMPLETED)
    closing.amend(workspace, sid, signer(workspace), person="E1", eligible=True, reason="trained on 3 Dec instead")
    assert completed in {s["id"] for s in xapi.statements(exported_session(workspace, sid)).statements}
    closing.amend(workspace, sid, signer(workspace), person="E1", eligible=False, reason="the 3 Dec session was "
                                                                                         "someone else's")
    again = xapi.statements(exported_session(workspace, sid)).statements
    assert [s["object"]["id"] for s in again if s["verb"]["id"] == xapi.VOIDED] == [completed]


def test_the_close_summary_counts_credit_per_person(workspace: Workspace, capsys) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ca-employees"],
                                 [Person("Ana", "Díaz", "E1"), Person("Bo", "Li", "E2", is_supervisor=True),
                                  *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    assert main(["session", "close", sid, "--dry-run"]) == 0
    assert ": 3 of 4" in capsys.readouterr().out  # the supervisor is not credited California's employees' hour


def test_a_certificate_from_an_unrecorded_delivery_says_so(workspace: Workspace, tmp_path: Path) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1")], minutes=100)
    attendance.check_in(workspace, sid, codes[0], at=start)
    _seal(workspace, sid)
    [pdf] = certificates.make_certificates(workspace, sid, tmp_path / "certs").files
    text = " ".join(_pdf_text(pdf).split())
    assert "delivery not recorded" in text and "0 min delivered" not in text
    assert "None is listed: the delivery was not recorded." in text  # no topic claimed from the plan
    assert certificates.certificate_pages(workspace, sid, *_page_args(workspace))[1][0].data.topics == ()


def test_a_certificate_lists_only_the_topics_taught(workspace: Workspace) -> None:
    """The law segment clicked through in no time: its topics are missing from the seal, and from the certificate."""
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS], minutes=300)
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start, minutes={"the-law": 0})
    _seal(workspace, sid)
    topics = certificates.certificate_pages(workspace, sid, *_page_args(workspace))[1][0].data.topics
    law = {t.label for t in workspace.library.topics if t.id in {"federal-law", "state-law", "remedies"}}
    assert len(law) == 3 and topics and not law & set(topics)


def test_half_minutes_do_not_refuse_everyone(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    set_setting(workspace, "organisation", "Depot Ltd")
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start, minutes={"feedback": 3.5})  # 79.5 minutes in all
    plan = closing.plan_close(workspace, sid, at=NOW)
    assert all(a.eligible for a in plan.attendees)


def test_a_role_play_round_can_be_keyed_in_afterwards(workspace: Workspace, capsys) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    assert main(["run", "start", sid, "practice-saying-something"]) == 0
    assert main(["run", "roles", sid, "practice-saying-something"]) == 0
    assert main(["run", "roles", sid, "practice-saying-something"]) == 0
    assert "Round 2 of practice-saying-something: 1 group" in capsys.readouterr().out
    assert main(["run", "roles", sid, "no-such-segment"]) == 1
    rounds = delivery.session_run(workspace, sid).delivery.run_of("practice-saying-something").role_rounds
    assert [r.round for r in rounds] == [1, 2]


def test_a_feedback_round_without_a_response_was_not_held(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS])
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    assert closing.plan_close(workspace, sid, at=NOW).jurisdictions
    delivery.remove_last_feedback(workspace, sid, "feedback")
    [coverage] = closing.plan_close(workspace, sid, at=NOW).coverage
    assert not coverage.satisfied and any("feedback survey" in s.message for s in coverage.shortfalls)


def test_sealing_ends_the_segment_still_running(workspace: Workspace) -> None:
    from facilitator.services import delivery
    from facilitator.services.delivery import session_run

    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["none"],
                                 [Person("Ana", "Díaz", "E1")])
    attendance.check_in(workspace, sid, codes[0], at=start)
    delivery.start(workspace, sid, "welcome", at=start + timedelta(minutes=1))
    closing.close_session(workspace, sid, signer(workspace, create_as="Sam Lee"), at=start + timedelta(minutes=4))
    run = session_run(workspace, sid)
    assert run.delivery.current is None, "the record says when teaching stopped"
    welcome = run.delivery.run_of("welcome")
    assert welcome.spans and welcome.spans[-1][1] == start + timedelta(minutes=4)


def test_a_walk_in_undone_is_no_attendee_and_may_be_added_again(workspace: Workspace) -> None:
    """Added at the door by mistake, scanned in, then the walk-in undone: their check-ins count for nothing, no record
    lists them, their badge is refused, and the same person can be added again if they really are there."""
    from facilitator.domain.attendance import Outcome
    from facilitator.services import roster

    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), *OTHERS], minutes=300)
    zed = roster.add_walk_in(workspace, sid, "Zed", "Fake", "E9")
    for code in [*codes, zed.badge_code]:
        attendance.check_in(workspace, sid, code, at=start)
    [walk] = [e for e in attendance.attendance_log_entries(workspace, sid) if e.kind == "walk-in"]
    attendance.void(workspace, sid, walk.seq, "added by mistake, not an attendee")
    assert "Zed Fake" not in {r.person.full_name for r in attendance.attendance_report(workspace, sid).rows}
    refused = attendance.check_in(workspace, sid, zed.badge_code, at=start + timedelta(minutes=5))
    assert refused.outcome is Outcome.UNKNOWN_CODE
    deliver_as_planned(workspace, sid, start)
    sealed = _seal(workspace, sid)
    assert "Zed Fake" not in {a.name for a in sealed.plan.attendees}


def test_a_walk_in_undone_can_be_added_again_with_the_same_employee_id(workspace: Workspace) -> None:
    from facilitator.services import roster

    sid, _codes, _start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1")], minutes=30)
    first = roster.add_walk_in(workspace, sid, "Zed", "Fake", "E9")
    [walk] = [e for e in attendance.attendance_log_entries(workspace, sid) if e.kind == "walk-in"]
    attendance.void(workspace, sid, walk.seq, "typed the wrong name")
    second = roster.add_walk_in(workspace, sid, "Zed", "Fakes", "E9")
    assert second.badge_code != first.badge_code
    assert attendance.check_in(workspace, sid, second.badge_code).outcome.accepted
    with pytest.raises(UserError, match="already on this session's roster"):
        roster.add_walk_in(workspace, sid, "Zed", "Again", "E9")  # the one added again is still there


def test_a_paper_check_in_keyed_in_after_her_check_out_does_not_reopen_her_visit(workspace: Workspace) -> None:
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ny-state"],
                                 [Person("Ana", "Díaz", "E1"), Person("Ed", "Po", "E5"), *OTHERS], minutes=300)
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    attendance.check_out(workspace, sid, codes[0], at=start + timedelta(minutes=10))
    keyed = attendance.check_in(workspace, sid, codes[0], at=start, source=attendance.Source.PAPER)
    assert not keyed.outcome.accepted and "already has a time recorded after this one" in keyed.message
    deliver_as_planned(workspace, sid, start)
    [ana] = [a for a in _seal(workspace, sid).plan.attendees if a.name == "Ana Díaz"]
    assert ana.minutes <= 10 and not ana.eligible


def test_someone_away_for_the_only_teaching_of_a_required_topic_is_not_credited(workspace: Workspace) -> None:
    """Ana steps out for the whole segment on abusive conduct, 5 minutes of 79, which the grace period would
    excuse: California's training is not met for her, since she was not there for one of its topics."""
    sid, codes, start = _session(workspace, "harassment-prevention-employees", ["ca-employees", "ny-state"],
                                 [Person("Ana", "Díaz", "E1"), Person("Ed", "Po", "E5"), *OTHERS], minutes=300)
    for code in codes:
        attendance.check_in(workspace, sid, code, at=start)
    deliver_as_planned(workspace, sid, start)
    taught = delivery.session_run(workspace, sid).delivery.run_of("identity-and-abusive-conduct").spans[0]
    attendance.check_out(workspace, sid, codes[0], at=taught[0])
    attendance.check_in(workspace, sid, codes[0], at=taught[1])
    sealed = _seal(workspace, sid)
    assert _credits(sealed, "Ana Díaz")["ca-employees"] != Standing.MET
    [ana] = [a for a in sealed.plan.attendees if a.name == "Ana Díaz"]
    [ca] = [c for c in ana.credits if c.code == "ca-employees"]
    assert any("away for part of what it requires" in why for why in ca.missed), ca.missed
    assert _credits(sealed, "Ed Po")["ca-employees"] == Standing.MET  # there throughout
