"""`facilitator` with no command opens the app on the data folder; `facilitator demo` opens it on a demo session.

Qt is imported only here, once a window is wanted, and the services only once the window has painted: the window
appears at once, then the data folder opens into it.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from facilitator.cli.common import Parser, handled_by, workspace

if TYPE_CHECKING:
    from facilitator.services.workspace import Workspace


def register(parser: Parser, noun: str) -> None:
    handled_by(parser, demo)


def open_app(args: argparse.Namespace) -> int:
    from facilitator.ui.app import run_app

    return run_app(lambda: (workspace(args), None))


def demo(args: argparse.Namespace) -> int:
    from facilitator.ui.app import run_app

    def load() -> tuple[Workspace, str | None]:
        from facilitator.services.demo import demo_start, ensure_demo_session

        ws = workspace(args, demo=True)
        now = datetime.now()  # the local wall clock, as sessions are planned
        return ws, ensure_demo_session(ws, now.date(), demo_start(now))

    return run_app(load, run=True)
