"""The companion server on a real loopback port: its life (start, stop, restart, a busy or foreign address),
this machine's addresses, the headers of every kind of response, refusals (404, 405, 500 without a traceback),
static files by exact name only, and malformed requests thrown at it by hypothesis, after which it must still
answer."""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from facilitator.companion.addresses import local_addresses
from facilitator.companion.guard import MAX_BODY, MAX_CONNECTIONS, SECURITY_HEADERS, Guard
from facilitator.companion.server import FILE_HANDLES, KEEPALIVE_TIMEOUT, CompanionServer, more_file_handles
from facilitator.services.errors import UserError
from tests.unit.companion_http import SECRET, TIMEOUT, demo_server, fetch, post_form, running, send_raw, token_in

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

ROOT = Path(__file__).parents[2]
WAIT = 0.3  # seconds to wait for an answer to a request that may still be incomplete (a loopback answer: ~1 ms)


# --- life ---------------------------------------------------------------------------------------------------


def test_it_starts_on_a_free_port_and_stops_cleanly_even_twice() -> None:
    server = demo_server()
    assert server.address is None and not server.running
    host, port = server.start()
    assert (host, port) == server.address and port > 0 and server.url == f"http://127.0.0.1:{port}"
    assert fetch(server, "GET", "/hello").status == 200
    server.stop()
    server.stop()
    assert not server.running and server.address is None
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=2):
        pass


def test_stop_before_start_does_nothing_and_a_stopped_server_starts_again() -> None:
    server = demo_server()
    server.stop()
    with running(server):
        first = server.address
    with running(server):
        assert fetch(server, "GET", "/hello").status == 200
        assert server.address is not None and first is not None


def test_it_listens_on_loopback_unless_told_otherwise_and_never_on_an_empty_host() -> None:
    assert CompanionServer().host == "127.0.0.1"
    with pytest.raises(ValueError):
        CompanionServer("")


def test_routes_are_added_before_it_starts_and_only_for_get_and_post() -> None:
    server = demo_server()
    with pytest.raises(ValueError):
        server.add_route("PUT", "/x", fetch)  # type: ignore[arg-type]
    with running(server), pytest.raises(RuntimeError):
        server.get("/late", fetch)  # type: ignore[arg-type]


def test_a_busy_port_gives_a_clear_error_and_the_server_can_try_another() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        busy = other.getsockname()[1]
        server = demo_server(port=busy)
        with pytest.raises(UserError) as refused:
            server.start()
        assert f"127.0.0.1:{busy}" in refused.value.message and "another program" in refused.value.message
        assert not server.running
        server.stop()
        server.port = 0
        with running(server):
            assert fetch(server, "GET", "/hello").status == 200


def test_an_address_not_of_this_machine_gives_a_clear_error() -> None:
    foreign = "203.0.113.7"  # TEST-NET-3: documentation only, never a real interface's
    assert foreign not in local_addresses()
    with pytest.raises(UserError) as refused:
        CompanionServer(foreign).start()
    assert "not an address of this computer" in refused.value.message and "127.0.0.1" in refused.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="only a user without privileges is refused")
def test_a_privileged_port_gives_a_clear_error() -> None:
    with pytest.raises(UserError) as refused:
        CompanionServer("127.0.0.1", 80).start()
    assert "pick a port above 1024" in refused.value.message or "another program" in refused.value.message


@pytest.mark.parametrize("failure, words", [
    (OSError(errno.EACCES, "Permission denied"), "pick a port above 1024"),
    (OSError(errno.EADDRINUSE, "Address in use"), "another program is already listening on 10.0.0.1:8080"),
    (OSError(errno.EADDRNOTAVAIL, "Cannot assign"), "10.0.0.1 is not an address of this computer"),
    (socket.gaierror(socket.EAI_NONAME, "Name unknown"), "10.0.0.1 is not an address of this computer"),
    (OSError(errno.ENOBUFS, "No buffer space"), "cannot listen on 10.0.0.1:8080: No buffer space"),
])
def test_each_bind_failure_is_said_in_the_trainers_words(failure: OSError, words: str) -> None:
    explained = CompanionServer("10.0.0.1", 8080)._explain(failure)
    assert isinstance(explained, UserError) and words in explained.message


def test_a_failure_that_is_not_the_address_is_raised_as_it_is() -> None:
    """A bug (here a route without its leading slash) is not dressed up as the trainer's problem."""
    server = demo_server()
    server.get("hello", fetch)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        server.start()
    assert not server.running


def test_this_machines_addresses_are_ipv4_bindable_and_loopback_last() -> None:
    found = local_addresses()
    assert found[-1] == "127.0.0.1" and len(found) == len(set(found))
    for address in found:
        assert socket.inet_aton(address) and address.count(".") == 3
        with socket.socket() as probe:
            probe.bind((address, 0))  # every one is this machine's own
    assert CompanionServer(found[0]).address_present()


# --- responses --------------------------------------------------------------------------------------------


RESPONSES = [  # method, path, body, status
    ("GET", "/hello", None, 200),
    ("HEAD", "/hello", None, 200),
    ("GET", "/static/companion.css", None, 200),
    ("GET", "/form", None, 200),
    ("POST", "/form", b"name=x", 400),  # no token
    ("GET", "/refuse", None, 400),
    ("GET", "/nowhere", None, 404),
    ("PUT", "/hello", b"x", 405),
    ("DELETE", "/nowhere", None, 405),
    ("POST", "/echo", b"x" * 20_000, 413),
    ("GET", "/boom", None, 500),
]


@pytest.mark.parametrize("method, path, body, status", RESPONSES)
def test_every_response_carries_the_security_headers_and_a_charset(method, path, body, status) -> None:
    with running(demo_server()) as server:
        reply = fetch(server, method, path, body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == status
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name] == value, name
    assert reply.headers["Content-Type"].endswith("; charset=utf-8")
    assert reply.headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
    assert "aiohttp" not in reply.headers.get("Server", "")


def test_the_429_page_carries_the_headers_too() -> None:
    with running(demo_server(Guard())) as server:
        replies = [fetch(server, "HEAD", "/hello") for _ in range(40)]
    refused = [r for r in replies if r.status == 429]
    assert refused and all(r.headers["Cache-Control"] == "no-store" for r in refused)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "CONNECT"])
def test_only_get_head_and_post_are_answered(method: str) -> None:
    with running(demo_server()) as server:
        for path in ("/hello", "/nowhere", "/static/companion.css"):
            reply = fetch(server, method, path)
            assert reply.status == 405 and reply.headers["Allow"] == "GET,HEAD,POST", (method, path)


def test_an_unknown_path_gets_a_small_clear_page() -> None:
    with running(demo_server()) as server:
        for path in ("/", "/admin", "/static/", "/static", "/j/", "/.git/config"):
            reply = fetch(server, "GET", path)
            assert reply.status == 404 and "<h1>Page not found</h1>" in reply.text, path


def test_a_failing_handler_shows_no_traceback_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with running(demo_server()) as server:
        reply = fetch(server, "GET", "/boom", headers={"Accept": "text/html"})
    assert reply.status == 500 and "Something went wrong" in reply.text
    for leak in (SECRET, "Traceback", "RuntimeError", "boom", ".py"):
        assert leak not in reply.text
    logged = [r for r in caplog.records if r.name == "facilitator.companion.guard" and r.exc_info]
    assert logged and SECRET in str(logged[0].exc_info[1])


def test_a_user_error_is_a_400_page_with_its_message_escaped() -> None:
    with running(demo_server()) as server:
        reply = fetch(server, "GET", "/refuse")
    assert reply.status == 400 and "No such &lt;code&gt;" in reply.text  # a sentence on the phone: capitalised
    assert 'href="/"' in reply.text  # and a way back


def test_the_static_files_are_served_by_exact_name_with_their_content_type() -> None:
    with running(demo_server()) as server:
        css = fetch(server, "GET", "/static/companion.css")
        assert css.body == (ROOT / "facilitator" / "companion" / "static" / "companion.css").read_bytes()
        assert css.headers["Content-Type"] == "text/css; charset=utf-8"
        assert fetch(server, "GET", "/static/COMPANION.CSS").status == 404


TRAVERSALS = [
    "/static/../server.py", "/static/../../pyproject.toml", "/static/%2e%2e/server.py", "/static/%2E%2E%2Fserver.py",
    "/static/..%2fserver.py", "/static/..%5cserver.py", "/static/..\\server.py", "/static/%252e%252e%252fserver.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/companion.css/../../server.py",
    "/static/companion.css%00.py", "/static/.%2e/guard.py", "/static/..;/server.py", "/static/%c0%ae%c0%ae/server.py",
    "/../facilitator/companion/server.py", "/static/__init__.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_the_static_folder_is_served(path: str) -> None:
    with running(demo_server()) as server:
        reply = fetch(server, "GET", path)
    assert reply.status in (400, 404), path
    assert b"import" not in reply.body and b"root:" not in reply.body and b"[project]" not in reply.body


def test_the_packaging_ships_the_static_folder() -> None:
    spec = (ROOT / "packaging" / "facilitator.spec").read_text(encoding="utf-8")
    assert '"facilitator" / "companion" / "static"), "facilitator/companion/static"' in spec


# --- malformed requests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzzed() -> CompanionServer:
    with running(demo_server(Guard(limiter=None))) as server:  # one address sends everything here
        yield server


def _still_answers(server: CompanionServer) -> None:
    assert fetch(server, "GET", "/hello").status == 200


def _checked(answer: tuple[int | None, bytes]) -> int | None:
    """Whatever came back tells nothing of the code; its status (None: closed without an answer)."""
    status, body = answer
    event(f"answered {status}")  # --hypothesis-show-statistics: how the examples were answered
    assert b"Traceback" not in body and b"File \"" not in body and SECRET.encode() not in body, body[:300]
    return status


TOKENS = st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"G\x00T", b"", b"get", b"GET GET", b"\xff\xfe"])
PATHS = st.one_of(st.sampled_from([b"/hello", b"/form", b"/echo", b"/static/companion.css", b"*", b"", b"//",
                                   b"http://evil.example/", b"/%", b"/%zz", b"/\xff", b"/" + b"a" * 9000]),
                  st.binary(max_size=200))
VERSIONS = st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/9.9", b"", b"HTTP/1.1 extra", b"http/1.1"])
HEADER = st.tuples(st.one_of(st.sampled_from([b"Host", b"Content-Length", b"Transfer-Encoding", b"Content-Type",
                                              b"Connection", b"Expect", b"X" * 9000, b"", b"Bad Name", b"\x00"]),
                             st.binary(max_size=40)),
                   st.one_of(st.sampled_from([b"chunked", b"-1", b"abc", b"99999999999999999999", b"5", b"0",
                                              b"application/x-www-form-urlencoded", b"100-continue", b"y" * 20000]),
                             st.binary(max_size=60)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.binary(max_size=300))
def test_garbage_instead_of_a_request_leaves_it_answering(fuzzed: CompanionServer, line: bytes) -> None:
    status = _checked(send_raw(fuzzed, line + b"\r\n\r\n", wait=WAIT))
    assert status is None or 200 <= status < 500, "garbage is the client's fault, never the server's"
    _still_answers(fuzzed)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(method=TOKENS, path=PATHS, version=VERSIONS, headers=st.lists(HEADER, max_size=6),
       body=st.binary(max_size=300))
def test_malformed_requests_leave_it_answering(fuzzed: CompanionServer, method: bytes, path: bytes, version: bytes,
                                               headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    head = b" ".join(part for part in (method, path, version) if part) + b"\r\n"
    head += b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    status = _checked(send_raw(fuzzed, head + b"\r\n" + body, wait=WAIT))
    assert status is None or 200 <= status < 500
    _still_answers(fuzzed)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(st.binary(min_size=1, max_size=200), st.text(max_size=80).map(str.encode)),
       more=st.binary(max_size=2000), off_by=st.one_of(st.just(0), st.integers(-60, 60)),
       huge=st.booleans(), good_token=st.booleans())
def test_truncated_bodies_and_broken_form_fields_leave_it_answering(fuzzed: CompanionServer, value: bytes,
                                                                    more: bytes, off_by: int, huge: bool,
                                                                    good_token: bool) -> None:
    """A body shorter or longer than its Content-Length (or one announced too large), and form fields of any bytes
    (invalid UTF-8 too), with or without a good token."""
    token = token_in(fetch(fuzzed, "GET", "/form").text).encode() if good_token else b"forged"
    form = b"form_token=" + token + b"&name=" + value + (b"" if off_by == 0 else more)
    declared = 40_000 if huge else max(0, len(form) + off_by)
    head = (b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(declared).encode() + b"\r\n\r\n")
    sent_whole = len(form) >= declared
    status = _checked(send_raw(fuzzed, head + form[:declared + 10], wait=TIMEOUT if sent_whole or huge else 0))
    if declared > MAX_BODY:
        assert status == 413
    elif sent_whole:  # a whole form, good or broken: an answer, and never a failure
        assert status in (200, 400), status
    else:  # the server waits for the rest, and closes when told none is coming
        assert status is None
    _still_answers(fuzzed)


def test_a_form_of_invalid_utf8_is_refused_and_one_of_escaped_bytes_kept() -> None:
    with running(demo_server()) as server:
        token = token_in(fetch(server, "GET", "/form").text)
        raw = f"form_token={token}&name=".encode() + b"\xc3\x28\xa0\xa1"
        refused = fetch(server, "POST", "/form", raw, {"Content-Type": "application/x-www-form-urlencoded"})
        assert refused.status == 400 and "could not be read" in refused.text
        kept = post_form(server, "/form", f"form_token={token}&name=%C3%28")
        assert kept.status == 200, "the token was not spent by the refused form"


# --- slow and greedy clients --------------------------------------------------------------------------------


def _connect(server: CompanionServer, source: str = "127.0.0.1") -> socket.socket:
    host, port = server.address or ("", 0)
    return socket.create_connection((host, port), timeout=TIMEOUT, source_address=(source, 0))


def _closed_by_server(sock: socket.socket) -> bool:
    """Wait (up to TIMEOUT) for the server to close `sock` without a word; False if it sent something instead."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _served(sock: socket.socket) -> int | None:
    """The status of GET /hello sent on `sock`; None if the server closed it instead."""
    with contextlib.suppress(OSError):
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = http.client.HTTPResponse(sock)
    try:
        answer.begin()
        answer.read()
        return answer.status
    except (http.client.HTTPException, OSError):
        return None


def _until(condition: Callable[[], bool]) -> bool:
    """Whether `condition` comes true within TIMEOUT (it is checked again and again, no fixed sleep)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return True
    return False


def test_one_address_holds_at_most_its_share_of_connections_and_others_are_still_served() -> None:
    with running(demo_server(Guard(limiter=None))) as server:
        held = [_connect(server) for _ in range(MAX_CONNECTIONS)]
        try:
            extra = _connect(server)
            assert _closed_by_server(extra), "one more connection than the limit is closed at once"
            extra.close()
            assert _served(held[0]) == 200 and _served(held[-1]) == 200  # those held are served as ever
            try:
                other = _connect(server, "127.0.0.2")  # another phone on the network
            except OSError:
                if sys.platform.startswith("linux"):  # all of 127/8 is loopback there: this is a failure
                    raise
                pytest.skip("this system has no 127.0.0.2 to send from")  # macOS: only 127.0.0.1
            with other:
                assert _served(other) == 200
        finally:
            for sock in held[1:]:
                sock.close()

        def one_more_is_served() -> bool:
            with _connect(server) as sock:
                return _served(sock) == 200

        assert _until(one_more_is_served), "a connection closed frees its place"
        held[0].close()


def test_without_a_connection_limit_one_address_may_hold_more() -> None:
    with running(demo_server(Guard(limiter=None, max_connections=None))) as server:
        held = [_connect(server) for _ in range(MAX_CONNECTIONS + 4)]
        try:
            assert _served(held[-1]) == 200
        finally:
            for sock in held:
                sock.close()


def test_half_a_request_is_dropped_after_the_keepalive_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    assert KEEPALIVE_TIMEOUT <= 15  # a few dozen half-sent requests cannot hold file handles for long
    monkeypatch.setattr("facilitator.companion.server.KEEPALIVE_TIMEOUT", 0.5)
    with running(demo_server(Guard(limiter=None))) as server, _connect(server) as sock:
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n")  # and the blank line never comes
        assert _closed_by_server(sock)


def test_half_a_body_is_refused_in_time_and_its_connection_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the headers are in, the handler no longer holds the connection for as long as the client waits."""
    monkeypatch.setattr("facilitator.companion.guard.BODY_TIMEOUT", 0.3)
    monkeypatch.setattr("facilitator.companion.server.LINGERING_TIME", 0.3)  # then the rest is not waited for
    with running(demo_server(Guard(limiter=None))) as server, _connect(server) as sock:
        sock.sendall(b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 100\r\n\r\nname=half")
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        assert answer.status == 408 and "Not understood" in answer.read().decode()
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert _closed_by_server(sock)


def test_a_multipart_body_is_refused_unread() -> None:
    with running(demo_server()) as server:
        reply = fetch(server, "POST", "/form", b"--b\r\n\r\nx\r\n--b--\r\n",
                      {"Content-Type": "multipart/form-data; boundary=b"})
    assert reply.status == 415


@pytest.mark.skipif(resource is None, reason="no limit on open files to raise here (Windows)")
def test_starting_raises_the_soft_limit_on_open_files_towards_the_hard_one() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = 256 if hard == resource.RLIM_INFINITY else min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (low, hard))
    try:
        with running(demo_server()):
            raised = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        assert raised == (FILE_HANDLES if hard == resource.RLIM_INFINITY else min(FILE_HANDLES, hard))
        assert more_file_handles(wanted=100) == raised, "never lowered"
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
