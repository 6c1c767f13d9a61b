"""The phones figures: 200 phones in one room, all starting at once, each joining with the code on the screen,
finding itself, checking in and voting on the question on the screen, against the real companion on loopback
(docs/companion.md).

Two ways of "at once". In `room`, the 200 people start together (the trainer says "scan the code now") and each
then takes a person's time before each tap (phones_client.HUMAN, drawn from a seeded generator: 0-3 s to scan, 2-6 s
to type a name, 0.5-4 s for each other tap), so every check-in and vote of the room lands within about twenty
seconds: the crowd a real room makes at its busiest. In `burst`, every phone fires its next
request the moment the last one is answered, with no pause at all: no room does that, and it shows where this
machine saturates. The issue's target (p95 under 250 ms) is on `room`; `burst` is printed beside it, without one.

The phones run in a process of their own (benchmarks/phones_client.py), as 200 devices would: sharing the server's
interpreter lock, the simulation's own work would count as the companion's latency. Each simulated phone is an
aiohttp client with its own cookie jar and its own loopback source address (127.0.1.N: Linux routes all of 127/8 to
the loopback interface), so the companion's per-address rate limit is on, as on a hotspot where every phone has an
address of its own. A phone makes six requests: the join address, the
check-in page, the search, the confirm, the question, the vote. Every request's time is kept; the figure is their
95th percentile. The baseline is the same 1,200 requests, with the same phones and concurrency, to a bare aiohttp
handler that answers a constant page (no guard, no store): what HTTP itself costs on this machine at this load.

"Lost" is counted from the store afterwards, not from the answers: every phone must be checked in exactly once
and every vote counted, else the benchmark fails.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from aiohttp import web

from benchmarks.phones_client import employee_id
from facilitator.companion.run import start
from facilitator.domain.roster import Person
from facilitator.domain.segment_kinds import stages
from facilitator.services import companion, delivery, phone_votes, presenter_state
from facilitator.services.attendance_record import attendance_report
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace, open_workspace

PHONES = 200
SCENARIO = "scenario-out-of-town-job"  # in the employees' workshop: one vote of four options


@dataclass
class Result:
    latencies: list[float]  # seconds, every request of every phone
    failures: list[str]


def _session(ws: Workspace, phones: int = PHONES) -> str:
    """A session of `phones` people with the scenario's vote on the screen."""
    sid = create_session(ws, workshop_id="harassment-prevention-employees", on=date.today(), start="00:00",
                         location="Hall", trainer="Bench", jurisdictions=["none"]).id
    add_people(ws, sid, [Person(first_name=f"Phone{n:03d}", last_name=f"Person{n:03d}", employee_id=employee_id(n))
                         for n in range(phones)])
    delivery.start(ws, sid, SCENARIO)
    steps = [s.name for s in stages(delivery.session_run(ws, sid).segment(SCENARIO))]
    presenter_state.save_step(ws, sid, SCENARIO, steps.index("vote"))
    return sid


class _BareServer:
    """aiohttp answering a constant page on its own thread and loop, as the companion's server runs."""

    def __init__(self) -> None:
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _page(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="<!DOCTYPE html><title>ok</title><p>ok</p>", content_type="text/html")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/", self._page)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def __enter__(self) -> _BareServer:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


@dataclass(frozen=True)
class Measured:
    ours: float  # p95, milliseconds
    bare: float
    result: Result
    lost: int  # check-ins and votes the store lacks afterwards


def _phones(base: str, code: str, human: bool, bare: bool, phones: int) -> Result:
    """Run the phones' process against `base` and read what it found."""
    command = [sys.executable, str(Path(__file__).with_name("phones_client.py")), base, code, str(phones),
               "human" if human else "burst", "bare" if bare else "companion"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    found = json.loads(done.stdout)
    return Result(found["latencies"], found["failures"])


def measure(human: bool, phones: int = PHONES) -> Measured:
    """One room of `phones` phones through the companion, then the same through a bare page."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(Path(tmp) / "data")
        try:
            sid = _session(ws, phones)
            server = start(ws, sid, "127.0.0.1", 0)
            try:
                result = _phones(server.url, companion.join_code(ws, sid).code, human, False, phones)
            finally:
                server.stop()
            checked_in = sum(row.is_in for row in attendance_report(ws, sid).rows)
            votes = sum(phone_votes.phone_votes(ws, sid, SCENARIO, 0))
            lost = (phones - checked_in) + (phones - votes)
        finally:
            ws.close()
    with _BareServer() as bare:
        baseline = _phones(f"http://127.0.0.1:{bare.port}", "-", human, True, phones)
    return Measured(p95(result.latencies) * 1000, p95(baseline.latencies) * 1000, result, lost)
