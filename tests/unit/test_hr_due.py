"""`hr employees import` and `hr due` over bundles really imported, on SQLite and on PostgreSQL: every person on
HR's list under each jurisdiction where they work, trained or never, with the date the law makes next due."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from facilitator.cli import main
from facilitator.domain.due import add_months
from facilitator.services import hr_import
from facilitator.services.hr_due import due_dates
from facilitator.services.hr_employees import import_employees, listed_employees
from facilitator.services.hr_store import HrStore
from facilitator.services.hr_trust import add_trusted
from tests.unit.hr_laptops import Laptops

pytestmark = pytest.mark.slow

HEADER = "Employee ID,First name,Last name,Email,Jurisdictions,Supervisor,Hire date,Supervisor since\r\n"


def employee_list(folder: Path, hired: date) -> Path:
    """E1 (trained as a supervisor in the bundles), E2 (there, but left early: no credit), E9 (new, never trained,
    California employee) and E4 (Connecticut, never trained)."""
    path = folder / "employees.csv"
    path.write_text(HEADER + "E1,Zoë,O'Neil,zoe@example.com,ca-supervisors,yes,2020-01-06,2021-03-01\r\n"
                    "E2,José,Núñez,jose@example.com,ca-supervisors,yes,2019-05-01,2021-03-01\r\n"
                    f"E9,Ada,Ng,,ca-employees,no,{hired.isoformat()},\r\n"
                    "E4,Bo,Li,,ct,no,2019-02-01,\r\n", encoding="utf-8")
    return path


def imported(store: HrStore, laptops: Laptops) -> date:
    """Trainer A's bundles imported; the day their sessions were held."""
    add_trusted(store, laptops.trainer_a)
    results = hr_import.import_bundles(store, [laptops.a1, laptops.a2])
    assert all(r.ok for r in results)
    return next(s for s in _sessions(store) if s).date


def _sessions(store: HrStore) -> list:
    from facilitator.services.hr_history import imported_sessions

    return imported_sessions(store)


def test_everyone_on_the_list_is_due_on_the_date_the_law_makes(store: HrStore, laptops: Laptops,
                                                               tmp_path: Path) -> None:
    held = imported(store, laptops)
    hired = add_months(held, -2)
    listed = import_employees(store, employee_list(tmp_path, hired))
    assert (listed.total, listed.added) == (4, 4)
    rows = {(r.employee_id, r.jurisdiction): r for r in due_dates(store, held)}
    assert set(rows) == {("E1", "ca-supervisors"), ("E2", "ca-supervisors"), ("E9", "ca-employees"), ("E4", "ct")}
    e1 = rows["E1", "ca-supervisors"]
    assert e1.last_training is not None and e1.last_training.on == held and e1.due == add_months(held, 24)
    assert rows["E2", "ca-supervisors"].last_training is None, "left early: a partial credit never counts"
    assert rows["E2", "ca-supervisors"].due == date(2019, 11, 1), \
        "as an employee, 6 months after hire: earlier than 6 months after becoming a supervisor, and never met"
    assert "due as an employee first" in rows["E2", "ca-supervisors"].note
    assert rows["E9", "ca-employees"].due == add_months(hired, 6)
    assert rows["E4", "ct"].due == date(2019, 8, 1) and str(rows["E4", "ct"].status) == "overdue"
    within = {(r.employee_id, r.jurisdiction) for r in due_dates(store, held, within_days=400)}
    assert within == {("E2", "ca-supervisors"), ("E9", "ca-employees"), ("E4", "ct")}, "E1 is not due for 2 years"
    assert {r.employee_id for r in due_dates(store, held, jurisdiction="ct")} == {"E4"}


def test_the_list_is_replaced_whole_and_a_bad_one_changes_nothing(store: HrStore, tmp_path: Path) -> None:
    import_employees(store, employee_list(tmp_path, date(2026, 1, 5)))
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "E7,Al,Bo,,ca-employes,no,2026-01-05,\r\nE8,Cy,Do,,ct,no,31/31/2026,\r\n",
                   encoding="utf-8")
    with pytest.raises(Exception, match=r"2 problems, so nothing was imported") as refused:
        import_employees(store, bad)
    assert "ca-employes" in str(refused.value) and "row 2" in str(refused.value).lower()
    assert [e.employee_id for e in listed_employees(store)] == ["E1", "E2", "E9", "E4"]
    shorter = tmp_path / "shorter.csv"
    shorter.write_text(HEADER + "E1,Zoë,O'Neil,zoe@example.com,ca-supervisors,yes,2020-01-06,2022-03-01\r\n",
                       encoding="utf-8")
    again = import_employees(store, shorter)
    assert (again.total, again.added, again.changed, again.removed) == (1, 0, 1, 3)


def test_hr_due_writes_an_xlsx_hr_opens(where: tuple[str | None, Path], laptops: Laptops, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db, data = where
    hr = ["--data-dir", str(data), "hr", *(["--db", db] if db else [])]
    assert main([*hr, "trust", "add", str(laptops.trainer_a)]) == 0
    assert main([*hr, "import", str(laptops.a1)]) == 0
    capsys.readouterr()
    assert main([*hr, "due"]) == 1 and "employee list is empty" in capsys.readouterr().err
    held = date.fromisoformat(_held(laptops))
    assert main([*hr, "employees", "import", str(employee_list(tmp_path, add_months(held, -2)))]) == 0
    out = tmp_path / "due.xlsx"
    assert main([*hr, "due", "--within", "400d", "--format", "xlsx", "--out", str(out), "--on", held.isoformat()]) == 0
    sheet = load_workbook(out).active
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    got = {(r[header.index("employee_id")], r[header.index("jurisdiction")]): r[header.index("due")] for r in rows}
    assert {k: v.date() for k, v in got.items()} == {("E2", "ca-supervisors"): date(2019, 11, 1),
                                                     ("E9", "ca-employees"): add_months(held, 4),
                                                     ("E4", "ct"): date(2019, 8, 1)}
    capsys.readouterr()
    assert main([*hr, "due", "--format", "csv", "--on", held.isoformat()]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("employee_id,name,jurisdiction") and "E1" in text
    with pytest.raises(SystemExit) as usage:
        main([*hr, "due", "--within", "soon"])
    assert usage.value.code == 2 and "not a number of days" in capsys.readouterr().err


def _held(laptops: Laptops) -> str:
    import json
    import zipfile

    with zipfile.ZipFile(laptops.a1) as bundle:
        name = next(n for n in bundle.namelist() if n.startswith("sessions/"))
        return json.loads(bundle.read(name))["seal"]["record"]["date"]


def test_a_session_sealed_differently_on_two_laptops_counts_only_what_both_records_say() -> None:
    """Of a conflict, the more generous record is not taken on trust: "met" only where every record says so, and a
    person one record leaves out is not met by the other alone."""
    from facilitator.services.hr_due import _agreed

    on = date(2026, 3, 14)
    rows = [("E1", on, "ca", "employee", "met", "S1"), ("E1", on, "ca", "employee", "met", "S1"),
            ("E2", on, "ca", "employee", "met", "S1"), ("E2", on, "ca", "employee", "partial", "S1"),
            ("E3", on, "ca", "employee", "met", "S1"),  # in one record only
            ("E1", on, "ca", "employee", "met", "S2")]  # another session, one record: as it is
    agreed = sorted(_agreed(rows, {"S1": 2}))
    assert agreed == [("E1", on, "ca", "employee", "met", "S1"), ("E1", on, "ca", "employee", "met", "S2"),
                      ("E2", on, "ca", "employee", "not-met", "S1"), ("E3", on, "ca", "employee", "not-met", "S1")]


def test_a_conflicted_session_gives_each_person_one_credit_per_jurisdiction(store: HrStore,
                                                                            laptops: Laptops) -> None:
    from facilitator.services.hr_due import trainings

    add_trusted(store, laptops.trainer_a)
    hr_import.import_bundles(store, [laptops.a1, laptops.c1])
    of_s1 = [(t.employee_id, t.jurisdiction) for t in trainings(store) if t.session_id == laptops.s1]
    assert of_s1 and len(of_s1) == len(set(of_s1))
