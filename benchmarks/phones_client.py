"""The phones of the phones benchmark, in a process of their own (benchmarks/phones_bench.py): 200 phones are 200
devices, so their Python must not share the server's interpreter lock, or the figure would count the simulation's
own work as the companion's latency.

    python benchmarks/phones_client.py BASE_URL CODE PHONES human|burst companion|bare

prints one JSON object: every request's seconds, and the phones that failed (with why).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import sys
import time

import aiohttp

STEPS = 6  # requests a phone makes: join, check-in page, search, confirm, question, vote
TOKEN = re.compile(r'action="([^"]+)"[^>]*>\s*<input type="hidden" name="form_token" value="([^"]+)">'
                   r'(?:\s*<input type="hidden" name="(?:entry|question)" value="([^"]+)">)?')


def employee_id(n: int) -> str:
    """The employee id of the benchmark roster's person `n` (phones_bench makes the roster the same way)."""
    return f"E{n:05d}"


# A person's time before each of the six requests, in seconds (low, high): scanning the code on the screen with
# the camera as everyone does at once, tapping "Check in", typing a name or an employee id of 8 or 9 characters on a
# phone's keyboard, tapping one's own name, opening the question, then reading it and its four answers to tap one.
HUMAN = ((0.0, 3.0), (0.5, 2.0), (2.0, 6.0), (0.5, 2.0), (0.5, 2.0), (1.0, 4.0))


def pauses_of(n: int, human: bool) -> list[float]:
    """Phone `n`'s pauses before its requests (drawn from its own seeded generator), last first for `pop`: a
    person's (HUMAN), or none."""
    if not human:
        return [0.0] * STEPS
    draw = random.Random(n)
    return [draw.uniform(low, high) for low, high in HUMAN][::-1]


class Phone:
    """One phone: its own loopback source address (127.0.1.N; Linux routes 127/8 to loopback), so the companion's
    per-address rate limit applies as on a hotspot, its own cookies, and its person's pauses."""

    def __init__(self, base: str, n: int, human: bool, latencies: list[float]) -> None:
        self.base, self.n, self.latencies = base, n, latencies
        self.pauses = pauses_of(n, human)

    async def call(self, web: aiohttp.ClientSession, method: str, path: str,
                   data: dict[str, str] | None = None) -> str:
        await asyncio.sleep(self.pauses.pop())  # the person reads the page and taps
        started = time.perf_counter()
        async with web.request(method, path, data=data) as response:
            page = await response.text()
        self.latencies.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status}")
        return page

    def session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(local_addr=(f"127.0.1.{self.n % 250 + 1}", 0), limit=1)
        return aiohttp.ClientSession(self.base, connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def check_in_and_vote(self, code: str) -> None:
        async with self.session() as web:
            await self.call(web, "GET", f"/j/{code}")
            forms = TOKEN.findall(await self.call(web, "GET", "/checkin"))
            forms = TOKEN.findall(await self.call(web, "POST", "/checkin/find",
                                                  {"form_token": forms[0][1], "who": employee_id(self.n)}))
            [(_, token, entry)] = [f for f in forms if f[0] == "/checkin/confirm"]
            await self.call(web, "POST", "/checkin/confirm", {"form_token": token, "entry": entry})
            [(_, token, question)] = TOKEN.findall(await self.call(web, "GET", "/answer"))
            await self.call(web, "POST", "/answer", {"form_token": token, "question": question,
                                                     "option": str(self.n % 4)})

    async def bare(self) -> None:
        """The same requests, with the same pauses, to the constant page."""
        async with self.session() as web:
            for method in ("GET", "GET", "POST", "POST", "GET", "POST"):
                await self.call(web, method, "/", {"form_token": "x"} if method == "POST" else None)


async def room(base: str, code: str, phones: int, human: bool, bare: bool) -> dict[str, list]:
    latencies: list[float] = []
    failures: list[str] = []

    async def one(n: int) -> None:
        phone = Phone(base, n, human, latencies)
        try:
            await (phone.bare() if bare else phone.check_in_and_vote(code))
        except Exception as failure:  # reported; the store afterwards decides what was lost
            failures.append(f"phone {n}: {failure!r}")

    await asyncio.gather(*(one(n) for n in range(phones)))
    return {"latencies": latencies, "failures": failures}


if __name__ == "__main__":
    base_url, join_code, count, pace, target = sys.argv[1:6]
    print(json.dumps(asyncio.run(room(base_url, join_code, int(count), pace == "human", target == "bare"))))
