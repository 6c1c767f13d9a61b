"""The companion's pages in a real phone browser (Debian's chromium through tests/browser.py): they render as a
finished page on a small screen, load nothing from outside and break no rule of their own security policy, and a
form goes through with its one-time token and is refused when sent again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from facilitator.companion.server import CompanionServer
from tests.browser import Phone
from tests.unit.companion_http import demo_server, running

pytestmark = pytest.mark.slow


@pytest.fixture
def server() -> Iterator[CompanionServer]:
    with running(demo_server()) as started:
        yield started


def _looks_finished(phone: Phone) -> None:
    """Readable type, large touch targets, nothing wider than the screen, the style sheet applied."""
    page = phone.page
    style = page.evaluate("""() => {
        const px = (el, p) => parseFloat(getComputedStyle(el)[p]);
        const targets = [...document.querySelectorAll('button, a.button, input[type=text]')];
        return {body: px(document.body, 'fontSize'), h1: px(document.querySelector('h1'), 'fontSize'),
                background: getComputedStyle(document.body).backgroundColor,
                smallest: Math.min(...targets.map(t => t.getBoundingClientRect().height), 999)};
    }""")
    assert style["background"] == "rgb(247, 247, 245)", "companion.css was applied"
    assert style["body"] >= 16 and style["h1"] >= 24
    assert style["smallest"] >= 44, "every button and box is a comfortable touch target"
    assert phone.overflow() == 0, "nothing needs a sideways scroll"
    assert phone.blocked == [] and phone.errors == []


def test_a_refusal_reads_as_a_finished_page_on_a_phone(phone: Phone, server: CompanionServer) -> None:
    answer = phone.page.goto(f"{server.url}/expired")
    assert answer is not None and answer.status == 410
    assert phone.page.title() == "Code expired"
    assert phone.page.locator("h1").inner_text() == "Code expired"
    assert "scan the code on the screen again" in phone.page.locator("main p").first.inner_text()
    _looks_finished(phone)
    phone.screenshot("message-page")
    phone.page.get_by_role("link", name="Start again").tap()
    phone.page.wait_for_url(f"{server.url}/form")


def test_a_form_goes_through_once_from_a_phone(phone: Phone, server: CompanionServer) -> None:
    page = phone.page
    page.goto(f"{server.url}/form")
    _looks_finished(phone)
    page.get_by_label("Your name").fill("Zoë <Ortiz>")
    phone.screenshot("form-page")
    with page.expect_navigation():  # the POST's answer, at the same address as the form
        page.get_by_role("button", name="Send").tap()
    assert page.locator("h1").inner_text() == "Thanks"
    assert page.locator("main p").inner_text() == "Hello Zoë <Ortiz>"
    page.reload()  # the browser sends the same form again, with the token it already spent
    assert "already sent" in page.locator("main p").first.inner_text()
    _looks_finished(phone)
    phone.screenshot("replayed-form")


def test_the_phone_reaches_loopback_only(phone: Phone) -> None:
    """The harness itself: an address beyond this machine is refused before any packet leaves."""
    from playwright.sync_api import Error

    with pytest.raises(Error):
        phone.page.goto("http://192.0.2.1/")  # TEST-NET-1: documentation only
    assert phone.blocked == ["http://192.0.2.1/"]
