"""`facilitator settings`: what documents print (the organisation's name and logo, the paper size) and the
language the app and the command line speak."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from facilitator.cli.common import Parser, add_json, add_verb, add_verbs, emit, workspace
from facilitator.i18n import _

if TYPE_CHECKING:
    from facilitator.services.settings import Settings

def register(parser: Parser, noun: str) -> None:
    add_verbs(parser)
    add_json(add_verb(parser, "show", show_settings, _("show the settings")))
    change = add_verb(parser, "set", change_setting,
                      _("change one setting: organisation, logo (a PNG or JPEG), paper (letter or a4) or language "
                        "(a translation's code, or '' for the computer's own)"))
    from facilitator.services.settings import KEYS  # declared once, with the settings; loaded for this noun only

    change.add_argument("key", choices=KEYS)
    change.add_argument("value", metavar=_("VALUE"), help=_("the new value; an empty string clears it"))
    add_json(change)


def show_settings(args: argparse.Namespace) -> int:
    from facilitator.services.settings import load_settings

    return _print(args, load_settings(workspace(args)))


def change_setting(args: argparse.Namespace) -> int:
    from facilitator.services.settings import set_setting

    return _print(args, set_setting(workspace(args), args.key, args.value))


def _print(args: argparse.Namespace, current: Settings) -> int:
    def in_words() -> None:
        for key, value in current.to_json().items():
            print(f"{key:13} {value if value not in (None, '') else _('(not set)')}")

    emit(args, current, in_words)
    return 0
