"""Checking a roster's rows: every value cleaned and checked, the good rows made `Person`s, the others problems.

A problem names the row as a spreadsheet shows it, the column by its header, what is wrong and what to do.
Values are never evaluated: a name starting with "=" is text. No value longer than the store keeps is let
through (the domain's FIELD_LIMITS), so nothing is cut short when saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from facilitator.content.roster_columns import ROLE_HEADERS, column_name, guess_mapping, header_key
from facilitator.content.roster_table import (
    FIELDS,
    LIMITS,
    NAME_FIELDS,
    ParsedRoster,
    RawRow,
    RosterProblem,
    RosterRow,
    RosterTable,
    field_label,
)
from facilitator.domain.roster import Person, separator_name
from facilitator.i18n import _, ngettext


def parse_roster(table: RosterTable, mapping: Mapping[str, int] | None = None) -> ParsedRoster:
    """Check every row of `table` (columns as `mapping` says, else as guessed) and collect people and problems."""
    chosen = dict(guess_mapping(table.headers) if mapping is None else mapping)
    _check_mapping(chosen, table.width)
    if not any(f in chosen for f in NAME_FIELDS):
        return ParsedRoster(table, chosen, [], [RosterProblem(None, None, _not_a_roster(table))])
    if not table.rows:
        return ParsedRoster(table, chosen, [], [RosterProblem(None, None, _(
            "there is no one below the header row (row {row}); add people's rows").format(row=table.header_row))])
    columns = {name: column_name(table.headers, column) for name, column in chosen.items()}
    people: list[RosterRow] = []
    problems: list[RosterProblem] = []
    seen = _Seen(columns)
    for raw in table.rows:
        values = {name: raw.cells[column] if column < len(raw.cells) else "" for name, column in chosen.items()}
        person, found = check_person(values, row=raw.row, columns=columns)
        found += _extra_cells(table, raw)
        if person is not None and not found:
            found = seen.duplicates(raw.row, person)
        problems += found
        if person is not None and not found:
            people.append(RosterRow(raw.row, person))
    return ParsedRoster(table, chosen, people, problems)


def _check_mapping(mapping: Mapping[str, int], width: int) -> None:
    for name, column in mapping.items():
        if name not in FIELDS:
            raise ValueError(f"unknown roster field {name!r}")  # not user text: a caller's mistake
        if not 0 <= column < max(width, 1):
            raise ValueError(f"column {column} for {name!r} is outside the table")  # not user text: as above


def _not_a_roster(table: RosterTable) -> str:
    found = ", ".join(f"'{h}'" for h in table.headers if h) or _("none")
    return _("this does not look like a roster: no column holds people's names (the columns found are: {columns}). "
             "A roster needs 'First name' and 'Last name' columns, or one 'Name' column; rename the column in the "
             "file, or choose which column holds the names").format(columns=found)


def _extra_cells(table: RosterTable, raw: RawRow) -> list[RosterProblem]:
    """In a CSV, cells beyond the header mean a value held the delimiter without quotes and was split."""
    extra = [c for c in raw.cells[len(table.headers):] if c.strip()]
    if table.delimiter is None or not extra:
        return []
    name = separator_name(table.delimiter)
    return [RosterProblem(raw.row, None, ngettext(
        "this row has {count} more filled cell than the header has columns; a value probably contains a "
        "{delimiter} without quotes around it - put that value in quotes, or delete the extra cells",
        "this row has {count} more filled cells than the header has columns; a value probably contains a "
        "{delimiter} without quotes around it - put that value in quotes, or delete the extra cells",
        len(extra)).format(count=len(extra), delimiter=name))]


class _Seen:
    """Employee ids and emails met so far in the file, to report a repeat on the later row."""

    def __init__(self, columns: Mapping[str, str]) -> None:
        self.columns = columns
        self.first_row: dict[tuple[str, str], int] = {}

    def duplicates(self, row: int, person: Person) -> list[RosterProblem]:
        found = []
        for name, value in (("employee_id", person.employee_id), ("email", person.email)):
            if value is None:
                continue
            earlier = self.first_row.setdefault((name, value.casefold()), row)
            if earlier != row:
                found.append(RosterProblem(row, self.columns.get(name), _(
                    "{field} '{value}' is also on row {row}; delete one of the two rows, or correct the value"
                ).format(field=field_label(name), value=value, row=earlier)))
        return found


def check_person(values: Mapping[str, str | None], *, row: int | None = None,
                 columns: Mapping[str, str] | None = None) -> tuple[Person | None, list[RosterProblem]]:
    """Clean and check one person's fields (raw text by field name); a Person only if there is no problem.

    `columns` names each field's column for messages (the file's header); by default the field's own words.
    """
    where = {name: (columns or {}).get(name) or field_label(name) for name in FIELDS}
    problems: list[RosterProblem] = []
    clean: dict[str, str] = {}
    for name, raw in values.items():
        text, problem = _clean(raw or "")
        if problem:
            problems.append(RosterProblem(row, where[name], problem))
        clean[name] = text
    first, last, from_full = _names(clean)
    if from_full:  # a name too long or empty is the full-name column's fault
        where["first_name"] = where["last_name"] = where["full_name"]
    name_column = where[next((n for n in ("first_name", "last_name") if n in clean and not from_full), "full_name")]
    if not (first or last) and not any(p.column == name_column for p in problems):
        problems.append(RosterProblem(row, name_column, _("the name is empty; fill in the person's name, or delete "
                                                          "the row")))
    problems += _field_problems(row, {**clean, "first_name": first, "last_name": last}, where)
    is_supervisor, problem = _supervisor_flag(clean.get("is_supervisor", ""), where["is_supervisor"])
    if problem:
        problems.append(RosterProblem(row, where["is_supervisor"], problem))
    if problems:
        return None, problems
    optional = {name: clean.get(name) or None for name in ("employee_id", "email", "department", "supervisor",
                                                          "language")}
    return Person(first_name=first, last_name=last, is_supervisor=is_supervisor, **optional), []


def _names(clean: Mapping[str, str]) -> tuple[str, str, bool]:
    """First and last name, and whether they came from the full name, which is used when both are empty.

    "Last, First" splits at the comma; otherwise the last word is the last name ("Mary Ann | Smith").
    """
    first, last, full = clean.get("first_name", ""), clean.get("last_name", ""), clean.get("full_name", "")
    if first or last or not full:
        return first, last, False
    if "," in full:
        last, _comma, first = full.partition(",")
    else:
        first, _space, last = full.rpartition(" ")
        if not first:  # one word: keep it as the first name, as people known by one name write it
            first, last = last, ""
    return first.strip(), last.strip(), True


# C0 and C1 control characters except tab and line breaks (which are folded into spaces), and the
# invisible direction overrides, which can make a printed name read differently from what is stored.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """Surrounding whitespace removed and inner runs of whitespace (tabs and line breaks too) made one space."""
    return " ".join(value.split())


def _clean(value: str) -> tuple[str, str | None]:
    """The cleaned text, or a problem; checked before cleaning, which would fold some controls into spaces."""
    found = _FORBIDDEN.search(value)
    if found:
        code = ord(found.group())
        if code > 0xFF:
            return "", _("contains a text-direction override (U+{code}); delete it").format(code=f"{code:04X}")
        return "", _("contains an invisible control character (U+{code}); delete it").format(code=f"{code:04X}")
    return clean_text(value), None


_EMAIL_PART = r"[^@\s\"(),:;<>\[\]\\]"  # not user text: a pattern
_EMAIL_LABEL = r"[^@\s\"(),:;<>\[\]\\.]"  # not user text: a pattern
_EMAIL = re.compile(rf"(?!\.)(?!.*\.\.){_EMAIL_PART}+(?<!\.)@(?:{_EMAIL_LABEL}+\.)+{_EMAIL_LABEL}{{2,}}")


def _field_problems(row: int | None, clean: Mapping[str, str], where: Mapping[str, str]) -> list[RosterProblem]:
    problems = []
    for name, limit in LIMITS.items():
        value = clean.get(name, "")
        if len(value) > limit:
            problems.append(RosterProblem(row, where[name], ngettext(
                "is {length} character long; a {field} can have at most {limit} - shorten it",
                "is {length} characters long; a {field} can have at most {limit} - shorten it",
                len(value)).format(length=len(value), field=field_label(name), limit=limit)))
    email = clean.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        problems.append(RosterProblem(row, where["email"], _(
            "'{value}' is not an email address; correct it (name@example.com) or leave the cell empty").format(
            value=email)))
    return problems


_YES = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "si", "sí", "oui", "ja"}
_NO = {"no", "n", "false", "f", "0", "-"}


def _supervisor_flag(value: str, column: str) -> tuple[bool, str | None]:
    """Yes/no columns must say yes or no; a "Role" column counts roles naming a supervisor or manager."""
    word = value.casefold()
    if word in _YES:
        return True, None
    if not word or word in _NO:
        return False, None
    if word.startswith("non") or re.match(r"not?\b", word):  # "Non-supervisory", "not a manager"
        return False, None
    if "supervis" in word or "manag" in word:
        return True, None
    if header_key(column) in ROLE_HEADERS:
        return False, None
    return False, _("'{value}' is neither yes nor no; write yes or no").format(value=value)
