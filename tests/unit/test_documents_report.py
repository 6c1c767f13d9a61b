"""The session report, read back with poppler: every fact of the record as given, on numbered pages."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from facilitator.documents import session_report as rep
from facilitator.documents.pages import MARGIN
from tests.unit.test_documents_pdf import (
    CREATED,
    LONG_NAME,
    assert_fonts_embedded,
    assert_inside_margins,
    assert_no_overlaps,
    page_count,
    page_texts,
    squeeze,
)

PAPERS = ["a4", "letter"]
DASH = "\u2013"
AGENDA = (rep.AgendaEntry("Welcome, ground rules and what to expect", "talk", 10, "09:04", "09:15", 11),
          rep.AgendaEntry("What harassment is: federal, California and New York City law", "talk", 20, "09:15",
                          "09:37", 22),
          rep.AgendaEntry("Scenario: the joke at the loading dock", "scenario", 15, "09:37", "09:55", 18),
          rep.AgendaEntry("Role-play: a supervisor receives a complaint", "role-play", 25, "09:55", "10:22", 27),
          rep.AgendaEntry("Break", "break", 10, "10:22", "10:33", 11),
          rep.AgendaEntry("Knowledge check", "knowledge-check", 10, "10:33", "10:44", 11),
          rep.AgendaEntry("Questions and anonymous feedback", "feedback", 10, "10:44", None, None),
          rep.AgendaEntry("Close", "talk", 5))
ACTIVITIES = (rep.ActivityCount("Scenario discussions", 2, "The joke at the loading dock: harassment? yes 14, no 3"),
              rep.ActivityCount("Room votes", 3), rep.ActivityCount("Role-plays", 1, "4 groups; 2 people observed"),
              rep.ActivityCount("Knowledge checks", 1, "8 questions; median score 7/8"))
COVERAGE = (rep.JurisdictionCoverage("California", "Gov. Code § 12950.1; 2 CCR § 11024", True, "Supervisor: met",
                                     ("met: Supervisors' training (121 min delivered)",), "the plan would meet it"),
            rep.JurisdictionCoverage("Chicago", "Municipal Code § 6-10-040", False,
                                     "Supervisor: partly met — not complete",
                                     ("not met: Two hours of prevention: 105 min; needs at least 120",
                                      "met: One hour of bystander training (60 min delivered)"),
                                     "the plan would meet it"))
OVERRIDES = (rep.EligibilityOverride("Ελένη Παπαδοπούλου", "counted eligible",
                                     "Left 6 minutes early for a medical appointment.", "Sam Lee"),
             rep.EligibilityOverride(LONG_NAME, "not eligible", "Arrived 50 minutes late.", "Sam Lee"))
SHA = hashlib.sha256(b"materials").hexdigest()
HEAD = hashlib.sha256(b"head").hexdigest()
FINGERPRINT = ":".join(f"{b:02X}" for b in hashlib.sha256(b"key").digest())


def report(**changes) -> rep.SessionReportData:
    facts = dict(session_id="7K3M9QXA", workshop_title="Preventing Workplace Harassment for Supervisors",
                 workshop_version="2026.3", materials_sha256=SHA, language="English (en-US)",
                 location="Main St warehouse, break room", trainer="Dr. Samantha Lee-Okonkwo", date="2026-12-03",
                 planned_start="09:00", planned_end="11:15", actual_start="09:04", actual_end="11:21",
                 agenda=AGENDA, activities=ACTIVITIES, coverage=COVERAGE,
                 attendance=rep.AttendanceSummary(on_roster=24, present=17, late=3, left_early=1, absent=2,
                                                  eligible=21, late_and_left_early=1, overrides=OVERRIDES),
                 chain_head=HEAD, seal=rep.SealInfo("Sam Lee", FINGERPRINT, "2026-12-03T11:25:09Z"), events=61,
                 employer="Northwind Logistics, Inc.", track="Supervisors", policy_version="Policy v4 (2026-01)",
                 trainer_qualifications="Attorney (CA Bar 123456); 6 years training on harassment prevention")
    return rep.SessionReportData(**{**facts, **changes})


def render(tmp_path: Path, data: rep.SessionReportData, paper: str) -> tuple[Path, int]:
    out = tmp_path / f"report-{paper}.pdf"
    return out, rep.render_session_report(data, out, paper, created=CREATED)


@pytest.mark.parametrize("paper", PAPERS)
def test_every_fact_of_the_record_is_printed(tmp_path: Path, paper: str) -> None:
    out, pages = render(tmp_path, report(), paper)
    texts = page_texts(out)
    assert pages == page_count(out) == len(texts)
    text = "".join(texts)
    facts = ["Session report", "Preventing Workplace Harassment for Supervisors (version 2026.3)", SHA,
             "English (en-US)", "Main St warehouse, break room", "Dr. Samantha Lee-Okonkwo", "3 Dec 2026",
             f"09:00 {DASH} 11:15", f"09:04 {DASH} 11:21", "In-person, instructor-led · Supervisors track",
             "Northwind Logistics, Inc.", "Policy v4 (2026-01)", "Attorney (CA Bar 123456); 6 years training",
             # the agenda, with '—' where a segment has no actual times yet
             "3 Scenario: the joke at the loading dock Scenario 15 09:37 09:55 18",
             "6 Knowledge check Knowledge check 10 10:33 10:44 11",
             "7 Questions and anonymous feedback Feedback 10 10:44 — —", "8 Close Talk 5 — — —", "Total 105 100",
             "Scenario discussions 2 The joke at the loading dock: harassment? yes 14, no 3", "Room votes 3 —",
             "California Gov. Code § 12950.1; 2 CCR § 11024 Supervisor: met • met: Supervisors' training (121 min",
             "Chicago Municipal Code § 6-10-040 Supervisor: partly met — not complete • not met: Two hours of",
             "• met: One hour of bystander training (60 min delivered)",
             "24 17 3 1 1 2 21", "Ελένη Παπαδοπούλου counted eligible Left 6 minutes early", LONG_NAME,
             "Arrived 50 minutes late.", f"{HEAD} (61 events)", "Sam Lee", FINGERPRINT, "2026-12-03T11:25:09Z"]
    for fact in facts:
        assert squeeze(fact) in text, f"{fact!r} is missing or broken in the {paper} report"
    for number, page in enumerate(texts, start=1):
        assert squeeze(f"page {number} of {pages}") in page


@pytest.mark.parametrize("paper", PAPERS)
def test_nothing_leaves_the_margins_or_overlaps(tmp_path: Path, paper: str) -> None:
    out, _ = render(tmp_path, report(), paper)
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)
    assert_no_overlaps(out)
    assert_fonts_embedded(out)


def test_a_long_agenda_repeats_its_headings_on_every_page(tmp_path: Path) -> None:
    agenda = tuple(rep.AgendaEntry(f"Segment {i}: a scenario about a long shift", "scenario", 5, "09:00", "09:05", 5)
                   for i in range(1, 121))
    out, pages = render(tmp_path, report(agenda=agenda), "letter")
    texts = page_texts(out)
    assert pages >= 3
    heading = squeeze("# Segment Kind Planned min Actual start Actual end Actual min")
    carrying = [t for t in texts if squeeze("Segment 60:") in t or squeeze("Segment 120:") in t]
    assert carrying and all(heading in t for t in carrying)
    assert all(text.count(squeeze(f"Segment {i}: ")) == 1 for i in range(1, 121) for text in ["".join(texts)])
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)


def test_an_unsealed_session_says_so_and_empty_sections_say_why(tmp_path: Path) -> None:
    data = report(seal=None, activities=(), coverage=(), events=None,
                  attendance=rep.AttendanceSummary(on_roster=3, present=3, late=0, left_early=0, absent=0, eligible=3))
    out, _ = render(tmp_path, data, "a4")
    text = "".join(page_texts(out))
    for sentence in ["Not sealed: this session can still change.", "No interactive activity was recorded.",
                     "No jurisdiction was chosen for this session.", "No eligibility decision was overridden."]:
        assert squeeze(sentence) in text
    assert squeeze(HEAD) in text and "events" not in text


def test_same_input_same_bytes() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    for buffer in (first, second):
        rep.render_session_report(report(), buffer, "letter", created=CREATED)
    assert first.getvalue() == second.getvalue()


DELIVERED = (rep.AgendaEntry("Welcome", "talk", 5, "09:02", "09:08", 6),
             rep.AgendaEntry("What harassment is", "talk", 10, "09:08", "09:22", 11, paused_minutes=3),
             rep.AgendaEntry("The five Ds", "talk", 5, skipped=True),
             rep.AgendaEntry("Feedback", "feedback", 5, "09:22", "09:27", 5))
RESULTS = (rep.ActivityCount("Scenario discussions", 1, "2 planned, 1 not held", (
               rep.ActivityResult("Scenario: the night shift", "Is this harassment? Yes 14, No 3, Unsure 2 (revealed)"),
               rep.ActivityResult("Scenario: the group chat", "skipped"))),
           rep.ActivityCount("Knowledge checks", 1, "1 planned", (
               rep.ActivityResult("Knowledge check", "2 questions, hands counted for 2"),
               rep.ActivityResult(None, "1. Harassment must be sexual. True 2, False \u2713 17 (revealed)"),
               rep.ActivityResult(None, f"2. {LONG_NAME}? A 1, B 2 (revealed)"))),
           rep.ActivityCount("Role-plays", 0, "planned, not held"))
NOTES = (rep.TrainerNote("Scenario: the night shift", "Long discussion about accents & nicknames."),
         rep.TrainerNote(LONG_NAME, "A note on a segment with a very long title."))


@pytest.mark.parametrize("paper", PAPERS)
def test_the_delivery_skips_results_and_notes_are_printed(tmp_path: Path, paper: str) -> None:
    out, _ = render(tmp_path, report(agenda=DELIVERED, activities=RESULTS, notes=NOTES), paper)
    text = "".join(page_texts(out))
    for fact in ["2 What harassment is Talk 10 09:08 09:22 11", "3 The five Ds Talk 5 skipped",
                 "4 Feedback Feedback 5 09:22 09:27 5", "Total 25 22",
                 "actual times recorded for 3 of 4 segments, 22 min; 1 skipped.",
                 "Actual minutes leave out pauses: 3 min in all, in segment 2.",
                 "Scenario discussions 2 planned, 1 not held 1 Scenario: the night shift Is this harassment? Yes 14, "
                 "No 3, Unsure 2 (revealed) Scenario: the group chat skipped",
                 "1. Harassment must be sexual. True 2, False \u2713 17 (revealed)",
                 "Role-plays 0 planned, not held", "Trainer's notes Segment Note",
                 "Scenario: the night shift Long discussion about accents & nicknames."]:
        assert squeeze(fact) in text, f"{fact!r} is missing or broken in the {paper} report"
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)
    assert_no_overlaps(out)


def test_no_notes_no_notes_section_and_many_results_run_across_pages(tmp_path: Path) -> None:
    many = (rep.ActivityCount("Knowledge checks", 1, "1 planned", tuple(
        rep.ActivityResult(None, f"{i}. A question that runs long enough to wrap onto a second line of the cell, "
                                 f"as real ones do? Yes {i}, No 3 (revealed)") for i in range(1, 151))),)
    out, pages = render(tmp_path, report(activities=many), "letter")
    text = "".join(page_texts(out))
    assert pages >= 4 and "Trainer'snotes" not in text
    assert all(squeeze(f"{i}. A question") in text for i in (1, 75, 150))
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)
