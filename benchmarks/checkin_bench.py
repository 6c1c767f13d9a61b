"""The check-in figure: from a scanned code to a committed, chained event, against a bare SQLite insert.

Both sides run on the same disk with WAL and synchronous=FULL and commit once per scan, interleaved in
batches so that a busy moment on the machine affects both alike.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from facilitator.domain.attendance import Source
from facilitator.domain.roster import Person
from facilitator.services.attendance import check_in
from facilitator.services.roster import add_people
from facilitator.services.sessions import create_session, get_session
from facilitator.services.workspace import open_workspace

BATCH = 50


def _bare(folder: Path) -> sqlite3.Connection:
    db = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, code TEXT, occurred_at TEXT)")
    return db


def measure(count: int = 1000) -> tuple[float, float]:
    """Median milliseconds per check-in (ours, bare insert and commit) over `count` scans each."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = open_workspace(folder / "data")
        session = create_session(ws, workshop_id="harassment-prevention-employees", on=date.today(),
                                 start="00:00", location="Hall", trainer="Bench", jurisdictions=["none"])
        add_people(ws, session.id, [Person(f"Person{i}", "Bench") for i in range(count)])
        codes = [p.badge_code for p in get_session(ws, session.id).roster]
        bare = _bare(folder)
        ours_ms, bare_ms = [], []
        for start in range(0, count, BATCH):
            batch = codes[start:start + BATCH]
            began = time.perf_counter()
            for code in batch:
                check_in(ws, session.id, code, source=Source.SCANNER)
            ours_ms.append((time.perf_counter() - began) * 1000 / len(batch))
            began = time.perf_counter()
            for code in batch:
                bare.execute("BEGIN")
                bare.execute("INSERT INTO events (code, occurred_at) VALUES (?, ?)", (code, time.time()))
                bare.execute("COMMIT")
            bare_ms.append((time.perf_counter() - began) * 1000 / len(batch))
        bare.close()
        ws.close()
    return statistics.median(ours_ms), statistics.median(bare_ms)
