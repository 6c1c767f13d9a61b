"""Read the rosters HR sends (CSV or Excel) into people, tying every problem to a row a spreadsheet shows.

Three steps, each usable on its own so that a preview dialog can show what was read and let the trainer
change which column means what:

- `read_table(path)` finds the encoding, the delimiter, the sheet and the header row, and returns the raw cells.
- `guess_mapping(headers)` says which column holds which field ("Emp #" is the employee id, "Surname" the
  last name, ...).
- `parse_roster(table, mapping)` checks every row and turns the good ones into `Person`s; the rest become
  problems saying which row, which column, what is wrong and what to do.

Row numbers are the ones a spreadsheet shows: a CSV record that spans lines (a quoted cell with a line
break) is one row, and blank rows still count. Values are never evaluated: a name starting with "=" is text.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from facilitator.domain.roster import Person

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # people in one file; a session's roster is far smaller, so more means the wrong file
HEADER_SEARCH_ROWS = 10  # HR exports often put a title and a date above the header row
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}

# The fields of a roster row, with the words used for them in messages.
FIELDS: dict[str, str] = {
    "employee_id": "employee id", "first_name": "first name", "last_name": "last name",
    "full_name": "full name", "email": "email", "department": "department", "supervisor": "supervisor",
    "language": "language", "is_supervisor": "is a supervisor",
}
NAME_FIELDS = ("first_name", "last_name", "full_name")
# The sizes of the storage columns (storage/models.py), so that nothing is cut short when saved.
LIMITS = {"first_name": 100, "last_name": 100, "employee_id": 64, "email": 254, "department": 100,
          "supervisor": 200, "language": 16}


class RosterFileError(Exception):
    """The file cannot be read as a roster at all; the message names the file and says what to do."""


@dataclass(frozen=True)
class RawRow:
    """One non-blank row as read, with its number as a spreadsheet shows it."""

    row: int
    cells: list[str]


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
        where = f"row {self.row}: " if self.row is not None else ""
        return where + (f"{self.column}: " if self.column else "") + self.message


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


# --- reading the file ----------------------------------------------------------------------------------

def read_table(path: Path) -> RosterTable:
    """Read a CSV or XLSX roster's header and rows; raises RosterFileError if it cannot be read at all."""
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):  # an Excel workbook, whatever its name says
        records, sheet = _read_workbook(path, data)
        return _table(path, "xlsx", records, sheet=sheet)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise RosterFileError(f"{path}: is not an Excel workbook (an .xlsx file is a zip archive and this one "
                              "is not); open it in Excel and save it again as .xlsx or as CSV UTF-8")
    text, encoding = _decode(path, data)
    if not text.strip():  # a byte-order mark and nothing else, say
        raise RosterFileError(f"{path}: is empty; export the roster again")
    records, delimiter = _read_csv(path, text)
    return _table(path, "csv", records, encoding=encoding, delimiter=delimiter)


def _read_bytes(path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix in {".xls", ".ods", ".numbers"}:
        raise RosterFileError(f"{path}: '{suffix}' files cannot be read; save the roster as .xlsx or as CSV UTF-8")
    if suffix not in TEXT_SUFFIXES | WORKBOOK_SUFFIXES:
        raise RosterFileError(f"{path}: is not a roster file (it should end in .csv or .xlsx); "
                              "save the roster as .xlsx or as CSV UTF-8")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RosterFileError(f"{path}: is larger than {MAX_BYTES // (1024 * 1024)} MB, far more than a "
                                  "roster; check that this is the right file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise RosterFileError(f"{path}: does not exist; check the file name and folder") from None
    except IsADirectoryError:
        raise RosterFileError(f"{path}: is a folder; choose the roster file inside it") from None
    except OSError as exc:
        raise RosterFileError(f"{path}: cannot be read ({exc.strerror}); check the path and permissions") from exc
    if not data.strip():
        raise RosterFileError(f"{path}: is empty; export the roster again")
    _refuse_known_binaries(path, data)
    return data


# Files people pick by mistake, told apart by their first bytes so the message can say what they are. Other
# binary files are caught later by their zero bytes.
_SIGNATURES = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
               (b"%PDF-", "a PDF document"), (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"),
               (b"7z\xbc\xaf", "a 7-Zip archive"))


def _refuse_known_binaries(path: Path, data: bytes) -> None:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(f"{path}: is an old-style Excel (.xls) or password-protected workbook; open it in "
                              "Excel, remove any password and save it as .xlsx or as CSV UTF-8")
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise RosterFileError(f"{path}: is {what}, not a roster; choose the CSV or XLSX file HR sent")


def _table(path: Path, kind: str, records: list[RawRow], **how: str | None) -> RosterTable:
    filled = [r for r in records if any(c.strip() for c in r.cells)]
    header_at = _find_header(filled)
    header = filled[header_at] if filled else RawRow(0, [])
    rows = filled[header_at + 1:]
    if len(rows) > MAX_ROWS:
        raise _too_many_rows(path)
    headers = [" ".join(h.split()) for h in header.cells]
    return RosterTable(path, kind, headers, header.row if filled else None, rows, **how)


def _too_many_rows(path: Path) -> RosterFileError:
    return RosterFileError(f"{path}: has more than {MAX_ROWS:,} rows, far more than one session's roster; "
                           "check that this is the right file, or split it")


def _find_header(rows: list[RawRow]) -> int:
    """The first of the top rows that names a name column; failing that, the first row."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(f in guess_mapping(row.cells) for f in NAME_FIELDS):
            return index
    return 0


# --- text files: encoding and delimiter ------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Excel's "CSV" on Windows is in the ANSI code page, Windows-1252 wherever Western names are written. On
# short files charset-normalizer's guess is unreliable ("José" alone reads as UTF-16, "Zoë" as Urdu), so
# another code page wins only when there is enough text to judge (EVIDENCE_BYTES beyond ASCII) and that text
# reads as gibberish in Windows-1252 (charset-normalizer's mess above WESTERN_MESS: Western names score
# near 0, Cyrillic, Greek or Japanese read as Windows-1252 above 1).
EVIDENCE_BYTES = 16
WESTERN_MESS = 0.6
# Code pages a spreadsheet program actually writes; charset-normalizer's other candidates (DOS and Macintosh
# pages, Urdu, ...) only ever win by accident. ISO 8859-1 is left out too: Windows-1252 is the same where it
# matters and has letters (the euro sign, curly quotes) where 8859-1 has invisible controls.
_PLAUSIBLE = re.compile(r"^(cp125\d|cp874|cp932|cp936|cp949|cp950|big5|gb2312|gb18030|gbk|shift_jis|euc_jp|"
                        r"euc_kr|iso2022_jp|koi8_r|koi8_u|iso8859_([2-9]|1[0-6]))$")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    encoding = _detect_encoding(path, data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text(path) from exc
    return text.removeprefix("\ufeff"), encoding


def _detect_encoding(path: Path, data: bytes) -> str:
    """UTF with a byte-order mark; else UTF-8 if the bytes are UTF-8; else Excel's Windows-1252 unless
    the text plainly is another language's code page."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if _decodes(data, "utf-8"):
        return "utf-8"
    if b"\x00" in data:
        return _utf16_without_bom(path, data)
    # Judge the letters only: a stray control character (reported later with its row) would otherwise
    # make every code page look wrong. Multi-byte Asian encodings never use these bytes inside a character.
    letters = re.sub(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", b"", data)
    western = _decodes(letters, "cp1252")
    if western and not _plainly_not_western(letters):
        return "windows-1252"
    guess = from_bytes(letters).best()
    if guess is not None and _PLAUSIBLE.match(guess.encoding):
        return _friendly_codec(guess.encoding)
    if western:
        return "windows-1252"
    raise _not_text(path)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _plainly_not_western(data: bytes) -> bool:
    if len(data) - len(data.translate(None, _HIGH_BYTES)) < EVIDENCE_BYTES:
        return False
    match = from_bytes(data, cp_isolation=["cp1252"], threshold=1.0).best()
    return match is None or match.chaos > WESTERN_MESS


def _utf16_without_bom(path: Path, data: bytes) -> str:
    """Text with zero bytes is UTF-16 only if every other byte is zero (Latin text); otherwise it is binary."""
    pairs = len(data) // 2
    odd_zeros, even_zeros = data[1::2].count(0), data[0::2].count(0)
    if len(data) % 2 == 0 and pairs:
        if odd_zeros > pairs * 0.3 and even_zeros < pairs * 0.05:
            return "utf-16-le"
        if even_zeros > pairs * 0.3 and odd_zeros < pairs * 0.05:
            return "utf-16-be"
    raise RosterFileError(f"{path}: is not a text file (it holds binary data); "
                          "choose the CSV or XLSX file HR sent")


def _friendly_codec(name: str) -> str:
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def _not_text(path: Path) -> RosterFileError:
    return RosterFileError(f"{path}: is not text in any encoding we recognise; in Excel use File > Save As > "
                           "'CSV UTF-8', or export the roster as .xlsx")


_DELIMITERS = (",", ";", "\t", "|")  # in order of preference when two fit equally well
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)  # Excel's hint line; Excel itself hides it


def _read_csv(path: Path, text: str) -> tuple[list[RawRow], str]:
    hint = _SEP_LINE.match(text)
    if hint:
        text = text[hint.end():]
    delimiter = hint.group(1) if hint else _detect_delimiter(text)
    records: list[RawRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            records.append(RawRow(number, cells))
    except csv.Error as exc:
        raise RosterFileError(f"{path}: row {len(records) + 1} cannot be read ({exc}); check the quotes "
                              "in that row") from exc
    _refuse_unclosed_quote(path, text, delimiter, records)
    return records, delimiter


def _detect_delimiter(text: str) -> str:
    """The delimiter under which the top rows hold a recognisable header, and which splits the most of them
    into the same number (more than one) of columns.

    csv.Sniffer guesses wrong on rosters whose names contain commas; counting whole parsed rows does not,
    because the csv module keeps quoted delimiters inside their cells.
    """
    best, best_score = ",", (0, 0, 0)
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = [r for r in islice(reader, 50) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        header_fields = max((len(guess_mapping(r)) for r in rows[:HEADER_SEARCH_ROWS]), default=0)
        width, count = Counter(len(r) for r in rows).most_common(1)[0] if rows else (0, 0)
        score = (header_fields, count, width) if width > 1 else (header_fields, 0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _refuse_unclosed_quote(path: Path, text: str, delimiter: str, records: list[RawRow]) -> None:
    """A quote that is never closed swallows the rest of the file into one cell; the csv module allows it."""
    if not records or not any("\n" in c or "\r" in c for c in records[-1].cells):
        return  # the cheap test: only a last row with a line break in a cell can be an unclosed quote
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        raise RosterFileError(f"{path}: row {records[-1].row}: a quote (\") opened in this row is never closed, "
                              "so the rest of the file would be read as one cell; close or remove the quote"
                              ) from None


# --- workbooks -------------------------------------------------------------------------------------------

def _read_workbook(path: Path, data: bytes) -> tuple[list[RawRow], str]:
    """The rows of the first sheet that has any data, as text."""
    from openpyxl import load_workbook  # openpyxl takes a moment to import; CSV rosters never need it

    # openpyxl warns about workbook features it ignores (styles, data validation); none matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl; say one thing
            raise RosterFileError(f"{path}: is not an Excel workbook that can be read ({_reason(exc)}); open "
                                  "it in Excel and save it again as .xlsx or as CSV UTF-8") from exc
        try:
            return _first_sheet_with_data(path, workbook)
        finally:
            workbook.close()


def _reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "it is not a complete zip archive"
    return str(exc).strip() or type(exc).__name__


def _first_sheet_with_data(path: Path, workbook: Workbook) -> tuple[list[RawRow], str]:
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        sheet.reset_dimensions()  # some programs write wrong sheet sizes; read what is really there
        try:
            records = list(_sheet_rows(path, sheet.iter_rows(min_row=1, values_only=True)))
        except RosterFileError:
            raise
        except Exception as exc:
            raise RosterFileError(f"{path}: the sheet '{sheet.title}' cannot be read ({_reason(exc)}); open the "
                                  "workbook in Excel and save it again") from exc
        if any(any(c.strip() for c in r.cells) for r in records):
            return records, sheet.title
    raise RosterFileError(f"{path}: every sheet of this workbook is empty; check that this is the right file")


def _sheet_rows(path: Path, rows: Iterable[tuple[object, ...]]) -> Iterator[RawRow]:
    filled = 0
    for number, values in enumerate(rows, start=1):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue  # blank (perhaps only formatted) rows: a sheet can have a million of them
        filled += 1
        if filled > MAX_ROWS + HEADER_SEARCH_ROWS:  # stop early: a workbook can unpack to far more than 10 MB
            raise _too_many_rows(path)
        yield RawRow(number, cells)


def _cell_text(value: object) -> str:
    """A cell as the trainer sees it: employee id 1234 stored as the number 1234.0 reads "1234"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# --- which column is which field -----------------------------------------------------------------------

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
_ROLE_HEADERS = {"role", "jobrole", "employeerole"}  # free text such as "Manager"; others are yes/no


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


def choose_columns(headers: Sequence[str], mapping: Mapping[str, int], choices: Mapping[str, int | str | None],
                   file: Path | None = None) -> dict[str, int]:
    """`mapping` changed by the trainer's `choices`: field -> 0-based column, or header text, or a 1-based
    column number as text ("3"), or None to leave the field out. Raises RosterFileError on a wrong choice."""
    chosen = dict(mapping)
    where = f"{file}: " if file else ""
    named = {name: _field_name(name) for name in choices}
    for name, wanted in named.items():
        if wanted is None:
            raise RosterFileError(f"{where}there is no field '{name}'; the fields are: {', '.join(FIELDS)}")
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
            both = " and ".join(n for n, c in chosen.items() if c == column)
            raise RosterFileError(f"{where}column '{_column_name(headers, column)}' is chosen for {both}; "
                                  "choose one column per field")
    return {name: chosen[name] for name in FIELDS if name in chosen}


def _field_name(text: str) -> str | None:
    key = re.sub(r"[^a-z]+", "_", text.casefold()).strip("_")
    by_label = {label.replace(" ", "_"): name for name, label in FIELDS.items()}
    return key if key in FIELDS else by_label.get(key)


def _column_index(headers: Sequence[str], column: int | str, where: str) -> int:
    if isinstance(column, int) and 0 <= column < len(headers):
        return column
    if isinstance(column, int):
        raise RosterFileError(f"{where}there is no column {column + 1}; the file has {len(headers)}")
    keys = [header_key(h) for h in headers]
    for index, header in enumerate(headers):
        if header == column.strip():
            return index
    if header_key(column) in keys and header_key(column):
        return keys.index(header_key(column))
    if column.strip().isdigit() and 1 <= int(column) <= max(len(headers), 1):
        return int(column) - 1
    found = ", ".join(f"'{h}'" for h in headers if h) or "none"
    raise RosterFileError(f"{where}there is no column '{column}'; the columns are: {found}")


def _column_name(headers: Sequence[str], column: int) -> str:
    return headers[column] if column < len(headers) and headers[column] else f"column {column + 1}"


# --- checking the rows ---------------------------------------------------------------------------------

def parse_roster(table: RosterTable, mapping: Mapping[str, int] | None = None) -> ParsedRoster:
    """Check every row of `table` (columns as `mapping` says, else as guessed) and collect people and problems."""
    chosen = dict(guess_mapping(table.headers) if mapping is None else mapping)
    _check_mapping(chosen, table.width)
    if not any(f in chosen for f in NAME_FIELDS):
        return ParsedRoster(table, chosen, [], [RosterProblem(None, None, _not_a_roster(table))])
    if not table.rows:
        return ParsedRoster(table, chosen, [], [RosterProblem(None, None, "there is no one below the header row "
                                                              f"(row {table.header_row}); add people's rows")])
    columns = {name: _column_name(table.headers, column) for name, column in chosen.items()}
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
            raise ValueError(f"unknown roster field {name!r}")
        if not 0 <= column < max(width, 1):
            raise ValueError(f"column {column} for {name!r} is outside the table")


def _not_a_roster(table: RosterTable) -> str:
    found = ", ".join(f"'{h}'" for h in table.headers if h) or "none"
    return (f"this does not look like a roster: no column holds people's names (the columns found are: {found}). "
            "A roster needs 'First name' and 'Last name' columns, or one 'Name' column; rename the column "
            "in the file, or choose which column holds the names")


def _extra_cells(table: RosterTable, raw: RawRow) -> list[RosterProblem]:
    """In a CSV, cells beyond the header mean a value held the delimiter without quotes and was split."""
    extra = [c for c in raw.cells[len(table.headers):] if c.strip()]
    if table.delimiter is None or not extra:
        return []
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}.get(table.delimiter, table.delimiter)
    return [RosterProblem(raw.row, None, f"this row has {len(extra)} more filled cell(s) than the header has "
                          f"columns; a value probably contains a {name} without quotes around it - put that value "
                          "in quotes, or delete the extra cells")]


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
                found.append(RosterProblem(row, self.columns.get(name), f"{FIELDS[name]} '{value}' is also on "
                                           f"row {earlier}; delete one of the two rows, or correct the value"))
        return found


def check_person(values: Mapping[str, str | None], *, row: int | None = None,
                 columns: Mapping[str, str] | None = None) -> tuple[Person | None, list[RosterProblem]]:
    """Clean and check one person's fields (raw text by field name); a Person only if there is no problem.

    `columns` names each field's column for messages (the file's header); by default the field's own words.
    """
    where = {name: (columns or {}).get(name) or FIELDS[name] for name in FIELDS}
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
        problems.append(RosterProblem(row, name_column, "the name is empty; fill in the person's name, "
                                      "or delete the row"))
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
        last, _, first = full.partition(",")
    else:
        first, _, last = full.rpartition(" ")
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
        kind = "a text-direction override" if code > 0xFF else "an invisible control character"
        return "", f"contains {kind} (U+{code:04X}); delete it"
    return clean_text(value), None


_EMAIL_PART = r"[^@\s\"(),:;<>\[\]\\]"
_EMAIL_LABEL = r"[^@\s\"(),:;<>\[\]\\.]"
_EMAIL = re.compile(rf"(?!\.)(?!.*\.\.){_EMAIL_PART}+(?<!\.)@(?:{_EMAIL_LABEL}+\.)+{_EMAIL_LABEL}{{2,}}")


def _field_problems(row: int | None, clean: Mapping[str, str], where: Mapping[str, str]) -> list[RosterProblem]:
    problems = []
    for name, limit in LIMITS.items():
        value = clean.get(name, "")
        if len(value) > limit:
            problems.append(RosterProblem(row, where[name], f"is {len(value)} characters long; a {FIELDS[name]} "
                                          f"can have at most {limit} - shorten it"))
    email = clean.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        problems.append(RosterProblem(row, where["email"], f"'{email}' is not an email address; correct it "
                                      "(name@example.com) or leave the cell empty"))
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
    if header_key(column) in _ROLE_HEADERS:
        return False, None
    return False, f"'{value}' is neither yes nor no; write yes or no"
