"""The PDFs of a session: `facilitator badges` (with the sign-in sheet) before it, `handout` at any time, and
after it `certificates`, `signin-sheet` and `report`, signed once the session is sealed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitator.cli.common import (
    Parser,
    add_force,
    add_json,
    add_passphrase_env,
    add_session,
    emit,
    handled_by,
    key_passphrase,
    replacing,
    workspace,
)
from facilitator.i18n import N_, _, ngettext

# What each signed document's --out names, by noun.
TARGETS = {"certificates": N_("DIR"), "signin-sheet": N_("FILE.pdf"), "report": N_("FILE.pdf")}


def register(parser: Parser, noun: str) -> None:
    add_session(parser)
    if noun == "badges":
        parser.add_argument("--out", required=True, type=Path, metavar=_("FILE.pdf"), help=_("where to write the PDF"))
        add_force(parser)
        parser.add_argument("--paper", choices=("a4", "letter"), help=_("default: the 'paper' setting (letter)"))
        add_json(parser)
        handled_by(parser, make_badges)
        return
    if noun == "handout":
        parser.add_argument("--out", required=True, type=Path, metavar=_("FILE.pdf"), help=_("where to write the PDF"))
        add_force(parser)
        parser.add_argument("--paper", choices=["letter", "a4"], help=_("default: the 'paper' setting (letter)"))
        add_json(parser)
        handled_by(parser, make_handout)
        return
    parser.add_argument("--out", required=True, type=Path, metavar=_(TARGETS[noun]))
    add_force(parser)
    parser.add_argument("--paper", choices=["letter", "a4"], help=_("default: the 'paper' setting (letter)"))
    add_passphrase_env(parser, _("the environment variable holding the passphrase"))
    add_json(parser)
    handled_by(parser, make_document)
    parser.set_defaults(document=noun)


def make_badges(args: argparse.Namespace) -> int:
    from facilitator.services.badges import make_badges

    ws = workspace(args)
    result = replacing(args, lambda force: make_badges(ws, args.session_id, args.out, args.paper, force=force))

    def in_words() -> None:
        pages = ngettext("{n} page", "{n} pages", result.pages).format(n=result.pages)
        print(ngettext("Wrote {n} badge and the sign-in sheet, {pages}, to {path}",
                       "Wrote {n} badges and the sign-in sheet, {pages}, to {path}", result.people)
              .format(n=result.people, pages=pages, path=result.path))

    emit(args, result, in_words)
    if result.misprinted:
        print(_("warning: the badge font cannot print these names, so their badges and roster rows are left blank "
                "to write in by hand:"), file=sys.stderr)
        for name, code in result.misprinted:
            print("  " + _("{name}: the badge with code {code}").format(name=name, code=code), file=sys.stderr)
    return 0


def make_handout(args: argparse.Namespace) -> int:
    from facilitator.services.handout import make_handout

    ws = workspace(args)
    result = replacing(args, lambda force: make_handout(ws, args.session_id, args.out, paper=args.paper, force=force))
    emit(args, result, lambda: print(result.message))
    return 0


def make_document(args: argparse.Namespace) -> int:
    from facilitator.services import certificates, reports
    from facilitator.services.identity import has_identity

    ws = workspace(args)
    passphrase = key_passphrase(args, ws) if has_identity(ws) else None
    make = {"certificates": certificates.make_certificates, "signin-sheet": reports.make_signin_sheet,
            "report": reports.make_report}[args.document]
    result = replacing(args, lambda force: make(ws, args.session_id, args.out, paper=args.paper,
                                                 passphrase=passphrase, force=force))
    emit(args, result, lambda: print(result.message))
    if result.not_made:  # the others were made; these could not be, and the command says so by failing
        print("facilitator: " + ngettext("{n} certificate could not be made:", "{n} certificates could not be made:",
                                         len(result.not_made)).format(n=len(result.not_made)), file=sys.stderr)
        for problem in result.not_made:
            print("  " + problem, file=sys.stderr)
        return 1
    return 0
