"""`facilitator attendance`: the attendance record of a session per person (`show`, the default), its hash chain
checked (`verify`), every event (`log`), an event undone by a void with its reason (`void`), and a signed
acknowledgment recorded (`acknowledge`)."""

from __future__ import annotations

import argparse
import sys

from facilitator.cli.common import Parser, add_json, add_session, add_verb, add_verbs, emit, workspace
from facilitator.domain.attendance import status_label
from facilitator.domain.times import clock, day_and_clock
from facilitator.i18n import _, ngettext

DEFAULT_VERB = "show"


def register(parser: Parser, noun: str) -> None:
    parser.description = _(
        "With just SESSION: first in, last out, minutes present and status per person. 'verify' checks the hash "
        "chain (exit 1 naming the first altered event); 'log' lists every event, rejected scans included; 'void' "
        "undoes an event by appending a void with a reason.")
    add_verbs(parser, default=DEFAULT_VERB)
    show = add_verb(parser, "show", show_attendance,
                    _("first in, last out, minutes present and status per person (the default)"),
                    words=_("SESSION [--json]"))
    verify = add_verb(parser, "verify", verify_chain,
                      _("check the hash chain; exit 1 naming the first altered event"), words=_("SESSION [--json]"))
    log = add_verb(parser, "log", list_events, _("every event, rejected scans included"), words=_("SESSION [--json]"))
    void = add_verb(parser, "void", void_event, _("undo an event by appending a void with a reason"),
                    words=_("SESSION --event N --reason TEXT [--json]"))
    acknowledge = add_verb(parser, "acknowledge", acknowledge_person,
                           _("record that a person signed the acknowledgment (New York City asks for one)"),
                           words=_("SESSION PERSON [--source paper|desk] [--json]"))
    for verb in (show, verify, log, void, acknowledge):
        add_session(verb)
    acknowledge.add_argument("person", metavar=_("PERSON"), help=_("employee id, badge code or roster number"))
    acknowledge.add_argument("--source", choices=["paper", "desk"], default="paper",
                             help=_("ticked from the signed sign-in sheet (paper, the default) or confirmed on "
                                    "screen at the desk"))
    void.add_argument("--event", required=True, type=int, metavar=_("N"), help=_("the event number (see 'log')"))
    void.add_argument("--reason", required=True, metavar=_("TEXT"), help=_("why the event is undone"))
    for verb in (show, verify, log, void, acknowledge):
        add_json(verb)


def show_attendance(args: argparse.Namespace) -> int:
    from facilitator.services.attendance import attendance_report, clock_warning

    report = attendance_report(workspace(args), args.session_id)

    def in_words() -> None:
        print(_("Session {session}: {title}, {start}-{end} (late after {grace} min)").format(
            session=report.session_id, title=report.title, start=day_and_clock(report.planned_start),
            end=clock(report.planned_end), grace=report.grace_minutes))
        print(f"{_('name'):30} {_('employee id'):12} {_('first in'):8} {_('last out'):8} {_('minutes'):>7}  "
              f"{_('status')}")
        for row in report.rows:
            status = _("{status} (in the room)").format(status=status_label(row.status)) if row.is_in \
                else status_label(row.status)
            print(f"{row.person.full_name[:30]:30} {(row.person.employee_id or '')[:12]:12} "
                  f"{clock(row.first_in):8} {clock(row.last_out):8} {row.minutes:7}  {status}")
        print(ngettext("{people} on the roster, {in_room} in the room now, {n} event",
                       "{people} on the roster, {in_room} in the room now, {n} events", report.events)
              .format(people=len(report.rows), in_room=report.in_room, n=report.events))
        for jump in report.clock_jumps:
            print(_("warning: {problem}").format(problem=clock_warning(jump)), file=sys.stderr)

    emit(args, report, in_words)
    return 0


def verify_chain(args: argparse.Namespace) -> int:
    from facilitator.services.attendance import verify_attendance

    check = verify_attendance(workspace(args), args.session_id)
    emit(args, check, lambda: print(check.message if check.intact else _("TAMPERED: {problem}").format(
        problem=check.message), file=sys.stdout if check.intact else sys.stderr))
    return 0 if check.intact else 1


def list_events(args: argparse.Namespace) -> int:
    from facilitator.services.attendance import attendance_log_entries

    entries = attendance_log_entries(workspace(args), args.session_id)

    def in_words() -> None:
        for e in entries:
            voided = "  " + _("[undone by event {seq}]").format(seq=e.voided_by) if e.voided_by else ""
            print(f"{e.seq:5}  {clock(e.at, seconds=True)}  {e.kind:10} {(e.person or '-')[:30]:30} "
                  f"{e.source or '':8} {e.detail or ''}{voided}")

    emit(args, entries, in_words)
    return 0


def void_event(args: argparse.Namespace) -> int:
    from facilitator.services.attendance import void

    result = void(workspace(args), args.session_id, args.event, args.reason)
    emit(args, result, lambda: print(result.message))
    return 0


def acknowledge_person(args: argparse.Namespace) -> int:
    from facilitator.domain.attendance import Source
    from facilitator.services.attendance import acknowledge
    from facilitator.services.closing import find_person

    ws = workspace(args)
    message = acknowledge(ws, args.session_id, find_person(ws, args.session_id, args.person).id,
                          source=Source(args.source))
    emit(args, {"message": message}, lambda: print(message))
    return 0
