"""The bundle's attendance.csv, read back as HR's tools read it: the csv module, column maps, and LibreOffice."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from facilitator.content.problems import ContentError
from facilitator.domain.hr_columns import ColumnMap, MappedColumn
from facilitator.records import hr_csv
from facilitator.records.export_record import ExportedSession
from facilitator.records.sealed import SealedCredit
from facilitator.services import closing
from facilitator.services.exported_sessions import exported_session
from facilitator.services.hr_columns import column_map, shipped_column_maps
from facilitator.services.identity import signer
from facilitator.services.workspace import Workspace
from tests.unit.exporting import sealed_session

FORMULA_ID = '=HYPERLINK("x")'  # Ana Díaz's employee id in tests/unit/exporting.py
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
MOMENT_COLUMNS = ("session_start", "session_end", "checked_in", "checked_out")


@pytest.fixture
def exported(workspace: Workspace) -> ExportedSession:
    return exported_session(workspace, sealed_session(workspace))


def written(sessions: list[ExportedSession], columns: ColumnMap | None = None) -> bytes:
    out = io.BytesIO()
    hr_csv.write_csv(sessions, out, columns)
    return out.getvalue()


def parsed(data: bytes) -> list[list[str]]:
    """The CSV as a program reads it: UTF-8 with its BOM taken off, RFC 4180 quoting."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def by_first_name(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {row[header.index("first_name")]: dict(zip(header, row, strict=True)) for row in body}


# --- the file as written ---------------------------------------------------------------------------------

def test_the_file_is_utf8_with_a_bom_crlf_lines_and_a_header(exported: ExportedSession) -> None:
    data = written([exported])
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)  # every line ends CRLF, none LF alone
    rows = parsed(data)
    assert rows[0] == list(hr_csv.COLUMN_NAMES)
    assert len(rows) == 1 + len(exported.people) == 5  # one row per person, the no-show too


def test_names_keep_their_accents_and_apostrophes(exported: ExportedSession) -> None:
    people = by_first_name(parsed(written([exported])))
    assert set(people) == {"Zoë", "José", "Ana", "Kim"}
    assert (people["Zoë"]["last_name"], people["José"]["last_name"], people["Ana"]["last_name"]) == (
        "O'Neil", "Núñez", "Díaz")  # an apostrophe inside a name is not a formula: left as it is


def test_only_the_formula_looking_id_is_changed(exported: ExportedSession) -> None:
    """Every cell is what the record says, except the one a spreadsheet would run: it gains an apostrophe."""
    expected = list(hr_csv.table([exported]))
    rows = parsed(written([exported]))
    changed = [(r, c, rows[r][c]) for r, row in enumerate(expected) for c, cell in enumerate(row)
               if rows[r][c] != cell]
    ana = next(r for r, row in enumerate(expected) if row[2] == "Ana")
    assert changed == [(ana, hr_csv.COLUMN_NAMES.index("employee_id"), "'" + FORMULA_ID)]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert hr_csv.neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["2026-11-30T09:05:00-05:00", "2026-11-30", "150", "2.50", "Zoë", "O'Neil", "",
                                  "a=b", "ca-supervisors; ny-employees"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert hr_csv.neutralised(cell) == cell


def test_each_outcome_has_its_status_minutes_and_dates(exported: ExportedSession) -> None:
    people = by_first_name(parsed(written([exported])))
    zoe, jose, kim = people["Zoë"], people["José"], people["Kim"]
    assert (zoe["completion_status"], zoe["training_minutes"], zoe["training_hours"]) == ("completed", "150", "2.50")
    assert zoe["completion_date"] == exported.ends.date().isoformat()
    assert zoe["certificate_id"] == exported.people[0].attendee.certificate_id != ""
    assert (jose["completion_status"], jose["training_minutes"], jose["training_hours"]) == ("incomplete", "60",
                                                                                             "1.00")
    assert jose["completion_date"] == jose["certificate_id"] == ""
    assert (kim["completion_status"], kim["training_minutes"], kim["training_hours"]) == ("no-show", "0", "0.00")
    assert kim["checked_in"] == kim["checked_out"] == kim["completion_date"] == ""
    assert zoe["jurisdictions_credited"] == "ca-supervisors" and jose["jurisdictions_credited"] == ""
    for person in people.values():
        assert person["session_id"] == exported.session_id and person["instructor"] == "Sam Lee"
        assert person["delivery_method"] == "instructor-led, in person" and person["track"] == "supervisor"
        assert person["course_code"] == "harassment-prevention-supervisors" and person["amended"] == "no"
        assert person["acknowledgment"] == "no"  # sealed with no signed acknowledgment on record


def test_moments_are_iso_on_the_trainers_clock_and_never_neutralised(exported: ExportedSession) -> None:
    """The record keeps UTC; the CSV gives the trainer's clock, as the session's start carries it, whatever the
    clock of the machine exporting. An offset west of UTC starts with a minus, but only ever inside a cell."""
    west = timezone(timedelta(hours=-5))
    session = replace(exported, starts=exported.starts.astimezone(west), ends=exported.ends.astimezone(west))
    people = by_first_name(parsed(written([session])))
    zoe = people["Zoë"]
    for column in MOMENT_COLUMNS:
        assert ISO_MOMENT.match(zoe[column]) and zoe[column].endswith("-05:00"), column
    stored = datetime.fromisoformat(exported.people[0].attendee.first_in)
    assert datetime.fromisoformat(zoe["checked_in"]) == stored  # the same moment, only written on another clock
    assert datetime.fromisoformat(zoe["session_start"]) == exported.starts


def test_partial_credit_is_listed_apart_and_never_as_met(exported: ExportedSession) -> None:
    def credit(code: str, standing: str) -> SealedCredit:
        return SealedCredit(code, code.upper(), "a law", standing, (), ())

    credits = {"Zoë": (credit("ca-supervisors", "met"), credit("ny-employees", "partial"), credit("il", "met")),
               "José": (credit("ca-supervisors", "partial"), credit("il", "not-met"))}
    attendees = tuple(replace(p.attendee, credits=credits.get(p.first_name, p.attendee.credits))
                      for p in exported.people)
    record = replace(exported.record, attendees=attendees)
    people = tuple(replace(p, attendee=a) for p, a in zip(exported.people, attendees, strict=True))
    rows = by_first_name(parsed(written([replace(exported, record=record, people=people)])))
    assert rows["Zoë"]["jurisdictions_credited"] == "ca-supervisors; il"
    assert rows["Zoë"]["jurisdictions_partial"] == "ny-employees"
    assert rows["José"]["jurisdictions_credited"] == "" and rows["José"]["jurisdictions_partial"] == "ca-supervisors"


def test_an_amendment_decides_and_is_said(workspace: Workspace) -> None:
    sid = sealed_session(workspace)
    closing.amend(workspace, sid, signer(workspace), person="E2", eligible=True, reason="made up the missed hour")
    jose = by_first_name(parsed(written([exported_session(workspace, sid)])))["José"]
    assert (jose["completion_status"], jose["amended"]) == ("completed", "yes")
    assert jose["training_minutes"] == "60"  # a decision, never credit: the minutes stay what they were


def test_a_text_stream_gets_the_same_text(exported: ExportedSession) -> None:
    text = io.StringIO(newline="")
    assert hr_csv.write_csv([exported], text) == 4
    assert text.getvalue() == written([exported]).decode("utf-8")


def test_a_map_naming_an_unknown_column_writes_nothing(exported: ExportedSession) -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="nope"):
        hr_csv.write_csv([exported], out, ColumnMap("x", (MappedColumn("A", source="nope"),)))
    assert out.getvalue() == b""


def test_every_column_has_a_one_line_description() -> None:
    described = hr_csv.column_descriptions()
    assert [name for name, _ in described] == list(hr_csv.COLUMN_NAMES)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", name) for name in hr_csv.COLUMN_NAMES)
    assert all(text and "\n" not in text for _, text in described)


# --- column maps ---------------------------------------------------------------------------------------

MAP = """\
name: An HR system
rows: completed
date_format: DD/MM/YYYY
columns:
  - {from: completion_date, to: Completed On}
  - {from: employee_id, to: Employee ID}
  - {value: Internal, to: Training Type}
  - {from: session_start, to: Start}
  - {from: last_name, to: Surname}
"""


def write_map(tmp_path: Path, text: str, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_map_renames_orders_selects_and_adds_constants(exported: ExportedSession, tmp_path: Path) -> None:
    rows = parsed(written([exported], column_map(write_map(tmp_path, MAP))))
    day = exported.ends.strftime("%d/%m/%Y")
    assert rows == [["Completed On", "Employee ID", "Training Type", "Start", "Surname"],
                    [day, "E1", "Internal", exported.starts.strftime("%d/%m/%Y"), "O'Neil"],
                    [day, "'" + FORMULA_ID, "Internal", exported.starts.strftime("%d/%m/%Y"), "Díaz"]]


def test_a_map_can_keep_every_row_and_iso_dates(exported: ExportedSession) -> None:
    mapped = ColumnMap("ids", (MappedColumn("Status", source="completion_status"),
                               MappedColumn("Start", source="session_start")))
    rows = parsed(written([exported, exported], mapped))
    assert [r[0] for r in rows[1:]] == ["completed", "incomplete", "completed", "no-show"] * 2
    assert all(ISO_MOMENT.match(r[1]) for r in rows[1:])


def test_every_shipped_map_loads_names_known_columns_and_cites_its_source() -> None:
    shipped = shipped_column_maps()
    assert len(shipped) >= 2
    for name, path in shipped.items():
        loaded = column_map(path)
        assert set(loaded.sources) <= set(hr_csv.COLUMN_NAMES), name
        assert loaded.rows == "completed", name  # both imports record every row as a completion
        assert re.search(r"^# Source: https://", path.read_text(encoding="utf-8"), re.MULTILINE), name


BROKEN = {
    "unknown column": ("name: X\ncolumns:\n  - {from: employee_id, to: ID}\n  - {from: emial, to: Mail}\n", 4,
                       r"columns\[1\]\.from: unknown column 'emial'\. Fix: did you mean 'email'\?"),
    "bad YAML": ("name: X\ncolumns:\n  - {from: email, to: Mail\n  - {from: email, to: Other}\n", None,
                 r"not valid YAML"),
    "not a mapping": ("- {from: email, to: Mail}\n", 1, r"not a column map"),
    "both from and value": ("name: X\ncolumns:\n  - {from: email, value: x, to: Mail}\n", 3,
                            r"columns\[0\]: give 'from' or 'value', not both"),
    "neither": ("name: X\ncolumns:\n  - {to: Mail}\n", 3, r"columns\[0\]: give 'from' \(a column"),
    "a header twice": ("name: X\ncolumns:\n  - {from: email, to: Mail}\n  - {from: employee_id, to: mail}\n", 4,
                       r"columns\[1\]\.to: the header 'mail' is used twice \(first on line 3\)"),
    "unknown date format": ("name: X\ndate_format: dd.mm.yy\ncolumns:\n  - {from: email, to: Mail}\n", 2,
                            r"date_format: input should be 'iso'"),
    "unknown field": ("name: X\ncolumns:\n  - {from: email, to: Mail, width: 3}\n", 3,
                      r"columns\[0\]\.width: unknown field"),
    "no columns": ("name: X\ncolumns: []\n", 2, r"columns: list should have at least 1 item"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_map_is_refused_with_the_file_line_and_entry(tmp_path: Path, case: str) -> None:
    text, line, message = BROKEN[case]
    path = write_map(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        column_map(path)
    said = str(caught.value)
    assert said.startswith(f"{path}:{line}:" if line else str(path)), said
    assert re.search(message, said), said
    assert "Fix:" in said


def test_bad_yaml_names_its_line(tmp_path: Path) -> None:
    path = write_map(tmp_path, BROKEN["bad YAML"][0])
    with pytest.raises(ContentError) as caught:
        column_map(path)
    assert caught.value.problems[0].line in (3, 4)  # the unclosed flow mapping, where the parser notices it


def test_a_huge_map_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write_map(tmp_path, "name: X\ncolumns:\n" + "  - {from: email, to: Mail}  # padding\n" * 5000)
    with pytest.raises(ContentError, match=r"larger than 64 KB, far more than a column map"):
        column_map(path)


# --- LibreOffice, as HR's spreadsheet ------------------------------------------------------------------

def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("FACILITATOR_CI"):
            pytest.fail("soffice is missing; on Debian: apt-get install --no-install-recommends "
                        "libreoffice-calc-nogui (see .ci/run)")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    return found


@pytest.mark.slow
def test_libreoffice_opens_it_with_accents_intact_and_no_formula_run(exported: ExportedSession,
                                                                     tmp_path: Path) -> None:
    """Converted headless to XLSX (UTF-8 and commas chosen as a user picks them in the import dialog: without
    that, LibreOffice reads the file in the local code page and shows the BOM), then read with openpyxl. A
    control file with the same formula not neutralised shows that LibreOffice would have run it."""
    ours, control = tmp_path / "attendance.csv", tmp_path / "control.csv"
    ours.write_bytes(written([exported]))
    quoted = '"' + FORMULA_ID.replace('"', '""') + '"'  # as RFC 4180 quotes it, with no apostrophe in front
    control.write_bytes(f"\ufeffid\r\n{quoted}\r\n".encode())
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
         str(ours), str(control)], capture_output=True, text=True, check=False, timeout=180)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "out" / "control.xlsx").active["A2"].data_type == "f"

    sheet = openpyxl.load_workbook(tmp_path / "out" / "attendance.xlsx").active
    cells = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in cells[0]]
    assert header == list(hr_csv.COLUMN_NAMES)
    assert all(c.data_type != "f" for row in cells for c in row)  # no cell became a formula
    people = {row[header.index("first_name")].value: {h: c for h, c in zip(header, row, strict=True)}
              for row in cells[1:]}
    assert set(people) == {"Zoë", "José", "Ana", "Kim"}
    assert [people[n]["last_name"].value for n in ("Zoë", "José", "Ana")] == ["O'Neil", "Núñez", "Díaz"]
    # LibreOffice keeps the apostrophe of a CSV cell as text (the cell is the literal '=HYPERLINK("x")).
    ana_id = people["Ana"]["employee_id"]
    assert (ana_id.data_type, ana_id.value) == ("s", "'" + FORMULA_ID)
    # Moments with an offset stay text, exactly as written; a bare date becomes a date cell.
    zoe = people["Zoë"]
    for column in MOMENT_COLUMNS:
        assert zoe[column].data_type == "s" and ISO_MOMENT.match(zoe[column].value), column
    completed = zoe["completion_date"]
    assert completed.is_date and completed.value == datetime.combine(exported.ends.date(), datetime.min.time())
    assert (zoe["training_minutes"].value, zoe["training_hours"].value) == (150, 2.5)  # numbers, as HR sums them
