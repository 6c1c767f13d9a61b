"""Reading an Excel roster (.xlsx): the first sheet that has any data, every cell as the trainer sees it."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from facilitator.content.roster_table import HEADER_SEARCH_ROWS, MAX_ROWS, RawRow, RosterFileError, too_many_rows
from facilitator.i18n import _

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


def read_workbook(path: Path, data: bytes) -> tuple[list[RawRow], str]:
    """The rows of the first sheet that has any data, as text, and the sheet's name."""
    from openpyxl import load_workbook  # openpyxl takes a moment to import; CSV rosters never need it

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
            return _first_sheet_with_data(path, workbook)
        finally:
            workbook.close()


def _reason(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return _("it is not a complete zip archive")
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
            raise RosterFileError(_("{file}: the sheet '{sheet}' cannot be read ({reason}); open the workbook in "
                                    "Excel and save it again").format(file=path, sheet=sheet.title,
                                                                      reason=_reason(exc))) from exc
        if any(any(c.strip() for c in r.cells) for r in records):
            return records, sheet.title
    raise RosterFileError(_("{file}: every sheet of this workbook is empty; check that this is the right file").format(
        file=path))


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
            raise too_many_rows(path)
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
