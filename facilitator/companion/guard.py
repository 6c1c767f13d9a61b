"""What every request to the companion passes through, and what handlers use to read forms safely.

- Only GET, HEAD and POST (405 otherwise, before anything else is looked at); unknown paths get a small 404 page.
- Bodies over 16 kB are refused (413): at once when Content-Length says so, else while reading (aiohttp's
  `client_max_size`). Headers and the URL are bounded by aiohttp's own limits. A body is read whole before the
  handler runs, within 15 s (else 408, and the connection is closed): a client that sends half a body and waits
  holds its connection no longer. Nothing here takes multipart bodies (no files): 415, unread.
- Each client address may make 60 requests in 10 s with bursts of 30 (a token bucket); more gets 429. The
  counters live in memory only and are forgotten once full again: nothing about a phone is ever stored.
- Each client address may hold 16 connections open at once (a browser opens 6 to a server); the server closes
  any more as they open, before reading from them (server.py), so one client cannot use up the app's file handles.
- Every response carries the security headers below and a charset with its text content type.
- A handler's `UserError` becomes a 400 page with its message; any other exception a 500 page that shows no
  traceback (it is logged instead, without the client's address).
- Every one of those pages is in the phone's language (language.py), and says so in `<html lang>`.

A handler reads a form with `await read_form(request, "purpose")`, which checks and spends the form's one-time
token (see `tokens`), and makes one for the page it serves with `issue_token(request, "purpose")`.
`client_address(request)` is the peer's address (no proxy header is trusted: there is no proxy).
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import MultiDict

from facilitator.companion.language import LANGUAGES, Languages, Speaker, speaker
from facilitator.companion.pages import message_page
from facilitator.companion.tokens import FIELD, Clock, FormTokens
from facilitator.i18n import N_, Words
from facilitator.services.errors import UserError

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024  # bytes: a form of names and answers is far smaller; a drawn signature is a few kB
BODY_TIMEOUT = 15.0  # seconds to send a body once its headers are in: a phone's form takes milliseconds
RATE = 60 / 10  # requests per second, sustained, per client address
BURST = 30  # requests a client may make at once before the rate applies
MAX_CONNECTIONS = 16  # connections one client address may hold open at once
METHODS = frozenset({"GET", "HEAD", "POST"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",  # not user text
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers older than CSP 2
    "Server": "Facilitator",  # not user text: a header, instead of aiohttp's name and version
}
FORM_TYPE = "application/x-www-form-urlencoded"  # the only body the pages send (no files, so no multipart)
# The page each refusal shows: a title and what to do, in the phone user's words.
STATUS_PAGES = {
    400: (N_("Not understood"), N_("This request could not be understood. Go back and try again.")),
    404: (N_("Page not found"), N_("There is no page at this address. Scan the code on the screen again.")),
    405: (N_("Not allowed"), N_("This page cannot be used that way. Go back and try again.")),
    413: (N_("Too much sent"), N_("What you sent is too large. Make it shorter and try again.")),
    415: (N_("Not understood"), N_("This form could not be read. Go back, reload the page and try again.")),
    429: (N_("Too many requests"), N_("This phone sent too many requests. Wait a few seconds and try again.")),
    500: (N_("Something went wrong"), N_("The trainer's laptop could not do this. Try again, or tell the "
                                         "trainer.")),
}
_KEPT_HEADERS = ("Allow", "Retry-After")  # not user text: what a refusal's page must still tell the browser


class RateLimiter:
    """A token bucket per client address: `burst` requests at once, refilled at `rate` per second."""

    PRUNE_AT = 1024  # buckets kept before the full (idle) ones are forgotten

    def __init__(self, rate: float = RATE, burst: int = BURST, clock: Clock = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens left, when counted)
        self._lock = threading.Lock()

    def admit(self, client: str) -> float:
        """0 if `client` may make a request now (which spends one), else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens = self._tokens(client, now)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > self.PRUNE_AT:
                self._forget_full(now)
            return 0.0

    def tracked(self) -> int:
        """How many client addresses are remembered now (for tests: the memory stays bounded)."""
        return len(self._buckets)

    def _tokens(self, client: str, now: float) -> float:
        tokens, then = self._buckets.get(client, (self.burst, now))
        return min(self.burst, tokens + max(0.0, now - then) * self.rate)

    def _forget_full(self, now: float) -> None:
        """A full bucket is the same as none: forget it, and with it that the address ever came."""
        for client in [c for c in self._buckets if self._tokens(c, now) >= self.burst]:
            del self._buckets[client]


@dataclass
class Guard:
    """One server's protections: its form tokens, its rate limiter (None: no limit, for a load benchmark on
    loopback, where every simulated phone has the same address), its body limit and the connections one client
    address may hold open at once (None: no limit); and the languages its pages, refusals included, may be in."""

    tokens: FormTokens = field(default_factory=FormTokens)
    limiter: RateLimiter | None = field(default_factory=RateLimiter)
    max_body: int = MAX_BODY
    max_connections: int | None = MAX_CONNECTIONS
    languages: Languages = field(default_factory=Languages)


GUARD = web.AppKey("guard", Guard)


def guard_of(request: web.Request) -> Guard:
    return request.app[GUARD]


def client_address(request: web.Request) -> str:
    """The address the request came from (the TCP peer): for rate limits only, never stored."""
    return request.remote or "unknown"


def issue_token(request: web.Request, purpose: str) -> str:
    """A one-time token for a form named `purpose`, to put in the page with `pages.form`."""
    return guard_of(request).tokens.issue(purpose)


async def read_form(request: web.Request, purpose: str) -> MultiDict[str]:
    """The fields of a POSTed form whose one-time token is good for `purpose`, spending the token; raises
    FormRefused (a UserError: a 400 page saying why) for a missing, forged, expired or replayed one, 415 for a
    body that is not a form, 413 for one too large. The token's own field is left out."""
    if request.content_type != FORM_TYPE:
        raise web.HTTPUnsupportedMediaType()
    try:
        sent = await request.post()
    except (UnicodeDecodeError, LookupError):  # bytes that are not UTF-8, or a charset Python does not know
        raise UserError(Words(N_("This form could not be read. Go back, reload the page and try again."))) from None
    guard_of(request).tokens.spend(_text(sent.get(FIELD)), purpose)
    return MultiDict((name, value) for name, value in sent.items() if name != FIELD and isinstance(value, str))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- middlewares, outermost first ---------------------------------------------------------------------------


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal and failure as a small page of its own, in the phone's language; no traceback ever reaches
    a phone."""
    try:
        return await handler(request)
    except web.HTTPException as refusal:
        if refusal.status < 400:  # a redirect is an answer, not an error
            raise
        page = status_page(refusal.status, {k: v for k, v in refusal.headers.items() if k in _KEPT_HEADERS},
                           say=speaker(request))
        if refusal.status == 408:  # the rest of the body may never come: no other request on this connection
            page.force_close()
        return page
    except UserError as error:
        return refusal_page(error, speaker(request))
    except ConnectionResetError:  # the phone went away while its request was read: nobody to answer
        log.debug("a client left during %s %s", request.method, request.path)
        return status_page(400, say=speaker(request))
    except Exception:
        log.exception("the companion's handler of %s %s failed", request.method, request.path)
        return status_page(500, say=speaker(request))


@web.middleware
async def rate_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    limiter = guard_of(request).limiter
    wait = limiter.admit(client_address(request)) if limiter else 0.0
    if wait:
        raise web.HTTPTooManyRequests(headers={"Retry-After": str(math.ceil(wait))})
    return await handler(request)


@web.middleware
async def only_known_methods(request: web.Request, handler: Handler) -> web.StreamResponse:
    """GET, HEAD and POST, on any path (known or not): nothing here answers PUT, DELETE, OPTIONS, TRACE …"""
    if request.method not in METHODS:
        raise web.HTTPMethodNotAllowed(request.method, sorted(METHODS))
    return await handler(request)


@web.middleware
async def body_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a body announced as too large before reading any of it; aiohttp's `client_max_size` stops one
    that is sent in chunks, or lies about its size, while it is read."""
    announced = request.content_length
    limit = guard_of(request).max_body
    if announced is not None and announced > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=announced)
    return await handler(request)


@web.middleware
async def body_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the body (bounded by `body_limit` and `client_max_size`) before the handler, within BODY_TIMEOUT;
    `request.post()` then reads it from memory. A multipart body, which no page sends, is refused unread."""
    if request.body_exists:
        if request.content_type.startswith("multipart/"):
            raise web.HTTPUnsupportedMediaType()
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                await request.read()
        except TimeoutError:
            raise web.HTTPRequestTimeout() from None
    return await handler(request)


MIDDLEWARES = (error_pages, rate_limit, only_known_methods, body_limit, body_in_time)


def status_page(status: int, headers: dict[str, str] | None = None, *, say: Speaker | None = None) -> web.Response:
    """The page of a refusal or failure with this HTTP status, in the language of `say` (default: the laptop's)."""
    say = say or Languages.laptop()
    fallback = 500 if status >= 500 else 400
    title, message = STATUS_PAGES.get(status, STATUS_PAGES[fallback])
    response = message_page(say(title), say(message), status=status, lang=say.code)
    response.headers.update(headers or {})
    return response


def refusal_page(error: UserError, say: Speaker) -> web.Response:
    """The 400 page of a UserError, its message in the language of `say`: the services' words start in lower
    case (for "facilitator: …" at a terminal), so the page makes them a sentence."""
    message = say.refusal(error.message)
    sentence = message[:1].upper() + message[1:]
    sentence += "" if sentence.endswith((".", "!", "?", ")")) else "."
    return message_page(say(N_("That did not work")), sentence, status=400, lang=say.code,
                        next_step=("/", say(N_("Back to the start"))))


async def security_headers(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """On every response the application sends (pages, refusals, static files), just before its headers go."""
    response.headers.update(SECURITY_HEADERS)
    if response.content_type.startswith("text/") and response.charset is None:
        response.charset = "utf-8"


def install(app: web.Application, guard: Guard) -> None:
    """Put `guard` and its header hook on `app` (made with `middlewares=MIDDLEWARES` and `client_max_size`)."""
    app[GUARD] = guard
    app[LANGUAGES] = guard.languages
    app.on_response_prepare.append(security_headers)
