"""The `facilitator` program: its global options, the language it speaks, a parser with only the noun in use
built, and the exit code: 0 success, 1 a user error (one line saying why), 2 wrong usage, 130 stopped by Ctrl-C.

The language is chosen before any parser is built, since the parser's own help is translated: the words before
the noun are read first for `--lang` and `--data-dir` (whose settings may name a language).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from facilitator import __version__, i18n, paths
from facilitator.cli import registry
from facilitator.cli.common import Parser, UsageError, list_verbs_in_usage, sentence, usage_line
from facilitator.i18n import _

VALUED_OPTIONS = ("--data-dir", "--lang")  # the global options that take a value


@dataclass(frozen=True)
class Start:
    """What the words before the noun say, read before any parser is built."""

    data_dir: str | None
    lang: str | None
    noun_at: int | None  # where the noun is among the words; None: there is none (the app opens)


def scan(words: Sequence[str]) -> Start:
    """Find `--data-dir`, `--lang` and the noun among `words`, as the top-level parser will read them."""
    values: dict[str, str] = {}
    at = 0
    while at < len(words):
        word = words[at]
        if word == "--":
            at += 1
            break
        if not word.startswith("-") or word == "-":
            break
        name, equals, value = word.partition("=")
        option = _valued_option(name)
        if option is not None:
            if not equals:
                at += 1
                value = words[at] if at < len(words) else ""
            values[option] = value
        at += 1
    return Start(values.get("--data-dir") or None, values.get("--lang") or None, at if at < len(words) else None)


def _valued_option(name: str) -> str | None:
    """The global option taking a value that `name` is, or abbreviates as argparse allows."""
    if not name.startswith("--") or len(name) < 3:
        return None
    found = [option for option in VALUED_OPTIONS if option.startswith(name)]
    return found[0] if len(found) == 1 else None


def choose_language(start: Start, noun: str | None) -> str:
    """Install the language asked for: `--lang` (which the app and anything started from here inherit), else
    $FACILITATOR_LANG, else the data folder's `language` setting, else the computer's; English if none is there."""
    if start.lang:
        os.environ[i18n.LANGUAGE_ENV] = start.lang
    setting = "" if os.environ.get(i18n.LANGUAGE_ENV) else i18n.saved_language(_data_folder(start, noun))
    try:
        chosen = i18n.install(i18n.requested_language(setting))
    except FileNotFoundError:  # the bundled assets are missing: English, and the command that needs them says so
        return i18n.ENGLISH
    asked = start.lang.replace("-", "_").split("_")[0].lower() if start.lang else i18n.ENGLISH
    if chosen == i18n.ENGLISH and asked != i18n.ENGLISH:  # asked for by name, and not there: say so, go on
        print("facilitator: " + _("there is no '{code}' translation yet; the languages are {codes}").format(
            code=start.lang, codes=", ".join(i18n.available_languages())), file=sys.stderr)
    return chosen


def _data_folder(start: Start, noun: str | None) -> Path:
    return paths.demo_data_dir(start.data_dir) if noun == "demo" else paths.data_dir(start.data_dir)


def build_parser(words: Sequence[str] = ()) -> Parser:
    """The parser of `facilitator`: every noun listed, and the one among `words` (if any) built in full."""
    return build(words)[0]


def build(words: Sequence[str]) -> tuple[Parser, Parser | None]:
    """The top-level parser and the parser of the noun among `words`, whose module alone is imported."""
    start = scan(words)
    typed = words[start.noun_at] if start.noun_at is not None else None
    parser = Parser(prog="facilitator", description=_("Plan, run and record in-person workshops."),
                    epilog=_("With no command, the app opens. 'facilitator COMMAND --help' tells more of each."))
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    parser.add_argument("--data-dir", metavar=_("DIR"),
                        help=_("the data folder (default: $FACILITATOR_DATA_DIR or your user data folder)"))
    parser.add_argument("--lang", metavar=_("CODE"),
                        help=_("the language to speak, such as 'es' (default: $FACILITATOR_LANG, else the "
                               "'language' setting, else the computer's own)"))
    nouns = parser.add_subparsers(dest="noun", metavar=_("COMMAND"))
    chosen: Parser | None = None
    for name, noun in registry.NOUNS.items():
        names = [name, *noun.aliases]
        if typed not in names:
            nouns.add_parser(name, aliases=list(noun.aliases), help=_(noun.summary))  # listed, not built
            continue
        chosen = nouns.add_parser(typed, aliases=[n for n in names if n != typed], help=_(noun.summary),
                                  description=sentence(_(noun.summary)))
        registry.load(name).register(chosen, name)
        if chosen.default_verb is not None:
            list_verbs_in_usage(chosen)
    return parser, chosen


def with_default_verb(noun: Parser, words: list[str], at: int) -> list[str]:
    """`words` with the noun's default verb put in where a session, not a verb, is the first word after the noun
    and its options (`facilitator attendance --json SESSION` is `facilitator attendance show --json SESSION`)."""
    if noun.default_verb is None:
        return words
    default = noun.verbs[noun.default_verb]
    first = at + 1
    while first < len(words) and words[first].startswith("-") and words[first] != "-":
        if words[first] in ("-h", "--help"):  # the noun's own help
            return words
        first += 1 + _takes_value(default, words[first])
    if first >= len(words) or words[first] in noun.verbs:
        return words
    after = words[first + 1] if first + 1 < len(words) else None
    if after is not None and after in noun.verbs:
        raise UsageError(_("put the verb first: {usage}").format(usage=usage_line(noun.verbs[after])))
    return [*words[:at + 1], noun.default_verb, *words[at + 1:]]


def _takes_value(parser: argparse.ArgumentParser, word: str) -> int:
    """1 if the option `word` takes the next word as its value, else 0."""
    action = parser._option_string_actions.get(word)  # argparse's own table of a parser's options
    return 1 if "=" not in word and action is not None and action.nargs != 0 else 0


def parse(parser: Parser, words: Sequence[str]) -> argparse.Namespace:
    """The parsed words; words left over are wrong usage of the command they follow, told as it tells it."""
    args, extra = parser.parse_known_args(words)
    if extra:
        told: argparse.ArgumentParser = getattr(args, "usage_parser", None) or parser
        told.error(_("unrecognized arguments: {words}").format(words=" ".join(extra)))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    words = list(sys.argv[1:] if argv is None else argv)
    start = scan(words)
    typed = words[start.noun_at] if start.noun_at is not None else None
    choose_language(start, registry.find(typed))
    try:
        parser, noun = build(words)
        if noun is not None and start.noun_at is not None:
            words = with_default_verb(noun, words, start.noun_at)
        args = parse(parser, words)
        if args.noun is None:
            from facilitator.cli.app import open_app

            return open_app(args)
        return args.handler(args)
    except UsageError as exc:
        print(f"facilitator: {exc.for_command_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stopped:  # Ctrl-C: one line (how far a long job got, if it says), and 128 + SIGINT
        print("facilitator: " + (getattr(stopped, "summary", None) or _("stopped")), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (`| head`, say) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        from facilitator.services.errors import UserError  # loaded already by whatever raised one

        if not isinstance(exc, UserError):
            raise
        print(f"facilitator: {exc.for_command_line()}", file=sys.stderr)
        return 1


def _tolerant_output() -> None:
    # A console that cannot show "é" should get a "?" rather than a crash halfway through a listing.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
