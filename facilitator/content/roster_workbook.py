"""Reading an Excel roster (.xlsx): the first sheet that has any data, every cell as the trainer sees it.

An .xlsx file is a zip archive of XML parts. Before openpyxl opens it, the archive's own table of contents is
checked: what the parts unpack to, and how tightly they are packed, so a zip bomb is refused unread (zipfile
never unpacks a part beyond the size it declares). The sheet is then read row by row, at most MAX_CELLS cells.
A formula whose result was never saved (a file written by a program that does not calculate) is noted with its
row and column, not read as an empty cell.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.content.roster_table import (
    HEADER_SEARCH_ROWS,
    MAX_PACKING,
    MAX_PARTS,
    MAX_UNPACKED,
    ROSTER,
    ListKind,
    RawRow,
    RosterFileError,
    too_many_rows,
)
from facilitator.files import size_text
from facilitator.i18n import _

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

_LARGE_PART = 1024 * 1024  # parts smaller than this may pack as tightly as they like


class _Uncalculated:
    """A formula cell with no saved result, as the sheet reader marks it."""


UNCALCULATED = _Uncalculated()


def read_workbook(path: Path, data: bytes, list_kind: ListKind = ROSTER) -> tuple[list[RawRow], str]:
    """The rows of the first sheet that has any data, as text, and the sheet's name."""
    from openpyxl import load_workbook  # openpyxl takes a moment to import; CSV rosters never need it

    _refuse_zip_bombs(path, data, list_kind)
    # openpyxl warns about workbook features it ignores (styles, data validation); none matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a damaged workbook fails in many ways inside openpyxl; say one thing
            raise RosterFileError(_("{file}: is not an Excel workbook that can be read ({reason}); open it in "
                                    "Excel and save it again as .xlsx or as CSV UTF-8").format(
                file=path, reason=_reason(exc))) from exc
        try:
            return _first_sheet_with_data(path, workbook, list_kind)
        finally:
            workbook.close()


def _refuse_zip_bombs(path: Path, data: bytes, list_kind: ListKind) -> None:
    """Refuse an archive whose parts would unpack to far more than any roster, judged from its table of contents
    alone (zipfile then holds each part to the size declared there)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise RosterFileError(_("{file}: is not an Excel workbook that can be read ({reason}); open it in Excel and "
                                "save it again as .xlsx or as CSV UTF-8").format(file=path, reason=_reason(exc))
                              ) from exc
    unpacked = sum(part.file_size for part in parts)
    packed_tight = next((part for part in parts if part.file_size > _LARGE_PART
                         and part.file_size > MAX_PACKING * max(part.compress_size, 1)), None)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED or packed_tight is not None:
        raise RosterFileError(_("{file}: would unpack to more than {size} or holds parts packed far more tightly "
                                "than any spreadsheet (a 'zip bomb'), so it is not opened; check that this is "
                                "{source}, or ask for {the_list} as CSV UTF-8").format(
            file=path, size=size_text(min(unpacked, MAX_UNPACKED)), source=_(list_kind.source),
            the_list=_(list_kind.the_list)))


def _reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return _("it is not a complete zip archive")
    return str(exc).strip() or type(exc).__name__


def _first_sheet_with_data(path: Path, workbook: Workbook, list_kind: ListKind) -> tuple[list[RawRow], str]:
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "_get_source"):
            continue  # a chart sheet
        try:
            records = list(_sheet_rows(path, sheet.title, _parsed_rows(workbook, sheet), list_kind))
        except RosterFileError:
            raise
        except Exception as exc:
            raise RosterFileError(_("{file}: the sheet '{sheet}' cannot be read ({reason}); open the workbook in "
                                    "Excel and save it again").format(file=path, sheet=sheet.title,
                                                                      reason=_reason(exc))) from exc
        if any(any(c.strip() for c in r.cells) for r in records):
            return records, sheet.title
    raise RosterFileError(_("{file}: every sheet of this workbook is empty; check that this is the right file").format(
        file=path))


def _parsed_rows(workbook: Workbook, sheet: Any) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Each row the sheet's XML holds (blank ones too), as openpyxl's own sheet reader parses it, with formulas
    that have no saved result marked. Read this way rather than through `iter_rows`, which pads every row to the
    sheet's width and reads such a formula as an empty cell; the sheet's stated size is not trusted either."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            # No saved result: no value at all, or an empty one where only a text result ("str") may be empty.
            if cell["value"] is None and element.find(FORMULA_TAG) is not None and (
                    element.find(VALUE_TAG) is None or element.get("t") != "str"):
                cell["value"] = UNCALCULATED
            return cell

    with sheet._get_source() as source:  # openpyxl's read-only sheets read the same way, from the same parts
        parser = CellParser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            parser.row_dimensions.clear()  # row heights and styles: a million blank styled rows must not pile up
            yield number, cells


def _sheet_rows(path: Path, title: str, rows: Iterator[tuple[int, list[dict[str, Any]]]], list_kind: ListKind
                ) -> Iterator[RawRow]:
    filled = counted = 0
    for number, parsed in rows:
        values = {cell["column"]: cell["value"] for cell in parsed if cell["value"] not in (None, "")}
        width = max(values, default=0)
        counted += max(width, len(parsed))  # the cells written, or as many as the row is wide
        if counted > list_kind.max_cells:
            raise RosterFileError(_("{file}: the sheet '{sheet}' holds more than {cells} cells, far more than "
                                    "{a_list}; check that this is the right file, or delete the columns and rows that "
                                    "are not people").format(file=path, sheet=title, cells=f"{list_kind.max_cells:,}",
                                                             a_list=_(list_kind.a_list)))
        if not values:
            continue  # blank (perhaps only formatted) rows: a sheet can have a million of them
        cells = [_cell_text(values.get(column)) for column in range(1, width + 1)]
        formulas = tuple(sorted(column - 1 for column, value in values.items() if value is UNCALCULATED))
        filled += 1
        if filled > list_kind.max_rows + HEADER_SEARCH_ROWS:  # stop early: a workbook can unpack to far more than 10 MB
            raise too_many_rows(path, list_kind)
        yield RawRow(number, cells, formulas)


def _cell_text(value: object) -> str:
    """A cell as the trainer sees it: employee id 1234 stored as the number 1234.0 reads "1234"."""
    if value is None or value is UNCALCULATED:
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
