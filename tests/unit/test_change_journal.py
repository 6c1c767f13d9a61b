"""The store's journal of what each commit changed, as the open windows read it: written by the database itself
whoever commits, kept short, and read as "everything changed" whenever a watch cannot tell."""

from __future__ import annotations

import sqlite3
from datetime import date

from facilitator.domain.changes import EVERYTHING, ChangeKind, Changes
from facilitator.domain.roster import Person
from facilitator.services import attendance, delivery
from facilitator.services.demo import ensure_demo_session
from facilitator.services.roster import add_people
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace, open_workspace
from facilitator.storage.database import DATABASE_NAME


def test_each_kind_of_change_is_noted_with_its_session(workspace: Workspace) -> None:
    probe = workspace.store.changes()
    sid = ensure_demo_session(workspace, date.today())
    planned = probe.changed()
    assert planned.touches(sid, ChangeKind.SESSION) and planned.touches(sid, ChangeKind.ROSTER)
    assert probe.changed() is None, "nothing new since"
    attendance.check_in(workspace, sid, get_session(workspace, sid).roster[0].badge_code)
    assert probe.changed().by_session == {sid: frozenset({ChangeKind.ATTENDANCE})}
    delivery.advance(workspace, sid)
    assert probe.changed().by_session == {sid: frozenset({ChangeKind.DELIVERY})}
    add_people(workspace, sid, [Person("Ana", "Diaz", "E-900")])
    assert probe.changed().touches(sid, ChangeKind.ROSTER)
    probe.close()


def test_a_commit_from_another_connection_is_seen_too(workspace: Workspace, data_dir) -> None:
    sid = ensure_demo_session(workspace, date.today())
    probe = workspace.store.changes()
    other = open_workspace(data_dir)  # as the command line opens it
    attendance.check_in(other, sid, get_session(other, sid).roster[1].badge_code)
    other.close()
    assert probe.changed().touches(sid, ChangeKind.ATTENDANCE)
    probe.close()


def test_the_journal_stays_short_and_a_watch_that_fell_behind_hears_everything(workspace: Workspace) -> None:
    sid = ensure_demo_session(workspace, date.today())
    probe = workspace.store.changes()
    code = get_session(workspace, sid).roster[0].badge_code
    for _ in range(260):  # each check-in or check-out is one journal row (and a rejected repeat is one too)
        attendance.check_in(workspace, sid, code)
        attendance.check_out(workspace, sid, code)
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    assert db.execute("SELECT count(*) FROM store_changes").fetchone()[0] <= 500
    db.close()
    assert probe.changed() is EVERYTHING
    attendance.check_in(workspace, sid, code)
    assert probe.changed().by_session == {sid: frozenset({ChangeKind.ATTENDANCE})}, "caught up again"
    probe.close()


def test_what_a_view_asks_of_the_changes() -> None:
    changes = Changes.of([("A1", "attendance"), ("A1", "delivery"), ("B2", "seal")])
    assert changes.touches("A1", ChangeKind.DELIVERY) and not changes.touches("A1", ChangeKind.SEAL)
    assert changes.touches(None, ChangeKind.SEAL) and changes.touches("B2") and not changes.touches("C3")
    assert Changes.of([("A1", "a kind from a newer app")]) .unknown
    assert EVERYTHING.touches("anything", ChangeKind.ROSTER)
    assert not Changes() and EVERYTHING
