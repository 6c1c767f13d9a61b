"""Checking a roster's rows: every value cleaned and checked, the good rows made `Person`s, the others problems.

A problem names the row as a spreadsheet shows it, the column by its header, what is wrong and what to do.
Values are never evaluated: a name starting with "=" is text. No value longer than the store keeps is let
through (the domain's FIELD_LIMITS), so nothing is cut short when saved. Text is stored composed (Unicode NFC),
so "José" typed and "José" exported with a separate accent are one text, and characters that cannot be seen
(controls, direction marks, zero-width spaces) are refused: they would make a name print differently from what
is stored, or two equal ids compare different.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from facilitator.content.roster_columns import NO, ROLE_HEADERS, YES, column_name, guess_columns, header_key
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
    chosen = dict(guess_columns(table) if mapping is None else mapping)
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
        formulas = uncalculated(raw, chosen, columns)
        if formulas:  # the empty cell is the formula's fault, not the person's
            person, found = None, formulas + [p for p in found if p.column not in {u.column for u in formulas}]
        found += extra_cells(table, raw)
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


def uncalculated(raw: RawRow, chosen: Mapping[str, int], columns: Mapping[str, str]) -> list[RosterProblem]:
    """An Excel formula whose result was never saved reads as an empty cell; say so rather than import a blank."""
    return [RosterProblem(raw.row, columns[name], _(
        "holds a formula whose result was never saved in the file (it was written by a program that does not "
        "calculate); open the file in Excel or LibreOffice, let it calculate, and save it again"))
        for name, column in chosen.items() if column in raw.formulas]


def extra_cells(table: RosterTable, raw: RawRow) -> list[RosterProblem]:
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
            earlier = self.first_row.setdefault((name, same_text(value)), row)
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
        text, problem = clean_cell(raw or "", joiners=name in _WORDS)
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
    is_supervisor, problem = supervisor_flag(clean.get("is_supervisor", ""), where["is_supervisor"])
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


# C0 and C1 control characters except tab and line breaks (which are folded into spaces).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The invisible direction overrides and isolates, which can make a printed name read differently from what is
# stored, and the invisible direction marks (LRM, RLM, the Arabic letter mark).
_OVERRIDES = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_MARKS = re.compile(r"[\u200e\u200f\u061c]")
# Beyond those, any format character (Unicode category Cf: zero-width space, word joiner, a byte-order mark inside
# the text, soft hyphen, tags ...) and the few letters and marks that show nothing (fillers, the grapheme joiner).
_BLANK_LETTERS = frozenset(map(chr, (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0)))
# The zero-width non-joiner and joiner change how letters join in Persian, Arabic or Indic names; there, between
# two letters, they are part of the name. Anywhere else (and in ids and emails, always) they are refused.
_JOINERS = frozenset("\u200c\u200d")
_JOINING_SCRIPTS_FROM = 0x0590  # Hebrew onwards; Latin, Greek and Cyrillic names never use them
_WORDS = frozenset({"first_name", "last_name", "full_name", "department", "supervisor"})


def clean_text(value: str) -> str:
    """Surrounding whitespace removed, inner runs of whitespace (tabs and line breaks too) made one space, and
    accents composed (NFC)."""
    return unicodedata.normalize("NFC", " ".join(value.split()))


def same_text(value: str) -> str:
    """What two ids or emails are compared by: their cleaned text with case ignored."""
    return unicodedata.normalize("NFC", clean_text(value).casefold())


def clean_cell(value: str, *, joiners: bool = False) -> tuple[str, str | None]:
    """The cleaned text, or a problem; checked before cleaning, which would fold some controls into spaces.
    Every cell a list of people gives is read through this (a roster's, HR's employee list's).

    With `joiners`, a zero-width joiner or non-joiner between two letters of a script that joins is kept."""
    found = _CONTROLS.search(value)
    if found:
        return "", _("contains an invisible control character (U+{code}); delete it").format(code=_code(found.group()))
    found = _OVERRIDES.search(value)
    if found:
        return "", _("contains a text-direction override (U+{code}); delete it").format(code=_code(found.group()))
    found = _MARKS.search(value)
    if found:
        return "", _("contains an invisible text-direction mark (U+{code} {name}); delete it").format(
            code=_code(found.group()), name=unicodedata.name(found.group(), ""))
    hidden = _invisible(value, joiners=joiners)
    if hidden is not None:
        return "", _("contains an invisible character (U+{code} {name}), so it would not match the same text typed "
                     "again; retype the value").format(code=_code(hidden), name=unicodedata.name(hidden, ""))
    return clean_text(value), None


def _invisible(value: str, *, joiners: bool) -> str | None:
    """The first character of `value` that shows nothing and is not part of the writing, if any."""
    for index, char in enumerate(value):
        if char.isascii() or not (char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"):
            continue
        if joiners and char in _JOINERS and _joins(value, index):
            continue
        return char
    return None


def _joins(value: str, index: int) -> bool:
    """Whether the joiner at `index` stands between two letters (or marks) of a script that joins."""
    if index == 0 or index == len(value) - 1:
        return False
    return all(ord(c) >= _JOINING_SCRIPTS_FROM and unicodedata.category(c)[0] in "LM"
               for c in (value[index - 1], value[index + 1]))


def _code(char: str) -> str:
    return f"{ord(char):04X}"


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


_YES, _NO = YES, NO


def supervisor_flag(value: str, column: str) -> tuple[bool, str | None]:
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
