"""Errors a user can act on: what is wrong, and what to do about it where they are.

A `UserError` carries its message and, where there is something to do, a `Remedy` said twice: as a command for
the command line ("run 'facilitator session close 7K3M9QXA' first") and as a place in the app ("close it first:
Sessions → Close and seal…"). The command line prints `for_command_line()` and exits 1; the app shows
`for_app()`, and never tells a trainer to type a shell command. `str()` of an error is its command-line form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Remedy:
    """What to do about an error: both texts already translated, each a clause that follows the message."""

    command: str  # for the command line: "run 'facilitator session list'"
    menu: str  # for the app: "see the Sessions tab"


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why, the remedy what to do instead."""

    def __init__(self, message: str, remedy: Remedy | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def for_command_line(self) -> str:
        return f"{self.message}; {self.remedy.command}" if self.remedy else self.message

    def for_app(self) -> str:
        return f"{self.message}; {self.remedy.menu}" if self.remedy else self.message

    def __str__(self) -> str:
        return self.for_command_line()


class Cancelled(KeyboardInterrupt):
    """The trainer pressed Cancel: raised by a progress callback, it stops a long job between two whole files as
    Ctrl-C does (and is caught where Ctrl-C is), so the job says how far it got."""


class Stopped(KeyboardInterrupt):
    """A long job was interrupted (Ctrl-C) between two whole files; `summary` says how far it got ("stopped: wrote
    3 of 12 certificates to …"). Still a KeyboardInterrupt, so whatever does not know it stops as for any other."""

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


class Advice(str):
    """A note worth reading before going on (not an error), said both ways as an error's remedy is: the string
    itself is the command line's form ("…; run 'facilitator settings set …'"), `in_app` the app's ("…; set it in
    File → Settings…"), so a window never tells a trainer to type a shell command."""

    in_app: str

    def __new__(cls, message: str, remedy: Remedy | None = None) -> Advice:
        advice = super().__new__(cls, f"{message}; {remedy.command}" if remedy else message)
        advice.in_app = f"{message}; {remedy.menu}" if remedy else message
        return advice
