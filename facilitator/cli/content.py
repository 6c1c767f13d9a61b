"""`facilitator content`: check the workshop library (or workshop files of your own) and list it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.cli.common import Parser, add_json, add_verb, add_verbs, emit
from facilitator.i18n import _, ngettext

if TYPE_CHECKING:
    from facilitator.services.library import CheckReport


def register(parser: Parser, noun: str) -> None:
    add_verbs(parser)
    check = add_verb(parser, "check", check_content,
                     _("validate workshop files and show which jurisdictions each meets"))
    check.add_argument("path", nargs="?", type=Path, metavar=_("PATH"),
                       help=_("a workshop file or folder (default: the built-in library)"))
    add_json(check)
    listing = add_verb(parser, "list", list_content, _("list the workshops in the library"))
    add_json(listing)


def check_content(args: argparse.Namespace) -> int:
    from facilitator.services.library import check_content

    report = check_content(args.path)
    emit(args, report, lambda: _print_check(report))
    return 0 if report.ok else 1


def _print_check(report: CheckReport) -> None:
    for problem in report.problems:
        print(problem)
    count = len(report.problems)
    verdict = _("no problems") if report.ok else ngettext("{n} problem", "{n} problems", count).format(n=count)
    print(ngettext("Checked {n} file: {verdict}.", "Checked {n} files: {verdict}.", report.checked_files)
          .format(n=report.checked_files, verdict=verdict))
    if not report.workshops:
        return
    codes = sorted(report.jurisdictions, key=lambda c: (c == "none", c))
    width = max(len(w) for w in report.workshops) + 2
    print()
    print(_("Which jurisdictions each workshop meets (yes, no, or part of what the law requires):"))
    print()
    widths = [max(len(c), 4) for c in codes]
    print("".ljust(width) + "  ".join(c.ljust(w) for c, w in zip(codes, widths, strict=True)).rstrip())
    for wid in sorted(report.workshops):
        cells = [_cell(report.matrix[(wid, c)]).ljust(w) for c, w in zip(codes, widths, strict=True)]
        print(wid.ljust(width) + "  ".join(cells).rstrip())
    print()
    for wid in sorted(report.workshops):
        print(f"{wid}: {report.review_of(wid)}")
    if report.agencies:
        oldest = min(a.verified_on for a in report.agencies.values())
        print(ngettext("agency contacts: {count} agency, checked {date}",
                       "agency contacts: {count} agencies, the oldest checked {date}", len(report.agencies)).format(
            count=len(report.agencies), date=oldest.isoformat()))
    for warning in report.warnings:
        print(_("warning: {problem}").format(problem=warning))
    for wid in sorted(report.workshops):
        missing = [(code, s) for code in codes for s in report.matrix[(wid, code)].shortfalls]
        if missing:
            print()
            print(_("{workshop} - what is missing:").format(workshop=wid))
        for code, s in missing:
            print(f"  {code}: {s.requirement}: {s.message}")


def _cell(result: Any) -> str:
    return _("yes") if result.satisfied else (_("part") if result.partly else _("no"))


def list_content(args: argparse.Namespace) -> int:
    from facilitator.services.library import builtin_library, list_workshops

    workshops = list_workshops(builtin_library())

    def in_words() -> None:
        for w in workshops:
            minutes = _("{minutes} min").format(minutes=f"{w.planned_minutes:4}")
            print(f"{w.id:36} {minutes}  {w.audience:11}  {w.title}")

    emit(args, workshops, in_words)
    return 0
