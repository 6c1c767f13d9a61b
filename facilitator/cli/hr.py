"""`facilitator hr`: HR's side. Trust trainers' certificates, import their bundles into HR's store, and look up
the sessions imported and one person's history. With no verb, the HR records window opens (as File → HR records…
does in the app).

The store is hr.sqlite in the data folder, or the database `--db URL` (or $FACILITATOR_HR_DB) names: a
PostgreSQL URL such as postgresql+psycopg://USER@HOST:5432/DATABASE, or a SQLite file. `--db` may come before the
verb or after it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.cli.common import Parser, add_json, add_verb, add_verbs, emit, handled_by, terminal_progress
from facilitator.i18n import _, ngettext

FORMATS = ("table", "csv", "xlsx", "json")  # as services/hr_due.py writes them (checked by a test)

if TYPE_CHECKING:  # the services load only when the command runs
    from facilitator.services.hr_history import PersonHistory
    from facilitator.services.hr_import import BundleResult
    from facilitator.services.hr_store import HrStore
    from facilitator.services.hr_trust import Trusted


def register(parser: Parser, noun: str) -> None:
    parser.description = _("HR's store: hr.sqlite in the data folder, or the database --db (or FACILITATOR_HR_DB) "
                           "names. Bundles are imported only when signed by a certificate HR trusts. With no "
                           "verb, the HR records window opens.")
    _add_db(parser, argparse.SUPPRESS)
    add_verbs(parser)
    assert parser.verb_action is not None
    parser.verb_action.required = False  # with no verb, HR's window opens
    handled_by(parser, open_window)
    trust = add_verb(parser, "trust", _no_action, _("trust a trainer's certificate or an organisation CA, list or "
                                                    "remove them"))
    add_verbs(trust)
    add = add_verb(trust, "add", trust_add, _("trust a trainer's certificate (from 'facilitator keys export-cert') "
                                              "or an organisation CA"))
    add.add_argument("file", type=Path, metavar=_("FILE.pem"))
    add.add_argument("--name", metavar=_("NAME"), help=_("what to call it (default: the name in the certificate)"))
    listed = add_verb(trust, "list", trust_list, _("list the trusted certificates"))
    remove = add_verb(trust, "remove", trust_remove, _("stop trusting a certificate; what was imported stays"))
    remove.add_argument("which", metavar=_("NAME|FINGERPRINT"),
                        help=_("its name, or the start of its SHA-256 fingerprint (at least 4 digits)"))
    imported = add_verb(parser, "import", import_bundles, _("verify bundles and import them; a bundle that does not "
                                                            "verify is kept in quarantine with the reason"))
    imported.add_argument("bundles", nargs="+", type=Path, metavar=_("BUNDLE.zip"))
    sessions = add_verb(parser, "sessions", list_sessions, _("list the imported sessions, with trainer and site"))
    person = add_verb(parser, "person", show_person, _("one person's training history"))
    person.add_argument("who", metavar=_("ID|E-MAIL"), help=_("an employee id or an e-mail address"))
    employees = add_verb(parser, "employees", _no_action, _("HR's employee list: who works where, since when"))
    add_verbs(employees)
    listing = add_verb(employees, "import", import_employees, _("replace HR's employee list with a CSV or XLSX file "
                                                                "(all or nothing)"))
    listing.add_argument("file", type=Path, metavar=_("FILE.csv|FILE.xlsx"))
    due = add_verb(parser, "due", show_due, _("who is due for training, under which law, by when"))
    due.add_argument("--within", type=_days, metavar=_("DAYS"),
                     help=_("only those overdue or due within this many days (60 or 60d)"))
    due.add_argument("--jurisdiction", metavar=_("CODE"), help=_("only this jurisdiction (ca-supervisors, …)"))
    due.add_argument("--format", choices=FORMATS, default="table", help=_("default: a table to read"))
    due.add_argument("--out", type=Path, metavar=_("FILE"), help=_("write to this file (needed for xlsx)"))
    due.add_argument("--on", type=date.fromisoformat, metavar=_("YYYY-MM-DD"),
                     help=_("as things stand on this day (default: today), to plan ahead"))
    for verb in (add, listed, remove, imported, sessions, person, listing):
        _add_db(verb, argparse.SUPPRESS)
        add_json(verb)
    _add_db(due, argparse.SUPPRESS)


def _days(text: str) -> int:
    """"60" or "60d": a number of days, 0 or more."""
    digits = text.strip().lower().removesuffix("d")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(_("'{text}' is not a number of days, such as 60 or 60d").format(text=text))
    return int(digits)


def _add_db(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--db", metavar=_("URL"), default=default,
                        help=_("HR's database: postgresql+psycopg://USER@HOST:5432/DATABASE or a SQLite file "
                               "(default: $FACILITATOR_HR_DB, else hr.sqlite in the data folder)"))


def open_window(args: argparse.Namespace) -> int:
    """`facilitator hr` alone: the HR records window on the same store the verbs use."""
    from facilitator.ui.app import run_hr_app

    return run_hr_app(getattr(args, "db", None), args.data_dir)


def _no_action(args: argparse.Namespace) -> int:  # never called: `trust` requires its own verb
    return 2


def _store(args: argparse.Namespace) -> HrStore:
    from facilitator.services.hr_store import open_hr_store

    store = open_hr_store(getattr(args, "db", None), args.data_dir)
    for notice in store.notices:
        print("facilitator: " + _("warning: {notice}").format(notice=notice), file=sys.stderr)
    return store


def _using(args: argparse.Namespace, work: Callable[[HrStore], int]) -> int:
    store = _store(args)
    try:
        return work(store)
    finally:
        store.close()


# --- trust ------------------------------------------------------------------------------------------------------

def trust_add(args: argparse.Namespace) -> int:
    from facilitator.services.hr_trust import add_trusted

    def work(store: HrStore) -> int:
        added = add_trusted(store, args.file, args.name)

        def in_words() -> None:
            print(added.message)
            if added.left_out:
                print(ngettext("note: {file} holds {n} more certificate after it, which is not trusted; to trust an "
                               "organisation CA, add its own file", "note: {file} holds {n} more certificates after "
                               "it, which are not trusted; to trust an organisation CA, add its own file",
                               added.left_out).format(file=args.file, n=added.left_out), file=sys.stderr)
        emit(args, added, in_words)
        return 0
    return _using(args, work)


def trust_list(args: argparse.Namespace) -> int:
    from facilitator.services.hr_trust import list_trusted

    def work(store: HrStore) -> int:
        trusted = list_trusted(store)

        def in_words() -> None:
            if not trusted:
                print(_("No certificate is trusted yet. Add a trainer's with 'facilitator hr trust add FILE.pem'."))
            for cert in trusted:
                print(_trusted_line(cert))
        emit(args, trusted, in_words)
        return 0
    return _using(args, work)


def _trusted_line(cert: Trusted) -> str:
    until = cert.not_after.date().isoformat()
    state = _("expired {date}").format(date=until) if cert.expired else _("until {date}").format(date=until)
    return f"{cert.name}  {cert.fingerprint}  {cert.subject}  ({state})"


def trust_remove(args: argparse.Namespace) -> int:
    from facilitator.services.hr_trust import remove_trusted

    def work(store: HrStore) -> int:
        gone = remove_trusted(store, args.which)
        emit(args, gone, lambda: print(_("No longer trusted: {name} (SHA-256 {fingerprint}); what was imported "
                                         "stays").format(name=gone.name, fingerprint=gone.fingerprint)))
        return 0
    return _using(args, work)


# --- import -----------------------------------------------------------------------------------------------------

def import_bundles(args: argparse.Namespace) -> int:
    from facilitator.services.hr_import import import_bundles as service
    from facilitator.services.hr_trust import list_trusted

    def work(store: HrStore) -> int:
        if not list_trusted(store):
            print("facilitator: " + _("warning: no certificate is trusted yet, so every bundle goes to quarantine; "
                                      "trust the trainers' with 'facilitator hr trust add FILE.pem' first"),
                  file=sys.stderr)
        show = terminal_progress(args, _("Importing"))
        results = service(store, args.bundles, progress=show)
        if show:
            print(file=sys.stderr)
        emit(args, results, lambda: _say(results))
        return 0 if all(r.ok for r in results) else 1
    return _using(args, work)


def _say(results: list[BundleResult]) -> None:
    from facilitator.services.hr_import import Outcome

    for result in results:
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
    counts = {outcome: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
    if len(results) > 1:
        print(ngettext("{n} bundle: {imported} imported, {already} imported before, {quarantined} quarantined, "
                       "{unread} not read", "{n} bundles: {imported} imported, {already} imported before, "
                       "{quarantined} quarantined, {unread} not read", len(results)).format(
            n=len(results), imported=counts[Outcome.IMPORTED], already=counts[Outcome.ALREADY],
            quarantined=counts[Outcome.QUARANTINED], unread=counts[Outcome.NOT_READ]))



# --- what the store holds ---------------------------------------------------------------------------------------

def list_sessions(args: argparse.Namespace) -> int:
    from facilitator.services.hr_history import imported_sessions

    def work(store: HrStore) -> int:
        sessions = imported_sessions(store)

        def in_words() -> None:
            if not sessions:
                print(_("No sessions imported yet. Import a bundle with 'facilitator hr import BUNDLE.zip'."))
            for s in sessions:
                people = ngettext("{done}/{n} completed", "{done}/{n} completed", s.people).format(
                    done=s.completed, n=s.people)
                line = f"{s.session_id}  {s.date} {s.start or '':5}  {s.trainer} - {s.location}  {s.workshop}  " \
                       f"{people}"
                if s.amendments:
                    line += "  " + ngettext("{n} amendment", "{n} amendments", s.amendments).format(n=s.amendments)
                if s.conflict:
                    line += "  " + _("CONFLICT: also sealed differently elsewhere (seal {seal}…)").format(
                        seal=s.seal_sha256[:12])
                print(line)
        emit(args, sessions, in_words)
        return 0
    return _using(args, work)


def show_person(args: argparse.Namespace) -> int:
    from facilitator.services.hr_history import person_history

    def work(store: HrStore) -> int:
        history = person_history(store, args.who)
        emit(args, history, lambda: _say_history(history))
        return 0
    return _using(args, work)


def _say_history(history: PersonHistory) -> None:
    from facilitator.domain.compliance import STANDING_WORDS

    who = ", ".join((*history.names, *history.employee_ids, *history.emails))
    print(ngettext("{who}: {n} session", "{who}: {n} sessions", len(history.sessions)).format(
        who=who, n=len(history.sessions)))
    for s in history.sessions:
        credits = "; ".join(f"{code} {_(STANDING_WORDS.get(standing, standing))}" for code, standing in s.credits)
        line = _("{date}  {workshop} (version {version}), {trainer} - {location}: {completion}, {minutes} min").format(
            date=s.date, workshop=s.workshop, version=s.workshop_version, trainer=s.trainer, location=s.location,
            completion=s.completion, minutes=s.minutes)
        print("  " + line)
        details = [_("certificate {id}").format(id=s.certificate_id) if s.certificate_id else None,
                   _("credited: {credits}").format(credits=credits) if credits else None,
                   _("decided by a signed amendment") if s.amended else None,
                   _("CONFLICT: this session was also sealed differently elsewhere") if s.conflict else None]
        for detail in details:
            if detail:
                print("    " + detail)


# --- employees and due dates ------------------------------------------------------------------------------------

def import_employees(args: argparse.Namespace) -> int:
    from facilitator.services.hr_employees import import_employees as service

    def work(store: HrStore) -> int:
        result = service(store, args.file)
        emit(args, result, lambda: print(result.message))
        return 0
    return _using(args, work)


def show_due(args: argparse.Namespace) -> int:
    from facilitator.services.hr_due import due_dates, write_due
    from facilitator.services.hr_employees import has_employees

    def work(store: HrStore) -> int:
        if not has_employees(store):
            print("facilitator: " + _("HR's employee list is empty: import it first with 'facilitator hr employees "
                                      "import FILE' (employee id, names, where they work, hire date)"),
                  file=sys.stderr)
            return 1
        rows = due_dates(store, args.on or date.today(), within_days=args.within, jurisdiction=args.jurisdiction)
        text = write_due(rows, args.format, args.out)
        if text:
            print(text, end="")
        elif args.out:
            print(_("Wrote {n} rows to {file}").format(n=len(rows), file=args.out), file=sys.stderr)
        if not rows and args.format == "table":
            print(_("No one is due within {days} days.").format(days=args.within) if args.within is not None
                  else _("No one to list."))
        return 0
    return _using(args, work)
