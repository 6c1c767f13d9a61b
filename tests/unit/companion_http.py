"""What the companion's tests share: a server with a few demonstration routes, a fake clock, and two ways of
talking to it — `fetch` (http.client, which sends a path exactly as given) and `send_raw` (bytes on a socket, for
requests no client library would make). Loopback only."""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from aiohttp import web

from facilitator.companion import pages
from facilitator.companion.guard import Guard, issue_token, read_form
from facilitator.companion.language import Languages
from facilitator.companion.server import CompanionServer
from facilitator.services.errors import UserError

SECRET = "secret detail 7f3a"  # an exception's text that must never reach a phone
TIMEOUT = 10.0  # seconds a test waits for an answer; a loopback answer takes milliseconds


# An Accept-Language as long as aiohttp lets a header be (8 kB): one range of 4,000 subtags.
ABSURD = "zz-" + "-".join(["b"] * 4000)


class CountedTags(dict):  # type: ignore[type-arg]
    """The catalogues' table of a `Languages`, counting the lookups made in it: the work a header costs."""

    lookups = 0

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        self.lookups += 1
        return super().get(key, default)


def counted(languages: Languages) -> CountedTags:
    """Count the lookups `languages` makes from now on."""
    table = CountedTags(languages._by_tag)
    languages._by_tag = table  # type: ignore[assignment]
    return table


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def hello(request: web.Request) -> web.Response:
    return pages.message_page("Hello", "The <companion> is here & well.")


async def expired(request: web.Request) -> web.Response:
    return pages.message_page("Code expired", "This code has expired — scan the code on the screen again.",
                              status=410, next_step=("/form", "Start again"))


async def form_page(request: web.Request) -> web.Response:
    fields = pages.text_field("name", "Your name")
    return pages.page("Sign", pages.form("/form", issue_token(request, "demo"), fields, submit="Send"))


async def form_sent(request: web.Request) -> web.Response:
    sent = await read_form(request, "demo")
    return pages.message_page("Thanks", f"Hello {sent.get('name', '')}")


async def boom(request: web.Request) -> web.Response:
    raise RuntimeError(SECRET)


async def refuse(request: web.Request) -> web.Response:
    raise UserError("no such <code>")


async def echo(request: web.Request) -> web.Response:
    body = await request.read()
    return web.Response(text=f"{len(body)} bytes")


def demo_server(guard: Guard | None = None, port: int = 0) -> CompanionServer:
    server = CompanionServer("127.0.0.1", port, guard=guard)
    server.get("/hello", hello)
    server.get("/expired", expired)
    server.get("/form", form_page)
    server.post("/form", form_sent)
    server.get("/boom", boom)
    server.get("/refuse", refuse)
    server.post("/echo", echo)
    return server


@contextlib.contextmanager
def running(server: CompanionServer) -> Iterator[CompanionServer]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(server: CompanionServer, method: str, path: str, body: bytes | Iterable[bytes] | None = None,
          headers: dict[str, str] | None = None, *, chunked: bool = False) -> Reply:
    host, port = server.address or ("", 0)
    conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        answer = conn.getresponse()
        return Reply(answer.status, answer.headers, answer.read())
    finally:
        conn.close()


def post_form(server: CompanionServer, path: str, fields: str) -> Reply:
    return fetch(server, "POST", path, fields.encode(), {"Content-Type": "application/x-www-form-urlencoded"})


def send_raw(server: CompanionServer, data: bytes, wait: float = TIMEOUT) -> tuple[int | None, bytes]:
    """Send `data` as it is and read the first answer: its status and body. If none comes within `wait` seconds
    (a request still incomplete, say), tell the server nothing more is coming and take what it sends before it
    closes (aiohttp closes at once: status None, body b""). With `wait` 0, say so straight after sending."""
    host, port = server.address or ("", 0)
    with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
        with contextlib.suppress(OSError):  # the server may refuse and close before it has read everything
            sock.sendall(data)
            if wait <= 0:
                sock.shutdown(socket.SHUT_WR)
        sock.settimeout(wait if wait > 0 else TIMEOUT)
        answer = http.client.HTTPResponse(sock, method="HEAD" if data.startswith(b"HEAD ") else None)
        try:
            answer.begin()
            return answer.status, answer.read()
        except TimeoutError:
            sock.settimeout(TIMEOUT)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
                rest = bytearray()
                while chunk := sock.recv(65536):
                    rest += chunk
                return None, bytes(rest)
            return None, b""
        except (http.client.HTTPException, OSError):  # closed without a word, or mid-answer
            return None, b""


def token_in(page: str) -> str:
    """The one-time token a page's form carries."""
    marker = 'name="form_token" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]
