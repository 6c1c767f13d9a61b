"""The session report prints the delivery as evidence: actual times from the delivery log, skipped segments, the
room's tallies in words, role-play groups as counts, feedback in aggregate, and the trainer's notes.

Read back with poppler, as an auditor's tools would."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from facilitator.domain.roster import Person
from facilitator.services import attendance, closing, delivery, reports
from facilitator.services.demo import demo_people
from facilitator.services.identity import signer
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.settings import set_setting
from facilitator.services.workspace import Workspace
from tests.unit.test_documents_pdf import assert_inside_margins, assert_no_overlaps, page_texts, squeeze

DAY = date(2026, 11, 18)  # a Wednesday, before "today" in any run of these tests
MARGIN = 15 * 72 / 25.4

# The demo workshop (harassment-prevention-employees) as one trainer ran it: (segment, start, end), with the
# pauses and the skip below. Times are local, on DAY.
TIMELINE = [("welcome", "09:03", "09:08"), ("what-harassment-is", "09:08", "09:19"),
            ("scenario-out-of-town-job", "09:19", "09:28"), ("identity-and-abusive-conduct", "09:28", "09:33"),
            ("scenario-group-chat", "09:33", "09:41"), ("the-law", "09:41", "09:48"),
            ("speaking-up", "09:48", "09:55"), ("retaliation-and-supervisors", "09:55", "09:59"),
            ("scenario-clinic", "09:59", "10:07"),
            # bystander-five-ds is skipped: the room had covered it in the clinic scenario
            ("practice-saying-something", "10:07", "10:19"), ("knowledge-check", "10:19", "10:26"),
            ("feedback", "10:26", "10:30")]
PAUSES = {"what-harassment-is": ("09:12", "09:15"),  # a fire-door alarm
          "practice-saying-something": ("10:11", "10:13")}
VOTES = {"scenario-out-of-town-job": (1, 2, 14, 2), "scenario-group-chat": (3, 1, 13, 2),
         "scenario-clinic": (0, 2, 16, 1)}
ANSWERS = [(2, 17), (1, 16, 2), (0, 18, 1), (15, 12, 14, 1), (3, 13, 3), (0, 4, 15, 0)]
RATINGS = [5, 5, 4, 5, 4, 3, 5, 4, 4, 5, None, 4]  # one response is a comment only
COMMENTS = {0: "The group chat scenario was very real for us.", 5: "Luis Hernández asked the best question.",
            10: "More time for the role-play, please."}
NOTES = {"scenario-group-chat": "Long discussion about personal phones and after-hours messages.",
         "practice-saying-something": "Two people chose to watch instead of playing."}


def at(hhmm: str, on: date = DAY) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(on.year, on.month, on.day, hours, minutes).astimezone()


def deliver(ws: Workspace, on: date = DAY) -> str:
    """The demo workshop delivered on `on` to 19 of its 24 people, closed and sealed at 10:35."""
    detail = create_session(ws, workshop_id="harassment-prevention-employees", on=on, start="09:00",
                            location="Harbor View Clinic, Training Room B", trainer="Jordan Ellis",
                            jurisdictions=["ny-state", "nyc"])
    add_people(ws, detail.id, demo_people())
    sid = detail.id
    codes = [p.badge_code for p in get_session(ws, sid).roster]
    for i, code in enumerate(codes[:19]):
        attendance.check_in(ws, sid, code, at=at("08:50", on) + timedelta(minutes=i % 12))
    for segment, start, end in TIMELINE:
        delivery.start(ws, sid, segment, at=at(start, on))
        if segment == "scenario-clinic":
            delivery.skip(ws, sid, "bystander-five-ds", at=at("10:06", on))
        if segment in PAUSES:
            delivery.pause(ws, sid, at=at(PAUSES[segment][0], on))
            delivery.resume(ws, sid, at=at(PAUSES[segment][1], on))
        if segment in VOTES:
            delivery.tally(ws, sid, segment, 0, VOTES[segment], at=at(end, on) - timedelta(minutes=2))
            delivery.reveal(ws, sid, segment, 0, at=at(end, on) - timedelta(minutes=1))
        if segment == "practice-saying-something":
            people = [token for token, _ in delivery.people_present(ws, sid)]
            delivery.assign(ws, sid, segment, people, opted_out=people[:2], seed=7, at=at("10:09", on))
            delivery.rotate(ws, sid, segment, at=at("10:14", on))
        if segment == "knowledge-check":
            for item, counts in enumerate(ANSWERS):
                delivery.tally(ws, sid, segment, item, counts, at=at(start, on) + timedelta(minutes=1))
                delivery.reveal(ws, sid, segment, item, at=at(start, on) + timedelta(minutes=1))
        if segment == "feedback":
            for i, rating in enumerate(RATINGS):
                delivery.add_feedback(ws, sid, "feedback", rating=rating, comment=COMMENTS.get(i, ""))
        if segment in NOTES:
            delivery.note(ws, sid, segment, NOTES[segment], at=at(end, on))
    delivery.end(ws, sid, at=at("10:30", on))
    set_setting(ws, "organisation", "Harbor View Clinic")
    closing.close_session(ws, sid, signer(ws, create_as="Jordan Ellis"), at=at("10:35", on))
    return sid


@pytest.fixture
def delivered(workspace: Workspace) -> str:
    return deliver(workspace)


def report_text(ws: Workspace, sid: str, out: Path, paper: str = "letter") -> str:
    reports.make_report(ws, sid, out, paper=paper)
    return "".join(page_texts(out))


def between(text: str, first: str, last: str) -> str:
    """The part of a squeezed text from one heading to the next."""
    return text[text.index(squeeze(first)):text.index(squeeze(last))]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_agenda_prints_the_recorded_times(workspace: Workspace, delivered: str, tmp_path: Path,
                                              paper: str) -> None:
    out = tmp_path / "report.pdf"
    text = report_text(workspace, delivered, out, paper)
    # 11 minutes from 09:08 to 09:19 less a 3-minute pause; 12 from 10:07 to 10:19 less 2.
    for row in ["1 Welcome and ground rules Talk 4 09:03 09:08 5", "2 What harassment is Talk 9 09:08 09:19 8",
                "3 Scenario: the out-of-town job Scenario 7 09:19 09:28 9",
                "10 If you see something: the five Ds Talk 5 skipped",
                "11 Practice: telling a coworker it wasn't okay Role-play 10 10:07 10:19 10",
                "13 Your feedback and final questions Feedback 3 10:26 10:30 4", "Total 79 82",
                "actual times recorded for 12 of 13 segments, 1 h 22 min; 1 skipped",
                "leave out pauses: 5 min in all, in segments 2, 11",
                "ACTUAL START, END 09:03 \u2013 10:30"]:
        assert squeeze(row) in text, f"{row!r} is missing from the {paper} report"
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)
    assert_no_overlaps(out)


def test_interactivity_shows_what_was_held_with_its_tallies(workspace: Workspace, delivered: str,
                                                            tmp_path: Path) -> None:
    text = report_text(workspace, delivered, tmp_path / "report.pdf")
    evidence = between(text, "Interactivity", "Trainer's notes")
    for fact in ["Scenario discussions 3 planned 3 Scenario: the out-of-town job",
                 # options that are phrases are quoted, so that their commas do not run them together
                 "Which best describes what Colleen is doing? \u201cFlirting, nothing more - Caleb is an adult and "
                 "can say no\u201d 1, \u201cA private matter - it happened after hours, at a motel\u201d 2, "
                 "\u201cSexual harassment - unwanted advances, with his job tied to saying yes\u201d 14, "
                 "\u201cHarmless - men don't mind that kind of attention\u201d 2 (revealed)",
                 "Scenario: the team group chat Is this a workplace issue?", "\u201cNot sure\u201d 2 (revealed)",
                 "Role-plays 1 planned 1 Practice: telling a coworker it wasn't okay 5 groups, 2 rounds",
                 "Knowledge checks 1 planned 1 Check your knowledge 6 questions, hands counted for 6",
                 # short options are not quoted; a tick marks the correct answer
                 "1. True or false - harassment has to be sexual to be against the law. True 2, False \u2713 17 "
                 "(revealed)",
                 "\u201c30 days\u201d 3, \u201c180 days, or 300 days where a state or local agency enforces a similar "
                 "law\u201d \u2713 13, \u201c5 years\u201d 3 (revealed)",
                 "Feedback rounds 1 planned 1 Your feedback and final questions 12 responses, average 4.4 of 5 "
                 "(11 rated); by rating 1 to 5: 0, 0, 1, 5, 5; 3 written comments"]:
        assert squeeze(fact) in evidence, fact
    # nobody's name in the evidence: not the people in the role-play groups, not a name in a comment
    for person in demo_people():
        assert squeeze(person.first_name) not in evidence and squeeze(person.last_name) not in evidence
    assert squeeze("Luis") not in text and squeeze("best question") not in text


def test_the_trainers_notes_have_a_section(workspace: Workspace, delivered: str, tmp_path: Path) -> None:
    text = report_text(workspace, delivered, tmp_path / "report.pdf")
    notes = between(text, "Trainer's notes", "Coverage by jurisdiction")
    assert squeeze("Scenario: the team group chat Long discussion about personal phones") in notes
    assert squeeze("Practice: telling a coworker it wasn't okay Two people chose to watch") in notes


def test_few_feedback_responses_show_no_breakdown(workspace: Workspace, tmp_path: Path) -> None:
    sid = create_session(workspace, workshop_id="harassment-prevention-employees", on=DAY, start="09:00",
                         location="Depot", trainer="Sam Lee", jurisdictions=["none"]).id
    add_people(workspace, sid, [Person("Ana", "Díaz", "E1")])
    for rating, comment in [(5, ""), (2, "Ana Díaz talked too much"), (None, "ok"), (None, "fine"),
                            (None, "thanks")]:
        delivery.add_feedback(workspace, sid, "feedback", rating=rating, comment=comment)
    text = report_text(workspace, sid, tmp_path / "report.pdf")
    evidence = between(text, "Interactivity", "Coverage by jurisdiction")
    # five responses, but only two ratings: the service would break them down; the report does not
    assert squeeze("5 responses, average 3.5 of 5 (2 rated); 4 written comments") in evidence
    assert squeeze("by rating") not in evidence and "Ana" not in evidence and "Díaz" not in evidence
    assert delivery.feedback_summary(workspace, sid).rated == 2


def test_a_session_not_yet_run_says_so_honestly(workspace: Workspace, tmp_path: Path) -> None:
    sid = create_session(workspace, workshop_id="harassment-prevention-supervisors", on=DAY, start="09:00",
                         location="Depot", trainer="Sam Lee", jurisdictions=["ca-supervisors"]).id
    delivery.start(workspace, sid, "welcome", at=at("09:01"))
    delivery.start(workspace, sid, "opening-poll", at=at("09:07"))
    delivery.tally(workspace, sid, "opening-poll", 0, [1, 1, 1, 0], at=at("09:09"))  # three people: too few
    text = report_text(workspace, sid, tmp_path / "report.pdf")
    assert squeeze("1 Welcome, purpose and ground rules Talk 5 09:01 09:07 6") in text
    assert squeeze("2 Opening poll: what feels hardest Poll 3 09:07 — —") in text  # still running
    assert squeeze("ACTUAL START, END 09:01 \u2013 —") in text
    evidence = between(text, "Interactivity", "Coverage by jurisdiction")
    assert squeeze("Scenario discussions 5 planned, not held 0 Scenario: the night-shift radio not held") in evidence
    assert squeeze("Role-plays planned, not held 0 Role-play: Can I talk to you about something? not held") in evidence
    assert squeeze("Room votes 1 planned 1 Opening poll: what feels hardest When someone on your team raises a "
                   "concern about how they're being treated, which part feels hardest? 3 hands in all, too few to "
                   "show per option (not revealed to the room)") in evidence
    assert squeeze("Feedback rounds planned, not held 0 Commitments and feedback no responses; not held") in evidence
    assert squeeze("Trainer's notes") not in text


def test_a_session_run_without_the_console_says_not_recorded(workspace: Workspace, tmp_path: Path) -> None:
    sid = create_session(workspace, workshop_id="harassment-prevention-employees", on=DAY, start="09:00",
                         location="Depot", trainer="Sam Lee", jurisdictions=["none"]).id
    text = report_text(workspace, sid, tmp_path / "report.pdf")
    evidence = between(text, "Interactivity", "Coverage by jurisdiction")
    assert squeeze("Scenario discussions 0 3 planned; delivery not recorded") in evidence
    assert squeeze("not held") not in evidence  # unknown is not the same as not held
    assert squeeze("actual times recorded for 0 of 13 segments") in text
