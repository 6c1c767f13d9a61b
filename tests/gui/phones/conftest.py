"""Fixtures for the phones' GUI tests: the demo session, the console's fake wall clock and scanner clock (as in
test_console.py), a fake phones' server that records what it was asked, a phones watch whose clocks and
addresses the test moves by hand, and the console with the real server (live_console)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from facilitator.services import delivery
from facilitator.services.demo import ensure_demo_session
from facilitator.services.workspace import Workspace
from facilitator.ui.checkin.scanner import ScanCatcher
from facilitator.ui.console.view import ConsoleView
from facilitator.ui.phones.watch import PhonesWatch
from facilitator.ui.store_watch import StoreWatch

from ..test_checkin import HeardSounds
from ..test_console import Wall, close_console, focus
from ..test_scanner import FakeClock


@dataclass
class FakeServer:
    """What the console holds while phones run: where it listens, and whether it was stopped."""

    host: str
    port: int
    stopped: bool = False

    def stop(self) -> None:
        assert not self.stopped, "stopped twice"
        self.stopped = True


@dataclass
class FakeStart:
    """Stands in for facilitator.companion's start: records each call; `refuse` makes the next one fail."""

    calls: list[tuple[Workspace, str, str, int]] = field(default_factory=list)
    servers: list[FakeServer] = field(default_factory=list)
    refuse: Exception | None = None

    def __call__(self, ws: Workspace, session_id: str, host: str, port: int) -> FakeServer:
        self.calls.append((ws, session_id, host, port))
        if self.refuse is not None:
            raise self.refuse
        server = FakeServer(host, port or 49152)  # port 0: the system picks one
        self.servers.append(server)
        return server


class Clocks:
    """The wall clock, the monotonic clock and the laptop's addresses as the phones watch sees them."""

    def __init__(self) -> None:
        self.wall, self.monotonic = 1_800_000_000.0, 1000.0
        self.hosts = {"127.0.0.1", "192.0.2.2"}

    def tick(self, seconds: float, *, wall_jump: float = 0.0) -> None:
        self.monotonic += seconds
        self.wall += seconds + wall_jump


@pytest.fixture
def session_id(workspace: Workspace) -> str:
    return ensure_demo_session(workspace, date.today())


@pytest.fixture
def wall(workspace: Workspace, session_id: str) -> Wall:
    """The console's wall clock, at the demo session's planned start; it moves when the test says."""
    return Wall(delivery.session_run(workspace, session_id).planned_start)


@pytest.fixture
def keys() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake_start() -> FakeStart:
    return FakeStart()


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def phones_console(qtbot, workspace: Workspace, session_id: str, wall: Wall, keys: FakeClock, fake_start: FakeStart,
                   clocks: Clocks) -> ConsoleView:
    watch = PhonesWatch(wall=lambda: clocks.wall, monotonic=lambda: clocks.monotonic, hosts=lambda: clocks.hosts,
                        interval_ms=60_000)  # the test looks when it means to
    changes = StoreWatch(workspace, interval_ms=50)  # what the phones' server writes shows within moments
    view = ConsoleView(workspace, session_id, sounds=HeardSounds(), catcher=ScanCatcher(clock=keys),
                       camera_factory=lambda: None, now=wall, changes=changes, start_phones=fake_start,
                       phones_watch=watch)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitActive(view)
    focus(qtbot, view.agenda_table)
    yield view
    close_console(view)
    changes.stop()


@pytest.fixture
def live_console(qtbot, workspace: Workspace, session_id: str, keys: FakeClock) -> ConsoleView:
    """The console with the app's own phones' server, the real wall clock (which the server checks join codes
    against) and the app's own watch on the store, at its own pace: phones' commits come through another
    connection."""
    watch = StoreWatch(workspace)
    view = ConsoleView(workspace, session_id, sounds=HeardSounds(), catcher=ScanCatcher(clock=keys),
                       camera_factory=lambda: None, changes=watch)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitActive(view)
    yield view
    close_console(view)
    watch.stop()

