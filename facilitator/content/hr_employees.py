"""HR's employee list (CSV or Excel), read into `Employee`s for the due-date rules: `hr employees import FILE`.

The file is read as a roster is (`roster_file.read_table` with the employee list's own limits and words: encodings
found with charset-normalizer, CSV dialects, the first sheet of a workbook, zip bombs and oversized files refused
unread), and every cell is checked as a roster's is (invisible characters, lengths, e-mail addresses, yes or no).
Then the employee list's own columns:

- employee id (required: it ties a person to their trainings; each once in the file, case ignored),
- first and last name, or one name column,
- e-mail (optional),
- work location jurisdictions: the codes of jurisdiction profiles (`ny-state; nyc`), separated by semicolons,
  commas or spaces, each one the library knows ("none" where no law applies),
- supervisor: yes or no (empty is no),
- hire date (the column is required; an empty cell is allowed, and the due dates then say it is missing),
- supervisor since (optional; only for a supervisor, never before the hire date; empty: since hire).

Dates: 2024-01-31 (ISO, with or without a time), 01/31/2024 or 31/01/2024 (slashes, dots or dashes; which of the
two is decided for the whole file from the dates that can only be read one way, and a file that mixes them is
refused; when every date could be either, month first, as US spreadsheets write them), 31 Jan 2024, Jan 31, 2024 and
the like; an Excel date cell is read as the date it shows. A two-digit year, or a bare number (an Excel date that
lost its format), is refused with what to do. Values are never evaluated: a name starting with "=" is text.

Every problem names the row as a spreadsheet shows it, the column by its header, what is wrong and what to do. The
list is all or nothing: `load_employees` returns everyone or raises with every problem.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from pathlib import Path

from facilitator.content.roster_columns import column_name, guess_columns, header_key
from facilitator.content.roster_file import check_person, clean_cell, read_table
from facilitator.content.roster_rows import extra_cells, same_text, supervisor_flag, uncalculated
from facilitator.content.roster_table import ListKind, RawRow, RosterProblem, RosterTable
from facilitator.domain.employees import Employee
from facilitator.i18n import N_, _, ngettext

MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 100_000  # twice the largest workforce `hr due` is measured on
MAX_CELLS = 4_000_000  # 100,000 people in 40 columns
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def _too_many(path: Path, rows: int) -> str:
    return ngettext(
        "{file}: has more than {rows} row, far more than an employee list; check that this is the right file, or "
        "split it",
        "{file}: has more than {rows} rows, far more than an employee list; check that this is the right file, or "
        "split it", rows).format(file=path, rows=f"{rows:,}")


EMPLOYEE_LIST = ListKind(MAX_BYTES, MAX_ROWS, MAX_CELLS, N_("an employee list"), N_("the employee list"),
                         N_("the employee list your HR system exports (CSV or XLSX)"), _too_many)

# The fields an employee list gives, with their words in messages.
FIELDS: Mapping[str, str] = {
    "employee_id": N_("employee id"), "first_name": N_("first name"), "last_name": N_("last name"),
    "full_name": N_("full name"), "email": N_("email"), "jurisdictions": N_("work location jurisdictions"),
    "is_supervisor": N_("supervisor (yes or no)"), "hire_date": N_("hire date"),
    "supervisor_since": N_("supervisor since"),
}
_FROM_ROSTER = ("employee_id", "first_name", "last_name", "full_name", "email", "is_supervisor")
REQUIRED = ("employee_id", "jurisdictions", "is_supervisor", "hire_date")
# The header to suggest for a missing column: words the header guess below knows, so never translated.
_HEADERS = {"employee_id": "Employee ID", "jurisdictions": "Jurisdictions",  # not user text: a header we read
            "is_supervisor": "Supervisor", "hire_date": "Hire date"}  # not user text: a header we read
# Header words for the employee list's own fields (compared as roster headers are: case, spaces and punctuation
# ignored), the most specific first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "jurisdictions": ("worklocationjurisdictions", "worklocationjurisdiction", "jurisdictions", "jurisdiction",
                      "jurisdictioncodes", "jurisdictioncode", "locationjurisdictions", "worklocations",
                      "worklocation", "locations", "location", "workstates", "workstate", "states", "state", "laws"),
    "hire_date": ("hiredate", "dateofhire", "datehired", "originalhiredate", "employmentstartdate", "startdate",
                  "dateofjoining", "joiningdate", "hired", "hire", "joined"),
    "supervisor_since": ("supervisorsince", "supervisorsincedate", "supervisorstartdate", "datebecamesupervisor",
                         "becamesupervisor", "supervisorfrom", "managersince", "managerstartdate", "promotiondate",
                         "promotedon", "promoted"),
}
_BY_ALIAS = {alias: (name, rank) for name, aliases in _ALIASES.items() for rank, alias in enumerate(aliases)}
_SEPARATORS = re.compile(r"[;,|\s]+")


class EmployeeListError(Exception):
    """The list has problems, so nothing of it is imported; carries every problem, each with its row and column."""

    def __init__(self, file: Path, problems: Sequence[RosterProblem]) -> None:
        super().__init__("\n".join(f"{file}: {p}" for p in problems))
        self.file = file
        self.problems = list(problems)


@dataclass(frozen=True)
class EmployeeRow:
    """A row that passed every check."""

    row: int
    employee: Employee


@dataclass(frozen=True)
class EmployeeList:
    """Every row of an employee list checked: the good ones as employees, the others as problems."""

    table: RosterTable
    mapping: dict[str, int]  # field -> 0-based column
    employees: list[EmployeeRow]
    problems: list[RosterProblem] = field(default_factory=list)

    @property
    def columns(self) -> dict[str, str]:
        """field -> the header of its column."""
        return {name: column_name(self.table.headers, column) for name, column in self.mapping.items()}

    @property
    def rows_read(self) -> int:
        return len(self.table.rows)


def load_employees(path: Path, jurisdictions: Collection[str]) -> list[Employee]:
    """Everyone on the list at `path`, all or nothing: raises EmployeeListError with every problem found, or
    RosterFileError if the file cannot be read at all. `jurisdictions` are the codes the library knows."""
    read = read_employee_list(path, jurisdictions)
    if read.problems:
        raise EmployeeListError(path, read.problems)
    return [r.employee for r in read.employees]


def read_employee_list(path: Path, jurisdictions: Collection[str],
                       mapping: Mapping[str, int] | None = None) -> EmployeeList:
    """Read and check the list at `path` (columns as `mapping` says, else as guessed from the headers); raises
    RosterFileError if the file cannot be read at all."""
    return parse_employee_list(read_table(path, EMPLOYEE_LIST), jurisdictions, mapping)


def guess_employee_columns(table: RosterTable) -> dict[str, int]:
    """Which column holds each field: the roster's guess for the names, id, e-mail and supervisor flag (a column
    headed "Supervisor" is the yes or no here, whatever it holds), and the employee list's own header words for the
    others."""
    roster = guess_columns(table)
    chosen = {name: column for name, column in roster.items() if name in _FROM_ROSTER}
    # A roster's "Supervisor" may name someone's boss; an employee list has no boss column, so a column headed
    # "Supervisor" is the yes or no, and each of its cells is checked as one.
    boss = roster.get("supervisor")
    if "is_supervisor" not in chosen and boss is not None and header_key(table.headers[boss]) == "supervisor":
        chosen["is_supervisor"] = boss
    best: dict[str, tuple[int, int]] = {}
    for column, header in enumerate(table.headers):
        found = _BY_ALIAS.get(header_key(header))
        if found and column not in chosen.values() and (found[0] not in best or (found[1], column) < best[found[0]]):
            best[found[0]] = (found[1], column)
    chosen.update({name: column for name, (_rank, column) in best.items()})
    return {name: chosen[name] for name in FIELDS if name in chosen}


def parse_employee_list(table: RosterTable, jurisdictions: Collection[str],
                        mapping: Mapping[str, int] | None = None) -> EmployeeList:
    """Check every row of `table` and collect employees and problems (problems with the whole file first)."""
    chosen = dict(guess_employee_columns(table) if mapping is None else mapping)
    for name, column in chosen.items():
        if name not in FIELDS:
            raise ValueError(f"unknown employee list field {name!r}")  # not user text: a caller's slip
        if not 0 <= column < max(table.width, 1):
            raise ValueError(f"column {column} for {name!r} is outside the table")  # not user text: a caller's slip
    columns = {name: column_name(table.headers, column) for name, column in chosen.items()}
    missing = _missing_columns(table, chosen)
    if missing:
        return EmployeeList(table, chosen, [], missing)
    if not table.rows:
        return EmployeeList(table, chosen, [], [RosterProblem(None, None, _(
            "there is no one below the header row (row {row}); add people's rows").format(row=table.header_row))])
    known = {code.casefold(): code for code in jurisdictions}
    cells = [{name: raw.cells[column] if column < len(raw.cells) else "" for name, column in chosen.items()}
             for raw in table.rows]
    order, problems = _date_order(table, cells, columns)
    employees: list[EmployeeRow] = []
    first_row: dict[str, int] = {}
    for raw, values in zip(table.rows, cells, strict=True):
        employee, found = _employee(raw, values, columns, known, order)
        formulas = uncalculated(raw, chosen, columns)
        if formulas:  # an empty cell is the formula's fault, not the person's
            employee, found = None, formulas + [p for p in found if p.column not in {f.column for f in formulas}]
        found += extra_cells(table, raw)
        found += _repeated_id(raw.row, values.get("employee_id", ""), columns, first_row)
        problems += found
        if employee is not None and not found:
            employees.append(EmployeeRow(raw.row, employee))
    return EmployeeList(table, chosen, employees, sorted(problems, key=lambda p: -1 if p.row is None else p.row))


def _repeated_id(row: int, value: str, columns: Mapping[str, str], first_row: dict[str, int]) -> list[RosterProblem]:
    """An employee id met on an earlier row (case and spacing ignored), reported on the later one."""
    text, problem = clean_cell(value)
    if problem or not text:
        return []  # reported as the id's own problem
    earlier = first_row.setdefault(same_text(text), row)
    if earlier == row:
        return []
    return [RosterProblem(row, columns["employee_id"], _(
        "employee id '{value}' is also on row {row}; delete one of the two rows, or correct the id").format(
        value=text, row=earlier))]


def _missing_columns(table: RosterTable, chosen: Mapping[str, int]) -> list[RosterProblem]:
    found = ", ".join(f"'{h}'" for h in table.headers if h) or _("none")
    problems = []
    if not any(name in chosen for name in ("first_name", "last_name", "full_name")):
        problems.append(RosterProblem(None, None, _(
            "no column holds people's names (the columns found are: {columns}); head them 'First name' and 'Last "
            "name', or one 'Name' column").format(columns=found)))
    for name in REQUIRED:
        if name not in chosen:
            problems.append(RosterProblem(None, None, _(
                "no column holds the {field} (the columns found are: {columns}); add a column headed '{header}', or "
                "rename the one that holds it").format(field=_(FIELDS[name]), columns=found, header=_HEADERS[name])))
    return problems


def _employee(raw: RawRow, values: Mapping[str, str], columns: Mapping[str, str], known: Mapping[str, str],
              order: str | None) -> tuple[Employee | None, list[RosterProblem]]:
    row = raw.row
    person, problems = check_person({n: v for n, v in values.items() if n in _FROM_ROSTER}, row=row, columns=columns)
    if person is not None and not person.employee_id:
        problems.append(RosterProblem(row, columns["employee_id"], _(
            "the employee id is empty; fill it in (it ties the person to their trainings), or delete the row")))
    codes, problem = _jurisdictions(values.get("jurisdictions", ""), known)
    if problem:
        problems.append(RosterProblem(row, columns["jurisdictions"], problem))
    hired, problem = _date_cell(values.get("hire_date", ""), order)
    if problem:
        problems.append(RosterProblem(row, columns["hire_date"], problem))
    since, problem = _date_cell(values.get("supervisor_since", ""), order)
    if problem:
        problems.append(RosterProblem(row, columns["supervisor_since"], problem))
    supervises, unclear = supervisor_flag(clean_cell(values.get("is_supervisor", ""))[0], columns["is_supervisor"])
    if since is not None and not supervises and not unclear:
        problems.append(RosterProblem(row, columns["supervisor_since"], _(
            "gives a date, but the {column} column says this person is not a supervisor; clear the date, or write "
            "yes there").format(column=columns["is_supervisor"])))
    if hired is not None and since is not None and since < hired:
        problems.append(RosterProblem(row, columns["supervisor_since"], _(
            "{since} is before the hire date ({hired}); correct one of the two").format(
            since=since.isoformat(), hired=hired.isoformat())))
    if person is None or problems:
        return None, problems
    return Employee(employee_id=person.employee_id or "", first_name=person.first_name, last_name=person.last_name,
                    jurisdictions=codes, is_supervisor=person.is_supervisor, hire_date=hired,
                    supervisor_since=since, email=person.email), []


# --- jurisdictions -------------------------------------------------------------------------------------------------

def _jurisdictions(value: str, known: Mapping[str, str]) -> tuple[tuple[str, ...], str | None]:
    """The codes listed, each once and as the library writes it, or a problem."""
    text, problem = clean_cell(value)
    if problem:
        return (), problem
    words = [w for w in _SEPARATORS.split(text) if w]
    if not words:
        return (), _("lists no jurisdiction; write the codes of the laws where this person works (separated by "
                     "semicolons or commas), or none where no law applies")
    unknown = [w for w in words if w.casefold() not in known]
    if unknown:
        word = unknown[0]
        close = get_close_matches(word.casefold(), list(known), n=1, cutoff=0.6)
        if close:
            return (), _("'{code}' is not a jurisdiction code; did you mean '{suggestion}'?").format(
                code=word, suggestion=known[close[0]])
        return (), _("'{code}' is not a jurisdiction code; use one of: {codes}").format(
            code=word, codes=", ".join(sorted(known.values())))
    return tuple(dict.fromkeys(known[w.casefold()] for w in words)), None


# --- dates ---------------------------------------------------------------------------------------------------------

MONTH_FIRST, DAY_FIRST = "month-first", "day-first"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$|^\d{1,2}[- ][A-Za-z]{3,9}[- ]\d{2}$")
_SERIAL = re.compile(r"^\d{4,6}(\.0+)?$")
# A month by its English name: read here rather than with strptime, whose %b follows the locale the app runs in.
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?[ \-]+([A-Za-z]+)\.?,?[ \-]+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?[ \-]+(\d{1,2})(?:st|nd|rd|th)?,?[ \-]+(\d{4})$")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december")
_MONTHS = {word: n for n, name in enumerate(_MONTH_NAMES, 1) for word in (name, name[:3])} | {"sept": 9}


def _date_order(table: RosterTable, cells: list[dict[str, str]], columns: Mapping[str, str]
                ) -> tuple[str | None, list[RosterProblem]]:
    """Month or day first in the file's numeric dates (01/31/2024, 31/01/2024): what the dates that can only be
    read one way say; month first when every one could be either. A file with both is a problem (and the order
    None: its numeric dates are not read, the one problem says why)."""
    seen: dict[str, tuple[int, str, str]] = {}  # order -> the first row showing it, its column and value
    for raw, values in zip(table.rows, cells, strict=True):
        for name in ("hire_date", "supervisor_since"):
            found = _NUMERIC.match(values.get(name, "").strip())
            if not found:
                continue
            first, second = int(found.group(1)), int(found.group(2))
            if first > 12 >= second:
                seen.setdefault(DAY_FIRST, (raw.row, columns[name], found.group()))
            elif second > 12 >= first:
                seen.setdefault(MONTH_FIRST, (raw.row, columns[name], found.group()))
    if len(seen) == 2:
        (m_row, m_column, m_value), (d_row, d_column, d_value) = seen[MONTH_FIRST], seen[DAY_FIRST]
        return None, [RosterProblem(None, None, _(
            "the dates are written both month first (row {month_row}, {month_column}: {month_value}) and day first "
            "(row {day_row}, {day_column}: {day_value}), so some cannot be read for sure; write every date the same "
            "way, best as 2024-01-31").format(month_row=m_row, month_column=m_column, month_value=m_value,
                                              day_row=d_row, day_column=d_column, day_value=d_value))]
    return (DAY_FIRST if DAY_FIRST in seen else MONTH_FIRST), []


def _date_cell(value: str, order: str | None) -> tuple[date | None, str | None]:
    """The date in a cell (None if empty), or a problem. With no `order` (the file writes dates both ways), a
    numeric date is read only if it can be read one way alone."""
    text, problem = clean_cell(value)
    if problem:
        return None, problem
    if not text:
        return None, None
    numeric = _NUMERIC.match(text)
    if order is None and numeric and int(numeric.group(1)) <= 12 and int(numeric.group(2)) <= 12:
        return None, _("'{value}' could be month first or day first, and this file writes dates both ways; write it "
                       "as 2024-01-31").format(value=text)
    if order is None and numeric:
        order = DAY_FIRST if int(numeric.group(1)) > 12 else MONTH_FIRST
    day = parse_date(text, order or MONTH_FIRST)
    if day is None:
        if _SHORT_YEAR.match(text):
            return None, _("'{value}' has a two-digit year; write the year in full (2024-01-31, or 01/31/2024)").format(
                value=text)
        if _SERIAL.match(text):
            return None, _("'{value}' is a number, not a date (an Excel date that lost its format, perhaps); format "
                           "the column as a date in Excel, or write 2024-01-31").format(value=text)
        return None, _("'{value}' is not a date; write it as 2024-01-31 (or 01/31/2024)").format(value=text)
    if not EARLIEST <= day <= LATEST:
        return None, _("'{value}' is not a date between {first} and {last}; correct the year").format(
            value=text, first=EARLIEST.year, last=LATEST.year)
    return day, None


def parse_date(text: str, order: str = MONTH_FIRST) -> date | None:
    """A date as spreadsheets write one, or None: ISO (2024-01-31, with or without a time), numeric with a
    four-digit year in `order` (01/31/2024 month first, 31.01.2024 day first), or with an English month name
    (31 Jan 2024, January 31, 2024)."""
    found = _ISO.match(text)
    if found:
        return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    found = _NUMERIC.match(text)
    if found:
        first, second, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
        month, day = (first, second) if order == MONTH_FIRST else (second, first)
        return _make(year, month, day)
    found = _DAY_MONTH_YEAR.match(text)
    if found and found.group(2).casefold() in _MONTHS:
        return _make(int(found.group(3)), _MONTHS[found.group(2).casefold()], int(found.group(1)))
    found = _MONTH_DAY_YEAR.match(text)
    if found and found.group(1).casefold() in _MONTHS:
        return _make(int(found.group(3)), _MONTHS[found.group(1).casefold()], int(found.group(2)))
    return None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None

