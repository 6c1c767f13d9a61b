"""`facilitator roster`: import HR's roster file into a session, list the roster with badge codes, add a walk-in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from facilitator.cli.common import Parser, add_json, add_session, add_verb, add_verbs, emit, workspace
from facilitator.domain.roster import FIELDS, separator_name
from facilitator.i18n import _, ngettext

ROSTER_FIELDS = tuple(FIELDS)  # the domain's, light to import: `roster import --help` lists them


def register(parser: Parser, noun: str) -> None:
    add_verbs(parser)
    load = add_verb(
        parser, "import", import_roster, _("add the people in a CSV or XLSX roster file to a session"),
        description=_("Reads CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) and XLSX files. If any "
                      "row has a problem nothing is imported and every problem is listed with its row, unless "
                      "--skip-invalid is given."))
    add_session(load)
    load.add_argument("file", type=Path, metavar=_("FILE"))
    load.add_argument("--skip-invalid", action="store_true",
                      help=_("import the rows without problems and list the skipped ones"))
    load.add_argument("--map", action="append", default=[], type=_map_choice, metavar=_("FIELD=COLUMN"),
                      help=_("take FIELD from COLUMN (its header, or its number counting from 1); 'FIELD=' leaves "
                             "the field out. Repeat as needed. Fields: {fields}").format(
                          fields=", ".join(ROSTER_FIELDS)))
    add_json(load)
    listing = add_verb(parser, "list", list_roster, _("list a session's roster with badge codes"))
    add_session(listing)
    add_json(listing)
    walk_in = add_verb(parser, "add", add_walk_in, _("add a walk-in to a session's roster; prints their badge code"))
    add_session(walk_in)
    walk_in.add_argument("--first", required=True, metavar=_("NAME"), help=_("first name"))
    walk_in.add_argument("--last", required=True, metavar=_("NAME"), help=_("last name ('' if they use one name)"))
    walk_in.add_argument("--employee-id", metavar=_("ID"))
    walk_in.add_argument("--email", metavar=_("EMAIL"))
    walk_in.add_argument("--department", metavar=_("DEPARTMENT"))
    add_json(walk_in)


def _map_choice(text: str) -> tuple[str, str | None]:
    field, equals, column = text.partition("=")
    if not equals or not field.strip():
        raise argparse.ArgumentTypeError(
            _("'{text}' should be FIELD=COLUMN, for example employee_id='Badge No'").format(text=text))
    return field.strip(), column.strip() or None


def import_roster(args: argparse.Namespace) -> int:
    from facilitator.services.roster import import_roster

    result = import_roster(workspace(args), args.session_id, args.file, mapping=dict(args.map) or None,
                           skip_invalid=args.skip_invalid)
    if args.json:
        emit(args, result, lambda: None)
        return 0 if result.imported else 1
    _print_reading(result)
    sys.stdout.flush()  # the problems go to stderr; keep them after the summary on a terminal
    for problem in result.problems:
        where = f"{result.file}:{problem.row}:" if problem.row is not None else f"{result.file}:"
        print(f"{where}{f' {problem.column}:' if problem.column else ''} {problem.message}", file=sys.stderr)
    if result.imported:
        people = ngettext("{n} person", "{n} people", result.imported).format(n=result.imported)
        skipped = len(result.skipped_rows)
        if skipped:
            print(ngettext("Imported {people} to session {session}; skipped {n} row with problems.",
                           "Imported {people} to session {session}; skipped {n} rows with problems.", skipped)
                  .format(people=people, session=result.session_id, n=skipped))
        else:
            print(_("Imported {people} to session {session}.").format(people=people, session=result.session_id))
        return 0
    print("facilitator: " + _("nothing imported: {why}").format(why=_why_nothing(result)), file=sys.stderr)
    return 1


def _print_reading(result: Any) -> None:
    if result.kind == "xlsx":
        how = _("Excel workbook, sheet '{sheet}'").format(sheet=result.sheet)
    else:
        separator = separator_name(result.delimiter)
        how = _("CSV, {encoding}, {separator}-separated").format(encoding=result.encoding, separator=separator)
    print(ngettext("Read {file} ({how}): {n} row below the header.", "Read {file} ({how}): {n} rows below the header.",
                   result.rows_read).format(file=result.file, how=how, n=result.rows_read))
    if result.columns:
        width = max(len(f) for f in result.columns)
        print(_("Columns:"))
        for field, header in result.columns.items():
            print(f"  {field:{width}}  <- {header}")
    if result.unused_columns:
        print(_("Not used: {columns}").format(columns=", ".join(result.unused_columns)))


def _why_nothing(result: Any) -> str:
    good = result.rows_read - len(result.skipped_rows)
    if not {"first_name", "last_name", "full_name"} & set(result.columns):
        return _("say which column holds the names, for example --map full_name='Employee', or fix the header row")
    if any(p.row is None for p in result.problems):
        return _("fix {file} as described above and import it again").format(file=result.file)
    if result.rows_read and result.already_on_roster == result.rows_read:
        return _("everyone in {file} is already on the roster of session {session}").format(
            file=result.file, session=result.session_id)
    if good <= 0:
        if result.already_on_roster:
            return _("every row has a problem ({n} already on the roster); fix the rows listed above in {file} and "
                     "import it again").format(n=result.already_on_roster, file=result.file)
        return _("every row has a problem; fix the rows listed above in {file} and import it again").format(
            file=result.file)
    bad = len(result.skipped_rows)
    others = ngettext("{n} row", "{n} rows", good).format(n=good)
    return ngettext("{n} row has problems; fix it in {file} and import it again, or use --skip-invalid to import "
                    "the other {others}",
                    "{n} rows have problems; fix them in {file} and import it again, or use --skip-invalid to "
                    "import the other {others}", bad).format(n=bad, file=result.file, others=others)


def list_roster(args: argparse.Namespace) -> int:
    from facilitator.services.roster import group_code, list_roster

    people = list_roster(workspace(args), args.session_id)

    def in_words() -> None:
        if not people:
            print(_("No one on the roster yet. Import one with 'facilitator roster import {session} FILE'.").format(
                session=args.session_id))
            return
        print(f"{_('name'):30} {_('employee id'):12} {_('department'):20} {_('walk-in'):7}  {_('badge code')}")
        for p in people:
            print(f"{p.full_name[:30]:30} {(p.employee_id or '')[:12]:12} {(p.department or '')[:20]:20} "
                  f"{_('walk-in') if p.walk_in else '':7}  {group_code(p.badge_code)}")
        walk_ins = sum(p.walk_in for p in people)
        if walk_ins:
            print(_("{n} on the roster, {walk_ins} of them walk-ins").format(n=len(people), walk_ins=walk_ins))
        else:
            print(_("{n} on the roster").format(n=len(people)))

    emit(args, people, in_words)
    return 0


def add_walk_in(args: argparse.Namespace) -> int:
    from facilitator.services.roster import add_walk_in, group_code

    person = add_walk_in(workspace(args), args.session_id, args.first, args.last, employee_id=args.employee_id,
                         email=args.email, department=args.department)
    emit(args, person, lambda: print(_("Added {name} as a walk-in. Badge code: {code}").format(
        name=person.full_name, code=group_code(person.badge_code))))
    return 0
