"""What the tests of the phone pages share (tests/unit, tests/e2e): a demo session, its companion on loopback
with an injected wall clock and no rate limit (the tests' phones all come from 127.0.0.1), and `Phone`, a browser
reduced to cookies and forms over http.client. Test modules import the fixtures by name, as tests/conftest.py
does those of tests/browser.py."""

from __future__ import annotations

import html
import http.client
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from facilitator.companion.guard import Guard
from facilitator.companion.run import start
from facilitator.companion.server import CompanionServer
from facilitator.services.demo import demo_start, ensure_demo_session
from facilitator.services.workspace import Workspace

SCENARIO = "scenario-out-of-town-job"
FEEDBACK = "feedback"


class Clock:
    """The companion's wall clock, which a test moves by hand (`clock.now += …`); it starts at the real time when
    made, so join codes worked out from the real clock (the browser tests') are accepted too."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class Phone:
    """One phone's browser, reduced to what the pages need: cookies kept, forms read from the page and sent, and
    the languages its person reads (the Accept-Language header, none by default)."""

    def __init__(self, server: CompanionServer, languages: str | None = None) -> None:
        assert server.address is not None
        self.host, self.port = server.address
        self.languages = languages
        self.cookies: dict[str, str] = {}
        self.page = ""
        self.status = 0

    def get(self, path: str) -> str:
        return self._send("GET", path)

    def post(self, path: str, fields: dict[str, str], token: str | None = None, *,
             content_type: str = "application/x-www-form-urlencoded") -> str:
        sent = dict(fields)
        sent["form_token"] = token if token is not None else self.token(path)
        return self._send("POST", path, urlencode(sent), content_type)

    def token(self, action: str, index: int = 0) -> str:
        """The one-time token of the `index`th form on the current page that posts to `action`."""
        forms = re.findall(r'<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="form_token" '
                           r'value="([^"]+)">', self.page)
        return [token for target, token in forms if target == action][index]

    def _send(self, method: str, path: str, body: str | None = None,
              content_type: str = "application/x-www-form-urlencoded") -> str:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.languages is not None:
            headers["Accept-Language"] = self.languages
        if body is not None:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        self.status, self.page = response.status, html.unescape(response.read().decode("utf-8"))
        connection.close()
        if self.status == 303:
            return self.get(response.getheader("Location") or "/")
        return self.page


def demo_session(ws: Workspace) -> str:
    """Today's demo session as the app plans it, starting a few minutes before now, so that what a phone does now
    (a check-in, a walk-in asking) falls in its day's window and is not late, whatever the hour the tests run."""
    now = datetime.now()  # the local wall clock, as sessions are planned
    return ensure_demo_session(ws, now.date(), demo_start(now))


@pytest.fixture
def sid(workspace: Workspace) -> str:
    return demo_session(workspace)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(workspace: Workspace, sid: str, clock: Clock) -> Iterator[CompanionServer]:
    running = start(workspace, sid, port=0, clock=clock, guard=Guard(limiter=None))
    yield running
    running.stop()
