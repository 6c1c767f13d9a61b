"""`facilitator companion SESSION [--host ADDR] [--port N]`: the phones' companion without a window (docs/
companion.md). Serves the session's phone pages on one address of this machine until Ctrl-C, printing each new join
address on a line of its own as the code rotates, for a second screen or a script that draws the QR code."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from facilitator.cli.common import Parser, add_session, handled_by, workspace
from facilitator.companion.addresses import DEFAULT_PORT, LOOPBACK, local_addresses
from facilitator.i18n import _


def register(parser: Parser, noun: str) -> None:
    parser.description = _("Serves the session's pages for phones on one address of this computer (never on every "
                           "network at once) and prints the join address, again each time its code changes, until "
                           "Ctrl-C. Phones must reach that address: use the address of the hotspot or network the "
                           "room's phones are on.")
    add_session(parser)
    parser.add_argument("--host", default=LOOPBACK, metavar=_("ADDRESS"),
                        help=_("the address of this computer to listen on (default {default}: this computer only); "
                               "one of: {choices}").format(default=LOOPBACK, choices=_addresses()))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                        help=_("the port to listen on (default {default}; 0 picks a free one)").format(
                            default=DEFAULT_PORT))
    handled_by(parser, serve)


def serve(args: argparse.Namespace, *, stop: threading.Event | None = None,
          clock: Callable[[], datetime] | None = None) -> int:
    """Run until Ctrl-C (or `stop`, for tests); the join address printed whenever its code changes."""
    from facilitator.companion.run import start
    from facilitator.services import companion as phones
    from facilitator.services.errors import UserError
    from facilitator.services.sessions import full_id

    if not 0 <= args.port <= 65535:
        raise UserError(_("the port must be a number from 0 to 65535, not {port}").format(port=args.port))
    now = clock or (lambda: datetime.now(UTC))
    ws = workspace(args)
    session_id = full_id(ws, args.session_id)  # once: the loop below asks for the code every second
    server = start(ws, session_id, args.host, args.port, clock=clock)
    host, port = server.address or (args.host, args.port)
    print(_("Serving phones on {url} — stop with Ctrl-C").format(url=server.url), flush=True)
    waiting = stop or threading.Event()
    shown = None
    try:
        while not waiting.is_set():
            code = phones.join_code(ws, session_id, now())
            if code.code != shown:
                print(phones.join_address(host, port, code.code), flush=True)
                shown = code.code
            # At most a second's sleep: a changed wall clock (or a test's) is followed within a second.
            waiting.wait(min(1.0, max(0.05, (code.changes_at - now()).total_seconds())))
    finally:
        server.stop()
    return 0


def _addresses() -> str:
    return ", ".join(local_addresses())
