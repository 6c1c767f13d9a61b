"""A real xAPI learning record store for the tests: Ralph, run from a venv of its own on a loopback port.

Ralph (PyPI `ralph-malph`) is not a dependency of Facilitator and is not installed beside it: its own pins
(FastAPI, uvicorn, pydantic-settings…) must never decide ours. `.ci/run` makes `.ci/ralph-venv` and exports
FACILITATOR_TEST_RALPH, the path of its `ralph` command. Where that variable is set, a Ralph that cannot be
found or started fails the tests that need it; where it is not (a developer's machine without Ralph), they are
skipped and say how to get it. Without the variable, `ralph` on PATH or in `.ci/ralph-venv` is used if there.

The `ralph` fixture gives a running server (one per test run; a test that stops it gets it started again for the
next) with its address and HR's credentials, and HTTP helpers that speak xAPI 1.0.3 with basic auth. Here, adding
HR's user takes about 2.5 s (`ralph auth` hashes the password with bcrypt) and a start about 1.5 s.

The server is Ralph's own API app with its file-system store, started by SERVE below rather than by
`ralph runserver`, for the reason given there.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

RALPH_ENV = "FACILITATOR_TEST_RALPH"
CI_RALPH = Path(__file__).resolve().parent.parent / ".ci" / "ralph-venv" / "bin" / "ralph"
XAPI_VERSION = "1.0.3"
HOST = "127.0.0.1"  # loopback only
START_TIMEOUT = 90.0  # seconds; it starts in about 1.5 s here, but CI runs the tests on a busy 2-core machine
# Ralph 5.1's `ralph runserver` would do, but for one thing: its file-system LRS writes its one file with the data
# backend's default operation, CREATE, which refuses once the file exists, so only the first POST of a store's
# life is kept (every later one answers 500, "Statements bulk indexation failed"). An LRS appends; so does this
# one. Validation, duplicates, conflicts, queries and auth stay Ralph's own. Without uvicorn's reloader, which
# `runserver` turns on, it is also a single process.
SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="info")
"""
# Ralph's API checks little more than the actor, the verb's and the object's ids and the statement id; its
# pydantic model of a statement checks all of xAPI's rules, so the tests run that too, in Ralph's own Python.
STRICT_CHECK = """
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement
errors = []
for number, statement in enumerate(json.load(sys.stdin)):
    try:
        BaseXapiStatement.model_validate(statement)
    except ValidationError as exc:
        errors.append(f"statement {number}: {exc}")
json.dump(errors, sys.stdout)
"""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the JSON answered, or None when the body was empty


@dataclass
class Ralph:
    """One Ralph server: its folder (credentials, statements, log) survives a stop, so a restart keeps what was
    stored."""

    executable: Path
    folder: Path
    port: int
    username: str = "hr"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    process: subprocess.Popen[bytes] | None = None
    started_in: float | None = None  # seconds the last start took until the server answered

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def environment(self) -> dict[str, str]:
        return {**os.environ,
                "RALPH_APP_DIR": str(self.folder / "app"),
                "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
                "RALPH_RUNSERVER_BACKEND": "fs",
                "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
                # The LRS's own file: without this (RALPH_BACKENDS__DATA__… names another backend's folder),
                # Ralph writes it into its working directory.
                "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data")}

    def add_user(self) -> None:
        """HR's credentials, with every scope, written to the auth file the server reads."""
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        subprocess.run([str(self.executable), "auth", "-u", self.username, "-p", self.password, "-s", "all",
                        "-M", "mailto:hr@example.com", "-w"], env=self.environment(), cwd=self.folder,
                       check=True, capture_output=True, timeout=START_TIMEOUT)

    def start(self) -> None:
        """Start the server and return once it answers; fails the test with its log if it does not."""
        assert not self.running, "Ralph is already running"
        began = time.monotonic()
        with open(self.folder / "ralph.log", "ab") as log:
            # Its own process group, so that stopping it ends whatever it started too.
            self.process = subprocess.Popen(
                [str(_python_of(self.executable)), "-c", SERVE, HOST, str(self.port)],
                env=self.environment(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        while not self.answers():
            if time.monotonic() - began > START_TIMEOUT:
                self.stop()
                pytest.fail(f"Ralph did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")
            try:
                self.process.wait(timeout=0.05)  # polls, and notices at once when it exits
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"Ralph exited with status {self.process.returncode}:\n{self.log_tail()}")
        self.started_in = time.monotonic() - began

    def stop(self) -> None:
        """Stop the server, as a shutdown would (mid-request or not), and return once all its processes are gone
        and its port is free."""
        if self.process is None:
            return
        group = self.process.pid  # its own session: the group's id is the leader's pid
        _signal_group(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=15)
        deadline = time.monotonic() + 15
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.05)  # a process it started may outlive it by a moment
        _signal_group(group, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        path = self.folder / "ralph.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/__heartbeat__", timeout=2) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    # --- xAPI over HTTP ---------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, *, version: bool = True) -> Reply:
        """One request with HR's basic auth (and the xAPI version header unless `version` is False)."""
        headers = {"Authorization": "Basic " + _basic(self.username, self.password)}
        if version:
            headers["X-Experience-API-Version"] = XAPI_VERSION
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        call = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(call, timeout=30) as answer:
                return Reply(answer.status, _json(answer.read()))
        except urllib.error.HTTPError as refused:
            return Reply(refused.code, _json(refused.read()))

    def post_statements(self, statements: list[dict[str, Any]]) -> Reply:
        return self.request("POST", "/xAPI/statements", statements)

    def get_statements(self, **query: str) -> list[dict[str, Any]]:
        """Every statement the query finds, following Ralph's `more` links page by page."""
        found: list[dict[str, Any]] = []
        path = "/xAPI/statements?" + urllib.parse.urlencode(query)
        while path:
            reply = self.request("GET", path)
            assert reply.status == 200, reply
            found.extend(reply.body["statements"])
            path = reply.body.get("more") or ""
        return found

    def strict_errors(self, statements: list[dict[str, Any]]) -> list[str]:
        """What Ralph's full model of an xAPI statement finds wrong with each statement (nothing, ideally)."""
        done = subprocess.run([str(_python_of(self.executable)), "-c", STRICT_CHECK], input=json.dumps(statements),
                              capture_output=True, text=True, check=True, timeout=120)
        return json.loads(done.stdout)


def find_ralph() -> Path | None:
    """Ralph's command: FACILITATOR_TEST_RALPH's, else `ralph` on PATH, else `.ci/ralph-venv`'s."""
    if os.environ.get(RALPH_ENV):
        return Path(os.environ[RALPH_ENV])
    on_path = shutil.which("ralph")
    if on_path:
        return Path(on_path)
    return CI_RALPH if CI_RALPH.exists() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def ralph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    """One Ralph for the whole run, stopped at its end."""
    executable = find_ralph()
    required = bool(os.environ.get(RALPH_ENV) or os.environ.get("CI"))
    if executable is None or not os.access(executable, os.X_OK):
        reason = (f"Ralph (an xAPI learning record store) is not at {executable or 'any known place'}: .ci/run "
                  f"installs it in .ci/ralph-venv and sets {RALPH_ENV}")
        if required:
            pytest.fail(reason)
        pytest.skip(reason)
    server = Ralph(executable, tmp_path_factory.mktemp("ralph"), free_port())
    server.add_user()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ralph(ralph_server: Ralph) -> Ralph:
    """The running Ralph, started again if an earlier test stopped it."""
    if not ralph_server.running:
        ralph_server.start()
    return ralph_server


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _signal_group(group: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, sig)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _json(raw: bytes) -> Any:
    return json.loads(raw) if raw.strip() else None


def _python_of(executable: Path) -> Path:
    """The Python that runs `ralph`: its script's own interpreter line names it."""
    first = executable.read_bytes().split(b"\n", 1)[0].decode()
    return Path(first[2:].strip()) if first.startswith("#!") else executable.with_name("python")
