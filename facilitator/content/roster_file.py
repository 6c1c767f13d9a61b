"""Read the rosters HR sends (CSV or Excel) into people, tying every problem to a row a spreadsheet shows.

Three steps, each usable on its own so that a preview dialog can show what was read and let the trainer
change which column means what:

- `read_table(path)` finds the encoding, the delimiter, the sheet and the header row, and returns the raw cells
  (roster_text reads the bytes, the encoding and the CSV dialect; roster_workbook reads Excel files).
- `guess_mapping(headers)` says which column holds which field ("Emp #" is the employee id, "Surname" the
  last name, ...): roster_columns.
- `parse_roster(table, mapping)` checks every row and turns the good ones into `Person`s; the rest become
  problems saying which row, which column, what is wrong and what to do: roster_rows.

HR's employee list (`hr_employees`) is read by the same first step, with its own limits and the words its messages
use (`ListKind`), and checked by its own rows.

Row numbers are the ones a spreadsheet shows: a CSV record that spans lines (a quoted cell with a line
break) is one row, and blank rows still count. Values are never evaluated: a name starting with "=" is text.
"""

from __future__ import annotations

from pathlib import Path

# The names the rest of the program (and the tests) import from here, wherever they are defined.
from facilitator.content.roster_columns import choose_columns as choose_columns
from facilitator.content.roster_columns import guess_columns as guess_columns
from facilitator.content.roster_columns import guess_mapping
from facilitator.content.roster_columns import header_key as header_key
from facilitator.content.roster_rows import check_person as check_person
from facilitator.content.roster_rows import clean_cell as clean_cell
from facilitator.content.roster_rows import clean_text as clean_text
from facilitator.content.roster_rows import parse_roster as parse_roster
from facilitator.content.roster_table import FIELDS as FIELDS
from facilitator.content.roster_table import (
    HEADER_SEARCH_ROWS,
    NAME_FIELDS,
    ROSTER,
    WORKBOOK_SUFFIXES,
    ListKind,
    RawRow,
    RosterFileError,
    RosterTable,
    too_many_rows,
)
from facilitator.content.roster_table import LIMITS as LIMITS
from facilitator.content.roster_table import MAX_BYTES as MAX_BYTES
from facilitator.content.roster_table import MAX_ROWS as MAX_ROWS
from facilitator.content.roster_table import ParsedRoster as ParsedRoster
from facilitator.content.roster_table import RosterProblem as RosterProblem
from facilitator.content.roster_table import RosterRow as RosterRow
from facilitator.content.roster_table import field_label as field_label
from facilitator.content.roster_text import decode, empty, read_bytes, read_csv
from facilitator.content.roster_workbook import read_workbook
from facilitator.i18n import _


def read_table(path: Path, list_kind: ListKind = ROSTER) -> RosterTable:
    """Read a CSV or XLSX list of people's header and rows (a roster, unless `list_kind` says another list); raises
    RosterFileError if it cannot be read at all."""
    data = read_bytes(path, list_kind)
    if data.startswith(b"PK\x03\x04"):  # an Excel workbook, whatever its name says
        records, sheet = read_workbook(path, data, list_kind)
        return _table(path, "xlsx", records, list_kind, sheet=sheet)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise RosterFileError(_("{file}: is not an Excel workbook (an .xlsx file is a zip archive and this one is "
                                "not); open it in Excel and save it again as .xlsx or as CSV UTF-8").format(file=path))
    text, encoding = decode(path, data, list_kind)
    if not text.strip():  # a byte-order mark and nothing else, say
        raise empty(path, list_kind)
    records, delimiter = read_csv(path, text, list_kind)
    return _table(path, "csv", records, list_kind, encoding=encoding, delimiter=delimiter)


def _table(path: Path, kind: str, records: list[RawRow], list_kind: ListKind, **how: str | None) -> RosterTable:
    filled = [r for r in records if any(c.strip() for c in r.cells)]
    header_at = _find_header(filled)
    header = filled[header_at] if filled else RawRow(0, [])
    rows = filled[header_at + 1:]
    if len(rows) > list_kind.max_rows:
        raise too_many_rows(path, list_kind)
    headers = [" ".join(h.split()) for h in header.cells]
    return RosterTable(path, kind, headers, header.row if filled else None, rows, **how)


def _find_header(rows: list[RawRow]) -> int:
    """The first of the top rows that names a name column; failing that, the first row."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(f in guess_mapping(row.cells) for f in NAME_FIELDS):
            return index
    return 0
