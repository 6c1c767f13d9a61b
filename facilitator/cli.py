"""The `facilitator` command: noun-verb subcommands over the services; with no command it opens the app.

Exit codes: 0 success, 1 a user error (one line saying why), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator import __version__
from facilitator.services.errors import UserError

if TYPE_CHECKING:
    from facilitator.services.library import CheckReport
    from facilitator.services.workspace import Workspace

# Services (and with them the database and the library's schema) are imported inside each command, so
# that `facilitator demo` can paint its window before they load, and `--help` answers at once.
DEFAULT_GRACE_MINUTES = 10

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facilitator", description="Plan, run and record in-person workshops.")
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    parser.add_argument("--data-dir", help="the data folder (default: $FACILITATOR_DATA_DIR or your user data folder)")
    nouns = parser.add_subparsers(dest="noun", metavar="COMMAND")

    demo = nouns.add_parser("demo", help="open the app on a demo session today with a fictional roster")
    demo.set_defaults(handler=cmd_demo)

    content = nouns.add_parser("content", help="check and list the workshop library").add_subparsers(
        dest="verb", metavar="VERB", required=True)
    check = content.add_parser("check", help="validate workshop files and show which jurisdictions each meets")
    check.add_argument("path", nargs="?", type=Path, help="a workshop file or folder (default: the built-in library)")
    check.add_argument("--json", action="store_true", help="print machine-readable results")
    check.set_defaults(handler=cmd_content_check)
    listing = content.add_parser("list", help="list the workshops in the library")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_content_list)

    session = nouns.add_parser("session", help="plan and look up sessions").add_subparsers(
        dest="verb", metavar="VERB", required=True)
    create = session.add_parser("create", help="schedule a session; prints its id")
    create.add_argument("--workshop", required=True, metavar="ID", help="a workshop id from 'content list'")
    create.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    create.add_argument("--start", required=True, metavar="HH:MM")
    create.add_argument("--location", required=True, metavar="TEXT")
    create.add_argument("--trainer", required=True, metavar="NAME")
    create.add_argument("--jurisdiction", required=True, action="append", metavar="CODE",
                        help="repeat for each jurisdiction whose law the session must meet ('none' for none)")
    create.add_argument("--grace-minutes", type=int, default=DEFAULT_GRACE_MINUTES,
                        help="minutes after the start before someone counts as late (default %(default)s)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_session_create)
    slist = session.add_parser("list", help="list sessions")
    slist.add_argument("--json", action="store_true")
    slist.set_defaults(handler=cmd_session_list)
    show = session.add_parser("show", help="show one session")
    show.add_argument("session_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_session_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    args = build_parser().parse_args(argv)
    handler: Handler = getattr(args, "handler", cmd_open_app)
    try:
        return handler(args)
    except UserError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (`| head`, say) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _tolerant_output() -> None:
    # A console that cannot show "é" should get a "?" rather than a crash halfway through a listing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _workspace(args: argparse.Namespace, *, demo: bool = False) -> Workspace:
    from facilitator.services.workspace import open_workspace

    return open_workspace(args.data_dir, demo=demo)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# --- the app -------------------------------------------------------------------------------------------

def cmd_open_app(args: argparse.Namespace) -> int:
    from facilitator.ui.app import run_app  # Qt is loaded only when a window is wanted

    return run_app(lambda: (_workspace(args), None))


def cmd_demo(args: argparse.Namespace) -> int:
    from facilitator.ui.app import run_app

    def load() -> tuple[Workspace, str | None]:
        from facilitator.services.demo import ensure_demo_session

        ws = _workspace(args, demo=True)
        return ws, ensure_demo_session(ws, date.today())

    return run_app(load)


# --- content -------------------------------------------------------------------------------------------

def cmd_content_check(args: argparse.Namespace) -> int:
    from facilitator.services.library import check_content

    report = check_content(args.path)
    if args.json:
        _print_json(_check_json(report))
    else:
        _print_check(report)
    return 0 if report.ok else 1


def _check_json(report: CheckReport) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for wid, w in sorted(report.workshops.items()):
        cov = [{"jurisdiction": code, "satisfied": report.matrix[(wid, code)].satisfied,
                "met": list(report.matrix[(wid, code)].met_requirements),
                "missing": [s.__dict__ for s in report.matrix[(wid, code)].shortfalls]}
               for code in sorted(report.jurisdictions)]
        out.append({"id": wid, "title": w.title, "valid": True, "problems": [], "coverage": cov})
    for p in report.problems:
        out.append({"id": None, "file": str(p.file), "valid": False, "problems": [p.as_dict()], "coverage": []})
    return out


def _print_check(report: CheckReport) -> None:
    for problem in report.problems:
        print(problem)
    verdict = "no problems" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"Checked {report.checked_files} file(s): {verdict}.")
    if not report.workshops:
        return
    codes = sorted(report.jurisdictions, key=lambda c: (c == "none", c))
    width = max(len(w) for w in report.workshops) + 2
    print("\nWhich jurisdictions each workshop meets (yes, no, or part of what the law requires):\n")
    widths = [max(len(c), 4) for c in codes]
    print("".ljust(width) + "  ".join(c.ljust(w) for c, w in zip(codes, widths, strict=True)).rstrip())
    for wid in sorted(report.workshops):
        cells = [_cell(report.matrix[(wid, c)]).ljust(w) for c, w in zip(codes, widths, strict=True)]
        print(wid.ljust(width) + "  ".join(cells).rstrip())
    for wid in sorted(report.workshops):
        missing = [(code, s) for code in codes for s in report.matrix[(wid, code)].shortfalls]
        if missing:
            print(f"\n{wid} - what is missing:")
        for code, s in missing:
            print(f"  {code}: {s.requirement}: {s.message}")


def _cell(result: Any) -> str:
    return "yes" if result.satisfied else ("part" if result.partly else "no")


def cmd_content_list(args: argparse.Namespace) -> int:
    from facilitator.services.library import builtin_library, list_workshops

    workshops = list_workshops(builtin_library())
    if args.json:
        _print_json([w.as_dict() for w in workshops])
        return 0
    for w in workshops:
        print(f"{w.id:36} {w.planned_minutes:4} min  {w.audience:11}  {w.title}")
    return 0


# --- sessions ------------------------------------------------------------------------------------------

def cmd_session_create(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import create_session

    ws = _workspace(args)
    detail = create_session(
        ws, workshop_id=args.workshop, on=args.date, start=args.start, location=args.location,
        trainer=args.trainer, jurisdictions=args.jurisdiction, grace_minutes=args.grace_minutes)
    if args.json:
        _print_json([detail.as_dict()])
        return 0
    print(detail.id)
    for check in detail.coverage:
        if not check.satisfied:
            print(f"warning: the workshop does not meet {check.name}: " + "; ".join(check.shortfalls),
                  file=sys.stderr)
    return 0


def cmd_session_list(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import list_sessions

    sessions = list_sessions(_workspace(args))
    if args.json:
        _print_json([s.as_dict() for s in sessions])
        return 0
    if not sessions:
        print("No sessions yet. Create one with 'facilitator session create'.")
    for s in sessions:
        print(f"{s.id}  {s.date} {s.start}  {s.status:8} {s.roster_count:4} people  {s.workshop_title} "
              f"- {s.location} ({', '.join(s.jurisdictions)})")
    return 0


def cmd_session_show(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import get_session

    detail = get_session(_workspace(args), args.session_id)
    if args.json:
        _print_json([detail.as_dict()])
        return 0
    print(f"Session {detail.id} ({detail.status})")
    print(f"  Workshop:  {detail.workshop_title} (version {detail.workshop_version}, {detail.language})")
    print(f"  When:      {detail.date} at {detail.start}; late after {detail.grace_minutes} min")
    print(f"  Where:     {detail.location}")
    print(f"  Trainer:   {detail.trainer}")
    print(f"  Roster:    {detail.roster_count} people")
    print(f"  Materials: sha256 {detail.workshop_sha256}")
    print("  Jurisdictions:")
    for check in detail.coverage:
        status = "meets" if check.satisfied else "does not meet"
        print(f"    {check.code}: {status} {check.name}" + (f" - {check.citation}" if check.citation else ""))
        for s in check.shortfalls:
            print(f"      missing: {s}")
    return 0
