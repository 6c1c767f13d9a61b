"""Hostile and broken forms sent to every phone page that takes one, with a good one-time token each (so they
reach the handler, not just the token check): any text, any length, any characters, fields missing or repeated.
The companion must answer each with a page (never a 5xx, never a traceback), keep serving, and store nothing
that breaks the rules the services enforce."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.companion.guard import Guard
from facilitator.companion.run import start
from facilitator.companion.server import CompanionServer
from facilitator.services import companion, delivery
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME
from tests.phone_pages import Phone, demo_session

pytestmark = pytest.mark.slow
ANSWERED = {200, 303, 400, 403, 413}
TEXT = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", " ", "0", "-1", "99999999999", "1e3", "\x00", "\u202e", "../../etc/passwd", "<script>", "a" * 5000,
     "scenario-out-of-town-job.0", "feedback.0", ".", "..0"])
FORMS = {  # the page that hands out the form's token, the form's action, its fields
    "/checkin": ("/checkin/find", ["who"]),
    "/walkin": ("/walkin", ["first", "last", "employee"]),
    "/ask": ("/ask", ["question"]),
    "/answer": ("/answer", ["question", "option", "rating", "comment"]),
}


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, str, CompanionServer]]:
    ws = open_workspace(tmp_path_factory.mktemp("fuzz") / "data")
    sid = demo_session(ws)
    delivery.start(ws, sid, "feedback")  # so /answer hands out a form
    server = start(ws, sid, port=0, guard=Guard(limiter=None))
    yield ws, sid, server
    server.stop()
    ws.close()


def joined(room: tuple[Workspace, str, CompanionServer]) -> Phone:
    ws, sid, server = room
    phone = Phone(server)
    phone.get(f"/j/{companion.join_code(ws, sid).code}")
    return phone


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(sorted(FORMS)), values=st.lists(TEXT, min_size=0, max_size=5),
       drop=st.integers(0, 3))
def test_any_form_gets_a_page_never_a_failure(room: tuple[Workspace, str, CompanionServer], page: str,
                                              values: list[str], drop: int) -> None:
    phone = joined(room)
    phone.get(page)
    action, names = FORMS[page]
    fields = dict(zip(names[drop:], values, strict=False))
    phone.post(action, fields)
    assert phone.status in ANSWERED, (phone.status, page, fields)
    assert "Traceback" not in phone.page and "<h1>" in phone.page


def test_a_confirm_form_with_hostile_entries_is_refused(room: tuple[Workspace, str, CompanionServer]) -> None:
    phone = joined(room)
    for entry in ("", "-1", "abc", "1" * 40, "0x10", "\uff11\uff12"):  # the last: full-width digits (isdigit)
        phone.post("/checkin/confirm", {"entry": entry}, token="x")
        assert phone.status == 400, entry


def test_after_the_fuzz_the_store_is_sound(room: tuple[Workspace, str, CompanionServer]) -> None:
    ws, _sid, _server = room
    with contextlib.closing(sqlite3.connect(ws.data_dir / DATABASE_NAME)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for (text,) in db.execute("SELECT text FROM audience_questions"):
            assert text.strip() and len(text) <= 500 and "\x00" not in text and "\u202e" not in text
        for first, last in db.execute("SELECT first_name, last_name FROM pending_walk_ins"):
            assert (first + last).strip() and "\x00" not in first + last
    joined(room).get("/here")  # still serving
