"""The nouns of the `facilitator` command, in the manner of pip's command registry: each noun's module and its
one-line help.

`facilitator --help` lists the nouns from here without importing a single noun's module; only the module of the
noun typed is imported, and its arguments built. Every noun's module has `register(parser, noun)`, which declares
the noun's verbs and options on the parser made for it, and may have `DEFAULT_VERB`, the verb assumed when the
word after the noun is a session rather than a verb (`facilitator attendance SESSION`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from facilitator.i18n import N_

PACKAGE = "facilitator.cli"


@dataclass(frozen=True)
class Noun:
    """Where a noun's arguments and handlers live, and what `facilitator --help` says of it."""

    module: str  # a module of this package
    summary: str  # marked with N_: translate with _() where shown
    aliases: tuple[str, ...] = ()  # other words for it that keep working, such as an older name


# In the order `facilitator --help` lists them: a trainer's day, then the records, then the set-up.
NOUNS: dict[str, Noun] = {
    "demo": Noun("app", N_("open the app on a demo session today with a fictional roster")),
    "content": Noun("content", N_("check and list the workshop library")),
    "session": Noun("session", N_("plan and look up sessions")),
    "roster": Noun("roster", N_("import, list and add to a session's roster")),
    "badges": Noun("documents", N_("print name badges with QR codes, then a sign-in sheet, as one PDF")),
    "checkin": Noun("checkin", N_("record someone arriving from their badge code")),
    "checkout": Noun("checkin", N_("record someone leaving from their badge code")),
    "attendance": Noun("attendance", N_("the attendance record: per person, or 'verify', 'log', 'void', "
                                        "'acknowledge'")),
    "run": Noun("run", N_("run a session without the app: the agenda as delivered, or one step of it"),
                aliases=("delivery",)),
    "companion": Noun("companion", N_("let phones in the room check in, vote, ask and give feedback, without the "
                                      "app: prints each new join address")),
    "feedback": Noun("feedback", N_("the anonymous feedback round: a summary, or type in paper forms")),
    "handout": Noun("documents", N_("the attendees' hand-out: where to get help, with the agencies of the "
                                    "session's jurisdictions")),
    "certificates": Noun("documents", N_("signed certificate PDFs for everyone the sealed record says earned one")),
    "signin-sheet": Noun("documents", N_("the sign-in sheet PDF (signed once the session is sealed)")),
    "report": Noun("documents", N_("the session report PDF (signed once the session is sealed)")),
    "export": Noun("export", N_("sealed sessions into one signed bundle for HR")),
    "sync": Noun("sync", N_("send sealed sessions' xAPI statements to the learning record store in the settings")),
    "verify": Noun("verify", N_("check a certificate PDF, a certificate's QR text, a sealed session, or an export "
                                "bundle")),
    "hr": Noun("hr", N_("HR's side: trust trainers' certificates, import their bundles, see sessions and people")),
    "settings": Noun("settings", N_("the organisation's name and logo, the paper size, the language, the "
                                    "trainer's profile and the employer's headcount and industry")),
    "keys": Noun("keys", N_("the signing identity: show, create, export the certificate, CSR")),
}


def find(word: str | None) -> str | None:
    """The noun `word` names (itself, or the noun it is an alias of); None if it names none."""
    if word in NOUNS:
        return word
    return next((name for name, noun in NOUNS.items() if word in noun.aliases), None)


def load(name: str) -> ModuleType:
    """The module of the noun `name`, imported now."""
    return importlib.import_module(f"{PACKAGE}.{NOUNS[name].module}")
