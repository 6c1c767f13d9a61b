"""Agency contacts as data (sessions/agencies.yaml): each jurisdiction names the agencies people there can complain
to, the talk on reporting shows them on a step of its own, the attendees' hand-out prints them in full, and
`content check` says when a contact was last checked more than a year ago."""

from __future__ import annotations

import json
import shutil
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.content.agencies import load_agencies
from facilitator.content.library import Library, load_library
from facilitator.content.problems import ContentError
from facilitator.content.schema import Talk
from facilitator.domain.delivery import PlannedSegment, SegmentRun
from facilitator.domain.segment_kinds import stages
from facilitator.services.delivery import session_run
from facilitator.services.files import ForeignFile
from facilitator.services.handout import make_handout
from facilitator.services.library import check_content, library_folder
from facilitator.services.sessions import create_session
from facilitator.services.slides import SlideKind, slide
from facilitator.services.workspace import Workspace
from tests.unit.test_documents_pdf import assert_fonts_embedded, assert_inside_margins, run, squeeze, tool

MM = 72 / 25.4


def test_every_jurisdiction_with_a_law_names_its_agencies(library: Library) -> None:
    for code, profile in library.jurisdictions.items():
        assert profile.contacts, code
        assert profile.contacts[0] == "eeoc", "the federal agency first, everywhere"
        assert all(c in library.agencies for c in profile.contacts), code


@pytest.mark.parametrize(("code", "needed"), [
    # New York City's training must give the complaint process of the Commission, the State Division and the
    # EEOC with contact information (Admin. Code 8-107(30)); Delaware's and Maine's must say how to contact the
    # state agency.
    ("nyc", {"eeoc", "nyc-cchr", "nys-dhr"}), ("ny-state", {"eeoc", "nys-dhr", "nys-hotline"}),
    ("de", {"de-dol"}), ("me", {"me-mhrc"}), ("chicago", {"chicago-cchr", "il-dhr"}), ("ct", {"ct-chro"}),
    ("ca-employees", {"ca-crd"}), ("il", {"il-dhr", "il-helpline"}),
])
def test_the_agencies_a_law_asks_for_are_listed(library: Library, code: str, needed: set[str]) -> None:
    assert needed <= set(library.jurisdictions[code].contacts)


def test_every_agency_says_when_and_where_it_was_checked(library: Library) -> None:
    assert len(library.agencies) >= 11
    for agency in library.agencies.values():
        assert agency.verified_on <= date.today()
        assert agency.sources and all(s.startswith("https://") for s in agency.sources)
        assert agency.phone and agency.filing and agency.website.startswith("https://")
        helpline = agency.id.endswith(("hotline", "helpline"))
        assert bool(agency.deadline) is not helpline, "an agency says its deadline; a help line takes no complaint"


def test_contacts_for_several_jurisdictions_name_each_agency_once_in_order(library: Library) -> None:
    found = [a.id for a in library.contacts_for(["chicago", "il", "nope"])]
    assert found == ["eeoc", "chicago-cchr", "il-dhr", "il-helpline"]
    assert library.contacts_for([]) == ()


# --- the file's own rules ----------------------------------------------------------------------------------

AGENCY = """\
- id: {id}
  name: Test Agency
  short_name: TA
  covers: Everything.
  phone: 555-0100
  website: {website}
  filing: Online.
  deadline: 300 days.
  verified_on: {verified}
  sources: [https://example.gov/a]
"""


def agency(id: str = "ta", website: str = "https://example.gov/", verified: str = "2026-01-02") -> str:
    return AGENCY.format(id=id, website=website, verified=verified)


@pytest.mark.parametrize(("text", "line", "words"), [
    (agency(website="http://example.gov/"), 6, "https://"),
    (agency(website="https://exa mple.gov/"), 6, "https://"),
    (agency() + agency(), 11, "used twice"),
    (agency(verified="yesterday"), 9, "date"),
    (agency().replace("  phone: 555-0100\n", ""), 1, "phone"),
])
def test_a_wrong_agency_file_names_the_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(text)
    with pytest.raises(ContentError) as caught:
        load_agencies(path)
    problem = caught.value.problems[0]
    assert problem.line == line and words in f"{problem.field} {problem.message} {problem.fix}", problem


def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(library_folder(), root)
    return root


def test_a_profile_naming_an_unknown_agency_is_a_problem_and_is_left_out(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    profile = root / "jurisdictions" / "me.yaml"
    profile.write_text(profile.read_text().replace("contacts: [eeoc, me-mhrc]", "contacts: [eeoc, me-hrc]"))
    lib = load_library(root)
    assert "me" not in lib.jurisdictions
    [problem] = [p for p in lib.problems if p.file == profile]
    assert problem.file == profile and "unknown agency 'me-hrc'" in problem.message and "me-mhrc" in problem.fix


def test_a_broken_agency_file_is_one_problem_and_every_profile_still_loads(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    (root / "agencies.yaml").write_text("- id: eeoc\n  name: [not, text]\n")
    lib = load_library(root)
    assert lib.agencies == {} and set(lib.jurisdictions) == set(load_library(library_folder()).jurisdictions)
    assert {p.file.name for p in lib.problems} == {"agencies.yaml"}
    assert lib.contacts_for(["nyc"]) == ()


def test_content_check_warns_a_year_after_a_contact_was_checked(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    (root / "agencies.yaml").write_text(
        (root / "agencies.yaml").read_text().replace("verified_on: 2026-11-29", "verified_on: 2025-06-01", 1))
    report = check_content(root, today=date(2026, 12, 1))
    stale = [w for w in report.warnings if w.startswith("agency ")]
    assert stale == [stale[0]] and "agency eeoc" in stale[0] and "2025-06-01" in stale[0]
    assert "https://www.eeoc.gov/" in stale[0], "it says where to check"
    fresh = check_content(library_copy(tmp_path / "fresh"), today=date(2026, 12, 1))
    assert not [w for w in fresh.warnings if w.startswith("agency ")]


def test_content_check_warns_of_a_check_dated_in_the_future(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    report = check_content(root, today=date(2026, 1, 1))
    assert any("in the future" in w for w in report.warnings)


def test_content_check_warns_of_a_workshop_teaching_complaints_without_showing_agencies(tmp_path: Path) -> None:
    root = library_copy(tmp_path)
    workshop = root / "workshops" / "harassment-prevention-employees.yaml"
    workshop.write_text(workshop.read_text().replace("    contacts: true\n", ""))
    report = check_content(root, today=date(2026, 12, 1))
    assert any(w.startswith("harassment-prevention-employees:") and "contacts: true" in w for w in report.warnings)
    assert not any("contacts: true" in w for w in check_content(library_copy(tmp_path / "b"),
                                                                 today=date(2026, 12, 1)).warnings)


def test_content_check_prints_when_the_contacts_were_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert "agency contacts:" in out and "checked" in out


# --- on screen ---------------------------------------------------------------------------------------------

def reporting_talk(library: Library) -> Talk:
    workshop = library.workshops["harassment-prevention-employees"]
    return next(s for s in workshop.segments if isinstance(s, Talk) and s.contacts)


def test_the_talk_on_reporting_has_an_agencies_step(library: Library) -> None:
    talk = reporting_talk(library)
    assert [s.name for s in stages(talk)] == ["screen", "contacts"]
    others = [s for s in library.workshops["harassment-prevention-employees"].segments
              if s.type == "talk" and s is not talk]
    assert all([st.name for st in stages(s)] == ["screen"] for s in others)


def test_the_agencies_step_shows_the_sessions_agencies(library: Library) -> None:
    talk = reporting_talk(library)
    run_ = SegmentRun(PlannedSegment(talk.id, talk.title, talk.type, talk.minutes))
    contacts = library.contacts_for(["nyc"])
    shown = slide(talk, stages(talk)[1], run_, title="Workshop", contacts=contacts)
    assert shown.kind is SlideKind.CONTACTS
    for agency in contacts:
        assert agency.short_name in shown.body and agency.phone in shown.body and agency.web_address in shown.body
    assert "(ASL videophone 1-844-234-5122)" in shown.body, "the accessible line too, named as the agency names it"
    assert "does not file a complaint" in shown.body, "a help line says what it is, not a deadline"
    assert "3 years" in shown.body and "180 days" in shown.body
    assert min(a.verified_on for a in contacts).isoformat() in shown.footer
    assert "https://" not in shown.body, "addresses as people type them"
    nothing = slide(talk, stages(talk)[1], run_, title="Workshop")
    assert nothing.kind is SlideKind.CONTACTS and "agency" in nothing.body


# --- the hand-out --------------------------------------------------------------------------------------------

def nyc_session(ws: Workspace) -> str:
    return create_session(ws, workshop_id="harassment-prevention-employees", on=date.today() + timedelta(days=3),
                          start="09:00", location="Hall", trainer="Sam Lee", jurisdictions=["nyc", "ny-state"]).id


def test_the_session_run_carries_its_agencies(workspace: Workspace) -> None:
    run_ = session_run(workspace, nyc_session(workspace))
    assert [a.id for a in run_.contacts] == ["eeoc", "nyc-cchr", "nys-dhr", "nys-hotline"]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_handout_lists_every_agency_in_full(workspace: Workspace, tmp_path: Path, paper: str) -> None:
    session = nyc_session(workspace)
    result = make_handout(workspace, session, tmp_path / "help.pdf", paper=paper)
    pdf = result.path
    text = squeeze(run(tool("pdftotext"), str(pdf), "-"))  # reading order: a table row's label, then its value
    assert squeeze("Where to get help") in text and squeeze("Inside your organization") in text
    for agency in session_run(workspace, session).contacts:
        for part in (agency.name, agency.phone, agency.deadline, agency.filing, agency.web_address):
            assert squeeze(part) in text, part
    assert squeeze("1-800-HARASS-3 (1-800-427-2773)") in text
    assert squeeze("checked on") in text and squeeze("not legal advice") in text
    assert_fonts_embedded(pdf)
    assert_inside_margins(pdf, 14 * MM, 14 * MM, 14 * MM, 9 * MM)
    assert "4 agencies" in result.message


def test_the_handout_never_overwrites_a_file_it_did_not_write(workspace: Workspace, tmp_path: Path) -> None:
    session = nyc_session(workspace)
    mine = tmp_path / "notes.pdf"
    mine.write_bytes(b"%PDF-1.4 someone else's")
    with pytest.raises(ForeignFile):
        make_handout(workspace, session, mine)
    assert mine.read_bytes() == b"%PDF-1.4 someone else's"
    make_handout(workspace, session, tmp_path / "help.pdf")
    make_handout(workspace, session, tmp_path / "help.pdf")  # its own file: replaced


def test_the_handout_command(workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = nyc_session(workspace)
    out = tmp_path / "sheets" / "help.pdf"
    assert main(["handout", session, "--out", str(out), "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["files"] == [str(out)] and out.read_bytes().startswith(b"%PDF")
    assert main(["handout", "NOPE-1234", "--out", str(tmp_path / "x.pdf")]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "NOPE-1234" in err


def test_a_session_with_no_law_still_gets_the_federal_agency(workspace: Workspace, tmp_path: Path) -> None:
    session = create_session(workspace, workshop_id="allyship", on=date.today(), start="09:00", location="Hall",
                             trainer="Sam Lee", jurisdictions=["none"]).id
    pdf = make_handout(workspace, session, tmp_path / "help.pdf").path
    text = squeeze(run(tool("pdftotext"), str(pdf), "-"))
    assert squeeze("U.S. Equal Employment Opportunity Commission") in text


def test_the_hand_out_texts_are_dedented() -> None:
    """The agency file's folded text reaches the page as one paragraph (no stray line breaks)."""
    lib = load_library(library_folder())
    assert all("\n" not in a.deadline and "\n" not in a.filing for a in lib.agencies.values())
    assert textwrap.dedent(lib.agencies["eeoc"].covers) == lib.agencies["eeoc"].covers
