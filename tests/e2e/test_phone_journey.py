"""A person's phone through the real companion pages, in Debian's chromium (tests/browser.py): open the join
address, find oneself, check in, sign the acknowledgment, answer the question on the screen, ask a question and
give feedback; and what a phone must be refused — an expired code, a replayed form, a second vote — each as a page
that says what to do. Screenshots go to FACILITATOR_SHOTS (or the test's folder) for a person to look at."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page

from facilitator.companion.server import CompanionServer
from facilitator.domain.segment_kinds import stages
from facilitator.services import audience_questions, companion, delivery, phone_votes, presenter_state
from facilitator.services.attendance_record import attendance_report
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace
from tests.browser import Phone

pytestmark = pytest.mark.slow
SCENARIO = "scenario-out-of-town-job"






def tap(page: Page, button: Locator) -> None:
    """Tap a button that sends a form, and wait for the page that answers it."""
    with page.expect_navigation():
        button.tap()


def join(phone: Phone, server: CompanionServer, ws: Workspace, sid: str) -> None:
    host, port = server.address or ("", 0)
    phone.page.goto(companion.join_address(host, port, companion.join_code(ws, sid).code))
    phone.page.wait_for_url(f"{server.url}/here")


def test_a_phone_checks_in_signs_votes_asks_and_gives_feedback(
        new_phone: Callable[[], Phone], server: CompanionServer, workspace: Workspace, sid: str) -> None:
    person = get_session(workspace, sid).roster[3]
    phone = new_phone()
    page = phone.page
    join(phone, server, workspace, sid)
    phone.screenshot("phone-1-in-the-room")
    with page.expect_navigation():
        page.get_by_role("link", name="Check in").tap()
    page.get_by_label("Your first and last name, or your employee id").fill(person.full_name)
    tap(page, page.get_by_role("button", name="Find me"))
    phone.screenshot("phone-2-is-this-you")
    tap(page, page.get_by_role("button", name=f"I am {person.first_name} {person.last_name[0]}."))
    assert "Checked in" in page.locator("h1").inner_text()
    phone.screenshot("phone-3-checked-in")
    page.get_by_label("Sign by typing your full name").fill(person.full_name)
    tap(page, page.get_by_role("button", name="Sign"))
    assert "recorded" in page.locator("main").inner_text()
    row = next(r for r in attendance_report(workspace, sid).rows if r.person.id == person.id)
    assert row.is_in and row.acknowledged

    delivery.start(workspace, sid, SCENARIO)
    steps = [s.name for s in stages(delivery.session_run(workspace, sid).segment(SCENARIO))]
    presenter_state.save_step(workspace, sid, SCENARIO, steps.index("vote"))
    page.goto(f"{server.url}/here")
    with page.expect_navigation():
        page.get_by_role("link", name="Answer the question on the screen").tap()
    phone.screenshot("phone-4-question")
    asked = phone_votes.open_question(workspace, sid)
    assert asked is not None
    tap(page, page.get_by_role("button", name=asked.options[1]))
    assert "Your answer is counted" in page.locator("main").inner_text()
    assert phone_votes.phone_votes(workspace, sid, SCENARIO, 0)[1] == 1
    page.goto(f"{server.url}/answer")  # the same phone, the same question: refused
    tap(page, page.get_by_role("button", name=asked.options[2]))
    assert "already answered" in page.locator("main").inner_text()
    phone.screenshot("phone-5-second-vote-refused")
    assert sum(phone_votes.phone_votes(workspace, sid, SCENARIO, 0)) == 1

    page.goto(f"{server.url}/ask")
    page.get_by_label("Your question").fill("Can I report something that happened to a colleague?")
    tap(page, page.get_by_role("button", name="Send"))
    assert [q.text for q in audience_questions.questions(workspace, sid)] == [
        "Can I report something that happened to a colleague?"]

    delivery.start(workspace, sid, "feedback")
    page.goto(f"{server.url}/answer")
    page.get_by_label("(optional)").fill("Very practical")
    phone.screenshot("phone-6-feedback")
    tap(page, page.get_by_role("button", name="4", exact=True))
    assert "feedback is in" in page.locator("main").inner_text()
    summary = delivery.feedback_summary(workspace, sid, "feedback")
    assert (summary.responses, summary.comments) == (1, ("Very practical",))
    assert phone.blocked == [] and phone.errors == []


def test_an_old_code_and_a_replayed_form_are_refused_with_a_page(
        new_phone: Callable[[], Phone], server: CompanionServer, workspace: Workspace, sid: str) -> None:
    phone = new_phone()
    page = phone.page
    answer = page.goto(f"{server.url}/j/AAAAAAAAAA")
    assert answer is not None and answer.status == 403
    assert "expired" in page.locator("h1").inner_text()
    phone.screenshot("phone-7-expired-code")
    join(phone, server, workspace, sid)
    page.goto(f"{server.url}/ask")
    token = page.locator("input[name=form_token]").get_attribute("value")
    page.get_by_label("Your question").fill("First")
    tap(page, page.get_by_role("button", name="Send"))
    with page.expect_navigation():  # the same form, token and all, sent again (a double tap, a resent page)
        page.evaluate("""token => {
            const form = Object.assign(document.createElement('form'), {method: 'post', action: '/ask'});
            for (const [name, value] of [['form_token', token], ['question', 'Second']]) {
                form.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
            }
            document.body.append(form);
            form.submit();
        }""", token)
    assert "already sent" in page.locator("main").inner_text()
    phone.screenshot("phone-8-replayed-form")
    assert [q.text for q in audience_questions.questions(workspace, sid)] == ["First"]
