"""What every noun's module shares: the parser class and its verbs, `--json` declared and printed in one place, the
data folder, and the signing key's passphrase.

Nothing here imports a service at load time: the services (and with them the database and the library's schema)
are imported inside the handlers, so that `facilitator demo` paints its window before they load, and `--help`
answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from facilitator.i18n import _, ngettext

if TYPE_CHECKING:
    from facilitator.services.workspace import Workspace

Handler = Callable[[argparse.Namespace], int]
T = TypeVar("T")


class UsageError(Exception):
    """Wrong usage told on one line (a verb's words missing or extra, say); exits 2 like argparse's own."""

    def for_command_line(self) -> str:
        return str(self)


class Parser(argparse.ArgumentParser):
    """argparse's parser, knowing its verbs. With `one_line`, wrong usage of it is a UsageError of one line (what
    scripts driving the verbs of `attendance`, `run` and `feedback` have always seen) rather than argparse's usage
    block and exit."""

    def __init__(self, *args: Any, one_line: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.one_line = one_line
        self.default_verb: str | None = None  # the verb assumed when the noun is followed by a session
        self.verb_action: argparse._SubParsersAction[Parser] | None = None
        self.verbs: Mapping[str, argparse.ArgumentParser] = {}

    def error(self, message: str) -> NoReturn:
        if self.one_line:
            raise UsageError(_("usage: {usage} ({problem})").format(usage=usage_line(self), problem=message))
        super().error(message)


def usage_line(parser: argparse.ArgumentParser) -> str:
    """How to use `parser`, on one line and without the "usage:" argparse puts before it."""
    text = parser.usage % {"prog": parser.prog} if parser.usage else parser.format_usage().split(maxsplit=1)[1]
    return " ".join(text.split())


def add_verbs(parser: Parser, *, default: str | None = None) -> None:
    """Give a noun verbs (one is required); with `default`, that verb is assumed when a session follows the noun."""
    parser.default_verb = default
    parser.verb_action = parser.add_subparsers(dest="verb", metavar=_("VERB"), required=True)
    parser.verbs = parser.verb_action.choices


def add_verb(noun: Parser, name: str, handler: Handler, summary: str, *, words: str | None = None,
             description: str | None = None) -> Parser:
    """One verb of `noun` and its handler. With `words` (what follows the verb, as its usage shows them), wrong
    usage is told on one line; the noun's default verb shows them without its own name."""
    assert noun.verb_action is not None, "add_verbs first"
    parser: Parser = noun.verb_action.add_parser(name, help=summary, description=description or sentence(summary),
                                                 one_line=words is not None)
    if words is not None:
        parser.usage = f"{noun.prog if name == noun.default_verb else parser.prog} {words}"
    parser.set_defaults(handler=handler, usage_parser=parser)
    return parser


def list_verbs_in_usage(parser: Parser) -> None:
    """The noun's usage: one line per verb, as each verb's own usage says it."""
    lines = list(dict.fromkeys(usage_line(verb) for verb in parser.verbs.values()))
    parser.usage = "\n       ".join(lines)


def handled_by(parser: argparse.ArgumentParser, handler: Handler) -> None:
    """A noun without verbs: its handler, and the parser to tell of wrong usage."""
    parser.set_defaults(handler=handler, usage_parser=parser)


def add_session(parser: argparse.ArgumentParser, metavar: str | None = None) -> None:
    parser.add_argument("session_id", metavar=metavar or _("SESSION"),
                        help=_("the session's id; any unambiguous start of it will do"))


def sentence(text: str) -> str:
    """A one-line help as a sentence, for the description atop a command's --help."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# --- results: --json, or words --------------------------------------------------------------------------------

def add_json(parser: argparse.ArgumentParser) -> None:
    """Declare `--json` on a command whose result `emit` prints."""
    parser.add_argument("--json", action="store_true", help=_("print machine-readable results (JSON)"))


def terminal_progress(args: argparse.Namespace, label: str) -> Callable[[int, int], None] | None:
    """For a person watching a long job at a terminal (not --json, not a pipe): "Exporting 12/40" on standard
    error's last line, rewritten as it goes. None otherwise. The caller ends the line when the job is done."""
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{label} {done}/{total}", end="", file=sys.stderr, flush=True)
    return show


def emit(args: argparse.Namespace, result: object, in_words: Callable[[], object]) -> None:
    """Print a command's result: with `--json`, as JSON made of each result's `to_json()`; else `in_words()`."""
    if getattr(args, "json", False):
        print(json.dumps(plain(result), indent=2, ensure_ascii=False))
    else:
        in_words()


def plain(value: object) -> object:
    """`value` as JSON's types: a result's `to_json()`, and lists and dictionaries of them."""
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return to_json()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def workspace(args: argparse.Namespace, *, demo: bool = False) -> Workspace:
    """The data folder of `--data-dir` (else $FACILITATOR_DATA_DIR, else the user's), opened. What opening it
    found worth telling (its files could not be made private) is printed as a warning."""
    from facilitator.services.workspace import open_workspace

    ws = open_workspace(args.data_dir, demo=demo)
    for notice in ws.store.notices:
        print("facilitator: " + _("warning: {notice}").format(notice=notice), file=sys.stderr)
    return ws


# --- replacing a file that is in the way ------------------------------------------------------------------------

def add_force(parser: argparse.ArgumentParser) -> None:
    """Declare `--force` beside an `--out`."""
    parser.add_argument("--force", action="store_true",
                        help=_("replace a file in the way even if Facilitator did not write it (never the data "
                               "folder's own files); without this you are asked on a terminal"))


def replacing(args: argparse.Namespace, make: Callable[[bool], T]) -> T:
    """`make(force)`, with --force as `force`. When a file Facilitator did not write is in the way and someone is
    at the terminal, they are asked, and on a yes it is made again, replacing it; otherwise the refusal stands."""
    from facilitator.services.files import ForeignFile

    force = bool(getattr(args, "force", False))
    try:
        return make(force)
    except ForeignFile as refused:
        if force or not sys.stdin.isatty() or not _yes(_replace_question(refused.paths)):
            raise
    return make(True)


def _replace_question(paths: list[Path]) -> str:
    if len(paths) == 1:
        return _("{file} already exists and was not written by Facilitator. Replace it? [y/N] ").format(file=paths[0])
    return ngettext("{count} file in {folder} already exists and was not written by Facilitator. Replace it? [y/N] ",
                    "{count} files in {folder} already exist and were not written by Facilitator. Replace them? "
                    "[y/N] ", len(paths)).format(count=len(paths), folder=paths[0].parent)


def _yes(question: str) -> bool:
    """Ask on the terminal; only a yes (in English or the language spoken) counts, and no answer is a no."""
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().casefold()
    return bool(answer) and answer in {"y", "yes", _("y").casefold(), _("yes").casefold()}


# --- the signing key's passphrase -------------------------------------------------------------------------------

def add_passphrase_env(parser: argparse.ArgumentParser, summary: str | None = None) -> None:
    parser.add_argument("--passphrase-env", metavar=_("VAR"),
                        help=summary or _("the environment variable holding the key's passphrase"))


def passphrase(args: argparse.Namespace, *, prompt: str | None, confirm: bool = False) -> str | None:
    """The passphrase from --passphrase-env, else asked on a terminal when `prompt` is given, else None."""
    from facilitator.services.errors import UserError

    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise UserError(_("the environment variable {name} (named by --passphrase-env) is not set or empty")
                            .format(name=args.passphrase_env))
        return value
    if prompt is None or not sys.stdin.isatty():
        return None
    import getpass

    try:
        value = getpass.getpass(prompt)
        if confirm and value and getpass.getpass(_("Again, to confirm: ")) != value:
            raise UserError(_("the two passphrases differ; nothing was created"))
    except EOFError:  # Ctrl-D at the prompt: as if nothing was typed
        print(file=sys.stderr)
        return None
    return value or None


def key_passphrase(args: argparse.Namespace, ws: Workspace) -> str | None:
    """The signing key's passphrase if it has one (from --passphrase-env or asked); None if it has none."""
    from facilitator.services.errors import Remedy, UserError
    from facilitator.services.identity import needs_passphrase

    if not needs_passphrase(ws):
        return None
    value = passphrase(args, prompt=_("Passphrase for the signing key: "))
    if value is None and sys.stdin.isatty():  # asked, and nothing was typed
        raise UserError(_("no passphrase was typed, and the signing key cannot be used without one; nothing was "
                          "signed"), Remedy(command=_("run the command again and type the key's passphrase"),
                                            menu=_("type the key's passphrase")))
    if value is None:
        raise UserError(_("the signing key is protected by a passphrase: put it in an environment variable and "
                          "name that with --passphrase-env, or run this in a terminal to be asked"))
    return value
