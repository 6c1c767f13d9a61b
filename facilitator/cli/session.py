"""`facilitator session`: schedule sessions, list and show them, close and seal one, amend a sealed one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from facilitator.cli.common import (
    Parser,
    add_json,
    add_passphrase_env,
    add_session,
    add_verb,
    add_verbs,
    emit,
    key_passphrase,
    workspace,
)
from facilitator.domain.attendance import status_label
from facilitator.domain.sessions import DEFAULT_GRACE_MINUTES, MAX_GRACE_MINUTES
from facilitator.domain.sessions import status_label as session_status
from facilitator.i18n import _, ngettext


def register(parser: Parser, noun: str) -> None:
    add_verbs(parser)
    create = add_verb(parser, "create", create_session, _("schedule a session; prints its id"))
    create.add_argument("--workshop", required=True, metavar=_("ID"), help=_("a workshop id from 'content list'"))
    create.add_argument("--date", required=True, metavar=_("YYYY-MM-DD"))
    create.add_argument("--start", required=True, metavar=_("HH:MM"))
    create.add_argument("--location", required=True, metavar=_("TEXT"))
    create.add_argument("--trainer", required=True, metavar=_("NAME"))
    create.add_argument("--jurisdiction", required=True, action="append", metavar=_("CODE"),
                        help=_("repeat for each jurisdiction whose law the session must meet ('none' for none)"))
    create.add_argument("--grace-minutes", type=int, metavar=_("MINUTES"),
                        help=_("minutes after the start before someone counts as late, 0 to {most} (default: the "
                               "'grace_minutes' setting, {default} unless changed)").format(
                            most=MAX_GRACE_MINUTES, default=DEFAULT_GRACE_MINUTES))
    add_json(create)
    add_json(add_verb(parser, "list", list_sessions, _("list sessions")))
    show = add_verb(parser, "show", show_session, _("show one session"))
    add_session(show, _("ID"))
    add_json(show)

    close = add_verb(parser, "close", close_session,
                     _("end open visits, decide who earned a certificate, and seal the record"))
    add_session(close, _("ID"))
    close.add_argument("--override", action="append", default=[], metavar=_("PERSON=yes|no: REASON"),
                       help=_("the trainer's decision for one person (employee id, badge code or roster number), "
                              "with the reason; repeat for each"))
    close.add_argument("--handed-out", action="append", default=[], metavar=_("ITEM"),
                       help=_("confirm a hand-out the session's laws ask for was given (New York State's policy, "
                              "complaint form and notice); repeat for each, or 'all'"))
    close.add_argument("--dry-run", action="store_true", help=_("show what closing would record; change nothing"))
    add_passphrase_env(close)
    add_json(close)

    amend = add_verb(parser, "amend", amend_session,
                     _("a signed correction to a sealed session: one person's certificate"))
    add_session(amend, _("ID"))
    amend.add_argument("--person", required=True, metavar=_("PERSON"),
                       help=_("employee id, badge code or roster number"))
    amend.add_argument("--eligible", required=True, choices=["yes", "no"])
    amend.add_argument("--reason", required=True, metavar=_("REASON"))
    add_passphrase_env(amend)


def create_session(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import create_session
    from facilitator.services.settings import load_settings

    ws = workspace(args)
    grace = args.grace_minutes if args.grace_minutes is not None else load_settings(ws).grace_minutes
    detail = create_session(
        ws, workshop_id=args.workshop, on=args.date, start=args.start, location=args.location,
        trainer=args.trainer, jurisdictions=args.jurisdiction, grace_minutes=grace)

    def in_words() -> None:
        print(detail.id)
        for check in detail.coverage:
            if not check.satisfied:
                print(_("warning: the workshop does not meet {name}: {shortfalls}").format(
                    name=check.name, shortfalls="; ".join(check.shortfalls)), file=sys.stderr)

    emit(args, [detail], in_words)
    return 0


def list_sessions(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import list_sessions

    sessions = list_sessions(workspace(args))

    def in_words() -> None:
        if not sessions:
            print(_("No sessions yet. Create one with 'facilitator session create'."))
        for s in sessions:
            people = ngettext("{n} person", "{n} people", s.roster_count).format(n=f"{s.roster_count:4}")
            print(f"{s.id}  {s.date} {s.start}  {session_status(s.status):8} {people}  {s.workshop_title} - "
                  f"{s.location} ({', '.join(s.jurisdictions)})")

    emit(args, sessions, in_words)
    return 0


def show_session(args: argparse.Namespace) -> int:
    from facilitator.services.sessions import get_session

    detail = get_session(workspace(args), args.session_id)

    def in_words() -> None:
        print(_("Session {id} ({status})").format(id=detail.id, status=session_status(detail.status)))
        rows = [
            (_("Workshop:"), _("{title} (version {version}, {language})").format(
                title=detail.workshop_title, version=detail.workshop_version, language=detail.language)),
            (_("When:"), _("{date} at {start}; late after {grace} min").format(
                date=detail.date, start=detail.start, grace=detail.grace_minutes)),
            (_("Where:"), detail.location),
            (_("Trainer:"), detail.trainer),
            (_("Roster:"), ngettext("{n} person", "{n} people", detail.roster_count).format(n=detail.roster_count)),
            (_("Materials:"), _("sha256 {digest}").format(digest=detail.workshop_sha256))]
        width = max(len(label) for label, _value in rows)
        for label, value in rows:
            print(f"  {label:{width}} {value}")
        print("  " + _("Jurisdictions:"))
        for check in detail.coverage:
            meets = _("{code}: meets {name}") if check.satisfied else _("{code}: does not meet {name}")
            line = meets.format(code=check.code, name=check.name)
            print("    " + (_("{line} - {citation}").format(line=line, citation=check.citation)
                            if check.citation else line))
            for s in check.shortfalls:
                print("      " + _("missing: {shortfall}").format(shortfall=s))
            if check.note:
                print("      " + _("note: {note}").format(note=check.note))

    emit(args, [detail], in_words)
    return 0


def close_session(args: argparse.Namespace) -> int:
    from facilitator.services import closing
    from facilitator.services.identity import has_identity, signer
    from facilitator.services.sessions import get_session

    ws = workspace(args)
    overrides = closing.parse_overrides(ws, args.session_id, args.override)
    if args.dry_run:
        plan = closing.plan_close(ws, args.session_id, overrides=overrides, handouts=args.handed_out)
        emit(args, plan, lambda: print_plan(plan))
        return 0
    trainer = get_session(ws, args.session_id).trainer
    passphrase = key_passphrase(args, ws) if has_identity(ws) else None
    result = closing.close_session(ws, args.session_id, signer(ws, passphrase, create_as=trainer),
                                   overrides=overrides, handouts=args.handed_out)

    def in_words() -> None:
        print_plan(result.plan)
        print(ngettext("Sealed session {session}: {n} attendance event, chain head {head}…, signed by certificate "
                       "{fingerprint}…",
                       "Sealed session {session}: {n} attendance events, chain head {head}…, signed by certificate "
                       "{fingerprint}…", result.events).format(
            session=result.plan.session_id, n=result.events, head=result.chain_head[:16],
            fingerprint=result.fingerprint[:16]))

    emit(args, result, in_words)
    return 0


def amend_session(args: argparse.Namespace) -> int:
    from facilitator.services.closing import amend
    from facilitator.services.identity import signer

    ws = workspace(args)
    print(amend(ws, args.session_id, signer(ws, key_passphrase(args, ws)), person=args.person,
                eligible=args.eligible == "yes", reason=args.reason))
    return 0


def print_plan(plan: Any) -> None:
    from facilitator.domain.compliance import STANDING_WORDS

    """Who would earn a certificate (or did), and why; then how many, and the jurisdictions met."""
    print(f"{_('name'):30} {_('minutes'):>7}  {_('status'):16} {_('certificate')}")
    for a in plan.attendees:
        verdict = _("yes") if a.eligible else _("no")
        print(f"{a.name[:30]:30} {a.minutes:7}  {status_label(a.status):16} {verdict}: {a.reason}")
    total = len(plan.attendees)
    print(ngettext("{eligible} of {total} earns a certificate; credited: {credited}",
                   "{eligible} of {total} earn a certificate; credited: {credited}", total)
          .format(eligible=plan.eligible, total=total, credited=plan.credited()))
    for coverage in plan.coverage:
        if not coverage.satisfied:
            print(_("  {jurisdiction}: {standing}: {why}").format(
                jurisdiction=coverage.name, standing=_(STANDING_WORDS[coverage.standing]),
                why=coverage.shortfalls[0].message))
    for warning in plan.warnings:
        print(_("Note: {warning}").format(warning=warning))
    if not plan.delivery_recorded:
        print(_("The delivery was not recorded, so no jurisdiction is credited. Record it first: run the session "
                "from the presenter console, or afterwards with 'facilitator run start SESSION SEGMENT --at "
                "HH:MM' for each segment."))
