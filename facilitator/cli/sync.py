"""`facilitator sync`: send sealed sessions' xAPI statements to the learning record store set in the settings
(`lrs_url`, `lrs_user`; the password from FACILITATOR_LRS_PASSWORD or the system keyring), through the outbox that
remembers what was sent and retries what could not be."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from facilitator.cli.common import Parser, add_json, emit, handled_by, workspace
from facilitator.i18n import _


def register(parser: Parser, noun: str) -> None:
    parser.description = _("Queues the statements of every sealed session not sent yet (an amended session adds its "
                           "new ones), then sends what is due. What cannot be sent now waits, and is tried again "
                           "later, each time after a longer wait; sending a statement twice is harmless. The "
                           "password comes from FACILITATOR_LRS_PASSWORD or the system keyring, never from the "
                           "command line.")
    parser.add_argument("--retry-now", action="store_true",
                        help=_("try every waiting statement now, without waiting for its next try"))
    parser.add_argument("--set-password", action="store_true",
                        help=_("ask for the learning record store's password on the terminal (not shown) and keep "
                               "it in the system keyring; nothing is sent"))
    add_json(parser)
    handled_by(parser, sync)


def sync(args: argparse.Namespace) -> int:
    if args.set_password:
        return set_password(args)
    from facilitator.services import sync as service
    from facilitator.services.lrs_secret import in_the_clear

    ws = workspace(args)
    show = _progress() if sys.stderr.isatty() and not args.json else None
    # The HR database's import of bundles (issue 16) joins here as a destination of its own, with its own result.
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
    emit(args, result, lambda: print(result.message))
    if result.failure is not None:
        print(f"facilitator: {result.failure}", file=sys.stderr)
        return 1
    return 0


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


def _progress() -> Callable[[int, int], None]:
    """A counter on the terminal's last line (standard error), for a person watching a long sync."""
    def show(done: int, total: int) -> None:
        print(f"\r{_('Sending')} {done}/{total}", end="", file=sys.stderr, flush=True)
    return show
