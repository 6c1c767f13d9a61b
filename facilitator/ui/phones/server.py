"""The seam between the console and the phones' web server (facilitator/companion): a function that starts a
server for one session on one address and hands back something to stop it with. Qt-free, so the console can be
given a fake that records its calls (the tests), and the server keeps no window of its own.

The console holds the running server while it is open; the presenter only learns where phones join
(`Presenter.phones`), which is all the check-in slide needs for its QR code.
"""

from __future__ import annotations

from typing import Any, Protocol

from facilitator.companion.addresses import DEFAULT_PORT
from facilitator.services.workspace import Workspace

__all__ = ["DEFAULT_PORT", "RunningPhones", "StartPhones", "server_start"]


class RunningPhones(Protocol):
    """A server phones can reach: where it listens (the port it really got, when asked for port 0), and how to
    stop it (it finishes what it was answering and lets go of the address)."""

    host: str
    port: int

    def stop(self) -> None: ...


class StartPhones(Protocol):
    """Start the server for `session_id` on `host` (one of the laptop's addresses, never every interface) and
    `port` (0: any free one); UserError says why not (the port is taken, the session is sealed)."""

    def __call__(self, ws: Workspace, session_id: str, host: str, port: int) -> RunningPhones: ...


class _Serving:
    """The companion's server as the console holds it: the address it really listens on, and stop."""

    def __init__(self, server: Any) -> None:
        self._server = server
        self.host, self.port = server.address or (server.host, server.port)

    def stop(self) -> None:
        self._server.stop()


def _start(ws: Workspace, session_id: str, host: str, port: int) -> RunningPhones:
    # Loaded when phones start, not with the console: aiohttp stays out of the app's start-up.
    from facilitator.companion import start

    return _Serving(start(ws, session_id, host, port))


def server_start() -> StartPhones:
    """The app's own server for phones (facilitator.companion.start)."""
    return _start
