"""`facilitator delivery` and `facilitator feedback`: running a session and typing in paper feedback from the
command line, over the same services as the presenter console."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from facilitator.cli import main
from facilitator.cli.feedback import feedback_segment
from facilitator.services import closing
from facilitator.services.errors import UserError
from facilitator.services.identity import signer
from facilitator.services.workspace import Workspace
from tests.unit.test_cli import run

DAY = "2026-11-18"
CREATE = ["session", "create", "--workshop", "harassment-prevention-employees", "--date", DAY, "--start", "09:00",
          "--location", "Harbor View Clinic", "--trainer", "Jordan Ellis", "--jurisdiction", "none"]


@pytest.fixture
def sid(capsys: pytest.CaptureFixture[str], data_dir: Path) -> str:
    code, out, _ = run(capsys, *CREATE)
    assert code == 0
    return out.strip()


def ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return out


def local(hhmm: str) -> str:
    """An ISO 8601 time on DAY with this computer's offset, as --json prints it."""
    return datetime.fromisoformat(f"{DAY}T{hhmm}").astimezone().isoformat(timespec="seconds")


def drive(capsys: pytest.CaptureFixture[str], sid: str) -> None:
    """The first half hour of the workshop, keyed in with --at: a pause, an extension, a vote, a skip, a note."""
    ok(capsys, "delivery", "start", sid, "welcome", "--at", "09:03")
    ok(capsys, "delivery", "next", sid, "--at", "09:08")
    ok(capsys, "delivery", "pause", sid, "--at", "09:12")
    ok(capsys, "delivery", "resume", sid, "--at", "09:15")
    ok(capsys, "delivery", "extend", sid, "--minutes", "2", "--at", "09:16")
    ok(capsys, "delivery", "next", sid, "--at", "09:19")
    ok(capsys, "delivery", "tally", sid, "scenario-out-of-town-job", "1", "2", "14", "2", "--at", "09:25")
    ok(capsys, "delivery", "reveal", sid, "scenario-out-of-town-job", "--at", "09:26")
    ok(capsys, "delivery", "note", sid, "scenario-out-of-town-job", "Long", "talk", "about", "the", "motel",
       "--at", "09:27")
    ok(capsys, "delivery", "skip", sid, "--at", "09:28")  # the next one: identity-and-abusive-conduct
    ok(capsys, "delivery", "tally", sid, "knowledge-check", "3", "16", "--item", "1", "--at", "09:28")


def test_the_agenda_as_delivered_in_json(capsys, sid: str) -> None:
    drive(capsys, sid)
    view = json.loads(ok(capsys, "delivery", sid, "--json"))
    assert {k for k in view} == {"session", "title", "status", "planned_start", "planned_end", "current", "paused",
                                 "next", "finished", "drift_minutes", "segments", "presenter"}
    assert view["session"] == sid and view["current"] == "scenario-out-of-town-job" and not view["paused"]
    assert view["next"] == "scenario-group-chat" and not view["finished"]
    assert isinstance(view["drift_minutes"], int)  # a segment is running: ahead of or behind plan
    assert view["planned_start"] == local("09:00") and view["planned_end"] == local("10:19")
    seg = {s["id"]: s for s in view["segments"]}
    assert set(seg["welcome"]) == {"id", "title", "kind", "planned_start", "planned_minutes", "extra_minutes",
                                   "state", "actual_start", "actual_end", "actual_minutes", "paused_minutes",
                                   "tallies", "role_play", "notes"}
    assert (seg["welcome"]["state"], seg["welcome"]["actual_start"], seg["welcome"]["actual_end"],
            seg["welcome"]["actual_minutes"]) == ("done", local("09:03"), local("09:08"), 5)
    talk = seg["what-harassment-is"]  # 09:08 to 09:19, less a three-minute pause
    assert (talk["actual_minutes"], talk["paused_minutes"], talk["extra_minutes"]) == (8, 3, 2)
    assert talk["planned_start"] == local("09:04")
    assert seg["identity-and-abusive-conduct"]["state"] == "skipped"
    scenario = seg["scenario-out-of-town-job"]
    assert scenario["state"] == "running" and scenario["actual_end"] is None
    assert scenario["tallies"] == [{
        "item": 1, "question": "Which best describes what Colleen is doing?",
        "options": ["Flirting, nothing more - Caleb is an adult and can say no",
                    "A private matter - it happened after hours, at a motel",
                    "Sexual harassment - unwanted advances, with his job tied to saying yes",
                    "Harmless - men don't mind that kind of attention"], "counts": [1, 2, 14, 2], "revealed": True}]
    assert scenario["notes"] == ["Long talk about the motel"]
    assert seg["knowledge-check"]["tallies"][0]["counts"] == [3, 16]
    assert seg["knowledge-check"]["tallies"][0]["revealed"] is False
    assert seg["feedback"]["state"] == "waiting" and seg["feedback"]["actual_start"] is None


def test_the_agenda_as_delivered_in_words(capsys, sid: str) -> None:
    drive(capsys, sid)
    out = ok(capsys, "delivery", sid)
    assert out == ok(capsys, "delivery", "show", sid)
    lines = out.splitlines()
    assert lines[0].startswith(f"Session {sid}: Respect at Work: Preventing Harassment") and "09:00-10:19" in lines[0]
    assert any(line.split()[:7] == ["2", "09:04", "9", "09:08", "09:19", "8", "done"] for line in lines)
    assert any(line.split()[:6] == ["4", "09:20", "5", "-", "-", "skipped"] for line in lines)
    assert ("vote: Which best describes what Colleen is doing? Flirting, nothing more - Caleb is an adult and can say "
            "no 1,") in out
    assert "(revealed)" in out and "note: Long talk about the motel" in out
    assert "question 1: True or false" in out and "True 3, False 16 (not revealed)" in out
    assert "3 of 13 segments run, 1 skipped; scenario-out-of-town-job is running; next: scenario-group-chat" in out
    assert "behind plan" in lines[-2] or "ahead of plan" in lines[-2] or "on plan" in lines[-2]
    assert lines[-1] == "Now: scenario-out-of-town-job, Step 1 of 3: On screen; on screen: text"


def test_step_and_back_move_as_the_console_does(capsys, sid: str, workspace: Workspace) -> None:
    from facilitator.services.presenter import Presenter

    ok(capsys, "delivery", "start", sid, "scenario-out-of-town-job", "--at", "09:20")
    assert ok(capsys, "run", "step", sid).strip() == (
        "Now: scenario-out-of-town-job, Step 2 of 3: Vote; on screen: vote")
    assert Presenter(workspace, sid).step == 1  # where the console will open
    code, _out, err = run(capsys, "run", "step", sid)  # no hands counted: the results cannot be shown
    assert code == 1 and "count the hands first" in err and "--without-results" in err
    ok(capsys, "run", "tally", sid, "scenario-out-of-town-job", "1", "2", "14", "2")
    view = json.loads(ok(capsys, "run", "step", sid, "--json"))
    assert view["message"].endswith("Step 3 of 3: Results; on screen: results")
    assert json.loads(ok(capsys, "run", sid, "--json"))["presenter"] == {
        "segment": "scenario-out-of-town-job", "step": 3, "steps": 3, "step_name": "Results", "on_screen": "results"}
    ok(capsys, "run", "back", sid)
    assert ok(capsys, "run", "step", sid, "--without-results").startswith("Now: identity-and-abusive-conduct")


def test_each_step_says_what_it_did(capsys, sid: str) -> None:
    out = ok(capsys, "delivery", "start", sid, "welcome", "--at", "09:02")
    assert out.strip() == "Started welcome: Welcome and ground rules (4 min planned). Next: what-harassment-is"
    assert "Paused the clock; running: welcome" in ok(capsys, "delivery", "pause", sid, "--at", "09:03")
    assert "Resumed the clock" in ok(capsys, "delivery", "resume", sid, "--at", "09:04")
    assert "5 more minutes" in ok(capsys, "delivery", "extend", sid, "--minutes", "5", "--at", "09:05")
    assert ok(capsys, "delivery", "end", sid, "--at", "09:06").startswith("Ended the segment")
    step = json.loads(ok(capsys, "delivery", "skip", sid, "what-harassment-is", "--json", "--at", "09:06"))
    assert step["message"].startswith("Skipped what-harassment-is") and step["next"] == "scenario-out-of-town-job"
    assert step["current"] is None and step["drift_minutes"] is None  # nothing is running


def test_a_session_runs_to_its_end(capsys, sid: str) -> None:
    segments = [s["id"] for s in json.loads(ok(capsys, "delivery", sid, "--json"))["segments"]]
    for segment in segments[:-1]:  # the room had seen it all before: straight to the feedback
        ok(capsys, "delivery", "skip", sid, segment, "--at", "10:20")
    ok(capsys, "delivery", "start", sid, "feedback", "--at", "10:20")
    assert "every segment has been run or skipped" in ok(capsys, "delivery", "next", sid, "--at", "10:25")
    view = json.loads(ok(capsys, "delivery", sid, "--json"))
    assert view["finished"] and view["current"] is None and view["next"] is None
    code, _, err = run(capsys, "delivery", "next", sid)
    assert code == 1 and "every segment has been run or skipped" in err


@pytest.mark.parametrize(("words", "message"), [
    (["start", "{sid}", "nope"], "workshop has no segment 'nope'"),
    (["tally", "{sid}", "nope", "1", "2"], "workshop has no segment 'nope'"),
    (["tally", "{sid}", "scenario-out-of-town-job", "1", "2", "-3", "2"], "counts are whole numbers"),
    (["tally", "{sid}", "scenario-out-of-town-job", "1", "2", "x", "2"], "'x' is not a count"),
    (["tally", "{sid}", "scenario-out-of-town-job", "1", "2"], "one count per option: 4 options, 2 counts"),
    (["tally", "{sid}", "scenario-out-of-town-job", "1", "2", "3", "4", "--item", "2"], "has one vote"),
    (["tally", "{sid}", "knowledge-check", "1", "2", "--item", "7"], "has questions 1 to 6"),
    (["tally", "{sid}", "welcome", "1"], "no vote or question"),
    (["reveal", "{sid}", "scenario-out-of-town-job"], "count the hands first"),
    (["end", "{sid}"], "no segment is running"),
    (["pause", "{sid}"], "no segment is running"),
    (["resume", "{sid}"], "the clock is not paused"),
    (["extend", "{sid}", "--minutes", "90"], "no segment is running"),
    (["note", "{sid}", "welcome", " "], "the note is empty"),
    (["start", "{sid}", "welcome", "--at", "9h"], "is not a time"),
    (["show", "ZZZZ"], "no session 'ZZZZ'"),
])
def test_steps_that_cannot_be_done_exit_1_and_change_nothing(capsys, sid: str, words: list[str],
                                                             message: str) -> None:
    before = ok(capsys, "delivery", sid, "--json")
    code, out, err = run(capsys, "delivery", *[w.format(sid=sid) for w in words])
    assert code == 1 and out == "" and message in err and err.count("\n") == 1, err
    after = ok(capsys, "delivery", sid, "--json")
    assert json.loads(after)["segments"] == json.loads(before)["segments"]


def test_extending_too_far_is_refused(capsys, sid: str) -> None:
    ok(capsys, "delivery", "start", sid, "welcome")
    code, _, err = run(capsys, "delivery", "extend", sid, "--minutes", "90")
    assert code == 1 and "extend by 1 to 60 minutes" in err


@pytest.mark.parametrize("words", [["start", "{sid}"], ["tally", "{sid}", "scenario-out-of-town-job"], ["note", "{sid}",
                                   "welcome"], ["next"], ["pause", "{sid}", "extra"], ["{sid}", "start", "welcome"],
                                   ["reveal", "{sid}"], ["skip", "{sid}", "a", "b"]])
def test_missing_or_extra_words_exit_2(capsys, sid: str, words: list[str]) -> None:
    code, out, err = run(capsys, "delivery", *[w.format(sid=sid) for w in words])
    assert code == 2 and out == "" and ("usage: facilitator delivery" in err or "put the verb first" in err)


def test_no_session_at_all_is_argparse_usage(capsys) -> None:
    for noun in ("delivery", "feedback"):
        with pytest.raises(SystemExit) as exited:
            main([noun])
        assert exited.value.code == 2


def sealed_session(capsys, workspace: Workspace) -> str:
    sid = ok(capsys, *CREATE).strip()
    ok(capsys, "delivery", "start", sid, "welcome")
    ok(capsys, "feedback", "add", sid, "--rating", "4")
    closing.close_session(workspace, sid, signer(workspace, create_as="Jordan Ellis"))
    return sid


def test_a_sealed_session_takes_no_more_steps_or_feedback(capsys, workspace: Workspace) -> None:
    sid = sealed_session(capsys, workspace)
    for words in (["start", sid, "what-harassment-is"], ["note", sid, "welcome", "late", "note"], ["end", sid]):
        code, _, err = run(capsys, "delivery", *words)
        assert code == 1 and "sealed" in err and err.count("\n") == 1, (words, err)
    for words in (["add", sid, "--rating", "5"], ["undo", sid]):
        code, _, err = run(capsys, "feedback", *words)
        assert code == 1 and "sealed" in err and err.count("\n") == 1, (words, err)
    assert json.loads(ok(capsys, "feedback", sid, "--json"))["responses"] == 1
    assert json.loads(ok(capsys, "delivery", sid, "--json"))["status"] == "sealed"


# --- feedback -------------------------------------------------------------------------------------------

def test_feedback_from_paper_forms(capsys, sid: str) -> None:
    assert "No feedback yet." in ok(capsys, "feedback", sid)
    out = ok(capsys, "feedback", "add", sid, "--rating", "4", "--comment", "Clear and practical")
    assert "Recorded one anonymous response." in out and "1 response, 1 rated: average 4.0 of 5" in out
    assert "1: 0" not in out and "shown from 5 ratings up" in out
    for rating in ("5", "3", "5"):
        ok(capsys, "feedback", "add", sid, "--rating", rating)
    ok(capsys, "feedback", "add", sid, "--comment", "More scenarios, please")  # five responses, four ratings
    view = json.loads(ok(capsys, "feedback", "show", sid, "--json"))
    assert view == {"session": sid, "segment": None, "responses": 5, "rated": 4, "average": 4.25, "scale": 5,
                    "distribution": None, "comments": ["Clear and practical", "More scenarios, please"]}
    ok(capsys, "feedback", "add", sid, "--rating", "4", "--segment", "feedback")
    view = json.loads(ok(capsys, "feedback", sid, "--json"))
    assert view["distribution"] == [0, 0, 1, 2, 2] and view["rated"] == 5
    out = ok(capsys, "feedback", sid)
    assert "6 responses, 5 rated: average 4.2 of 5" in out and "1: 0   2: 0   3: 1   4: 2   5: 2" in out
    assert "Comments (2):" in out and "  - More scenarios, please" in out
    out = ok(capsys, "feedback", "undo", sid)
    assert "Removed the last response typed in." in out and "5 responses, 4 rated" in out


@pytest.mark.parametrize(("words", "code", "message"), [
    (["add", "{sid}"], 1, "give a rating, a comment, or both"),
    (["add", "{sid}", "--rating", "6"], 1, "1 to 5"),
    (["add", "{sid}", "--rating", "4", "--segment", "welcome"], 1, "is not a feedback round"),
    (["add", "{sid}", "--rating", "4", "--segment", "nope"], 1, "no segment 'nope'"),
    (["undo", "{sid}"], 1, "no response to remove"),
    (["add"], 2, "usage: facilitator feedback add SESSION"),
    (["show", "{sid}", "extra"], 2, "usage: facilitator feedback SESSION"),
])
def test_feedback_that_cannot_be_recorded(capsys, sid: str, words: list[str], code: int, message: str) -> None:
    result, out, err = run(capsys, "feedback", *[w.format(sid=sid) for w in words])
    assert result == code and out == "" and message in err and err.count("\n") == 1, err


def test_the_feedback_segment_must_be_named_when_it_is_not_the_only_one() -> None:
    def workshop(*kinds: str) -> SimpleNamespace:
        return SimpleNamespace(session_id="7K3M9QXA", workshop=SimpleNamespace(segments=[
            SimpleNamespace(id=f"s{i}", type=k) for i, k in enumerate(kinds)]))

    assert feedback_segment(workshop("talk", "feedback")) == "s1"
    with pytest.raises(UserError, match=r"has 2 feedback segments \(s0, s2\); say which with --segment"):
        feedback_segment(workshop("feedback", "talk", "feedback"))
    with pytest.raises(UserError, match="has no feedback segment"):
        feedback_segment(workshop("talk"))
