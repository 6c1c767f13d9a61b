"""Which column of a roster holds which field: guessed from the header words, or as the trainer chooses.

"Emp #" is the employee id, "Surname" the last name, "Supervisor?" asks yes or no while "Supervisor" names
someone's boss, unless every value under it is a yes or a no. The trainer may change any of it, by column number,
header text or field name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import reduce
from pathlib import Path

from facilitator.content.roster_table import FIELDS, RosterFileError, RosterTable
from facilitator.i18n import _

# Header words for each field, the most specific first: when two columns fit one field ("ID" and
# "Employee ID"), the more specific wins; on a tie, the leftmost.
_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employeeid", "employeenumber", "employeeno", "employeecode", "empid", "empnumber", "empno",
                    "staffid", "staffnumber", "staffno", "personnelnumber", "workerid", "associateid",
                    "payrollnumber", "payrollid", "badgeid", "badgenumber", "idnumber", "id"),
    "first_name": ("firstname", "givenname", "givennames", "forename", "forenames", "fname", "first"),
    "last_name": ("lastname", "surname", "familyname", "lname", "last"),
    "full_name": ("fullname", "employeename", "attendeename", "participantname", "staffname", "learnername",
                  "traineename", "attendee", "participant", "learner", "trainee", "name"),
    "email": ("email", "emailaddress", "workemail", "workemailaddress", "businessemail", "emailid", "mail"),
    "department": ("department", "departmentname", "dept", "deptname", "division", "team", "unit"),
    "supervisor": ("supervisor", "supervisorname", "manager", "managername", "linemanager", "reportsto",
                   "directsupervisor", "directmanager"),
    "language": ("language", "preferredlanguage", "languagepreference", "lang"),
    "is_supervisor": ("issupervisor", "ismanager", "supervisoryesno", "supervisoryn", "managesothers",
                      "peoplemanager", "supervisory", "role", "jobrole", "employeerole"),
}
_BY_ALIAS = {alias: (name, rank) for name, aliases in _ALIASES.items() for rank, alias in enumerate(aliases)}
ROLE_HEADERS = {"role", "jobrole", "employeerole"}  # free text such as "Manager"; others are yes/no
YES = frozenset({"yes", "y", "true", "t", "1", "x", "✓", "✔", "si", "sí", "oui", "ja"})
NO = frozenset({"no", "n", "false", "f", "0", "-", "nein"})


def header_key(header: str) -> str:
    """A header as compared: case, spaces and punctuation ignored; "#" read as "number"."""
    return "".join(ch for ch in header.replace("#", "number").casefold() if ch.isalnum())


def _field_of(header: str) -> tuple[str, int] | None:
    key = header_key(header)
    if header.strip().endswith("?") and _BY_ALIAS.get(key, ("",))[0] == "supervisor":
        return "is_supervisor", 0  # "Supervisor?" asks yes or no; "Supervisor" names someone's boss
    return _BY_ALIAS.get(key)


def guess_mapping(headers: Sequence[str]) -> dict[str, int]:
    """Which column (0-based) holds each field, judged from the header text alone."""
    best: dict[str, tuple[int, int]] = {}
    for column, header in enumerate(headers):
        found = _field_of(header)
        if found and (found[0] not in best or (found[1], column) < best[found[0]]):
            best[found[0]] = (found[1], column)
    return {name: best[name][1] for name in FIELDS if name in best}


def guess_columns(table: RosterTable) -> dict[str, int]:
    """Which column holds each field, judged from the headers and then the values: a "Supervisor" column that
    holds only yes and no says whether the person is a supervisor (it decides their training track), not who
    their manager is."""
    mapping = guess_mapping(table.headers)
    column = mapping.get("supervisor")
    if column is not None and "is_supervisor" not in mapping:
        values = {r.cells[column].strip().casefold() for r in table.rows if column < len(r.cells)} - {""}
        if values and values <= YES | NO:
            mapping["is_supervisor"] = mapping.pop("supervisor")
    return mapping


def choose_columns(headers: Sequence[str], mapping: Mapping[str, int], choices: Mapping[str, int | str | None],
                   file: Path | None = None) -> dict[str, int]:
    """`mapping` changed by the trainer's `choices`: field -> 0-based column, or header text, or a 1-based
    column number as text ("3"), or None to leave the field out. Raises RosterFileError on a wrong choice."""
    chosen = dict(mapping)
    where = f"{file}: " if file else ""
    named = {name: _field_name(name) for name in choices}
    for name, wanted in named.items():
        if wanted is None:
            raise RosterFileError(where + _("there is no field '{name}'; the fields are: {fields}").format(
                name=name, fields=", ".join(FIELDS)))
    for name, column in choices.items():
        wanted = named[name] or name
        if column is None or column == "":
            chosen.pop(wanted, None)
            continue
        index = _column_index(headers, column, where)
        # The trainer's choice takes the column from a field that was only guessed to be in it.
        chosen = {n: c for n, c in chosen.items() if c != index or n in named.values()}
        chosen[wanted] = index
    for column, count in Counter(chosen.values()).items():
        if count > 1:
            both = reduce(lambda first, second: _("{first} and {second}").format(first=first, second=second),
                          [n for n, c in chosen.items() if c == column])
            raise RosterFileError(where + _("column '{column}' is chosen for {fields}; choose one column per "
                                            "field").format(column=column_name(headers, column), fields=both))
    return {name: chosen[name] for name in FIELDS if name in chosen}


def _field_name(text: str) -> str | None:
    """The field a trainer names, by its id ("first_name") or its English words ("first name")."""
    key = re.sub(r"[^a-z]+", "_", text.casefold()).strip("_")
    by_label = {label.replace(" ", "_"): name for name, label in FIELDS.items()}
    return key if key in FIELDS else by_label.get(key)


def _column_index(headers: Sequence[str], column: int | str, where: str) -> int:
    if isinstance(column, int) and 0 <= column < len(headers):
        return column
    if isinstance(column, int):
        raise RosterFileError(where + _("there is no column {number}; the file has {count}").format(
            number=column + 1, count=len(headers)))
    keys = [header_key(h) for h in headers]
    for index, header in enumerate(headers):
        if header == column.strip():
            return index
    if header_key(column) in keys and header_key(column):
        return keys.index(header_key(column))
    if column.strip().isdigit() and 1 <= int(column) <= max(len(headers), 1):
        return int(column) - 1
    found = ", ".join(f"'{h}'" for h in headers if h) or _("none")
    raise RosterFileError(where + _("there is no column '{column}'; the columns are: {columns}").format(
        column=column, columns=found))


def column_name(headers: Sequence[str], column: int) -> str:
    """The column's header, or "column 3" when it has none."""
    return headers[column] if column < len(headers) and headers[column] else _("column {number}").format(
        number=column + 1)
