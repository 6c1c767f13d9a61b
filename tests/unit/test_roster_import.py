"""Importing a roster into a session, walk-ins and the roster listing: the services and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from facilitator.cli import main
from facilitator.cli.roster import ROSTER_FIELDS
from facilitator.content.roster_file import FIELDS
from facilitator.domain.ids import ALPHABET, BADGE_TOKEN_LENGTH
from facilitator.services import roster as roster_service
from facilitator.services.attendance import attendance_log_entries, verify_attendance
from facilitator.services.errors import UserError
from facilitator.services.sessions import create_session, get_session
from facilitator.services.workspace import Workspace
from facilitator.storage.models import TrainingSession

GOOD = ("Harbor View Clinic - training roster;;;;\r\n"
        ";;;;\r\n"
        "Emp #;First Name;Last Name;E-mail;Dept\r\n"
        "1001;Zoë;Müller;zoe@example.com;Nursing\r\n"
        "1002;José;Núñez;jose@example.com;Pharmacy\r\n"
        "1003;Renée;O'Brien;renee@example.com;Front Desk\r\n")
# Row 7 has no name, row 8 a bad email, row 9 repeats row 4's id (in another case), row 10 is fine.
FLAWED = GOOD + ("1004;;;nobody@example.com;Billing\r\n"
                 "1005;Al;Ng;al-at-example.com;IT\r\n"
                 "1001;Zoë;Müller;zoe2@example.com;Nursing\r\n"
                 "1006;Siân;Evans;SIAN@example.com;IT\r\n")


@pytest.fixture
def session_id(workspace: Workspace) -> str:
    return create_session(workspace, workshop_id="allyship", on="2026-12-03", start="09:00", location="Depot",
                          trainer="Sam Lee", jurisdictions=["none"]).id


def write(folder: Path, name: str, text: str, encoding: str = "cp1252") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def roster_names(ws: Workspace, session_id: str) -> list[str]:
    return [p.full_name for p in roster_service.list_roster(ws, session_id)]


# --- services ------------------------------------------------------------------------------------------

def test_a_clean_file_is_imported_with_fresh_badge_codes(workspace: Workspace, session_id: str,
                                                         tmp_path: Path) -> None:
    result = roster_service.import_roster(workspace, session_id, write(tmp_path, "hr.csv", GOOD))
    assert (result.imported, result.rows_read, result.problems, result.skipped_rows) == (3, 3, [], [])
    assert (result.encoding, result.delimiter, result.kind) == ("windows-1252", ";", "csv")
    assert result.columns == {"employee_id": "Emp #", "first_name": "First Name", "last_name": "Last Name",
                              "email": "E-mail", "department": "Dept"}
    people = roster_service.list_roster(workspace, session_id)
    assert [p.full_name for p in people] == ["Zoë Müller", "José Núñez", "Renée O'Brien"]
    assert all(len(p.badge_code) == BADGE_TOKEN_LENGTH and set(p.badge_code) <= set(ALPHABET) for p in people)
    assert len({p.badge_code for p in people}) == 3 and not any(p.walk_in for p in people)
    assert get_session(workspace, session_id).roster_count == 3
    json.dumps(result.to_json())  # plain data all the way down


def test_problems_stop_the_whole_import_and_name_every_row(workspace: Workspace, session_id: str,
                                                           tmp_path: Path) -> None:
    result = roster_service.import_roster(workspace, session_id, write(tmp_path, "hr.csv", FLAWED))
    assert result.imported == 0 and roster_names(workspace, session_id) == []
    assert [(p.row, p.column) for p in result.problems] == [(7, "First Name"), (8, "E-mail"), (9, "Emp #")]
    assert "is also on row 4" in result.problems[2].message
    assert result.skipped_rows == [7, 8, 9] and result.rows_read == 7


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(workspace: Workspace, session_id: str,
                                                                 tmp_path: Path) -> None:
    result = roster_service.import_roster(workspace, session_id, write(tmp_path, "hr.csv", FLAWED),
                                          skip_invalid=True)
    assert result.imported == 4 and result.skipped_rows == [7, 8, 9]
    assert roster_names(workspace, session_id) == ["Zoë Müller", "José Núñez", "Renée O'Brien", "Siân Evans"]


def test_importing_the_same_file_twice_adds_no_one_twice(workspace: Workspace, session_id: str,
                                                         tmp_path: Path) -> None:
    path = write(tmp_path, "hr.csv", GOOD)
    roster_service.import_roster(workspace, session_id, path)
    again = roster_service.import_roster(workspace, session_id, path, skip_invalid=True)
    assert again.imported == 0 and again.already_on_roster == again.rows_read == 3
    assert all("already on this session's roster" in p.message for p in again.problems)
    assert len(roster_names(workspace, session_id)) == 3


def test_people_already_on_the_roster_are_matched_by_id_or_email_in_any_case(workspace: Workspace,
                                                                             session_id: str, tmp_path: Path) -> None:
    roster_service.add_walk_in(workspace, session_id, "Zoë", "Müller", email="ZOE@EXAMPLE.COM")
    roster_service.add_walk_in(workspace, session_id, "Joe", "Nunez", employee_id="1002")
    result = roster_service.import_roster(workspace, session_id, write(tmp_path, "hr.csv", GOOD), skip_invalid=True)
    assert result.imported == 1 and [(p.row, p.column) for p in result.problems] == [(4, "E-mail"), (5, "Emp #")]
    assert "(Joe Nunez)" in result.problems[1].message


def test_an_import_is_one_transaction(workspace: Workspace, session_id: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Two people given the same badge code break a unique constraint at commit: no one may be left added."""
    monkeypatch.setattr(roster_service, "new_badge_token", lambda: "A" * BADGE_TOKEN_LENGTH)
    with pytest.raises(IntegrityError, match="UNIQUE"):
        roster_service.import_roster(workspace, session_id, write(tmp_path, "hr.csv", GOOD))
    assert roster_names(workspace, session_id) == []


def test_a_file_that_is_not_a_roster_changes_nothing(workspace: Workspace, session_id: str, tmp_path: Path) -> None:
    path = write(tmp_path, "phones.csv", "Extension,Phone\n101,555-0101\n")
    result = roster_service.import_roster(workspace, session_id, path, skip_invalid=True)
    assert result.imported == 0 and result.problems[0].row is None
    assert "'Extension', 'Phone'" in result.problems[0].message
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(50))
    with pytest.raises(UserError, match=r"photo\.csv: is a PNG image"):
        roster_service.import_roster(workspace, session_id, tmp_path / "photo.csv")
    assert roster_names(workspace, session_id) == []


def test_columns_can_be_chosen_by_the_trainer(workspace: Workspace, session_id: str, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Badge,Who,Unit\nB1,\"Ng, Zoë\",Ops\nB2,Al Smith,IT\n")
    preview = roster_service.preview_roster(workspace, session_id, path)
    assert preview.mapping == {"department": 2} and preview.ready == 0 and preview.problems[0].row is None
    chosen = {"employee_id": "Badge", "full_name": 1}
    preview = roster_service.preview_roster(workspace, session_id, path, chosen)
    assert preview.columns == {"employee_id": "Badge", "full_name": "Who", "department": "Unit"}
    assert preview.ready == 2 and preview.problems == []
    result = roster_service.import_roster(workspace, session_id, path, mapping=chosen)
    people = roster_service.list_roster(workspace, session_id)
    assert result.imported == 2 and [(p.first_name, p.last_name, p.employee_id) for p in people] == [
        ("Zoë", "Ng", "B1"), ("Al", "Smith", "B2")]
    with pytest.raises(UserError, match="there is no column 'Nope'"):
        roster_service.preview_roster(workspace, session_id, path, {"email": "Nope"})


def test_the_preview_carries_what_a_dialog_needs_and_changes_nothing(workspace: Workspace, session_id: str,
                                                                     tmp_path: Path) -> None:
    rows = "".join(f"{2000 + i};Person;Number {i};p{i}@example.com;Ops\r\n" for i in range(30))
    path = write(tmp_path, "hr.csv", FLAWED + rows)
    preview = roster_service.preview_roster(workspace, session_id, path)
    assert preview.headers == ["Emp #", "First Name", "Last Name", "E-mail", "Dept"] and preview.header_row == 3
    assert len(preview.sample) == 20 and preview.sample[0].row == 4
    assert preview.sample[0].cells == ["1001", "Zoë", "Müller", "zoe@example.com", "Nursing"]
    assert preview.fields == FIELDS and preview.mapping["email"] == 3
    assert preview.rows_read == 37 and preview.ready == 34 and [p.row for p in preview.problems] == [7, 8, 9]
    assert roster_names(workspace, session_id) == []
    json.dumps(preview.to_json())


def test_a_sealed_session_refuses_imports_and_walk_ins(workspace: Workspace, session_id: str,
                                                       tmp_path: Path) -> None:
    with workspace.store.transaction() as db:
        db.execute(update(TrainingSession).values(status="sealed"))
    path = write(tmp_path, "hr.csv", GOOD)
    assert "is sealed" in roster_service.preview_roster(workspace, session_id, path).problems[0].message
    with pytest.raises(UserError, match="is sealed"):
        roster_service.import_roster(workspace, session_id, path)
    with pytest.raises(UserError, match="is sealed"):
        roster_service.add_walk_in(workspace, session_id, "Al", "Ng")
    assert roster_names(workspace, session_id) == []


def test_an_xlsx_roster_imports_its_numeric_ids_as_text(workspace: Workspace, session_id: str,
                                                       tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Employee Number", "Full Name", "Department"], [1234, "O'Brien, Renée", "Ops"], [],
                [1235.0, "Zoë Ng", None]):
        sheet.append(row)
    book.save(tmp_path / "hr.xlsx")
    result = roster_service.import_roster(workspace, session_id, tmp_path / "hr.xlsx")
    assert (result.kind, result.encoding, result.delimiter, result.imported) == ("xlsx", None, None, 2)
    people = roster_service.list_roster(workspace, session_id)
    assert [(p.employee_id, p.first_name, p.last_name, p.department) for p in people] == [
        ("1234", "Renée", "O'Brien", "Ops"), ("1235", "Zoë", "Ng", None)]


def test_a_walk_in_is_checked_like_a_row_and_gets_a_badge(workspace: Workspace, session_id: str) -> None:
    person = roster_service.add_walk_in(workspace, session_id, "  Zoë ", "O'Brien-Ng", employee_id="W1",
                                        email="zoe@example.com", department="Ops")
    assert (person.first_name, person.last_name, person.walk_in, person.employee_id) == ("Zoë", "O'Brien-Ng",
                                                                                         True, "W1")
    assert person.id > 0 and len(person.badge_code) == BADGE_TOKEN_LENGTH
    assert roster_service.list_roster(workspace, session_id) == [person]
    with pytest.raises(UserError, match="first name: the name is empty"):
        roster_service.add_walk_in(workspace, session_id, " ", "")
    with pytest.raises(UserError, match="email: 'zoe@' is not an email address"):
        roster_service.add_walk_in(workspace, session_id, "Al", "Ng", email="zoe@")
    with pytest.raises(UserError, match="employee id 'w1' is already on this session's roster \\(Zoë O'Brien-Ng\\)"):
        roster_service.add_walk_in(workspace, session_id, "Al", "Ng", employee_id="w1")
    with pytest.raises(UserError, match="first name: contains an invisible control character"):
        roster_service.add_walk_in(workspace, session_id, "Al\x1b", "Ng")
    assert len(roster_service.list_roster(workspace, session_id)) == 1
    # The log says someone was added at the door (once: the refused ones left no trace), and still verifies.
    log = attendance_log_entries(workspace, session_id)
    assert [(e.kind, e.person) for e in log] == [("walk-in", "Zoë O'Brien-Ng")]
    assert verify_attendance(workspace, session_id).intact


def test_unknown_session_is_reported_before_the_file_is_read(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no session 'ZZZZ'"):
        roster_service.import_roster(workspace, "ZZZZ", tmp_path / "missing.csv")


# --- command line --------------------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_session(capsys: pytest.CaptureFixture[str], data_dir: Path) -> str:
    code, out, _ = run(capsys, "session", "create", "--workshop", "allyship", "--date", "2026-12-03", "--start",
                       "09:00", "--location", "Depot", "--trainer", "Sam Lee", "--jurisdiction", "none")
    assert code == 0
    return out.strip()


def listed(capsys: pytest.CaptureFixture[str], session: str) -> list[dict[str, object]]:
    return json.loads(run(capsys, "roster", "list", session, "--json")[1])


def test_cli_import_summarises_how_the_file_was_read(capsys, cli_session: str, tmp_path: Path) -> None:
    path = write(tmp_path, "hr.csv", GOOD)
    code, out, err = run(capsys, "roster", "import", cli_session, str(path))
    assert code == 0 and err == ""
    assert f"Read {path} (CSV, windows-1252, semicolon-separated): 3 rows below the header." in out
    assert "  employee_id  <- Emp #" in out and "  email        <- E-mail" in out
    assert out.rstrip().endswith(f"Imported 3 people to session {cli_session}.")


def test_cli_import_with_problems_lists_every_row_and_imports_nothing(capsys, cli_session: str,
                                                                     tmp_path: Path) -> None:
    path = write(tmp_path, "hr.csv", FLAWED)
    code, _, err = run(capsys, "roster", "import", cli_session, str(path))
    lines = err.splitlines()
    assert code == 1 and len(lines) == 4
    assert lines[0] == f"{path}:7: First Name: the name is empty; fill in the person's name, or delete the row"
    assert lines[1].startswith(f"{path}:8: E-mail: 'al-at-example.com' is not an email address")
    assert lines[2].startswith(f"{path}:9: Emp #: employee id '1001' is also on row 4")
    assert lines[3] == (f"facilitator: nothing imported: 3 rows have problems; fix them in {path} and import it "
                        "again, or use --skip-invalid to import the other 4 rows")
    assert listed(capsys, cli_session) == []


def test_cli_skip_invalid_and_then_a_second_import(capsys, cli_session: str, tmp_path: Path) -> None:
    path = write(tmp_path, "hr.csv", FLAWED)
    code, out, err = run(capsys, "roster", "import", cli_session, str(path), "--skip-invalid")
    assert code == 0 and "Imported 4 people" in out and "skipped 3 rows with problems" in out
    assert err.count(f"{path}:") == 3
    code, _, err = run(capsys, "roster", "import", cli_session, str(write(tmp_path, "again.csv", GOOD)))
    assert code == 1 and err.splitlines()[-1] == (
        f"facilitator: nothing imported: everyone in {tmp_path / 'again.csv'} is already on the roster of "
        f"session {cli_session}")
    assert len(listed(capsys, cli_session)) == 4


def test_cli_import_json(capsys, cli_session: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "roster", "import", cli_session, str(write(tmp_path, "hr.csv", FLAWED)), "--json")
    result = json.loads(out)
    assert code == 1 and result["imported"] == 0 and result["skipped_rows"] == [7, 8, 9]
    assert result["problems"][0] == {"row": 7, "column": "First Name",
                                     "message": "the name is empty; fill in the person's name, or delete the row"}
    assert result["columns"]["employee_id"] == "Emp #" and result["delimiter"] == ";"


def test_cli_map_chooses_columns(capsys, cli_session: str, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Badge,Who,Unit\nB1,Zoë Ng,Ops\n", "utf-8")
    code, _, err = run(capsys, "roster", "import", cli_session, str(path))
    assert code == 1 and "'Badge', 'Who', 'Unit'" in err and "--map full_name=" in err.splitlines()[-1]
    code, out, _ = run(capsys, "roster", "import", cli_session, str(path), "--map", "employee-id=Badge",
                       "--map", "full_name=2", "--map", "department=")
    assert code == 0 and "Not used: Unit" in out
    [person] = listed(capsys, cli_session)
    assert (person["employee_id"], person["first_name"], person["department"]) == ("B1", "Zoë", None)


def test_cli_wrong_map_and_unreadable_files(capsys, cli_session: str, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["roster", "import", cli_session, "x.csv", "--map", "employee_id"])
    assert exited.value.code == 2
    capsys.readouterr()
    path = write(tmp_path, "odd.csv", "Name\nZoë\n")
    code, _, err = run(capsys, "roster", "import", cli_session, str(path), "--map", "nickname=Name")
    assert code == 1 and "there is no field 'nickname'" in err and err.count("\n") == 1
    (tmp_path / "empty.csv").write_bytes(b"")
    code, out, err = run(capsys, "roster", "import", cli_session, str(tmp_path / "empty.csv"))
    assert (code, out) == (1, "")
    assert err == f"facilitator: {tmp_path / 'empty.csv'}: is empty; export the roster again\n"


def test_cli_roster_list_and_add(capsys, cli_session: str, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "roster", "list", cli_session)
    assert code == 0 and "No one on the roster yet" in out
    run(capsys, "roster", "import", cli_session, str(write(tmp_path, "hr.csv", GOOD)))
    code, out, _ = run(capsys, "roster", "add", cli_session, "--first", "Siân", "--last", "Evans", "--department",
                       "IT", "--employee-id", "W-1")
    assert code == 0 and out.startswith("Added Siân Evans as a walk-in. Badge code: ")
    grouped = out.split("Badge code: ")[1].strip()
    people = listed(capsys, cli_session)
    walk_in = people[-1]
    assert walk_in["walk_in"] is True and walk_in["badge_code"] == grouped.replace("-", "")
    assert [len(part) for part in grouped.split("-")] == [5, 5, 5, 5]
    code, out, _ = run(capsys, "roster", "list", cli_session)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["name", "employee", "id", "department", "walk-in", "badge", "code"]
    assert lines[1].startswith("Zoë Müller") and "Nursing" in lines[1] and "walk-in" not in lines[1]
    assert lines[4].startswith("Siân Evans") and "W-1" in lines[4] and "walk-in" in lines[4]
    assert lines[4].endswith(grouped) and lines[-1] == "4 on the roster, 1 of them walk-ins"
    code, _, err = run(capsys, "roster", "add", cli_session, "--first", "X", "--last", "Y", "--employee-id", "w-1")
    assert code == 1 and "already on this session's roster (Siân Evans)" in err


def test_cli_roster_add_json(capsys, cli_session: str) -> None:
    code, out, _ = run(capsys, "roster", "add", cli_session, "--first", "Al", "--last", "Ng", "--json")
    person = json.loads(out)
    assert code == 0 and person["walk_in"] is True and len(person["badge_code"]) == BADGE_TOKEN_LENGTH


def test_cli_names_the_same_fields_as_the_roster_reader() -> None:
    assert tuple(FIELDS) == ROSTER_FIELDS
