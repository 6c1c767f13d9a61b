"""HR's employee list (content/hr_employees.py): CSV and XLSX read into Employees, every bad row named with its
row, column, what is wrong and what to do, the whole list refused if any row is bad, and hostile files refused."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from facilitator.content import hr_employees
from facilitator.content.hr_employees import (
    EMPLOYEE_LIST,
    EmployeeListError,
    load_employees,
    parse_date,
    read_employee_list,
)
from facilitator.content.library import Library
from facilitator.content.roster_file import RosterFileError
from facilitator.domain.employees import Employee

HEADER = "Employee ID,First name,Last name,Email,Jurisdictions,Supervisor,Hire date,Supervisor since\r\n"


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def read(library: Library, path: Path):
    return read_employee_list(path, library.jurisdictions)


def problems(listed) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in listed.problems]


def one_problem(library: Library, tmp_path: Path, row: str) -> tuple[int | None, str | None, str]:
    """The one problem of a list holding a good row and `row` (written as CSV after the header)."""
    listed = read(library, write(tmp_path, "list.csv", HEADER + "E-1,Ana,Ruiz,ana@example.com,ct,no,2024-01-31,\r\n"
                                 + row + "\r\n"))
    assert [r.row for r in listed.employees] == [2], problems(listed)
    [found] = problems(listed)
    return found


# --- good lists ------------------------------------------------------------------------------------------------

def test_a_good_csv(library: Library, tmp_path: Path) -> None:
    path = write(tmp_path, "employees.csv", HEADER
                 + "E-1,Ana,Ruiz,ana@example.com,ca-employees,no,2024-01-31,\r\n"
                 + 'E-2,Bo,Li,bo@example.com,"NY-State; nyc,ny-state",Yes,03/15/2019,06/01/2022\r\n'
                 + "E-3,Cy,Ng,,il chicago,y,Jan 5 2021,\r\n"
                 + "E-4,Di,Ko,,none,,,\r\n")
    listed = read(library, path)
    assert listed.problems == [] and listed.rows_read == 4
    assert listed.columns == {"employee_id": "Employee ID", "first_name": "First name", "last_name": "Last name",
                              "email": "Email", "jurisdictions": "Jurisdictions", "is_supervisor": "Supervisor",
                              "hire_date": "Hire date", "supervisor_since": "Supervisor since"}
    assert [(r.row, r.employee) for r in listed.employees] == [
        (2, Employee("E-1", "Ana", "Ruiz", ("ca-employees",), False, date(2024, 1, 31), None, "ana@example.com")),
        (3, Employee("E-2", "Bo", "Li", ("ny-state", "nyc"), True, date(2019, 3, 15), date(2022, 6, 1),
                     "bo@example.com")),
        (4, Employee("E-3", "Cy", "Ng", ("il", "chicago"), True, date(2021, 1, 5), None, None)),
        (5, Employee("E-4", "Di", "Ko", ("none",), False, None, None, None)),  # no hire date: the due rows say so
    ]
    assert load_employees(path, library.jurisdictions) == [r.employee for r in listed.employees]


def test_a_european_export_semicolons_windows_1252_day_first_dates_and_a_title_row(library: Library,
                                                                                   tmp_path: Path) -> None:
    text = ("Personnel list - Harbor View Clinic;;;;;\r\n"
            "Emp #;Surname;Given name;Work location;Manager?;Start date;Promotion date\r\n"
            "1001;Müller;Zoë;ct;nein;31.01.2020;\r\n"
            "1002;Núñez;José;de;ja;05.02.2018;13.07.2021\r\n")
    listed = read(library, write(tmp_path, "liste.csv", text, "cp1252"))
    assert listed.problems == [] and (listed.table.encoding, listed.table.delimiter) == ("windows-1252", ";")
    assert [(e.employee.employee_id, e.employee.first_name, e.employee.last_name, e.employee.is_supervisor,
             e.employee.hire_date, e.employee.supervisor_since) for e in listed.employees] == [
        ("1001", "Zoë", "Müller", False, date(2020, 1, 31), None),
        ("1002", "José", "Núñez", True, date(2018, 2, 5), date(2021, 7, 13)),  # day first: 13.07 says so
    ]


def test_a_utf16_tab_separated_export(library: Library, tmp_path: Path) -> None:
    text = "Employee ID\tName\tJurisdictions\tSupervisor\tHire date\r\nE-9\tSiân Evans\tme\tno\t2025-09-01\r\n"
    listed = read(library, write(tmp_path, "unicode.txt", text, "utf-16"))
    assert listed.problems == []
    [row] = listed.employees
    assert (row.employee.first_name, row.employee.last_name, row.employee.jurisdictions) == ("Siân", "Evans", ("me",))


def workbook(path: Path, *rows: list[object]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_good_xlsx_with_real_dates_numbers_and_true_false(library: Library, tmp_path: Path) -> None:
    path = workbook(tmp_path / "hr.xlsx",
                    ["Employee list, exported 2026-06-01"],
                    [],
                    ["Employee Number", "First Name", "Last Name", "Work Email", "Work location jurisdictions",
                     "Is supervisor", "Date of hire", "Supervisor since"],
                    [1234, "Zoë", "O'Brien", "zoe@example.com", "ca-supervisors", True, datetime(2020, 5, 1),
                     datetime(2023, 2, 28)],
                    [1235.0, "José", "Núñez", None, "nyc;ny-state", False, date(2024, 2, 29), None],
                    ["00077", "Renée", "Ng", None, "il", "no", datetime(2021, 6, 1, 9, 30), None],
                    ["E-4", "Al", "Bo", None, "de", "no", "2019-11-12", None])
    listed = read(library, path)
    assert listed.problems == [] and listed.table.kind == "xlsx"
    assert [(r.row, r.employee.employee_id, r.employee.is_supervisor, r.employee.hire_date,
             r.employee.supervisor_since, r.employee.jurisdictions) for r in listed.employees] == [
        (4, "1234", True, date(2020, 5, 1), date(2023, 2, 28), ("ca-supervisors",)),
        (5, "1235", False, date(2024, 2, 29), None, ("nyc", "ny-state")),
        (6, "00077", False, date(2021, 6, 1), None, ("il",)),  # a date with a time: the day
        (7, "E-4", False, date(2019, 11, 12), None, ("de",)),
    ]


def test_values_that_look_like_formulas_are_kept_as_text(library: Library, tmp_path: Path) -> None:
    path = write(tmp_path, "f.csv", HEADER + 'E-1,=1+2,"@SUM(A1)",,ct,no,2024-01-31,\r\n')
    [row] = read(library, path).employees
    assert (row.employee.first_name, row.employee.last_name) == ("=1+2", "@SUM(A1)")


@pytest.mark.parametrize(("text", "order", "expected"), [
    ("2024-01-31", "month-first", date(2024, 1, 31)),
    ("2024/1/5", "month-first", date(2024, 1, 5)),
    ("2024-02-29 00:00:00", "month-first", date(2024, 2, 29)),
    ("2024-02-29T13:05", "month-first", date(2024, 2, 29)),
    ("01/31/2024", "month-first", date(2024, 1, 31)),
    ("1/5/2024", "month-first", date(2024, 1, 5)),
    ("1/5/2024", "day-first", date(2024, 5, 1)),
    ("31.01.2024", "day-first", date(2024, 1, 31)),
    ("31 Jan 2024", "month-first", date(2024, 1, 31)),
    ("31-jan-2024", "month-first", date(2024, 1, 31)),
    ("January 31, 2024", "month-first", date(2024, 1, 31)),
    ("Sept 3 2024", "month-first", date(2024, 9, 3)),
    ("3rd March 2024", "month-first", date(2024, 3, 3)),
    ("2023-02-29", "month-first", None),
    ("31/01/2024", "month-first", None),
    ("Smarch 3 2024", "month-first", None),
    ("1/5/24", "month-first", None),
    ("45123", "month-first", None),
])
def test_dates_as_spreadsheets_write_them(text: str, order: str, expected: date | None) -> None:
    assert parse_date(text, order) == expected


# --- bad rows: each names its row and column, what is wrong and what to do ----------------------------------------

@pytest.mark.parametrize(("row", "column", "words"), [
    (",Bo,Li,,ct,no,2024-01-31,", "Employee ID", "the employee id is empty; fill it in"),
    ("e-1 ,Bo,Li,,ct,no,2024-01-31,", "Employee ID", "employee id 'e-1' is also on row 2; delete one of the two rows"),
    ("E-2,,,,ct,no,2024-01-31,", "First name", "the name is empty"),
    ("E-2,Bo,Li,bo@,ct,no,2024-01-31,", "Email", "'bo@' is not an email address"),
    ("E-2,Bo,Li,,ny,no,2024-01-31,", "Jurisdictions", "'ny' is not a jurisdiction code; did you mean"),
    ("E-2,Bo,Li,,texas,no,2024-01-31,", "Jurisdictions", "'texas' is not a jurisdiction code; use one of: ca-"),
    ("E-2,Bo,Li,,ct;ca,no,2024-01-31,", "Jurisdictions", "'ca' is not a jurisdiction code"),
    ("E-2,Bo,Li,, ; ,no,2024-01-31,", "Jurisdictions", "lists no jurisdiction; write the codes"),
    ("E-2,Bo,Li,,ct,maybe,2024-01-31,", "Supervisor", "'maybe' is neither yes nor no; write yes or no"),
    ("E-2,Bo,Li,,ct,no,soon,", "Hire date", "'soon' is not a date; write it as 2024-01-31"),
    ("E-2,Bo,Li,,ct,no,2023-02-29,", "Hire date", "'2023-02-29' is not a date"),
    ("E-2,Bo,Li,,ct,no,1/5/24,", "Hire date", "has a two-digit year; write the year in full"),
    ("E-2,Bo,Li,,ct,no,45123,", "Hire date", "is a number, not a date"),
    ("E-2,Bo,Li,,ct,no,1850-01-01,", "Hire date", "is not a date between 1900 and 2100"),
    ("E-2,Bo,Li,,ct,no,2020-01-01,2022-01-01", "Supervisor since",
     "gives a date, but the Supervisor column says this person is not a supervisor"),
    ("E-2,Bo,Li,,ct,yes,2020-01-01,2019-12-31", "Supervisor since",
     "2019-12-31 is before the hire date (2020-01-01); correct one of the two"),
    ("E\u200b-2,Bo,Li,,ct,no,2020-01-01,", "Employee ID", "contains an invisible character (U+200B"),
    ("E-2,Bo\x07,Li,,ct,no,2020-01-01,", "First name", "invisible control character"),
    ("E-2,Bo,Li,,ct\u202e,no,2020-01-01,", "Jurisdictions", "text-direction override"),
    ("E-2,Bo,Li,,ct,no,2020-01-01\u200b,", "Hire date", "contains an invisible character"),
    ("E-" + "9" * 70 + ",Bo,Li,,ct,no,2020-01-01,", "Employee ID", "a employee id can have at most 64"),
    ("E-2,Bo,Li,,ct,no,2020-01-01,,Ops", None, "more filled cell than the header has columns"),
])
def test_each_kind_of_bad_row(library: Library, tmp_path: Path, row: str, column: str | None, words: str) -> None:
    number, named, message = one_problem(library, tmp_path, row)
    assert (number, named) == (3, column) and words in message, message


def test_every_problem_of_a_row_is_reported_and_nothing_is_imported(library: Library, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", HEADER + "E-1,Ana,Ruiz,ana@example.com,ct,no,2024-01-31,\r\n"
                 + "E-1,,Li,bo@,tx,maybe,someday,\r\n")
    listed = read(library, path)
    assert [(row, column) for row, column, _message in problems(listed)] == [
        (3, "Email"), (3, "Supervisor"), (3, "Jurisdictions"), (3, "Hire date"), (3, "Employee ID")]
    with pytest.raises(EmployeeListError) as refused:
        load_employees(path, library.jurisdictions)
    lines = str(refused.value).splitlines()
    assert len(lines) == 5 and all(line.startswith(f"{path}: row 3: ") for line in lines)
    assert lines[3].startswith(f"{path}: row 3: Hire date: 'someday' is not a date; write it as 2024-01-31")
    assert "'tx' is not a jurisdiction code; use one of: ca-employees, ca-supervisors, chicago" in lines[2]
    assert refused.value.problems == listed.problems


def test_dates_written_both_month_first_and_day_first_are_refused(library: Library, tmp_path: Path) -> None:
    listed = read(library, write(tmp_path, "mixed.csv", HEADER + "E-1,Ana,Ruiz,,ct,no,03/15/2019,\r\n"
                                 + "E-2,Bo,Li,,ct,no,31/01/2024,\r\n" + "E-3,Cy,Ng,,ct,no,02/03/2020,\r\n"))
    assert [(row, column) for row, column, _message in problems(listed)] == [(None, None), (4, "Hire date")]
    assert ("the dates are written both month first (row 2, Hire date: 03/15/2019) and day first (row 3, Hire date: "
            "31/01/2024)") in listed.problems[0].message
    assert "could be month first or day first" in listed.problems[1].message
    assert [r.employee.hire_date for r in listed.employees] == [date(2019, 3, 15), date(2024, 1, 31)]


def test_an_xlsx_formula_without_a_saved_result_is_named(library: Library, tmp_path: Path) -> None:
    path = workbook(tmp_path / "calc.xlsx", ["Employee ID", "Name", "Jurisdictions", "Supervisor", "Hire date"],
                    ["E-1", "Ana Ruiz", "ct", "no", "=DATE(2024,1,31)"])
    [(row, column, message)] = problems(read(library, path))
    assert (row, column) == (2, "Hire date") and "formula whose result was never saved" in message


@pytest.mark.parametrize(("header", "words"), [
    ("Employee ID,First name,Last name,Supervisor,Hire date", "no column holds the work location jurisdictions"),
    ("Employee ID,First name,Last name,Jurisdictions,Supervisor", "no column holds the hire date"),
    ("Employee ID,First name,Last name,Jurisdictions,Hire date", "no column holds the supervisor (yes or no)"),
    ("First name,Last name,Jurisdictions,Supervisor,Hire date", "no column holds the employee id"),
    ("Employee ID,Jurisdictions,Supervisor,Hire date", "no column holds people's names"),
])
def test_a_list_without_a_needed_column_is_refused_whole(library: Library, tmp_path: Path, header: str,
                                                         words: str) -> None:
    cells = {"Employee ID": "E-1", "First name": "Ana", "Last name": "Ruiz", "Jurisdictions": "ct",
             "Supervisor": "no", "Hire date": "2024-01-31"}
    row = ",".join(cells[h] for h in header.split(","))
    listed = read(library, write(tmp_path, "cols.csv", f"{header}\r\n{row}\r\n"))
    [(number, column, message)] = problems(listed)
    first = header.split(",")[0]
    assert (number, column) == (None, None) and words in message and f"the columns found are: '{first}'" in message
    assert listed.employees == []


def test_a_manager_column_of_names_is_not_the_supervisor_flag(library: Library, tmp_path: Path) -> None:
    text = ("Employee ID,Name,Manager,Jurisdictions,Supervisor?,Hire date\r\n"
            "E-1,Ana Ruiz,Jo Park,ct,yes,2024-01-31\r\n")
    [row] = read(library, write(tmp_path, "m.csv", text)).employees
    assert row.employee.is_supervisor is True


def test_only_a_header(library: Library, tmp_path: Path) -> None:
    [(row, column, message)] = problems(read(library, write(tmp_path, "h.csv", HEADER)))
    assert (row, column) == (None, None) and "there is no one below the header row (row 1)" in message


# --- hostile and huge files ----------------------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "is empty; export the employee list again"),
    ("photo.csv", PNG, "is a PNG image, not an employee list; choose the employee list your HR system exports"),
    ("program.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "is not a text file (it holds binary data)"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "'.xls' files cannot be read; save the employee list as .xlsx"),
    ("list.pdf", b"Name\n", "is not an employee list file (it should end in .csv or .xlsx)"),
    ("fake.xlsx", b"Name\nZoe Ng\n", "is not an Excel workbook"),
    ("quote.csv", HEADER.encode() + b'E-1,"Ana,Ruiz,,ct,no,2024-01-31,\r\n', "a quote (\") opened in this row"),
    ("long.csv", HEADER.encode() + b"E-1," + b"A" * 200_000 + b",Ruiz,,ct,no,2024-01-31,\r\n",
     "characters long, which no value in an employee list is"),
])
def test_files_that_are_not_employee_lists_are_refused_with_the_file_named(library: Library, tmp_path: Path,
                                                                           name: str, content: bytes,
                                                                           message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(RosterFileError) as refused:
        read(library, path)
    assert str(refused.value).startswith(f"{path}: ") and message in str(refused.value), str(refused.value)


def test_an_employee_list_may_be_larger_than_a_roster_but_not_without_bound() -> None:
    assert (EMPLOYEE_LIST.max_bytes, EMPLOYEE_LIST.max_rows, EMPLOYEE_LIST.max_cells) == (
        40 * 1024 * 1024, 100_000, 4_000_000)


def test_a_file_over_the_size_limit_is_refused_unread(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(EMPLOYEE_LIST.max_bytes + 1)
    with pytest.raises(RosterFileError, match="larger than 40 MB, far more than an employee list"):
        read(library, path)


def rows_csv(count: int) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["Employee ID", "First name", "Last name", "Jurisdictions", "Supervisor", "Hire date"])
    writer.writerows([f"E{i}", "Ana", f"Ruiz{i}", "ct", "no", "2024-01-31"] for i in range(count))
    return buf.getvalue()


def test_more_rows_than_the_limit_are_refused(library: Library, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    small = EMPLOYEE_LIST.__class__(**{**EMPLOYEE_LIST.__dict__, "max_rows": 50})
    monkeypatch.setattr(hr_employees, "EMPLOYEE_LIST", small)
    assert len(read(library, write(tmp_path, "ok.csv", rows_csv(50))).employees) == 50
    with pytest.raises(RosterFileError, match="has more than 50 rows, far more than an employee list"):
        read(library, write(tmp_path, "big.csv", rows_csv(51)))
    xlsx = workbook(tmp_path / "big.xlsx", *(list(r) for r in csv.reader(io.StringIO(rows_csv(70)))))
    with pytest.raises(RosterFileError, match="has more than 50 rows"):
        read(library, xlsx)


def test_twenty_thousand_and_one_rows_are_read_where_a_roster_would_stop(library: Library, tmp_path: Path) -> None:
    listed = read(library, write(tmp_path, "many.csv", rows_csv(20_001)))
    assert listed.problems == [] and len(listed.employees) == 20_001


def rezip(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, parts.pop(item.filename, None) or old.read(item.filename))
        for name, content in parts.items():
            new.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_and_a_sheet_of_millions_of_cells_are_refused(library: Library, tmp_path: Path) -> None:
    good = workbook(tmp_path / "good.xlsx", ["Employee ID", "Name", "Jurisdictions", "Supervisor", "Hire date"],
                    ["E-1", "Ana Ruiz", "ct", "no", "2024-01-31"]).read_bytes()
    sheet_part = "xl/worksheets/sheet1.xml"
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(sheet_part)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(rezip(good, {"xl/media/padding.bin": b"\0" * (64 * 1024 * 1024)}))
    with pytest.raises(RosterFileError, match=r"zip bomb.*ask for the employee list as CSV UTF-8"):
        read(library, bomb)
    far = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>E</t></is></c><c r="XFD%d" t="inlineStr"><is><t>x'
                   b"</t></is></c></row>" % (n, n, n) for n in range(3, 300))  # each row 16,384 cells wide
    wide = tmp_path / "wide.xlsx"
    wide.write_bytes(rezip(good, {sheet_part: sheet.replace(b"</sheetData>", far + b"</sheetData>")}))
    with pytest.raises(RosterFileError, match="more than 4,000,000 cells, far more than an employee list"):
        read(library, wide)


def test_columns_chosen_by_the_caller(library: Library, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "ID,Who,Where,Boss?,When\r\nE-1,Ana Ruiz,ct,no,2024-01-31\r\n")
    mapping = {"employee_id": 0, "full_name": 1, "jurisdictions": 2, "is_supervisor": 3, "hire_date": 4}
    [row] = read_employee_list(path, library.jurisdictions, mapping).employees
    assert (row.employee.first_name, row.employee.hire_date) == ("Ana", date(2024, 1, 31))
    with pytest.raises(ValueError, match="unknown employee list field"):
        read_employee_list(path, library.jurisdictions, {**mapping, "nickname": 1})
    with pytest.raises(ValueError, match="outside the table"):
        read_employee_list(path, library.jurisdictions, {**mapping, "email": 9})
