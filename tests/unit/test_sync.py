"""`facilitator sync` against a real learning record store (Ralph, tests/lrs.py): every sealed session's statements
stored once, whatever stops on the way; an outbox that waits longer after each failure and never sends twice in a
way that matters; and the password from the environment or the keyring, never a file."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from facilitator.cli import main
from facilitator.records import xapi
from facilitator.services import closing, lrs_secret, sync
from facilitator.services.errors import Cancelled, Stopped, UserError
from facilitator.services.exported_sessions import exported_session
from facilitator.services.identity import signer
from facilitator.services.lrs_secret import PASSWORD_ENV
from facilitator.services.settings import load_settings, set_setting
from facilitator.services.workspace import Workspace
from facilitator.storage.models import LrsOutbox
from tests.lrs import Ralph, free_port
from tests.unit.exporting import sealed_session


class Clock:
    """A clock the test moves: back-off is checked without sleeping."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(workspace: Workspace) -> list[str]:
    return [sealed_session(workspace), sealed_session(workspace)]


def use(ws: Workspace, monkeypatch: pytest.MonkeyPatch, url: str, password: str) -> None:
    """Point the settings at a store, and give its password the way a script would: in the environment."""
    set_setting(ws, "lrs_url", url)
    set_setting(ws, "lrs_user", "hr")
    monkeypatch.setenv(PASSWORD_ENV, password)


@pytest.fixture
def to_ralph(workspace: Workspace, ralph: Ralph, monkeypatch: pytest.MonkeyPatch) -> Ralph:
    use(workspace, monkeypatch, f"{ralph.url}/xAPI/", ralph.password)
    return ralph


def expected(ws: Workspace, sids: list[str]) -> list[dict]:
    return xapi.statements_of([exported_session(ws, sid) for sid in sids]).statements


def stored_once(ralph: Ralph, ws: Workspace, sids: list[str]) -> None:
    """Ralph holds every statement of these sessions, each once, exactly as made."""
    made = {s["id"]: s for s in expected(ws, sids)}
    stored = [s for sid in sids for s in ralph.get_statements(registration=xapi.registration(sid))]
    stored += [by_id(ralph, i) for i, s in made.items() if s["verb"]["id"] == xapi.VOIDED]  # no registration
    assert sorted(s["id"] for s in stored) == sorted(made)
    for statement in stored:
        assert {k: v for k, v in statement.items() if k not in ("stored", "authority")} == made[statement["id"]]


def by_id(ralph: Ralph, statement_id: str) -> dict:
    reply = ralph.request("GET", f"/xAPI/statements?statementId={statement_id}")
    assert reply.status == 200, reply
    return reply.body["statements"][0] if "statements" in reply.body else reply.body  # Ralph 5.1 wraps it


def outbox(ws: Workspace) -> list[LrsOutbox]:
    with ws.store.transaction() as db:
        return list(db.scalars(select(LrsOutbox).order_by(LrsOutbox.id)))


@pytest.mark.slow
def test_two_sealed_sessions_reach_ralph_once_and_a_second_sync_sends_nothing(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock) -> None:
    first = sync.sync(workspace, now=clock)
    total = len(expected(workspace, sessions))
    assert (first.queued.added, first.sent, first.waiting, first.refused, first.ok) == (total, total, 0, 0, True)
    assert first.message == f"Sent {total} statements to {to_ralph.url}/xAPI/"
    stored_once(to_ralph, workspace, sessions)
    assert {(row.sent_at, row.sent_to, row.attempts) for row in outbox(workspace)} == {
        (clock.at, f"{to_ralph.url}/xAPI/", 1)}
    again = sync.sync(workspace, now=clock)
    assert (again.queued.added, again.sent, again.waiting) == (0, 0, 0)
    stored_once(to_ralph, workspace, sessions)


@pytest.mark.slow
def test_ralph_stopped_mid_sync_and_started_again_ends_with_every_statement_stored_once(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock) -> None:
    seen: list[tuple[int, int]] = []

    def stop_after_the_first_batch(done: int, total: int) -> None:
        seen.append((done, total))
        if done and to_ralph.running:
            to_ralph.stop()

    cut = sync.sync(workspace, batch=2, progress=stop_after_the_first_batch, now=clock)
    total = len(expected(workspace, sessions))
    assert seen == [(0, total), (2, total)]
    assert (cut.sent, cut.waiting, cut.ok) == (2, total - 2, True), "waiting for the store is not a failure"
    assert cut.next_try == clock.at + timedelta(minutes=1) and "cannot reach" in cut.waiting_reason
    assert f"{total - 2} waiting (next try at " in cut.message
    to_ralph.start()
    assert sync.sync(workspace, batch=2, now=clock).sent == 0, "not before its next try"
    clock.advance(timedelta(minutes=1))
    resumed = sync.sync(workspace, batch=2, now=clock)
    assert (resumed.sent, resumed.waiting, resumed.next_try) == (total - 2, 0, None)
    stored_once(to_ralph, workspace, sessions)


@pytest.mark.slow
def test_a_statement_sent_again_after_a_crash_is_harmless(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock) -> None:
    sync.sync(workspace, now=clock)
    with workspace.store.transaction() as db:  # the store answered, then the laptop died before marking them sent
        db.execute(update(LrsOutbox).values(sent_at=None, sent_to=None))
    again = sync.sync(workspace, now=clock)
    assert (again.sent, again.waiting, again.ok) == (len(expected(workspace, sessions)), 0, True)
    stored_once(to_ralph, workspace, sessions)


@pytest.mark.slow
def test_a_wrong_password_is_said_and_every_statement_still_waits(
        workspace: Workspace, sessions: list[str], ralph: Ralph, monkeypatch: pytest.MonkeyPatch, clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    use(workspace, monkeypatch, f"{ralph.url}/xAPI", "not-the-password")
    code = main(["--data-dir", str(workspace.data_dir), "sync"])
    out, err = capsys.readouterr()
    total = len(expected(workspace, sessions))
    assert code == 1 and out == f"Sent 0 statements to {ralph.url}/xAPI; {total} waiting\n"
    assert err.splitlines()[-1] == f"facilitator: the learning record store at {ralph.url}/xAPI refused the user " \
                                   f"name or password (401)"
    assert "Ana Díaz" in err.splitlines()[0], "who has neither an e-mail nor an employer account is named"
    main(["--data-dir", str(workspace.data_dir), "sync"])
    assert "Ana Díaz" not in capsys.readouterr().err, "once, when the session's statements were queued"
    rows = outbox(workspace)
    assert len(rows) == total and all(r.sent_at is None and r.attempts == 0 and r.next_attempt_at is None
                                      for r in rows), "nothing counted against them: they go once it is right"
    monkeypatch.setenv(PASSWORD_ENV, ralph.password)
    assert sync.sync(workspace, now=clock).sent == total

@pytest.mark.slow
def test_the_wait_doubles_after_each_failure_and_honours_retry_after(
        workspace: Workspace, sessions: list[str], monkeypatch: pytest.MonkeyPatch, clock: Clock) -> None:
    use(workspace, monkeypatch, f"http://127.0.0.1:{free_port()}/xAPI/", "secret")  # nothing listens there
    waits = []
    for _try in range(4):
        started = clock.at
        result = sync.sync(workspace, now=clock)
        assert result.sent == 0 and result.ok and "cannot reach" in result.waiting_reason
        waits.append(result.next_try - started)
        assert sync.sync(workspace, now=clock).next_try == result.next_try, "nothing tried before its time"
        clock.advance(result.next_try - started)
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert {r.attempts for r in outbox(workspace)} == {4}
    assert sync.wait(30) == sync.LONGEST_WAIT and sync.wait(1, retry_after=900) == timedelta(minutes=15)
    assert sync.wait(1, retry_after=10**9) == sync.LONGEST_RETRY_AFTER


@pytest.mark.slow
def test_a_conflicting_statement_is_refused_for_good_and_the_rest_are_sent(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock,
        capsys: pytest.CaptureFixture[str]) -> None:
    made = expected(workspace, sessions)
    other = json.loads(json.dumps(made[0]))
    other["result"]["duration"] = "PT9H"  # what someone else's system put under the same id
    assert to_ralph.post_statements([other]).status == 200
    code = main(["--data-dir", str(workspace.data_dir), "sync"])
    out, err = capsys.readouterr()
    assert code == 1 and out.startswith(f"Sent {len(made) - 1} statements to ") and "; 1 refused: " in out
    assert err.splitlines()[-1].startswith("facilitator: 1 statement was refused: the learning record store "
                                          "answered 409: Differing statements")
    [refused] = [r for r in outbox(workspace) if r.refused_at is not None]
    assert refused.statement_id == made[0]["id"] and "409" in refused.last_error
    assert main(["--data-dir", str(workspace.data_dir), "sync", "--retry-now"]) == 0, "refused once, not again"
    assert "Sent 0 statements" in capsys.readouterr().out


@pytest.mark.slow
def test_an_amendment_that_takes_back_a_certificate_queues_its_voiding_statement(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock) -> None:
    sync.sync(workspace, now=clock)
    closing.amend(workspace, sessions[0], signer(workspace), person="E1", eligible=False,
                  reason="the badge was scanned by a colleague")
    after = sync.sync(workspace, now=clock)
    assert (after.queued.added, after.sent) == (1, 1)
    [voiding] = [r for r in outbox(workspace) if json.loads(r.statement)["verb"]["id"] == xapi.VOIDED]
    voided = json.loads(voiding.statement)["object"]["id"]
    assert voided in {r.statement_id for r in outbox(workspace)} and voiding.sent_at == clock.at
    assert by_id(to_ralph, voiding.statement_id)["object"] == {"objectType": "StatementRef", "id": voided}


@pytest.mark.slow
def test_cancel_stops_between_batches_and_what_was_not_sent_waits_without_a_mark(
        workspace: Workspace, sessions: list[str], to_ralph: Ralph, clock: Clock) -> None:
    def cancel_after_the_first(done: int, total: int) -> None:
        if done:
            raise Cancelled

    with pytest.raises(Stopped, match=r"stopped: sent 3 of \d+ statements to "):
        sync.sync(workspace, batch=3, progress=cancel_after_the_first, now=clock)
    rows = outbox(workspace)
    assert [r.sent_at is not None for r in rows] == [True] * 3 + [False] * (len(rows) - 3)
    assert all(r.attempts == 0 and r.last_error is None for r in rows[3:])
    assert sync.sync(workspace, now=clock).sent == len(rows) - 3
    stored_once(to_ralph, workspace, sessions)


@pytest.mark.parametrize("address, said", [
    ("{url}/nowhere/", "is not an xAPI statements resource"),
    ("https://127.0.0.1:{port}/xAPI/", "cannot make a secure connection to"),
])
@pytest.mark.slow
def test_a_wrong_address_or_tls_stops_the_sync_with_one_line(
        workspace: Workspace, sessions: list[str], ralph: Ralph, monkeypatch: pytest.MonkeyPatch, address: str,
        said: str, capsys: pytest.CaptureFixture[str]) -> None:
    use(workspace, monkeypatch, address.format(url=ralph.url, port=ralph.port), ralph.password)
    assert main(["--data-dir", str(workspace.data_dir), "sync", "--json"]) == 1
    out, err = capsys.readouterr()
    assert said in json.loads(out)["error"] and said in err.splitlines()[-1] and "Traceback" not in err


# --- a store that answers what the test says: what Ralph never does -------------------------------------------

class Canned(BaseHTTPRequestHandler):
    """Answers every POST with the server's `answer` (status, headers, body) and keeps the requests' headers."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append({name.lower(): value for name, value in self.headers.items()})
        status, headers, body = self.server.answer
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    server.seen, server.answer = [], (204, {}, b"")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    use(workspace, monkeypatch, f"http://127.0.0.1:{server.server_address[1]}/lrs/xAPI", "s3cret")
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.slow
@pytest.mark.parametrize("answer, waiting, said, next_try", [
    ((503, {"Retry-After": "900"}, b"busy"), True, "answered 503: busy", timedelta(minutes=15)),
    ((200, {"Content-Type": "text/html"}, b"<html>Sign in to the hotel Wi-Fi</html>"), True,
     "did not answer as a learning record store does", None),
    ((301, {"Location": "https://elsewhere.example/xAPI/statements"}, b""), True,
     "is not an xAPI statements resource (the learning record store answered 301)", None),
    ((204, {}, b""), False, None, None),
])
def test_what_each_answer_means_for_the_statements(
        workspace: Workspace, sessions: list[str], canned: ThreadingHTTPServer, clock: Clock, answer: tuple,
        waiting: bool, said: str | None, next_try: timedelta | None) -> None:
    canned.answer = answer
    result = sync.sync(workspace, now=clock)
    assert (result.waiting > 0, result.sent == 0) == (waiting, waiting)
    assert said is None or said in (result.error or result.waiting_reason)
    assert result.next_try == (clock.at + next_try if next_try else None)
    headers = canned.seen[0]
    assert headers["x-experience-api-version"] == "1.0.3" and headers["content-type"] == "application/json"
    assert headers["authorization"] == "Basic aHI6czNjcmV0"  # hr:s3cret
    assert all(h["host"] == headers["host"] for h in canned.seen), "no redirect followed"


# --- the settings and the password ------------------------------------------------------------------------

@pytest.mark.parametrize("address, said", [
    ("https://hr:secret@lrs.example.com/xAPI/", "a user name or password does not belong in the address"),
    ("lrs.example.com/xAPI", "starting with https://"),
    ("https://lrs.example.com/xAPI/?key=1", "may not have a query"),
])
def test_the_address_is_an_https_endpoint_without_credentials(workspace: Workspace, address: str, said: str) -> None:
    with pytest.raises(UserError, match=said):
        set_setting(workspace, "lrs_url", address)
    assert load_settings(workspace).lrs_url == ""


class MemoryKeyring:
    """A keyring backend that keeps passwords in memory: what a desktop's keyring does, for the test."""

    priority = 1

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.kept.get((service, user))

    def set_password(self, service: str, user: str, secret: str) -> None:
        self.kept[(service, user)] = secret


def test_the_password_comes_from_the_environment_else_the_keyring_else_a_clear_message(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    set_setting(workspace, "lrs_url", "https://lrs.example.com/xAPI/")
    set_setting(workspace, "lrs_user", "laptop-7")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    before = keyring.get_keyring()
    try:
        keyring.set_keyring(fail.Keyring())  # a computer without a keyring, as CI is
        with pytest.raises(UserError) as none:
            lrs_secret.endpoint(load_settings(workspace))
        assert none.value.message == "no password for laptop-7 at the learning record store (this computer has " \
                                     "no system keyring: no secure keyring backend was found)"
        assert PASSWORD_ENV in str(none.value) and "facilitator sync --set-password" in str(none.value)
        assert "File → Settings" in none.value.for_app()
        with pytest.raises(UserError, match="no system keyring to keep the password in"):
            lrs_secret.keep_password(load_settings(workspace), "pw")
        in_a_file = type("PlainFile", (MemoryKeyring, KeyringBackend), {"priority": 0.5})()
        keyring.set_keyring(in_a_file)  # as keyrings.alt's files rank: keyring does not recommend them, nor do we
        with pytest.raises(UserError, match="no system keyring to keep the password in"):
            lrs_secret.keep_password(load_settings(workspace), "pw")
        assert in_a_file.kept == {}
        memory = type("Memory", (MemoryKeyring, KeyringBackend), {})()
        keyring.set_keyring(memory)
        lrs_secret.keep_password(load_settings(workspace), "from-the-keyring")
        assert lrs_secret.endpoint(load_settings(workspace)).password == "from-the-keyring"
        assert list(memory.kept) == [("Facilitator learning record store https://lrs.example.com/xAPI/",
                                      "laptop-7")]
        monkeypatch.setenv(PASSWORD_ENV, "from-the-environment")
        found = lrs_secret.endpoint(load_settings(workspace))
        assert found.password == "from-the-environment" and "from-the" not in repr(found)
    finally:
        keyring.set_keyring(before)
    assert not any("from-the" in p.read_text(errors="replace") for p in workspace.data_dir.rglob("*") if p.is_file())


def test_without_a_store_or_a_terminal_the_command_says_what_to_do(
        workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(workspace.data_dir), "sync"]) == 1
    assert capsys.readouterr().err == "facilitator: nowhere to send to: no learning record store and no HR database " \
                                      "is set; set lrs_url and lrs_user, or hr_database, with 'facilitator settings " \
                                      "set'\n"
    set_setting(workspace, "lrs_url", "https://lrs.example.com/xAPI/")
    set_setting(workspace, "lrs_user", "laptop-7")
    assert main(["--data-dir", str(workspace.data_dir), "sync", "--set-password"]) == 1  # stdin is not a terminal
    assert f"asks for the password on a terminal; without one, set {PASSWORD_ENV}" in capsys.readouterr().err
