"""Reading the roster files HR sends: encodings, delimiters, header rows, awkward rows, junk, and properties.

Every file is built here byte by byte, the way Excel, Google Sheets or an HR system would have written it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from facilitator.content.roster_file import (
    FIELDS,
    LIMITS,
    MAX_BYTES,
    MAX_ROWS,
    RosterFileError,
    choose_columns,
    guess_mapping,
    parse_roster,
    read_table,
)


def write(folder: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def parse(path: Path):
    return parse_roster(read_table(path))


def names(parsed) -> dict[int, tuple[str, str]]:
    return {r.row: (r.person.first_name, r.person.last_name) for r in parsed.people}


def problems(parsed) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in parsed.problems]


# --- encodings and delimiters ----------------------------------------------------------------------------

def test_excel_semicolon_windows_1252_with_accents_and_apostrophes(tmp_path: Path) -> None:
    text = ("Emp #;First Name;Last Name;E-mail;Dept\r\n"
            "1001;Zoë;Müller-Lüdenscheidt;zoe@example.com;Lager\r\n"
            "1002;José;Núñez;jose@example.com;Küche\r\n"
            "1003;Renée;O'Brien;renee@example.com;Façade & Co\r\n"
            "1004;Siân;D\u2019Arcy;sian@example.com;Œuvres\r\n")
    table = read_table(write(tmp_path, "hr.csv", text, "cp1252"))
    assert (table.encoding, table.delimiter, table.header_row) == ("windows-1252", ";", 1)
    parsed = parse_roster(table)
    assert parsed.problems == []
    assert names(parsed) == {2: ("Zoë", "Müller-Lüdenscheidt"), 3: ("José", "Núñez"), 4: ("Renée", "O'Brien"),
                             5: ("Siân", "D\u2019Arcy")}
    assert [r.person.department for r in parsed.people] == ["Lager", "Küche", "Façade & Co", "Œuvres"]
    assert parsed.people[0].person.employee_id == "1001" and parsed.people[0].person.email == "zoe@example.com"


@pytest.mark.parametrize("text", ["Name\nZoë\n", "Name\nJosé\n", "Name\nRenée O'Brien\n",
                                  "First,Last\nRenée,O\u2019Brien\n", "Name\nFrançois\n",
                                  "Name;Dept\nJürgen Groß;Küche\n", "Name\nÆsa Øvergård\n", "Name\nÉLISE DUPONT\n"])
def test_short_windows_1252_files_are_not_mistaken_for_other_code_pages(tmp_path: Path, text: str) -> None:
    table = read_table(write(tmp_path, "short.csv", text, "cp1252"))
    assert table.encoding == "windows-1252"
    expected = text.splitlines()[1].replace(",", " ").replace(";", " ").split()
    person = parse_roster(table).people[0].person
    assert f"{person.full_name} {person.department or ''}".split() == expected


def test_utf8_is_preferred_when_the_bytes_are_utf8(tmp_path: Path) -> None:
    text = "Name\nZoë Ng\n山田 太郎\nΑλέξανδρος Παπαδόπουλος\nNguyễn Thị Minh Khai\nعلي حسن\n"  # noqa: RUF001
    parsed = parse(write(tmp_path, "u.csv", text))
    assert parsed.table.encoding == "utf-8"
    assert [r.person.full_name for r in parsed.people] == text.splitlines()[1:]


def test_utf8_with_bom_does_not_leak_into_the_first_header(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "bom.csv", "\ufeffEmployee ID,First,Last\n7,Zoë,Ng\n", "utf-8"))
    assert table.encoding == "utf-8-sig" and table.headers[0] == "Employee ID"
    assert guess_mapping(table.headers) == {"employee_id": 0, "first_name": 1, "last_name": 2}


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom_tab_separated(tmp_path: Path, bom: bytes, codec: str) -> None:
    text = "Employee ID\tFull Name\tDepartment\r\n7\tZoë Ng\tOps, North\r\n8\tRenée O'Brien\tHR\r\n"
    parsed = parse(write(tmp_path, "u16.txt", bom + text.encode(codec)))
    assert (parsed.table.encoding, parsed.table.delimiter) == ("utf-16", "\t")
    assert names(parsed) == {2: ("Zoë", "Ng"), 3: ("Renée", "O'Brien")}
    assert parsed.people[0].person.department == "Ops, North"


def test_utf16_without_bom_is_recognised_by_its_zero_bytes(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "nobom.csv", "Name\r\nZoë Ng\r\n".encode("utf-16-le")))
    assert parsed.table.encoding == "utf-16-le" and names(parsed) == {2: ("Zoë", "Ng")}


def test_another_code_page_is_used_when_the_text_plainly_is_not_western(tmp_path: Path) -> None:
    text = "Имя;Фамилия\nИван;Петров\nОльга;Смирнова\nДмитрий;Кузнецов\n"  # noqa: RUF001
    parsed = parse(write(tmp_path, "ru.csv", text, "cp1251"))
    assert parsed.table.encoding == "windows-1251"
    assert names(parsed) == {}  # Russian headers are not recognised ...
    mapping = choose_columns(parsed.table.headers, {}, {"first_name": "Имя", "last_name": "2"})
    assert names(parse_roster(parsed.table, mapping))[2] == ("Иван", "Петров")  # ... but the text is right


@pytest.mark.parametrize(("text", "delimiter"), [
    ("Name,Department\nZoë Ng,Ops\n", ","),
    ("Name;Department\nZoë Ng;Ops, North\n", ";"),
    ("Name\tDepartment\nZoë Ng\tOps; North, West\n", "\t"),
    ("Name|Department\nZoë Ng|Ops\n", "|"),
    ('Name,Department\n"Ng, Zoë","Ops; North"\n"Smith, Al",HR\n', ","),
    ("sep=;\nName;Department\nZoë Ng;Ops, North\n", ";"),
])
def test_the_delimiter_is_found(tmp_path: Path, text: str, delimiter: str) -> None:
    table = read_table(write(tmp_path, "d.csv", text))
    assert table.delimiter == delimiter and table.headers == ["Name", "Department"]


def test_excels_sep_line_is_not_counted_as_a_row(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "sep.csv", "sep=;\nName;Dept\nZoë Ng;Ops\n"))
    assert parsed.table.header_row == 1 and names(parsed) == {2: ("Zoë", "Ng")}


def test_old_mac_line_endings(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "mac.csv", "First,Last\rZoë,Ng\rAl,Smith\r"))
    assert names(parsed) == {2: ("Zoë", "Ng"), 3: ("Al", "Smith")}


# --- header rows and columns ---------------------------------------------------------------------------

def test_title_lines_above_the_header_are_passed_over(tmp_path: Path) -> None:
    text = ("Harassment prevention - attendee list,,\nPrinted 2026-03-01 by HR,,\n,,\n"
            "Employee ID,First,Last\n1,Zoë,Ng\n,,\n2,Al,Smith\n")
    parsed = parse(write(tmp_path, "title.csv", text))
    assert parsed.table.header_row == 4
    assert names(parsed) == {5: ("Zoë", "Ng"), 7: ("Al", "Smith")}  # the blank row 6 still counts


@pytest.mark.parametrize(("header", "field"), [
    ("Employee ID", "employee_id"), ("emp id", "employee_id"), ("Emp #", "employee_id"), ("EMP_NO", "employee_id"),
    ("Employee Number", "employee_id"), ("Staff ID", "employee_id"), ("ID", "employee_id"),
    ("Badge ID", "employee_id"), ("First Name", "first_name"), ("first", "first_name"),
    ("Given name", "first_name"), ("Forename", "first_name"), ("LAST NAME", "last_name"), ("Surname", "last_name"),
    ("Family-Name", "last_name"), ("Full Name", "full_name"), ("Name", "full_name"),
    ("Employee Name", "full_name"), ("Attendee", "full_name"), ("E-mail", "email"), ("Email Address", "email"),
    ("Work email", "email"), ("Dept.", "department"), ("Team", "department"), ("Division", "department"),
    ("Manager", "supervisor"), ("Reports To", "supervisor"), ("Line manager", "supervisor"),
    ("Preferred Language", "language"), ("Lang", "language"), ("Supervisor?", "is_supervisor"),
    ("Is Supervisor", "is_supervisor"), ("Manager?", "is_supervisor"), ("Role", "is_supervisor"),
    ("  employee\nid ", "employee_id"),
])
def test_header_variants(header: str, field: str) -> None:
    assert guess_mapping([header]) == {field: 0}


def test_unknown_headers_are_left_out_and_the_more_specific_header_wins() -> None:
    assert guess_mapping(["ID", "Phone", "Employee ID", "Name", "First Name", "Last Name", "Notes"]) == {
        "employee_id": 2, "first_name": 4, "last_name": 5, "full_name": 3}
    assert guess_mapping(["Name", "Name"]) == {"full_name": 0}


def test_choose_columns_by_header_number_or_none(tmp_path: Path) -> None:
    headers = ["Emp", "Attendee", "Unit", "Boss"]
    guessed = guess_mapping(headers)
    assert guessed == {"full_name": 1, "department": 2}
    chosen = choose_columns(headers, guessed, {"employee_id": "emp", "Supervisor": "4", "department": None})
    assert chosen == {"employee_id": 0, "full_name": 1, "supervisor": 3}
    assert choose_columns(headers, guessed, {"employee id": 0}) == {"employee_id": 0, **guessed}
    with pytest.raises(RosterFileError, match="no field 'nickname'; the fields are: employee_id"):
        choose_columns(headers, guessed, {"nickname": "Emp"})
    with pytest.raises(RosterFileError, match="no column 'Badge'; the columns are: 'Emp', 'Attendee'"):
        choose_columns(headers, guessed, {"employee_id": "Badge"})
    assert choose_columns(headers, guessed, {"first_name": "Attendee"}) == {"first_name": 1, "department": 2}
    with pytest.raises(RosterFileError, match="column 'Attendee' is chosen for first_name and last_name"):
        choose_columns(headers, guessed, {"first_name": "Attendee", "last_name": "attendee"})


def test_not_a_roster_says_which_columns_were_found_and_which_are_needed(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "phones.csv", "Extension,Phone,Room\n101,555-0101,B2\n"))
    [problem] = parsed.problems
    assert problem.row is None and parsed.people == []
    assert "no column holds people's names" in problem.message
    assert "'Extension', 'Phone', 'Room'" in problem.message and "'First name' and 'Last name'" in problem.message


def test_a_header_with_nobody_below_it(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "empty-roster.csv", "First,Last\n,\n"))
    assert problems(parsed) == [(None, None, "there is no one below the header row (row 1); add people's rows")]


# --- rows ----------------------------------------------------------------------------------------------

def test_full_names_split_into_first_and_last(tmp_path: Path) -> None:
    text = 'Name\n"O\'Brien, Renée"\nMary Ann Smith\nCher\n"  Ng ,  Zoë  "\nJosé   Núñez\n'
    assert names(parse(write(tmp_path, "full.csv", text))) == {
        2: ("Renée", "O'Brien"), 3: ("Mary Ann", "Smith"), 4: ("Cher", ""), 5: ("Zoë", "Ng"), 6: ("José", "Núñez")}


def test_quoted_cells_with_delimiters_and_line_breaks_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    text = ('Employee ID,Name,Department\r\n1,"Ng, Zoë","Ops, North\r\nbuilding 2"\r\n'
            '2,"Renée ""Rae"" O\'Brien",HR\r\n3,Al Smith,IT\r\n')
    parsed = parse(write(tmp_path, "quoted.csv", text))
    assert names(parsed) == {2: ("Zoë", "Ng"), 3: ('Renée "Rae"', "O'Brien"), 4: ("Al", "Smith")}
    assert parsed.people[0].person.department == "Ops, North building 2"


def test_duplicates_within_the_file_are_reported_on_the_later_row(tmp_path: Path) -> None:
    text = ("Employee ID,First,Last,Email\nE1,Zoë,Ng,zoe@example.com\nE2,Al,Smith,al@example.com\n"
            "e1,Zoë,Ng,other@example.com\nE3,Alan,Smith,AL@Example.COM\n")
    parsed = parse(write(tmp_path, "dups.csv", text))
    assert sorted(names(parsed)) == [2, 3]
    assert problems(parsed) == [
        (4, "Employee ID", "employee id 'e1' is also on row 2; delete one of the two rows, or correct the value"),
        (5, "Email", "email 'AL@Example.COM' is also on row 3; delete one of the two rows, or correct the value")]


def test_empty_names_are_errors_and_blank_rows_are_skipped_silently(tmp_path: Path) -> None:
    text = "Employee ID;First Name;Last Name\n1;Zoë;Ng\n;;\n2;;\n  ;  ;  \n3;Al;\n4;;Smith\n"
    parsed = parse(write(tmp_path, "gaps.csv", text))
    assert names(parsed) == {2: ("Zoë", "Ng"), 6: ("Al", ""), 7: ("", "Smith")}
    assert problems(parsed) == [(4, "First Name", "the name is empty; fill in the person's name, or delete the row")]
    assert parsed.skipped_rows == [4] and parsed.rows_read == 4


def test_empty_full_name(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "gaps.csv", "ID,Name\n1,Zoë Ng\n2,\n"))
    assert problems(parsed) == [(3, "Name", "the name is empty; fill in the person's name, or delete the row")]


def test_whitespace_is_tidied_and_accents_composed(tmp_path: Path) -> None:
    text = 'First,Last\n"  Zoë \t Ann ","\u00a0O\'Neil-Ó  Briain "\nJose\u0301,Nun\u0303ez\n'  # decomposed accents
    parsed = parse(write(tmp_path, "ws.csv", text))
    assert names(parsed) == {2: ("Zoë Ann", "O'Neil-Ó Briain"), 3: ("Jos\u00e9", "Nu\u00f1ez")}  # stored as NFC


@pytest.mark.parametrize("bad", ["Zo\x07ë", "\x00Al", "Al\x1b[31m", "Al\x7f", "Al\x85", "\u202eAl", "Al\u2066x"])
def test_control_and_direction_characters_are_refused(tmp_path: Path, bad: str) -> None:
    parsed = parse(write(tmp_path, "ctl.csv", f"First,Last\n{bad},Ng\nZoë,Ng\n"))
    [(row, column, message)] = problems(parsed)
    code = next(c for c in bad if not c.isalnum())
    assert (row, column) == (2, "First") and f"U+{ord(code):04X}" in message and "delete it" in message
    assert names(parsed) == {3: ("Zoë", "Ng")}


def test_formulas_stay_text(tmp_path: Path) -> None:
    text = 'First,Last,Department\n=HYPERLINK("http://x"),Ng,+1\n@SUM(A1),-2,=1+1\n'
    parsed = parse(write(tmp_path, "f.csv", text))
    assert names(parsed) == {2: ('=HYPERLINK("http://x")', "Ng"), 3: ("@SUM(A1)", "-2")}
    assert [r.person.department for r in parsed.people] == ["+1", "=1+1"]


@pytest.mark.parametrize("field", sorted(LIMITS))
def test_values_longer_than_their_storage_column_are_refused(tmp_path: Path, field: str) -> None:
    limit = LIMITS[field]
    value = ("a" * (limit - 12) + "@example.com") if field == "email" else "é" * limit
    headers = ["First", "Last", "Employee ID", "Email", "Department", "Supervisor", "Language"]
    order = ["first_name", "last_name", "employee_id", "email", "department", "supervisor", "language"]
    column = order.index(field)
    cells = ["Zoë", "Ng", "", "", "", "", ""]
    cells[column] = value
    ok = parse(write(tmp_path, "ok.csv", ",".join(headers) + "\n" + ",".join(cells) + "\n"))
    assert ok.problems == [] and getattr(ok.people[0].person, field) == value
    cells[column] = value + "x"
    parsed = parse(write(tmp_path, "long.csv", ",".join(headers) + "\n" + ",".join(cells) + "\n"))
    [(row, col, message)] = problems(parsed)
    assert (row, col) == (2, headers[column]) and f"{limit + 1} characters long" in message and str(limit) in message


def test_a_full_name_too_long_is_blamed_on_the_full_name_column(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "long.csv", f"Name\n{'x' * 101} Ng\n"))
    assert problems(parsed)[0][:2] == (2, "Name")


@pytest.mark.parametrize(("email", "ok"), [
    ("zoe@example.com", True), ("zoe.ng+training@mail.example.co.uk", True), ("zoë@exämple.de", True),
    ("ZOE@EXAMPLE.COM", True), ("zoe@", False), ("zoe@example", False), ("zoe example.com", False),
    ("zoe@@example.com", False), ("zoe ng@example.com", False), (".zoe@example.com", False),
    ("zoe..ng@example.com", False), ("Zoë Ng <zoe@example.com>", False), ("zoe@example.c", False),
    ("zoe@example.com;al@example.com", False),
])
def test_email_addresses_must_look_like_one(tmp_path: Path, email: str, ok: bool) -> None:
    parsed = parse(write(tmp_path, "mail.csv", f'Name\tEmail\nZoë Ng\t"{email}"\n'))
    assert (parsed.problems == []) == ok
    if not ok:
        assert problems(parsed)[0][:2] == (2, "Email") and "is not an email address" in problems(parsed)[0][2]


def test_a_supervisor_column_of_yes_and_no_is_the_flag_not_a_manager(tmp_path: Path) -> None:
    """Under "Supervisor", yes and no say who is one (their training track), where names say who the boss is."""
    parsed = parse(write(tmp_path, "flag.csv", "Name,Supervisor\nA B,Yes\nC D,no\nE F,\nG H,Y\n"))
    assert parsed.mapping == {"full_name": 0, "is_supervisor": 1} and parsed.problems == []
    assert {r.person.full_name: r.person.is_supervisor for r in parsed.people} == {
        "A B": True, "C D": False, "E F": False, "G H": True}
    assert all(r.person.supervisor is None for r in parsed.people)
    named = parse(write(tmp_path, "boss.csv", "Name,Supervisor\nA B,Dana Boss\nC D,no\n"))
    assert named.mapping == {"full_name": 0, "supervisor": 1}  # a name among them: it names the boss


def test_supervisor_flags_and_roles(tmp_path: Path) -> None:
    text = ("Name,Supervisor?,Role,Supervisor\nA B,yes,Associate,Dana Boss\nC D,no,Store Manager,\n"
            "E F,,Non-supervisory,\nG H,maybe,,\nI J,X,supervisor,\n")
    parsed = parse(write(tmp_path, "sup.csv", text))
    assert parsed.mapping == {"full_name": 0, "supervisor": 3, "is_supervisor": 1}
    assert {r.row: r.person.is_supervisor for r in parsed.people} == {2: True, 3: False, 4: False, 6: True}
    assert problems(parsed) == [(5, "Supervisor?", "'maybe' is neither yes nor no; write yes or no")]
    assert parsed.people[0].person.supervisor == "Dana Boss"
    by_role = parse_roster(parsed.table, {"full_name": 0, "is_supervisor": 2})
    assert {r.row: r.person.is_supervisor for r in by_role.people} == {2: False, 3: True, 4: False, 5: False, 6: True}


def test_cells_beyond_the_header_in_a_csv_mean_an_unquoted_delimiter(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "split.csv", "Name\nNg, Zoë\nAl Smith\n"))
    assert names(parsed) == {3: ("Al", "Smith")}
    [(row, column, message)] = problems(parsed)
    assert row == 2 and column is None and "comma without quotes" in message


# --- files that are not rosters ----------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b" \r\n\r\n\t", "is empty"),
    ("bom-only.csv", codecs.BOM_UTF8 + b"\r\n", "is empty"),
    ("program.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "is not a text file (it holds binary data)"),
    ("photo.csv", PNG, "is a PNG image, not a roster"),
    ("scan.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF document"),
    ("junk.csv", bytes(range(256)) * 8, "is not a text file (it holds binary data)"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old-style Excel (.xls) or password-protected"),
    ("fake.xlsx", b"Name\nZoe Ng\n", "is not an Excel workbook"),
    ("broken.xlsx", b"PK\x03\x04" + bytes(60), "is not an Excel workbook that can be read"),
    ("roster.xls", b"Name\n", "'.xls' files cannot be read; save the roster as .xlsx or as CSV UTF-8"),
    ("roster.pdf", b"Name\n", "is not a roster file (it should end in .csv or .xlsx)"),
    ("quote.csv", b'Name,Dept\n"Zoe Ng,Ops\nAl,IT\n', 'row 2: a quote (") opened in this row is never closed'),
    ("cjk.csv", "名前\n山田\n".encode("cp932")[:-1] + b"\x81\n", "is not text in any encoding we recognise"),
])
def test_files_that_cannot_be_read_say_so_and_name_the_file(tmp_path: Path, name: str, content: bytes,
                                                            message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(RosterFileError) as raised:
        read_table(path)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(RosterFileError, match="is a folder"):
        read_table(tmp_path / "folder.csv")


def test_files_over_10_mb_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(MAX_BYTES + 1)
    with pytest.raises(RosterFileError, match="larger than 10 MB"):
        read_table(path)


def roster_csv(count: int) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(["Employee ID", "First Name", "Last Name", "Email"])
    writer.writerows([f"E{i}", f"Zoë{i}", f"O'Brien-{i}", f"p{i}@example.com"] for i in range(count))
    return buf.getvalue()


def test_twenty_thousand_rows_are_read_and_one_more_is_refused(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "big.csv", roster_csv(MAX_ROWS), "cp1252"))
    assert len(parsed.people) == MAX_ROWS and parsed.problems == [] and parsed.people[-1].row == MAX_ROWS + 1
    with pytest.raises(RosterFileError, match="more than 20,000 rows"):
        read_table(write(tmp_path, "bigger.csv", roster_csv(MAX_ROWS + 1)))


# --- workbooks ---------------------------------------------------------------------------------------

def workbook(path: Path, *sheets: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets):
        sheet = book.create_sheet(f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_roster_with_numbers_dates_and_an_empty_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "hr.xlsx", [], [
        ["Roster - Harbor View Clinic"],
        [],
        ["Employee ID", "First Name", "Last Name", "Hired", "Supervisor?", "Cost"],
        [1234, "Zoë", "O'Brien", datetime(2020, 5, 1), True, 12.5],
        [],
        [1235.0, "José", "Núñez", date(2021, 1, 2), False, None],
        ["00077", "  Renée  ", "Ng", "n/a", "no", 3],
    ])
    table = read_table(path)
    assert (table.kind, table.sheet, table.header_row, table.encoding, table.delimiter) == (
        "xlsx", "Sheet2", 3, None, None)
    assert table.rows[0].cells == ["1234", "Zoë", "O'Brien", "2020-05-01", "TRUE", "12.5"]
    parsed = parse_roster(table)
    assert parsed.problems == []
    assert {r.row: (r.person.employee_id, r.person.first_name, r.person.is_supervisor) for r in parsed.people} == {
        4: ("1234", "Zoë", True), 6: ("1235", "José", False), 7: ("00077", "Renée", False)}


def test_an_xlsx_renamed_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    workbook(tmp_path / "hr.xlsx", [["Name"], ["Zoë Ng"]]).rename(tmp_path / "hr.csv")
    parsed = parse(tmp_path / "hr.csv")
    assert parsed.table.kind == "xlsx" and names(parsed) == {2: ("Zoë", "Ng")}


def test_an_xlsx_with_only_empty_sheets(tmp_path: Path) -> None:
    with pytest.raises(RosterFileError, match="every sheet of this workbook is empty"):
        read_table(workbook(tmp_path / "blank.xlsx", [], [[None, None]]))


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "photos.xlsx", "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(RosterFileError, match="is not an Excel workbook that can be read"):
        read_table(tmp_path / "photos.xlsx")


# --- properties --------------------------------------------------------------------------------------

HEADERS = ["Employee ID", "First Name", "Last Name"]
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ODD = [",", ";", "\t", '"', "'", "\n", "\r\n", "\r", " ", "\u00a0", "\u2028", "\x00", "\x07", "\x85", "\u202e",
       "=1+1", "Zoë", "O'Brien, Renée", "山田", "\U0001f600", "\ufeff", "e\u0301", "sep=;"]
ANY_TEXT = st.one_of(st.text(max_size=12), st.text(min_size=60, max_size=130),
                     st.lists(st.sampled_from(ODD), max_size=4).map("".join))
# Windows-1252 can hold only Western text, and single bytes are ambiguous between code pages, so the cells
# are the sort HR files hold (names, punctuation, the odd control character), not any letter soup.
WESTERN = st.lists(st.sampled_from(["Zoë", "José", "Renée", "O'Brien", "Müller", "Søren", "Åsa", "Œdipe", "D\u2019Arcy",
                                     "Núñez", "ÉLISE", "Façade", "€5", "\u2013", ",", ";", "\t", '"', "\n", " ", "-",
                                     "\x07", "\x1f", "Al"]), max_size=4).map("".join)


def tidy(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def hidden(text: str, *, words: bool) -> bool:
    """A character that shows nothing (a format character, a blank letter); in a name, a joiner between two
    letters of a script that joins is part of the writing."""
    for index, char in enumerate(text):
        if char.isascii() or not (unicodedata.category(char) == "Cf" or char in "\u034f\u115f\u1160\u17b4\u17b5"
                                                                                  "\u3164\uffa0"):
            continue
        if words and char in "\u200c\u200d" and 0 < index < len(text) - 1 and all(
                ord(c) >= 0x0590 and unicodedata.category(c)[0] in "LM" for c in (text[index - 1], text[index + 1])):
            continue
        return True
    return False


def same(text: str) -> str:
    return unicodedata.normalize("NFC", text.casefold())


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows([HEADERS, *rows])
    return buf.getvalue().encode(encoding)


def check_round_trip(rows: list[list[str]], data: bytes) -> None:
    """Every row comes back as written (whitespace tidied), or has a problem with its row number; a row
    with a problem always has something wrong with it; nothing raises."""
    with tempfile.TemporaryDirectory() as folder:
        parsed = parse(write(Path(folder), "p.csv", data))
    people = {r.row: r.person for r in parsed.people}
    flagged = {p.row for p in parsed.problems}
    if all(not c.strip() for cells in rows for c in cells):
        assert [p.message for p in parsed.problems] == ["there is no one below the header row (row 1); add "
                                                        "people's rows"]
        return
    assert None not in flagged, parsed.problems
    seen_ids: set[str] = set()
    for row, cells in enumerate(rows, start=2):
        eid, first, last = (tidy(c) for c in cells)
        if not any(c.strip() for c in cells):
            assert row not in people and row not in flagged
            continue
        wrong = (any(FORBIDDEN.search(c) for c in cells) or hidden(cells[0], words=False)
                 or any(hidden(c, words=True) for c in cells[1:]) or not (first or last) or len(first) > 100
                 or len(last) > 100 or len(eid) > 64 or (eid and same(eid) in seen_ids))
        if row in people:
            person = people[row]
            assert not wrong and row not in flagged
            assert (person.employee_id, person.first_name, person.last_name) == (eid or None, first, last)
            if eid:
                seen_ids.add(same(eid))
        else:
            assert wrong and row in flagged, (row, cells, parsed.problems)


ROWS = st.lists(st.lists(ANY_TEXT, min_size=3, max_size=3), min_size=1, max_size=6)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be"]))
def test_any_cells_round_trip_or_are_reported_by_row(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    data = csv_bytes(rows, delimiter, encoding)
    if encoding == "utf-16-be":  # with its byte-order mark, as Windows writes it
        data = codecs.BOM_UTF16_BE + data
    check_round_trip(rows, data)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(WESTERN, min_size=3, max_size=3), min_size=1, max_size=6),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_windows_1252_cells_round_trip_or_are_reported_by_row(rows: list[list[str]], delimiter: str) -> None:
    data = csv_bytes(rows, delimiter, "cp1252")
    # Some Windows-1252 text is also valid UTF-8 (e-diaeresis, en dash, euro: one Korean syllable); with no BOM no
    # reader can tell, and UTF-8 is the likelier reading. Such files are left out here, and the preview shows
    # the trainer how the file was read.
    assume(not _decodes_as_utf8(data) or data.isascii())
    check_round_trip(rows, data)


def _decodes_as_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(deadline=None, max_examples=100)
@given(headers=st.lists(st.text(max_size=20), max_size=8))
def test_guess_mapping_never_maps_a_column_twice(headers: list[str]) -> None:
    mapping = guess_mapping(headers)
    assert set(mapping) <= set(FIELDS) and len(set(mapping.values())) == len(mapping)
    assert all(0 <= c < len(headers) for c in mapping.values())
