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
    close = session.add_parser("close", help="end open visits, decide who earned a certificate, and seal the record")
    close.add_argument("session_id", metavar="ID")
    close.add_argument("--override", action="append", default=[], metavar="PERSON=yes|no: REASON",
                       help="the trainer's decision for one person (employee id, badge code or roster number), "
                            "with the reason; repeat for each")
    close.add_argument("--dry-run", action="store_true", help="show what closing would record; change nothing")
    close.add_argument("--passphrase-env", metavar="VAR", help="the environment variable holding the key's passphrase")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=cmd_session_close)
    amend = session.add_parser("amend", help="a signed correction to a sealed session: one person's certificate")
    amend.add_argument("session_id", metavar="ID")
    amend.add_argument("--person", required=True, help="employee id, badge code or roster number")
    amend.add_argument("--eligible", required=True, choices=["yes", "no"])
    amend.add_argument("--reason", required=True)
    amend.add_argument("--passphrase-env", metavar="VAR", help="the environment variable holding the key's passphrase")
    amend.set_defaults(handler=cmd_session_amend)
    _add_roster_commands(nouns)
    _add_attendance_commands(nouns)
    _add_delivery_commands(nouns)
    _add_records_commands(nouns)
    _add_badges_command(nouns)
    _add_keys_commands(nouns)
    return parser


def _add_records_commands(nouns: Any) -> None:
    check = nouns.add_parser("verify", help="check a certificate PDF, a certificate's QR text, or a sealed session",
                             description="Exit 0 if genuine, 1 with the reason if not (altered, forged, unknown "
                                         "signer). Trusted: this installation's certificate and any --trust file.")
    check.add_argument("target", metavar="PDF|QR-TEXT|SESSION")
    check.add_argument("--trust", action="append", type=Path, default=[], metavar="CERT.pem",
                       help="a trainer's exported certificate (or their organisation's CA); repeat as needed")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_verify)

    for name, help_text, target in (
            ("certificates", "signed certificate PDFs for everyone the sealed record says earned one", "DIR"),
            ("signin-sheet", "the sign-in sheet PDF (signed once the session is sealed)", "FILE.pdf"),
            ("report", "the session report PDF (signed once the session is sealed)", "FILE.pdf")):
        doc = nouns.add_parser(name, help=help_text)
        doc.add_argument("session_id", metavar="SESSION")
        doc.add_argument("--out", required=True, type=Path, metavar=target)
        doc.add_argument("--paper", choices=["letter", "a4"], help="default: the 'paper' setting (letter)")
        doc.add_argument("--passphrase-env", metavar="VAR", help="the environment variable holding the passphrase")
        doc.add_argument("--json", action="store_true")
        doc.set_defaults(handler=cmd_document, document=name)

    settings = nouns.add_parser("settings", help="the organisation's name and logo, and the paper size").add_subparsers(
        dest="verb", metavar="VERB", required=True)
    show = settings.add_parser("show", help="show the settings")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_settings)
    change = settings.add_parser("set", help="change one setting: organisation, logo (a PNG or JPEG) or paper")
    change.add_argument("key", choices=["organisation", "logo", "paper"])
    change.add_argument("value", help="the new value; an empty string clears it")
    change.add_argument("--json", action="store_true")
    change.set_defaults(handler=cmd_settings)


def _add_attendance_commands(nouns: Any) -> None:
    for name, direction in (("checkin", "arriving"), ("checkout", "leaving")):
        door = nouns.add_parser(name, help=f"record someone {direction} from their badge code")
        door.add_argument("session_id", metavar="SESSION")
        door.add_argument("--code", required=True, help="the badge's QR text or the code printed under it")
        door.add_argument("--at", metavar="TIME", help="when it happened, for keying in a paper sheet later: "
                          "HH:MM on the session's date, or a full ISO 8601 time (default: now)")
        door.add_argument("--json", action="store_true")
        door.set_defaults(handler=cmd_checkin if name == "checkin" else cmd_checkout)

    record = nouns.add_parser(
        "attendance", help="the attendance record: per person, or 'verify', 'log', 'void'",
        usage="facilitator attendance [verify | log | void] SESSION [--json] [--event N --reason TEXT]",
        description="With just SESSION: first in, last out, minutes present and status per person. "
                    "'verify' checks the hash chain (exit 1 naming the first altered event); 'log' lists every "
                    "event, rejected scans included; 'void' undoes an event by appending a void with a reason.")
    record.add_argument("words", nargs="+", metavar="[VERB] SESSION")
    record.add_argument("--event", type=int, metavar="N", help="for 'void': the event number (see 'log')")
    record.add_argument("--reason", help="for 'void': why the event is undone")
    record.add_argument("--json", action="store_true")
    record.set_defaults(handler=cmd_attendance)


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    args = build_parser().parse_args(argv)
    handler: Handler = getattr(args, "handler", cmd_open_app)
    try:
        return handler(args)
    except UserError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
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

    return run_app(load, run=True)


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


def cmd_verify(args: argparse.Namespace) -> int:
    from facilitator.services.verification import verify

    verdict = verify(_workspace(args), args.target, args.trust)
    if args.json:
        _print_json(verdict.as_dict())
    else:
        print(f"{verdict.what}: {verdict.message}", file=sys.stdout if verdict.valid else sys.stderr)
    return 0 if verdict.valid else 1


def cmd_document(args: argparse.Namespace) -> int:
    from facilitator.services import certificates, reports
    from facilitator.services.identity import has_identity

    ws = _workspace(args)
    passphrase = _key_passphrase(args, ws) if has_identity(ws) else None
    make = {"certificates": certificates.make_certificates, "signin-sheet": reports.make_signin_sheet,
            "report": reports.make_report}[args.document]
    result = make(ws, args.session_id, args.out, paper=args.paper, passphrase=passphrase)
    if args.json:
        _print_json(result.as_dict())
    else:
        print(result.message)
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from facilitator.services.settings import load_settings, set_setting

    ws = _workspace(args)
    current = set_setting(ws, args.key, args.value) if args.verb == "set" else load_settings(ws)
    if args.json:
        _print_json(current.model_dump())
    else:
        for key, value in current.model_dump().items():
            print(f"{key:13} {value if value not in (None, '') else '(not set)'}")
    return 0


def cmd_session_close(args: argparse.Namespace) -> int:
    from facilitator.services import closing
    from facilitator.services.identity import has_identity, signer
    from facilitator.services.sessions import get_session

    ws = _workspace(args)
    overrides = closing.parse_overrides(ws, args.session_id, args.override)
    if args.dry_run:
        plan = closing.plan_close(ws, args.session_id, overrides=overrides)
        if args.json:
            _print_json(plan.as_dict())
        else:
            _print_plan(plan)
        return 0
    trainer = get_session(ws, args.session_id).trainer
    passphrase = _key_passphrase(args, ws) if has_identity(ws) else None
    result = closing.close_session(ws, args.session_id, signer(ws, passphrase, create_as=trainer),
                                   overrides=overrides)
    if args.json:
        _print_json({**result.plan.as_dict(), "chain_head": result.chain_head, "events": result.events,
                     "fingerprint": result.fingerprint})
        return 0
    _print_plan(result.plan)
    print(f"Sealed session {result.plan.session_id}: {result.events} attendance events, chain head "
          f"{result.chain_head[:16]}…, signed by certificate {result.fingerprint[:16]}…")
    return 0


def cmd_session_amend(args: argparse.Namespace) -> int:
    from facilitator.services.closing import amend
    from facilitator.services.identity import signer

    ws = _workspace(args)
    print(amend(ws, args.session_id, signer(ws, _key_passphrase(args, ws)), person=args.person,
                eligible=args.eligible == "yes", reason=args.reason))
    return 0


def _print_plan(plan: Any) -> None:
    print(f"{'name':30} {'minutes':>7}  {'status':16} certificate")
    for a in plan.attendees:
        verdict = "yes" if a.eligible else "no"
        print(f"{a.name[:30]:30} {a.minutes:7}  {a.status:16} {verdict}: {a.reason}")
    met = ", ".join(j.name for j in plan.jurisdictions) or "none"
    print(f"{plan.eligible} of {len(plan.attendees)} earn a certificate; jurisdictions met: {met}")


# --- check-in and attendance ----------------------------------------------------------------------------

def cmd_checkin(args: argparse.Namespace) -> int:
    return _door(args, "in")


def cmd_checkout(args: argparse.Namespace) -> int:
    return _door(args, "out")


def _door(args: argparse.Namespace, way: str) -> int:
    from facilitator.services.attendance import Source, check_in, check_out, parse_at
    from facilitator.services.sessions import get_session

    ws = _workspace(args)
    at, source = None, Source.CLI
    if args.at:
        at = parse_at(args.at, date.fromisoformat(get_session(ws, args.session_id).date))
        source = Source.PAPER
    record = check_in if way == "in" else check_out
    result = record(ws, args.session_id, args.code, at=at, source=source)
    if args.json:
        _print_json(result.as_dict())
    else:
        print(f"{result.at:%H:%M}  {result.message}  (event {result.seq})",
              file=sys.stdout if result.accepted else sys.stderr)
    # A repeated scan is not a failure (the person is in, as wanted); an unknown code is.
    return 0 if result.person is not None else 1


ATTENDANCE_VERBS = ("verify", "log", "void", "show")


def cmd_attendance(args: argparse.Namespace) -> int:
    words = args.words
    if len(words) == 2 and words[0] in ATTENDANCE_VERBS:
        verb, session_id = words
    elif len(words) == 1:
        verb, session_id = "show", words[0]
    else:
        raise UsageError("usage: facilitator attendance [verify | log | void] SESSION")
    ws = _workspace(args)
    return {"show": _attendance_show, "verify": _attendance_verify, "log": _attendance_log,
            "void": _attendance_void}[verb](ws, session_id, args)


class UsageError(UserError):
    """Wrong usage that argparse could not see; exits 2 like argparse's own."""


def _attendance_show(ws: Workspace, session_id: str, args: argparse.Namespace) -> int:
    from facilitator.services.attendance import attendance_report, clock_warning

    report = attendance_report(ws, session_id)
    if args.json:
        _print_json(report.as_dict())
        return 0
    print(f"Session {report.session_id}: {report.title}, {report.planned_start:%Y-%m-%d %H:%M}"
          f"-{report.planned_end:%H:%M} (late after {report.grace_minutes} min)")
    print(f"{'name':30} {'employee id':12} {'first in':8} {'last out':8} {'minutes':>7}  status")
    for row in report.rows:
        status = row.status.value + (" (in the room)" if row.is_in else "")
        print(f"{row.person.full_name[:30]:30} {(row.person.employee_id or '')[:12]:12} {_hhmm(row.first_in):8} "
              f"{_hhmm(row.last_out):8} {row.minutes:7}  {status}")
    print(f"{len(report.rows)} on the roster, {report.in_room} in the room now, {report.events} events")
    for jump in report.clock_jumps:
        print(f"warning: {clock_warning(jump)}", file=sys.stderr)
    return 0


def _hhmm(value: Any) -> str:
    return "" if value is None else f"{value:%H:%M}"


def _attendance_verify(ws: Workspace, session_id: str, args: argparse.Namespace) -> int:
    from facilitator.services.attendance import verify_attendance

    check = verify_attendance(ws, session_id)
    if args.json:
        _print_json(check.as_dict())
    else:
        print(check.message if check.intact else f"TAMPERED: {check.message}",
              file=sys.stdout if check.intact else sys.stderr)
    return 0 if check.intact else 1


def _attendance_log(ws: Workspace, session_id: str, args: argparse.Namespace) -> int:
    from facilitator.services.attendance import attendance_log_entries

    entries = attendance_log_entries(ws, session_id)
    if args.json:
        _print_json([e.as_dict() for e in entries])
        return 0
    for e in entries:
        voided = f"  [undone by event {e.voided_by}]" if e.voided_by else ""
        print(f"{e.seq:5}  {e.at:%H:%M:%S}  {e.kind:10} {(e.person or '-')[:30]:30} {e.source or '':8} "
              f"{e.detail or ''}{voided}")
    return 0


def _attendance_void(ws: Workspace, session_id: str, args: argparse.Namespace) -> int:
    from facilitator.services.attendance import void

    if args.event is None or not args.reason:
        raise UsageError("usage: facilitator attendance void SESSION --event N --reason TEXT")
    result = void(ws, session_id, args.event, args.reason)
    if args.json:
        _print_json({"seq": result.seq, "voided": result.voided_seq, "message": result.message})
    else:
        print(result.message)
    return 0


# --- running a session: the delivery log and the feedback round ------------------------------------------

DELIVERY_VERBS = ("show", "start", "next", "pause", "resume", "extend", "skip", "end", "note", "tally", "reveal")
DELIVERY_USAGE = ("facilitator delivery [show] SESSION [--json]\n"
                  "       facilitator delivery start SESSION SEGMENT | next SESSION | pause SESSION | resume SESSION\n"
                  "       facilitator delivery extend SESSION [--minutes N] | skip SESSION [SEGMENT] | end SESSION\n"
                  "       facilitator delivery note SESSION SEGMENT TEXT\n"
                  "       facilitator delivery tally SESSION SEGMENT COUNT... [--item N]\n"
                  "       facilitator delivery reveal SESSION SEGMENT [--item N]")
FEEDBACK_VERBS = ("show", "add", "undo")


def _add_delivery_commands(nouns: Any) -> None:
    run = nouns.add_parser(
        "delivery", help="run a session without the app: the agenda as delivered, or one step of it",
        usage=DELIVERY_USAGE,
        description="With just SESSION: each segment's planned and actual times, state, the room's counts and the "
                    "trainer's notes, and how far the session is ahead of or behind plan. The verbs record one step "
                    "each, as the app's presenter console does: 'start' a segment (ending the one running), 'next' "
                    "(end it and start the next), 'pause' and 'resume' the clock, 'extend' the running segment, "
                    "'skip' a segment not run (default: the next), 'end' the running one, 'note' a segment, 'tally' "
                    "the hands for each option of a vote or question, 'reveal' its results to the room. SEGMENT is "
                    "a segment id as 'delivery SESSION' lists them. Options go after the words.")
    run.add_argument("words", nargs="+", metavar="[VERB] SESSION [ARGS]")
    run.add_argument("--item", type=int, metavar="N",
                     help="for 'tally' and 'reveal': which question of a knowledge check, from 1 (default 1)")
    run.add_argument("--minutes", type=int, default=1, metavar="N",
                     help="for 'extend': minutes more for the running segment (default %(default)s)")
    run.add_argument("--at", metavar="TIME", help="when the step happened, for keying it in later: HH:MM on the "
                     "session's date, or a full ISO 8601 time (default: now)")
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=cmd_delivery)

    feedback = nouns.add_parser(
        "feedback", help="the anonymous feedback round: a summary, or type in paper forms",
        usage="facilitator feedback [show] SESSION [--segment ID] [--json]\n"
              "       facilitator feedback add SESSION [--rating N] [--comment TEXT] [--segment ID]\n"
              "       facilitator feedback undo SESSION [--segment ID]",
        description="With just SESSION: how many responded, the average rating, how many gave each rating (only "
                    "from 5 ratings up, so that no one's answer can be picked out) and the comments. 'add' types in "
                    "one paper form (a rating, a comment, or both; nothing about who gave it is kept); 'undo' "
                    "removes the last one typed. --segment is needed only if the workshop has several feedback "
                    "rounds.")
    feedback.add_argument("words", nargs="+", metavar="[VERB] SESSION")
    feedback.add_argument("--rating", type=int, metavar="N", help="for 'add': the rating given, 1 to the scale's top")
    feedback.add_argument("--comment", metavar="TEXT", default="", help="for 'add': the comment written")
    feedback.add_argument("--segment", metavar="ID", help="the feedback segment (default: the workshop's only one)")
    feedback.add_argument("--json", action="store_true")
    feedback.set_defaults(handler=cmd_feedback)


# What follows SESSION for each verb: as the usage shows it, and the fewest and most words (None: any number).
DELIVERY_ARGS: dict[str, tuple[str, int, int | None]] = {
    "show": ("", 0, 0), "start": ("SEGMENT", 1, 1), "next": ("", 0, 0), "pause": ("", 0, 0), "resume": ("", 0, 0),
    "extend": ("[--minutes N]", 0, 0), "skip": ("[SEGMENT]", 0, 1), "end": ("", 0, 0),
    "note": ("SEGMENT TEXT", 2, None), "tally": ("SEGMENT COUNT... [--item N]", 2, None),
    "reveal": ("SEGMENT [--item N]", 1, 1)}


def cmd_delivery(args: argparse.Namespace) -> int:
    words = list(args.words)
    verb = words.pop(0) if words[0] in DELIVERY_VERBS else "show"
    shape, fewest, most = DELIVERY_ARGS[verb]
    if words[1:2] and verb == "show" and words[1] in DELIVERY_VERBS:
        shape = DELIVERY_ARGS[words[1]][0]
        raise UsageError(f"put the verb first: facilitator delivery {words[1]} SESSION {shape}".rstrip())
    if not words or not fewest <= len(words) - 1 <= (most if most is not None else len(words)):
        raise UsageError(f"usage: facilitator delivery {'' if verb == 'show' else verb + ' '}SESSION {shape}".rstrip())
    from facilitator.services import delivery

    ws = _workspace(args)
    session_id, rest = words[0], words[1:]
    if verb == "show":
        return _print_delivery(ws, session_id, args.json)
    at = _step_time(ws, session_id, args.at)
    segment = rest[0] if rest else None
    if verb == "start":
        run = delivery.start(ws, session_id, segment, at=at)
    elif verb == "next":
        run = delivery.advance(ws, session_id, at=at)
    elif verb == "skip":
        if segment is None:  # the next one still to run: name it, so the message can
            following = delivery.session_run(ws, session_id).delivery.next_up
            segment = following.segment.id if following is not None else None
        run = delivery.skip(ws, session_id, segment, at=at)
    elif verb == "extend":
        run = delivery.extend(ws, session_id, args.minutes, at=at)
    elif verb == "note":
        run = delivery.note(ws, session_id, segment, " ".join(rest[1:]), at=at)
    elif verb == "tally":
        item = _vote_item(ws, session_id, segment, args.item)
        run = delivery.tally(ws, session_id, segment, item, [_count(c) for c in rest[1:]], at=at)
    elif verb == "reveal":
        run = delivery.reveal(ws, session_id, segment, _vote_item(ws, session_id, segment, args.item), at=at)
    else:  # pause, resume, end
        run = {"pause": delivery.pause, "resume": delivery.resume, "end": delivery.end}[verb](ws, session_id, at=at)
    message = _step_message(run, verb, segment, args)
    if args.json:
        _print_json({"message": message, **_delivery_dict(run)})
    else:
        print(message)
    return 0


def _step_time(ws: Workspace, session_id: str, text: str | None) -> Any:
    """The --at time as an aware datetime (HH:MM is on the session's date, on this computer's clock), or None."""
    if not text:
        return None
    from facilitator.services.attendance import parse_at
    from facilitator.services.sessions import get_session

    when = parse_at(text, date.fromisoformat(get_session(ws, session_id).date))
    return when if when.tzinfo else when.astimezone()


def _count(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UserError(f"'{text}' is not a count; give one whole number of hands per option, in the order "
                        "of the options") from None


def _vote_item(ws: Workspace, session_id: str, segment_id: str, item: int | None) -> int:
    """The 0-based item of a vote or question from --item (counted from 1); a scenario or poll has one vote."""
    from facilitator.services.delivery import session_run

    run = session_run(ws, session_id)
    try:
        segment = run.segment(segment_id)
    except KeyError:
        raise UserError(f"session {run.session_id}'s workshop has no segment '{segment_id}'; see "
                        f"'facilitator delivery {run.session_id}'") from None
    if segment.type == "knowledge-check":
        count = len(segment.questions)
        if item is not None and not 1 <= item <= count:
            raise UserError(f"segment '{segment_id}' has questions 1 to {count}; --item {item} is none of them")
        return (item or 1) - 1
    if segment.type in ("scenario", "poll"):
        if item not in (None, 1):
            raise UserError(f"segment '{segment_id}' has one vote; leave out --item")
        return 0
    raise UserError(f"segment '{segment_id}' is a {segment.type}, which has no vote or question to count")


def _step_message(run: Any, verb: str, segment: str | None, args: argparse.Namespace) -> str:
    d = run.delivery
    current = d.current_run
    now_text = f"running: {current.segment.id}" if current else "no segment is running"
    if verb in ("start", "next") and current is not None:
        told = f"Started {current.segment.id}: {current.segment.title} ({current.segment.minutes} min planned)"
    elif verb == "next":
        told = "Ended the last segment; every segment has been run or skipped"
    elif verb == "pause":
        told = f"Paused the clock; {now_text}"
    elif verb == "resume":
        told = f"Resumed the clock; {now_text}"
    elif verb == "extend":
        told = f"Gave {current.segment.title if current else 'the segment'} {args.minutes} more minute" \
               f"{'s' if args.minutes != 1 else ''}"
    elif verb == "skip":
        told = f"Skipped {segment}: {d.run_of(segment).segment.title}" if segment else "Skipped"
    elif verb == "end":
        told = "Ended the segment; no segment is running"
    elif verb == "note":
        told = f"Noted on {segment}"
    elif verb == "tally":
        told = f"Counted the hands for {segment}" + (f", question {args.item}" if args.item else "")
    else:
        told = f"Revealed the results of {segment}" + (f", question {args.item}" if args.item else "")
    following = d.next_up
    after = f". Next: {following.segment.id}" if following is not None and verb in ("start", "next", "skip", "end") \
        else ""
    return told + after


def _delivery_dict(run: Any) -> dict[str, Any]:
    from facilitator.services.delivery import now
    from facilitator.services.delivery_report import delivery_view

    return delivery_view(run, now())


def _print_delivery(ws: Workspace, session_id: str, as_json: bool) -> int:
    from facilitator.services.delivery import session_run

    run = session_run(ws, session_id)
    view = _delivery_dict(run)
    if as_json:
        _print_json(view)
        return 0
    print(f"Session {run.session_id}: {run.title} ({run.status}), plan {_hhmm(run.planned_start)}-"
          f"{view['planned_end'][11:16]}")
    print(f"{'#':>3}  {'plan':5} {'min':>3}  {'start':5} {'end':5} {'min':>3}  {'state':8} segment")
    for i, seg in enumerate(view["segments"], start=1):
        extra = f"+{seg['extra_minutes']}" if seg["extra_minutes"] else ""
        actual = "" if seg["actual_minutes"] is None else str(seg["actual_minutes"])
        print(f"{i:3}  {_clock_text(seg['planned_start']):5} {seg['planned_minutes']:3}  "
              f"{_clock_text(seg['actual_start']):5} {_clock_text(seg['actual_end']):5} {actual:>3}  "
              f"{seg['state']:8} {seg['id']}: {seg['title']}" + (f" ({extra} min)" if extra else ""))
        for tally in seg["tallies"]:
            which = f"question {tally['item']}: " if seg["kind"] == "knowledge-check" else "vote: "
            shown = "revealed" if tally["revealed"] else "not revealed"
            counts = ", ".join(f"{o} {c}" for o, c in zip(tally["options"], tally["counts"], strict=False))
            print(f"       {which}{tally['question']} {counts} ({shown})")
        if seg["role_play"]:
            rp = seg["role_play"]
            print(f"       role-play: {rp['groups']} group{'s' if rp['groups'] != 1 else ''}, {rp['rounds']} "
                  f"round{'s' if rp['rounds'] != 1 else ''}")
        for note in seg["notes"]:
            print(f"       note: {note}")
    print(_delivery_status(view))
    return 0


def _clock_text(iso: str | None) -> str:
    return "-" if iso is None else iso[11:16]


def _delivery_status(view: dict[str, Any]) -> str:
    segments = view["segments"]
    ran = sum(1 for s in segments if s["actual_start"] is not None)
    skipped = sum(1 for s in segments if s["state"] == "skipped")
    line = f"{ran} of {len(segments)} segments run" + (f", {skipped} skipped" if skipped else "")
    if view["current"] is not None:
        line += f"; {view['current']} is {'paused' if view['paused'] else 'running'}"
    if view["next"] is not None:
        line += f"; next: {view['next']}"
    elif view["finished"]:
        line += "; finished"
    drift = view["drift_minutes"]
    if drift is not None:
        line += "; on plan" if drift == 0 else f"; {abs(drift)} min {'behind' if drift > 0 else 'ahead of'} plan"
    return line


def cmd_feedback(args: argparse.Namespace) -> int:
    words = list(args.words)
    verb = words.pop(0) if words[0] in FEEDBACK_VERBS else "show"
    if len(words) != 1:
        raise UsageError(f"usage: facilitator feedback {'' if verb == 'show' else verb + ' '}SESSION")
    from facilitator.services import delivery

    ws = _workspace(args)
    run = delivery.session_run(ws, words[0])
    segment = args.segment
    if verb == "show":
        summary = delivery.feedback_summary(ws, run.session_id, segment)
    else:
        segment = segment or _feedback_segment(run)
        if verb == "add":
            summary = delivery.add_feedback(ws, run.session_id, segment, rating=args.rating, comment=args.comment)
        else:
            summary = delivery.remove_last_feedback(ws, run.session_id, segment)
    view = _feedback_dict(run.session_id, segment, summary)
    if args.json:
        _print_json(view)
        return 0
    if verb == "add":
        print("Recorded one anonymous response.")
    elif verb == "undo":
        print("Removed the last response typed in.")
    _print_feedback(view)
    return 0


def _feedback_segment(run: Any) -> str:
    """The workshop's only feedback segment; with none or several, a clear error."""
    ids = [s.id for s in run.workshop.segments if s.type == "feedback"]
    if not ids:
        raise UserError(f"session {run.session_id}'s workshop has no feedback segment")
    if len(ids) > 1:
        raise UserError(f"session {run.session_id}'s workshop has {len(ids)} feedback segments ({', '.join(ids)}); "
                        "say which with --segment")
    return ids[0]


def _feedback_dict(session_id: str, segment: str | None, summary: Any) -> dict[str, Any]:
    from facilitator.services.delivery import SMALL_GROUP

    # Per-rating counts only from SMALL_GROUP ratings up: the service counts comment-only responses too.
    distribution = list(summary.distribution) if summary.distribution and summary.rated >= SMALL_GROUP else None
    return {"session": session_id, "segment": segment, "responses": summary.responses,
            "rated": summary.rated, "average": None if summary.average is None else round(summary.average, 2),
            "scale": summary.scale, "distribution": distribution, "comments": list(summary.comments)}


def _print_feedback(view: dict[str, Any]) -> None:
    from facilitator.services.delivery import SMALL_GROUP

    if not view["responses"]:
        print("No feedback yet.")
        return
    average = "no ratings" if view["average"] is None else f"average {view['average']:.1f} of {view['scale']}"
    print(f"{view['responses']} response{'s' if view['responses'] != 1 else ''}, {view['rated']} rated: {average}")
    if view["distribution"] is not None:
        print("  " + "   ".join(f"{n}: {c}" for n, c in enumerate(view["distribution"], start=1)))
    elif view["rated"]:
        print(f"  (how many gave each rating is shown from {SMALL_GROUP} ratings up, so no one's can be picked out)")
    if view["comments"]:
        print(f"Comments ({len(view['comments'])}):")
        for comment in view["comments"]:
            print(f"  - {' '.join(comment.split())}")


# --- badges ---------------------------------------------------------------------------------------------

def _add_badges_command(nouns: Any) -> None:
    badges = nouns.add_parser("badges", help="print name badges with QR codes, then a sign-in sheet, as one PDF")
    badges.add_argument("session_id", metavar="SESSION")
    badges.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="where to write the PDF")
    badges.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default %(default)s)")
    badges.add_argument("--json", action="store_true")
    badges.set_defaults(handler=cmd_badges)


def cmd_badges(args: argparse.Namespace) -> int:
    from facilitator.services.badges import make_badges

    result = make_badges(_workspace(args), args.session_id, args.out, args.paper)
    if args.json:
        _print_json(result.as_dict())
    else:
        print(f"Wrote {result.people} badge(s) and the sign-in sheet, {result.pages} page(s), to {result.path}")
    if result.misprinted:
        print("warning: the badge font cannot print these names, so their badges and roster rows are left "
              "blank to write in by hand:", file=sys.stderr)
        for name, code in result.misprinted:
            print(f"  {name}: the badge with code {code}", file=sys.stderr)
    return 0


# --- roster ---------------------------------------------------------------------------------------------

ROSTER_FIELDS = ("employee_id", "first_name", "last_name", "full_name", "email", "department", "supervisor",
                 "language", "is_supervisor")  # as facilitator.content.roster_file.FIELDS; a test keeps them equal


def _add_roster_commands(nouns: Any) -> None:
    roster = nouns.add_parser("roster", help="import, list and add to a session's roster").add_subparsers(
        dest="verb", metavar="VERB", required=True)
    load = roster.add_parser(
        "import", help="add the people in a CSV or XLSX roster file to a session",
        description="Reads CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) and XLSX files. If any row "
                    "has a problem nothing is imported and every problem is listed with its row, unless "
                    "--skip-invalid is given.")
    load.add_argument("session_id", metavar="SESSION")
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--skip-invalid", action="store_true",
                      help="import the rows without problems and list the skipped ones")
    load.add_argument("--map", action="append", default=[], type=_map_choice, metavar="FIELD=COLUMN",
                      help="take FIELD from COLUMN (its header, or its number counting from 1); 'FIELD=' leaves "
                           f"the field out. Repeat as needed. Fields: {', '.join(ROSTER_FIELDS)}")
    load.add_argument("--json", action="store_true")
    load.set_defaults(handler=cmd_roster_import)
    listing = roster.add_parser("list", help="list a session's roster with badge codes")
    listing.add_argument("session_id", metavar="SESSION")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_roster_list)
    walk_in = roster.add_parser("add", help="add a walk-in to a session's roster; prints their badge code")
    walk_in.add_argument("session_id", metavar="SESSION")
    walk_in.add_argument("--first", required=True, metavar="NAME", help="first name")
    walk_in.add_argument("--last", required=True, metavar="NAME", help="last name ('' if they use one name)")
    walk_in.add_argument("--employee-id", metavar="ID")
    walk_in.add_argument("--email")
    walk_in.add_argument("--department")
    walk_in.add_argument("--json", action="store_true")
    walk_in.set_defaults(handler=cmd_roster_add)


def _map_choice(text: str) -> tuple[str, str | None]:
    field, equals, column = text.partition("=")
    if not equals or not field.strip():
        raise argparse.ArgumentTypeError(f"'{text}' should be FIELD=COLUMN, for example employee_id='Badge No'")
    return field.strip(), column.strip() or None


def cmd_roster_import(args: argparse.Namespace) -> int:
    from facilitator.services.roster import import_roster

    result = import_roster(_workspace(args), args.session_id, args.file, mapping=dict(args.map) or None,
                           skip_invalid=args.skip_invalid)
    if args.json:
        _print_json(result.as_dict())
        return 0 if result.imported else 1
    _print_roster_reading(result)
    sys.stdout.flush()  # the problems go to stderr; keep them after the summary on a terminal
    for problem in result.problems:
        where = f"{result.file}:{problem.row}:" if problem.row is not None else f"{result.file}:"
        print(f"{where}{f' {problem.column}:' if problem.column else ''} {problem.message}", file=sys.stderr)
    if result.imported:
        skipped = f"; skipped {len(result.skipped_rows)} row(s) with problems" if result.skipped_rows else ""
        print(f"Imported {result.imported} people to session {result.session_id}{skipped}.")
        return 0
    print(f"facilitator: nothing imported: {_why_nothing(result)}", file=sys.stderr)
    return 1


def _print_roster_reading(result: Any) -> None:
    if result.kind == "xlsx":
        how = f"Excel workbook, sheet '{result.sheet}'"
    else:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
        how = f"CSV, {result.encoding}, {names.get(result.delimiter, repr(result.delimiter))}-separated"
    print(f"Read {result.file} ({how}): {result.rows_read} row(s) below the header.")
    if result.columns:
        width = max(len(f) for f in result.columns)
        print("Columns:")
        for field, header in result.columns.items():
            print(f"  {field:{width}}  <- {header}")
    if result.unused_columns:
        print(f"Not used: {', '.join(result.unused_columns)}")


def _why_nothing(result: Any) -> str:
    good = result.rows_read - len(result.skipped_rows)
    if not {"first_name", "last_name", "full_name"} & set(result.columns):
        return "say which column holds the names, for example --map full_name='Employee', or fix the header row"
    if any(p.row is None for p in result.problems):
        return f"fix {result.file} as described above and import it again"
    if result.rows_read and result.already_on_roster == result.rows_read:
        return f"everyone in {result.file} is already on the roster of session {result.session_id}"
    if good <= 0:
        known = f" ({result.already_on_roster} already on the roster)" if result.already_on_roster else ""
        return f"every row has a problem{known}; fix the rows listed above in {result.file} and import it again"
    return (f"{len(result.skipped_rows)} row(s) have problems; fix them in {result.file} and import it again, "
            f"or use --skip-invalid to import the other {good} row(s)")


def cmd_roster_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from facilitator.services.roster import group_code, list_roster

    people = list_roster(_workspace(args), args.session_id)
    if args.json:
        _print_json([asdict(p) for p in people])
        return 0
    if not people:
        print(f"No one on the roster yet. Import one with 'facilitator roster import {args.session_id} FILE'.")
        return 0
    print(f"{'name':30} {'employee id':12} {'department':20} {'walk-in':7}  badge code")
    for p in people:
        print(f"{p.full_name[:30]:30} {(p.employee_id or '')[:12]:12} {(p.department or '')[:20]:20} "
              f"{'walk-in' if p.walk_in else '':7}  {group_code(p.badge_code)}")
    walk_ins = sum(p.walk_in for p in people)
    print(f"{len(people)} on the roster" + (f", {walk_ins} of them walk-ins" if walk_ins else ""))
    return 0


def cmd_roster_add(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from facilitator.services.roster import add_walk_in, group_code

    person = add_walk_in(_workspace(args), args.session_id, args.first, args.last, employee_id=args.employee_id,
                         email=args.email, department=args.department)
    if args.json:
        _print_json(asdict(person))
        return 0
    print(f"Added {person.full_name} as a walk-in. Badge code: {group_code(person.badge_code)}")
    return 0


# --- keys: the signing identity -------------------------------------------------------------------------

def _add_keys_commands(nouns: Any) -> None:
    keys = nouns.add_parser("keys", help="the signing identity: show, create, export the certificate, CSR")
    keys = keys.add_subparsers(dest="verb", metavar="VERB", required=True)
    secret = {"metavar": "VAR", "help": "read the key's passphrase from this environment variable (it is never "
                                        "taken on the command line; without this you are asked on a terminal)"}
    show = keys.add_parser("show", help="show the signing identity, creating it on first use")
    show.add_argument("--name", help="the trainer's name if it is created now (default: your user name)")
    show.add_argument("--passphrase-env", **secret)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_keys_show)
    create = keys.add_parser("create", help="create the signing key and a self-signed certificate")
    create.add_argument("--name", required=True, help="the trainer's name, as certificates will show it")
    create.add_argument("--organisation", metavar="ORG")
    create.add_argument("--passphrase-env", **secret)
    create.add_argument("--replace", action="store_true",
                        help="replace an existing identity (its files are moved to a dated subfolder, not deleted)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_keys_create)
    export = keys.add_parser("export-cert", help="write the certificate (PEM) for HR or a PDF reader to trust")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.pem")
    export.set_defaults(handler=cmd_keys_export_cert)
    csr = keys.add_parser("csr", help="write a certificate signing request for your organisation's CA")
    csr.add_argument("--out", required=True, type=Path, metavar="FILE.csr")
    csr.add_argument("--passphrase-env", **secret)
    csr.set_defaults(handler=cmd_keys_csr)
    install = keys.add_parser("install-cert", help="install the certificate (and CA chain) your CA issued")
    install.add_argument("file", type=Path, metavar="FILE")
    install.add_argument("--passphrase-env", **secret)
    install.add_argument("--json", action="store_true")
    install.set_defaults(handler=cmd_keys_install_cert)


def _passphrase(args: argparse.Namespace, *, prompt: str | None, confirm: bool = False) -> str | None:
    """The passphrase from --passphrase-env, else asked on a terminal when `prompt` is given, else None."""
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise UserError(f"the environment variable {args.passphrase_env} (named by --passphrase-env) is "
                            "not set or empty")
        return value
    if prompt is None or not sys.stdin.isatty():
        return None
    import getpass

    value = getpass.getpass(prompt)
    if confirm and value and getpass.getpass("Again, to confirm: ") != value:
        raise UserError("the two passphrases differ; nothing was created")
    return value or None


def _key_passphrase(args: argparse.Namespace, ws: Workspace) -> str | None:
    from facilitator.services.identity import needs_passphrase

    if not needs_passphrase(ws):
        return None
    value = _passphrase(args, prompt="Passphrase for the signing key: ")
    if value is None:
        raise UserError("the signing key is protected by a passphrase: put it in an environment variable and "
                        "name that with --passphrase-env, or run this in a terminal to be asked")
    return value


def _print_identity(info: Any) -> None:
    issuer = "self-signed" if info.self_signed else info.issuer
    rows = [("Subject", info.subject), ("Issued by", issuer), ("Fingerprint", f"SHA-256 {info.fingerprint}"),
            ("Short form", info.short_fingerprint),
            ("Valid", f"{info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d}"),
            ("Passphrase", "yes" if info.passphrase_protected else "no (the key file is readable by you only)"),
            ("Key file", str(info.key_path)), ("Certificate", str(info.cert_path))]
    if info.chain_length:
        rows.insert(2, ("CA chain", f"{info.chain_length} certificate(s) stored after yours"))
    for label, value in rows:
        print(f"{label + ':':13} {value}")


def cmd_keys_show(args: argparse.Namespace) -> int:
    from facilitator.services.identity import default_trainer_name, get_identity, has_identity, identity_info

    ws = _workspace(args)
    created = not has_identity(ws)
    if created:
        get_identity(ws, _passphrase(args, prompt=None), create_as=args.name or default_trainer_name())
    info = identity_info(ws)
    if args.json:
        _print_json({**info.as_dict(), "created": created})
        return 0
    if created:
        print(f"Created a new signing identity for {info.name}.")
    _print_identity(info)
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    from facilitator.services.identity import create_identity, has_identity

    ws = _workspace(args)
    refused = has_identity(ws) and not args.replace  # create_identity says why; do not ask for a passphrase first
    passphrase = None if refused else _passphrase(args, prompt="Passphrase for the new key (Enter for none): ",
                                                  confirm=True)
    info = create_identity(ws, args.name, args.organisation, passphrase, replace=args.replace)
    if args.json:
        _print_json(info.as_dict())
        return 0
    if info.replaced_to:
        print(f"The previous key and certificate were moved to {info.replaced_to}.")
    print(f"Created a new signing identity for {info.name}.")
    _print_identity(info)
    return 0


def cmd_keys_export_cert(args: argparse.Namespace) -> int:
    from facilitator.services.identity import export_certificate

    print(f"Wrote the certificate to {export_certificate(_workspace(args), args.out)}")
    return 0


def cmd_keys_csr(args: argparse.Namespace) -> int:
    from facilitator.services.identity import write_csr

    ws = _workspace(args)
    out = write_csr(ws, args.out, _key_passphrase(args, ws))
    print(f"Wrote a certificate signing request to {out}; send it to your organisation's CA, then install "
          "what it returns with 'facilitator keys install-cert FILE'")
    return 0


def cmd_keys_install_cert(args: argparse.Namespace) -> int:
    from facilitator.services.identity import install_certificate

    ws = _workspace(args)
    info = install_certificate(ws, args.file, _key_passphrase(args, ws))
    if args.json:
        _print_json(info.as_dict())
        return 0
    print(f"Installed the certificate from {args.file}.")
    _print_identity(info)
    return 0
