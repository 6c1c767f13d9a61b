"""`facilitator export`: sealed sessions into one signed bundle for HR (a zip that `sha256sum` and `openssl`
check, with a spreadsheet, the records, xAPI statements and Open Badges credentials)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.cli.common import (
    Parser,
    add_force,
    add_json,
    add_passphrase_env,
    emit,
    handled_by,
    key_passphrase,
    replacing,
    terminal_progress,
    workspace,
)
from facilitator.i18n import _

if TYPE_CHECKING:  # the services load only when the command runs
    from facilitator.services.export import ExportResult


def register(parser: Parser, noun: str) -> None:
    parser.description = _("Only sealed sessions are exported, with their amendments. Re-exporting a session gives "
                           "the same record ids, so HR importing it twice changes nothing.")
    parser.add_argument("session_ids", nargs="*", metavar=_("SESSION"), help=_("the sessions to export"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--all-sealed", action="store_true", help=_("every sealed session"))
    which.add_argument("--since-last", action="store_true",
                       help=_("the sealed sessions not exported before, or amended since"))
    parser.add_argument("--out", required=True, type=Path, metavar=_("FILE.zip"), help=_("where to write the bundle"))
    parser.add_argument("--columns", type=Path, metavar=_("MAP.yaml"),
                        help=_("rename and choose attendance.csv's columns for an HR system (see assets/hr-columns)"))
    add_force(parser)
    add_passphrase_env(parser, _("the environment variable holding the passphrase"))
    add_json(parser)
    handled_by(parser, export)


def export(args: argparse.Namespace) -> int:
    from facilitator.services import export as service
    from facilitator.services.errors import UserError

    ws = workspace(args)
    if args.session_ids and (args.all_sealed or args.since_last):
        raise UserError(_("name sessions, or use --all-sealed or --since-last, not both"))
    sessions = (service.sealed_sessions(ws) if args.all_sealed else service.new_since_last(ws) if args.since_last
                else args.session_ids)
    if not sessions:
        if args.since_last:
            print(_("Nothing new to export: every sealed session was exported already, and none was amended since"))
            return 0
        raise service.nothing_to_export()
    passphrase = key_passphrase(args, ws)
    show = terminal_progress(args, _("Exporting"))
    result = replacing(args, lambda force: service.export_bundle(ws, sessions, args.out, columns=args.columns,
                                                                  passphrase=passphrase, force=force, progress=show))
    if show:
        print(file=sys.stderr)
    emit(args, result, lambda: _say(result))
    return 0


def _say(result: ExportResult) -> None:
    print(result.message)
    left_out = result.left_out_of_xapi
    if left_out:
        print(_("warning: not in the xAPI statements (no e-mail address, and no employee id with the "
                "'employer_web_address' setting): {names}").format(names=", ".join(left_out)), file=sys.stderr)
    print(_("SHA-256 of the bundle: {digest}").format(digest=result.sha256))

