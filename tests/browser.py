"""A real phone browser for the tests of the companion's pages: Debian's chromium, driven by Playwright.

Never a downloaded browser (no `playwright install`): the system's /usr/bin/chromium (or $FACILITATOR_TEST_CHROMIUM),
which `.ci/run` installs, launched headless with the flags that keep it from reaching out
(../shared/reference/environment.md). Each launch gets a fresh profile (Playwright makes a temporary user data dir
for every `launch` and removes it after), and each phone a fresh context: its own cookies, a phone-sized screen.

Every phone may load from loopback addresses only: anything else (a CDN, a font, a tracker) is refused and
recorded in `Phone.blocked`, so a test can say the pages need nothing from outside. Messages the page logs as
errors (a Content-Security-Policy violation, a missing file) are in `Phone.errors`.

Where chromium or Playwright is missing the tests that need them are skipped, saying how to get them; under
FACILITATOR_CI (`.ci/run`) they fail instead. Screenshots go to $FACILITATOR_SHOTS if set (to look at them),
else to the test's own temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Route

CHROMIUM_ENV = "FACILITATOR_TEST_CHROMIUM"
SHOTS_ENV = "FACILITATOR_SHOTS"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# A modest phone of five years ago: 360 CSS pixels wide at twice the density, touch, the mobile viewport.
PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True, "locale": "en-US"}


def _unavailable(reason: str) -> None:
    if os.environ.get("FACILITATOR_CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Phone:
    """One phone: its page, what it was refused (non-loopback addresses) and the errors its pages logged."""

    page: Page
    shots: Path
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        """The whole page as a PNG named `name`, where screenshots go."""
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the screen (0 when nothing needs a sideways scroll)."""
        return int(self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, launched once per test module. Not once per run: Playwright's synchronous API
    keeps an asyncio event loop running in the main thread while it is open, and every later test that calls
    asyncio.run there (pyHanko's signing does) would fail with "cannot be called from a running event loop"."""
    executable = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        _unavailable(f"no chromium at {executable} (Debian: apt-get install chromium); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -e '.[test]' (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_phone(chromium: Browser, tmp_path: Path) -> Iterator[Callable[..., Phone]]:
    """Make phones, each with its own context (cookies, storage), closed after the test; `new_phone(locale="es-US")`
    makes one whose browser reads Spanish (its Accept-Language, its navigator.language)."""
    contexts = []
    shots = Path(os.environ[SHOTS_ENV]) if os.environ.get(SHOTS_ENV) else tmp_path / "shots"

    def make(**options: Any) -> Phone:
        context = chromium.new_context(**{**PHONE, **options})
        contexts.append(context)
        phone = Phone(context.new_page(), shots)

        def loopback_only(route: Route) -> None:
            if urlsplit(route.request.url).hostname in LOOPBACK:
                route.continue_()
            else:
                phone.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        context.route("**/*", loopback_only)
        phone.page.on("console", lambda message: _note_error(phone, message))
        phone.page.on("pageerror", lambda error: phone.errors.append(str(error)))
        return phone

    yield make
    for context in contexts:
        context.close()


def _note_error(phone: Phone, message: ConsoleMessage) -> None:
    """Keep the errors a page logs, except chromium's note that the page itself came with a refusal's status
    (a 404 or 410 page is the answer the test asked for); a refused style sheet or image is still kept."""
    if message.type != "error":
        return
    about_the_page = message.location.get("url") == phone.page.url
    if about_the_page and message.text.startswith("Failed to load resource: the server responded with a status"):
        return
    phone.errors.append(message.text)


@pytest.fixture
def phone(new_phone: Callable[[], Phone]) -> Phone:
    """One phone."""
    return new_phone()
