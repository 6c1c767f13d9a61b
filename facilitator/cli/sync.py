"""`facilitator sync`: send sealed sessions' xAPI statements to the learning record store set in the settings
(`lrs_url`, `lrs_user`; the password from FACILITATOR_LRS_PASSWORD or the system keyring), through the outbox that
remembers what was sent and retries what could not be."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from facilitator.cli.common import (
    Parser,
    add_json,
    add_passphrase_env,
    emit,
    handled_by,
    key_passphrase,
    terminal_progress,
    workspace,
)
from facilitator.i18n import _

if TYPE_CHECKING:  # the services load only when the command runs
    from facilitator.services.sync import SyncResult
    from facilitator.services.sync_hr import HrSync
    from facilitator.services.workspace import Workspace


def register(parser: Parser, noun: str) -> None:
    parser.description = _("With a learning record store set (lrs_url), queues the statements of every sealed "
                           "session not sent yet (an amended session adds its new ones), then sends what is due: what "
                           "cannot be sent now waits, and is tried again later, each time after a longer wait; "
                           "sending a statement twice is harmless. With HR's database set (hr_database), imports "
                           "there the sealed sessions it lacks. The "
                           "password comes from FACILITATOR_LRS_PASSWORD or the system keyring, never from the "
                           "command line.")
    parser.add_argument("--retry-now", action="store_true",
                        help=_("try every waiting statement now, without waiting for its next try"))
    parser.add_argument("--set-password", action="store_true",
                        help=_("ask for the learning record store's password on the terminal (not shown) and keep "
                               "it in the system keyring; nothing is sent"))
    add_passphrase_env(parser, _("the environment variable holding the signing key's passphrase (for HR's database)"))
    add_json(parser)
    handled_by(parser, sync)


def sync(args: argparse.Namespace) -> int:
    if args.set_password:
        return set_password(args)
    from facilitator.services.errors import Remedy, UserError
    from facilitator.services.settings import load_settings

    ws = workspace(args)
    settings = load_settings(ws)
    if not settings.lrs_url and not settings.hr_database:
        raise UserError(_("nowhere to send to: no learning record store and no HR database is set"), Remedy(
            command=_("set lrs_url and lrs_user, or hr_database, with 'facilitator settings set'"),
            menu=_("set them in File → Settings…")))
    results: dict[str, Any] = {}
    if settings.lrs_url:
        results["lrs"] = _to_lrs(args, ws)
    if settings.hr_database:
        results["hr"] = _to_hr(args, ws)
    # One JSON document: the store's result alone when only one is set, as before HR's database could be.
    emit(args, results if len(results) > 1 else next(iter(results.values())),
         lambda: [print(r.message) for r in results.values()])
    failures = [r.failure for r in results.values() if r.failure is not None]
    for failure in failures:
        print(f"facilitator: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _to_lrs(args: argparse.Namespace, ws: Workspace) -> SyncResult:
    from facilitator.services import sync as service
    from facilitator.services.lrs_secret import in_the_clear

    show = terminal_progress(args, _("Sending"))
    result = service.sync(ws, retry_now=args.retry_now, progress=show)
    if show:
        print(file=sys.stderr)
    if in_the_clear(result.url):
        print("facilitator: " + _("warning: {url} is not https, so the password crossed the network "
                                  "unencrypted").format(url=result.url), file=sys.stderr)
    if result.queued.left_out:
        print("facilitator: " + _("warning: not sent (no e-mail address, and no employee id with the "
                                  "'employer_web_address' setting): {names}").format(
            names=", ".join(result.queued.left_out)), file=sys.stderr)
    return result


def _to_hr(args: argparse.Namespace, ws: Workspace) -> HrSync:
    """The sealed sessions HR's database lacks, exported and imported there."""
    from facilitator.services.sync_hr import sync_to_hr

    return sync_to_hr(ws, passphrase=key_passphrase(args, ws))


def set_password(args: argparse.Namespace) -> int:
    """Ask for the password twice without echo, and keep it in the system keyring."""
    import getpass

    from facilitator.services.errors import UserError
    from facilitator.services.lrs_secret import PASSWORD_ENV, keep_password
    from facilitator.services.settings import load_settings

    settings = load_settings(workspace(args))
    if not sys.stdin.isatty():
        raise UserError(_("--set-password asks for the password on a terminal; without one, set {env} "
                          "instead").format(env=PASSWORD_ENV))
    secret = getpass.getpass(_("Password for {user} at {url}: ").format(user=settings.lrs_user,
                                                                          url=settings.lrs_url))
    if not secret:
        raise UserError(_("no password was typed; nothing was changed"))
    if getpass.getpass(_("Again, to confirm: ")) != secret:
        raise UserError(_("the two passwords differ; nothing was changed"))
    keep_password(settings, secret)
    print(_("Kept the password for {user} at {url} in the system keyring").format(user=settings.lrs_user,
                                                                                  url=settings.lrs_url))
    return 0

