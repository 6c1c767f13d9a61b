"""At the door: `facilitator checkin` and `facilitator checkout` record someone arriving or leaving from the code
on their badge (the QR text, or the code printed under it), now or at a time keyed in from a paper sheet."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from facilitator.cli.common import Parser, add_json, add_session, emit, handled_by, workspace
from facilitator.domain.times import clock
from facilitator.i18n import _


def register(parser: Parser, noun: str) -> None:
    add_session(parser)
    parser.add_argument("--code", required=True, metavar=_("CODE"),
                        help=_("the badge's QR text or the code printed under it"))
    parser.add_argument("--at", metavar=_("TIME"),
                        help=_("when it happened, for keying in a paper sheet later: HH:MM on the session's date, or "
                               "a full ISO 8601 time (default: now). It must lie in the session's day on this "
                               "computer's clock: from 2 hours before the planned start to the end of that day (12 "
                               "hours after the start, for a session starting late in the evening), and not in the "
                               "future"))
    add_json(parser)
    handled_by(parser, check_in if noun == "checkin" else check_out)


def check_in(args: argparse.Namespace) -> int:
    return _door(args, arriving=True)


def check_out(args: argparse.Namespace) -> int:
    return _door(args, arriving=False)


def _door(args: argparse.Namespace, *, arriving: bool) -> int:
    from facilitator.services import attendance
    from facilitator.services.sessions import get_session

    ws = workspace(args)
    at, source = None, attendance.Source.CLI
    if args.at:
        at = attendance.parse_at(args.at, date.fromisoformat(get_session(ws, args.session_id).date))
        source = attendance.Source.PAPER
    record = attendance.check_in if arriving else attendance.check_out
    result = record(ws, args.session_id, args.code, at=at, source=source)
    emit(args, result, lambda: print(
        _("{time}  {message}  (event {seq})").format(time=clock(result.at), message=result.message, seq=result.seq),
        file=sys.stdout if result.accepted else sys.stderr))
    # A repeated scan is not a failure (the person is in, as wanted); an unknown code is.
    return 0 if result.person is not None else 1
