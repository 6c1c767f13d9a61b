"""Start the phones' companion for one session: the server with the phone pages on it (docs/companion.md)."""

from __future__ import annotations

from facilitator.companion.addresses import DEFAULT_PORT, LOOPBACK
from facilitator.companion.guard import Guard
from facilitator.companion.phone_pages import Clock, PhonePages
from facilitator.companion.server import CompanionServer
from facilitator.services.workspace import Workspace


def start(ws: Workspace, session_id: str, host: str = LOOPBACK, port: int = DEFAULT_PORT, *,
          clock: Clock | None = None, guard: Guard | None = None) -> CompanionServer:
    """Serve the phone pages of one session on `host`:`port` (port 0: any free one) until `.stop()`. UserError when
    the session cannot take phones (sealed) or the address cannot be listened on."""
    server = CompanionServer(host, port, guard=guard)
    PhonePages(ws, session_id, clock).add_to(server)
    server.start()
    return server
