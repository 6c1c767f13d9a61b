"""One POST of xAPI statements to a learning record store, and what its answer means for them.

The standard library's urllib.request speaks to the store (no HTTP client is a dependency of Facilitator): xAPI
1.0.3's version header, basic auth, a timeout, and no redirects followed (urllib would turn a redirected POST into
a GET, whose 200 would look like statements stored). Every answer and every failure becomes an `Answer`:

- STORED: 200 with the array of ids xAPI says it answers (a captive portal's page is not that), or 204 (every
  statement was stored already): the statements are sent;
- REFUSED: the store will never take these statements as they are (409: it holds another statement under one of
  the ids; 400, 413, 422: it finds them wrong or too large). A batch is then sent again one statement at a time to
  find which; a statement refused on its own is refused for good;
- RETRY: the store could not be reached or is busy or failing (network errors, timeouts, 408, 429, 5xx), with the
  seconds its Retry-After asks for, if it does;
- FATAL: nothing will go until the trainer changes something (the password, the address, the TLS set-up).
"""

from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from http.client import HTTPException
from typing import Any

from facilitator.i18n import _
from facilitator.services.lrs_secret import Endpoint

XAPI_VERSION = "1.0.3"
TIMEOUT = 30.0  # seconds for the store to answer one batch
MAX_DETAIL = 200  # characters of the store's own explanation kept with an error


class Outcome(Enum):
    STORED = "stored"
    REFUSED = "refused"
    RETRY = "retry"
    FATAL = "fatal"


@dataclass(frozen=True)
class Answer:
    """What one POST came to: its outcome, the reason in words (None when stored), and any Retry-After."""

    outcome: Outcome
    reason: str | None = None
    retry_after: float | None = None  # seconds


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx itself is raised as an HTTPError and told below


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(endpoint: Endpoint, statements: list[str], *, timeout: float = TIMEOUT) -> Answer:
    """POST `statements` (each already JSON text) to the endpoint's statements resource as one batch."""
    body = ("[" + ",".join(statements) + "]").encode("utf-8")
    credentials = base64.b64encode(f"{endpoint.user}:{endpoint.password}".encode()).decode("ascii")
    try:
        request = urllib.request.Request(endpoint.statements_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION,
            "Authorization": f"Basic {credentials}"})  # not user text: HTTP's own words
        with _OPENER.open(request, timeout=timeout) as answer:
            status, raw = answer.status, answer.read(1024 * 1024)
    except urllib.error.HTTPError as refused:
        with refused:
            return _answer(endpoint, refused.code, _detail(refused), refused.headers.get("Retry-After"))
    except urllib.error.URLError as failed:
        return _unreachable(endpoint, failed.reason)
    except (OSError, HTTPException) as failed:  # a timeout, a reset, a connection dropped mid-answer
        return _unreachable(endpoint, failed)
    except ValueError as wrong:  # an address urllib cannot use
        return Answer(Outcome.FATAL, _("{url} cannot be used ({reason})").format(url=endpoint.url, reason=wrong))
    if status == 200 and not _ids(raw):  # a hotel's sign-in page answers 200 to anything: not stored
        return Answer(Outcome.FATAL, _("{url} did not answer as a learning record store does (no statement ids); "
                                       "check its address, or sign in to the network first").format(
            url=endpoint.statements_url))
    return _answer(endpoint, status, "", None)


def _ids(raw: bytes) -> bool:
    """Whether a 200's body is what xAPI says it is: the JSON array of the statements' ids."""
    try:
        body = json.loads(raw)
    except ValueError:
        return False
    return isinstance(body, list) and all(isinstance(i, str) for i in body)


def _answer(endpoint: Endpoint, status: int, detail: str, retry_after: str | None) -> Answer:
    url = endpoint.statements_url
    if status in (200, 204):
        return Answer(Outcome.STORED)
    said = _("the learning record store answered {status}").format(status=status) + (f": {detail}" if detail else "")
    if status == 401:
        return Answer(Outcome.FATAL, _("the learning record store at {url} refused the user name or password "
                                       "(401)").format(url=endpoint.url))
    if status == 403:
        return Answer(Outcome.FATAL, _("the learning record store at {url} does not let {user} store statements "
                                       "(403)").format(url=endpoint.url, user=endpoint.user))
    if status in (404, 405) or 300 <= status < 400:
        return Answer(Outcome.FATAL, _("{url} is not an xAPI statements resource ({said}); check the address of "
                                       "the learning record store").format(url=url, said=said))
    if status in (408, 429) or status >= 500:
        return Answer(Outcome.RETRY, said, _seconds(retry_after))
    return Answer(Outcome.REFUSED, said)  # 400, 409, 413, 422 …: these statements, as they are, never go


def _unreachable(endpoint: Endpoint, reason: object) -> Answer:
    """A failure before any answer: TLS that cannot be trusted is for the trainer to fix; the rest may pass."""
    if isinstance(reason, ssl.SSLError | ssl.CertificateError):
        why = getattr(reason, "verify_message", None) or getattr(reason, "reason", None) or reason
        return Answer(Outcome.FATAL, _("cannot make a secure connection to {url} ({reason})").format(
            url=endpoint.url, reason=why))
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return Answer(Outcome.RETRY, _("cannot reach {url} ({reason})").format(url=endpoint.url, reason=text))


def _detail(refused: urllib.error.HTTPError) -> str:
    """The store's own explanation, shortened: FastAPI's {"detail": …}, or the body's first line."""
    try:
        raw = refused.read(64 * 1024)
    except (OSError, HTTPException):
        return ""
    try:
        body = json.loads(raw)
        text = body.get("detail", body) if isinstance(body, dict) else body
        text = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    except ValueError:
        text = raw.decode("utf-8", "replace").strip().splitlines()[0] if raw.strip() else ""
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL - 1] + "…"


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After as seconds from now: a number of seconds, or an HTTP date; None when absent or unreadable."""
    if not retry_after:
        return None
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
