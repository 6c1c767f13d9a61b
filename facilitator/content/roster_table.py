"""What a roster file is read into: the raw table, the fields of a row, and the problems found in it.

Shared by the steps of reading a roster (roster_text and roster_workbook read the cells, roster_columns says
which column is which field, roster_rows checks each row); `roster_file` puts them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.domain.roster import FIELD_LIMITS, FIELDS, Person
from facilitator.i18n import N_, _, ngettext

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # people in one file; a session's roster is far smaller, so more means the wrong file
# An .xlsx file is a zip archive: its parts together may unpack to at most MAX_UNPACKED bytes, and no large part
# may be packed more than MAX_PACKING times smaller than it unpacks (a real sheet packs 5 to 25 times; a zip bomb
# a thousand), so a 10 MB file can never fill the memory. A sheet may hold at most MAX_CELLS cells, counting each
# row as the cells written in it or as wide as its last filled cell, whichever is more.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_PACKING = 100
MAX_PARTS = 10_000
MAX_CELLS = 2_000_000
HEADER_SEARCH_ROWS = 10  # HR exports often put a title and a date above the header row
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}

NAME_FIELDS = ("first_name", "last_name", "full_name")
# The longest value of each text field: the domain's limits, which size the store's columns too.
LIMITS = FIELD_LIMITS


def field_label(name: str) -> str:
    """A field's words for a person ("employee id"), in the chosen language."""
    return _(FIELDS[name])


class RosterFileError(Exception):
    """The file cannot be read as a roster at all; the message names the file and says what to do."""


@dataclass(frozen=True)
class RawRow:
    """One non-blank row as read, with its number as a spreadsheet shows it."""

    row: int
    cells: list[str]
    formulas: tuple[int, ...] = ()  # XLSX only: the columns (0-based) of formulas with no saved result


@dataclass(frozen=True)
class RosterTable:
    """The raw cells of a roster file, below its header row, and how the file was read."""

    file: Path
    kind: str  # "csv" or "xlsx"
    headers: list[str]
    header_row: int | None
    rows: list[RawRow]
    encoding: str | None = None  # CSV only: a name Python's codecs know, e.g. "utf-8-sig", "windows-1252"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only

    @property
    def width(self) -> int:
        return max([len(self.headers), *(len(r.cells) for r in self.rows)])


@dataclass(frozen=True)
class RosterProblem:
    """What is wrong with one row (or, with no row, with the whole file) and what to do about it."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        problem = f"{self.column}: {self.message}" if self.column else self.message
        return problem if self.row is None else _("row {row}: {problem}").format(row=self.row, problem=problem)


@dataclass(frozen=True)
class RosterRow:
    """A row that passed every check."""

    row: int
    person: Person


@dataclass(frozen=True)
class ParsedRoster:
    """Every row of a table checked: the good ones as people, the others as problems."""

    table: RosterTable
    mapping: dict[str, int]
    people: list[RosterRow]
    problems: list[RosterProblem] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.table.rows)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})


@dataclass(frozen=True)
class ListKind:
    """A kind of list of people these modules read (a session's roster, HR's employee list): how large a file of
    it may be, and the words its messages name it by (marked with N_ where defined, translated where shown)."""

    max_bytes: int
    max_rows: int  # rows of people, below the header
    max_cells: int  # cells in a workbook's sheet
    a_list: str  # "a roster"
    the_list: str  # "the roster"
    source: str  # "the CSV or XLSX file HR sent": what to choose instead of a wrong file
    too_many: Callable[[Path, int], str]  # the message for a file of more than max_rows rows


def _too_many_in_a_roster(path: Path, rows: int) -> str:
    return ngettext(
        "{file}: has more than {rows} row, far more than one session's roster; check that this is the right file, "
        "or split it",
        "{file}: has more than {rows} rows, far more than one session's roster; check that this is the right "
        "file, or split it", rows).format(file=path, rows=f"{rows:,}")


ROSTER = ListKind(MAX_BYTES, MAX_ROWS, MAX_CELLS, N_("a roster"), N_("the roster"),
                  N_("the CSV or XLSX file HR sent"), _too_many_in_a_roster)


def too_many_rows(path: Path, list_kind: ListKind = ROSTER) -> RosterFileError:
    return RosterFileError(list_kind.too_many(path, list_kind.max_rows))
