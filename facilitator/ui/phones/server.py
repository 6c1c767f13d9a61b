"""The seam between the console and the phones' web server (facilitator/companion): a function that starts a
server for one session on one address and hands back something to stop it with. Qt-free, so the console can be
given a fake that records its calls, and the server can run with no window at all.

The console holds the running server while it is open; the presenter only learns where phones join
(`Presenter.phones`), which is all the check-in slide needs for its QR code.
"""

from __future__ import annotations

from typing import Protocol

from facilitator.services.workspace import Workspace

DEFAULT_PORT = 8765


class RunningPhones(Protocol):
    """A server phones can reach: where it listens (the port it really got, when asked for port 0), and how to
    stop it (it stops accepting, finishes what it was answering and closes its connection to the store)."""

    host: str
    port: int

    def stop(self) -> None: ...


class StartPhones(Protocol):
    """Start the server for `session_id` on `host` (one of the laptop's addresses, never every interface) and
    `port`; raise OSError if it cannot listen there (the port is taken) and UserError if the session cannot have
    phones (it is sealed)."""

    def __call__(self, ws: Workspace, session_id: str, host: str, port: int) -> RunningPhones: ...


def server_start() -> StartPhones | None:
    """The app's own server, or None while this version has none (the Phones dialog then says so)."""
    return None
