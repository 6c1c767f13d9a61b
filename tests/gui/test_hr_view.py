"""The HR records window over a real HR store (SQLite; the services' own tests cover PostgreSQL) and real bundles
from three trainers' laptops: importing runs off the GUI thread with a progress bar and says what became of each
bundle; a certificate is trusted only after its fingerprint is shown; the due dates filter, mark the overdue in
words, and export to a workbook; a bad employee list shows every problem and changes nothing."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from facilitator.domain.due import add_months
from facilitator.services import hr_import
from facilitator.services.hr_due import COLUMNS
from facilitator.services.hr_employees import listed_employees
from facilitator.services.hr_history import imported_sessions
from facilitator.services.hr_store import HR_DB_ENV, HrStore, open_hr_store
from facilitator.services.hr_trust import add_trusted, list_trusted, read_certificate
from facilitator.ui.hr import bundles
from facilitator.ui.hr.bundles import TrustDialog
from facilitator.ui.hr.messages import ProblemsDialog
from facilitator.ui.hr.window import DUE_TAB, IMPORT_TAB, PERSON_TAB, QUARANTINE_TAB, HrWindow, open_hr_window
from facilitator.ui.main_window import MainWindow
from facilitator.ui.models import RowsModel
from facilitator.ui.operations import Progress
from tests.gui.waiting import WAIT_MS
from tests.unit.hr_laptops import Laptops, make_laptops
from tests.unit.test_hr_due import HEADER, employee_list

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def laptops(tmp_path_factory: pytest.TempPathFactory) -> Laptops:
    return make_laptops(tmp_path_factory.mktemp("laptops"))


@pytest.fixture
def store(tmp_path: Path) -> HrStore:
    opened = open_hr_store(None, tmp_path / "hr-data")
    yield opened
    opened.close()


@pytest.fixture
def hr_window(qtbot: QtBot, store: HrStore) -> HrWindow:
    window = HrWindow(store)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    with qtbot.waitSignal(window.due.loaded, timeout=WAIT_MS):
        window.show()
    return window


def cells(model: RowsModel, column: int) -> list[str]:
    return [model.data(model.index(row, column)) for row in range(model.rowCount())]


def visible_box(window: HrWindow) -> QMessageBox:
    return next(b for b in window.findChildren(QMessageBox) if b.isVisible())


def held_on(store: HrStore) -> date:
    return imported_sessions(store)[0].date


# --- importing ---------------------------------------------------------------------------------------------------

def test_bundles_import_off_the_gui_thread_and_each_outcome_and_reason_is_shown(
        qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    add_trusted(store, laptops.trainer_a)
    threads: list[int] = []

    def watched(*args: object, **kwargs: object) -> list[hr_import.BundleResult]:
        threads.append(threading.get_ident())
        return hr_import.import_bundles(*args, **kwargs)

    monkeypatch.setattr(bundles, "import_bundles", watched)
    ticks: list[int] = []
    clock = QTimer(interval=20)
    clock.timeout.connect(lambda: ticks.append(1))
    clock.start()
    shown: list[int] = []
    probe = QTimer(interval=30)
    probe.timeout.connect(lambda: shown.extend(d.value() for d in hr_window.findChildren(QProgressDialog)))
    probe.start()
    results = hr_window.imports.import_files([laptops.a1, laptops.b1, laptops.tampered, laptops.a2,
                                              laptops.c1, tmp_path / "missing.zip"])
    clock.stop()
    probe.stop()
    assert threads and threads[0] != threading.get_ident(), "the import ran on the background worker"
    assert len(ticks) >= 5, "the window kept turning while the bundles were verified"
    assert len(set(shown)) >= 2, "the progress bar moved"
    assert results is not None and len(results) == 6
    view = hr_window.imports
    assert cells(view.results_model, 0) == ["a1.zip", "b1.zip", "tampered.zip", "a2.zip", "c1.zip", "missing.zip"]
    assert cells(view.results_model, 1) == ["Imported", "Quarantined", "Quarantined", "Imported", "Imported",
                                            "Not read"]
    details = cells(view.results_model, 2)
    assert details[0].startswith("2 sessions: 2 new, 0 amended, 8 people written; signed by CN=Sam Lee")
    assert "whom you have not trusted" in details[1] and "(Trust a certificate…)" in details[1]
    assert not any("facilitator hr" in d for d in details), "the app never tells HR to type a command"
    assert details[2] == "attendance.csv does not match its hash in SHA256SUMS: it was changed"
    assert "conflict: another laptop sealed" in details[4] and "there is no file" in details[5]
    assert view.outcome.text().startswith("6 bundles: 3 imported, 0 imported before, 2 quarantined, 1 not read.")
    # Every tab looked again after the import.
    quarantine = hr_window.quarantine.model
    assert sorted(cells(quarantine, 1)) == ["b1.zip", "tampered.zip"]
    reasons = dict(zip(cells(quarantine, 1), cells(quarantine, 2), strict=True))
    assert "signed by CN=Kai Moreno, whom you have not trusted" in reasons["b1.zip"]
    assert "it was changed" in reasons["tampered.zip"]
    assert "2 files refused at import" in hr_window.quarantine.summary.text()
    sessions = hr_window.sessions.model
    assert sorted(cells(sessions, 7)) == sorted([laptops.s1, laptops.s1, laptops.s2])
    assert sum("CONFLICT" in note for note in cells(sessions, 6)) == 2, "one session sealed on two laptops"

    again = hr_window.imports.import_files([laptops.a1])
    assert again is not None and cells(view.results_model, 1) == ["Imported before"]
    assert cells(view.results_model, 2) == ["nothing changed"]


def test_cancel_stops_the_import_between_two_bundles_and_says_how_far_it_got(
        qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops, monkeypatch: pytest.MonkeyPatch) -> None:
    add_trusted(store, laptops.trainer_a)

    def held_after_two(store: HrStore, paths: list[Path], progress: Progress) -> list[hr_import.BundleResult]:
        """The import as it is, waiting after the second bundle until Cancel is pressed (no race with it)."""
        def waiting(done: int, total: int) -> None:
            progress(done, total)
            deadline = time.monotonic() + WAIT_MS / 1000
            while done == 2 and time.monotonic() < deadline:
                time.sleep(0.01)
                progress(done, total)  # raises Cancelled once Cancel is pressed
        return hr_import.import_bundles(store, paths, waiting)

    monkeypatch.setattr(bundles, "import_bundles", held_after_two)

    def press_cancel() -> None:
        for dialog in hr_window.findChildren(QProgressDialog):
            if dialog.value() == 2 and dialog.isVisible() and not dialog.wasCanceled():
                dialog.findChild(QPushButton).click()  # as HR does: the dialog's Cancel button

    pressing = QTimer(interval=10)
    pressing.timeout.connect(press_cancel)
    pressing.start()
    paths = [laptops.a1, laptops.b1, laptops.a2, laptops.c1, laptops.tampered, laptops.a1_again]
    results = hr_window.imports.import_files(paths)
    pressing.stop()
    assert results is not None and [str(r.outcome) for r in results] == ["imported", "quarantined"]
    text = hr_window.imports.outcome.text()
    assert text.startswith("Stopped: 2 of 6 bundles dealt with, each whole; the rest were not read. 2 bundles: "
                           "1 imported, 0 imported before, 1 quarantined, 0 not read.")
    assert hr_window.imports.results_model.rowCount() == 2
    assert len(imported_sessions(store)) == 2, "a1.zip stays imported; a2.zip and the rest were not read"
    assert hr_window.quarantine.model.rowCount() == 1, "the other tabs looked again all the same"


# --- trust -------------------------------------------------------------------------------------------------------

def test_a_certificate_is_trusted_only_once_its_fingerprint_is_confirmed_and_removed_after_a_question(
        qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops, tmp_path: Path) -> None:
    view = hr_window.imports
    assert not view.no_trust.isHidden(), "nothing trusted yet: every bundle would go to quarantine"
    expected = read_certificate(laptops.trainer_a)
    dialog = view.trust_certificate(laptops.trainer_a)
    assert isinstance(dialog, TrustDialog) and dialog.isVisible()
    labels = " ".join(label.text() for label in dialog.findChildren(type(view.outcome)))
    assert expected.short_fingerprint in labels and "CN=Sam Lee" in labels
    assert expected.fingerprint in labels.replace("\n", ":"), "the whole fingerprint, on two lines"
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.isDefault())
    assert cancel is not dialog.trust_button, "Enter alone never trusts a certificate"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible() and list_trusted(store) == []

    dialog = view.trust_certificate(laptops.trainer_a)
    assert dialog is not None and dialog.name.text() == "Sam Lee"
    dialog.name.setText("Sam at Main St")
    dialog.trust_button.click()
    assert [t.name for t in list_trusted(store)] == ["Sam at Main St"]
    assert cells(view.trusted_model, 0) == ["Sam at Main St"]
    assert cells(view.trusted_model, 1) == [expected.short_fingerprint]
    assert view.no_trust.isHidden()

    (tmp_path / "notes.pem").write_text("hello")
    assert view.trust_certificate(tmp_path / "notes.pem") is None
    assert "notes.pem holds no PEM certificate" in visible_box(hr_window).text()
    visible_box(hr_window).close()

    hr_window.tabs.setCurrentIndex(IMPORT_TAB)
    view.trusted.selectRow(0)
    view.trusted.setFocus()
    qtbot.keyClick(view.trusted, Qt.Key.Key_Delete)  # or Remove… (Alt+R)
    box = view.last_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "Stop trusting Sam at Main St" in box.text() and "What was imported stays" in box.text()
    assert box.defaultButton() is box.escapeButton(), "the question's default is to keep trusting"
    stop = next(b for b in box.buttons() if b.text().replace("&", "") == "Stop trusting")
    stop.click()
    assert list_trusted(store) == [] and view.trusted_model.rowCount() == 0
    assert not view.no_trust.isHidden() and not view.remove_button.isEnabled()


# --- due dates ---------------------------------------------------------------------------------------------------

def imported_with_employees(window: HrWindow, store: HrStore, laptops: Laptops, folder: Path) -> date:
    add_trusted(store, laptops.trainer_a)
    assert window.imports.import_files([laptops.a1, laptops.a2]) is not None
    held = held_on(store)
    window.due.today = held
    listed = window.due.import_employees(employee_list(folder, add_months(held, -2)))
    assert listed is not None and listed.total == 4
    return held


def test_due_dates_are_listed_overdue_first_in_words_and_filtered(
        qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops, tmp_path: Path) -> None:
    view = hr_window.due
    assert "HR's employee list is empty" in view.summary.text()
    held = imported_with_employees(hr_window, store, laptops, tmp_path)
    assert hr_window.tabs.currentIndex() == DUE_TAB
    model = view.model
    assert cells(model, 1) == ["E4", "E2", "E9", "E1"], "overdue first, then by the date due"
    status = cells(model, 6)
    assert status[0].startswith("Overdue by ") and status[0].endswith(" days") and status[1].startswith("Overdue")
    assert status[2:] == ["Not yet due", "Not yet due"]
    assert model.data(model.index(0, 6), Qt.ItemDataRole.FontRole).bold(), "and marked, beside the words"
    assert model.data(model.index(2, 6), Qt.ItemDataRole.FontRole) is None
    assert cells(model, 4)[:3] == ["never", "never", "never"] and cells(model, 4)[3] == held.isoformat()
    assert cells(model, 5)[3] == add_months(held, 24).isoformat()
    assert cells(model, 2)[0] == "Connecticut" and "never trained" in cells(model, 7)[0]
    assert view.summary.text().startswith("4 rows: 2 overdue, 0 due within 60 days")

    view.within.setValue(400)
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)
    assert cells(model, 1) == ["E4", "E2", "E9"], "E1 is not due for 2 years"
    assert cells(model, 6)[2].startswith("Due in "), "due within the days asked for"
    view.jurisdiction.setCurrentIndex(view.jurisdiction.findData("ct"))
    assert cells(model, 1) == ["E4"]
    view.jurisdiction.setCurrentIndex(0)
    view.within.setValue(view.within.minimum())
    assert view.within.text() == "all"
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=WAIT_MS)
    view.search.setText("nunez")
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert cells(model, 0) == ["José Núñez"], "accents and case are ignored"
    view.search.setText("e9")
    qtbot.waitUntil(lambda: cells(model, 1) == ["E9"], timeout=WAIT_MS)

    view.search.setText("e2")
    qtbot.waitUntil(lambda: cells(model, 1) == ["E2"], timeout=WAIT_MS)
    view.table.setFocus()
    view.table.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert hr_window.tabs.currentIndex() == PERSON_TAB
    person = hr_window.person
    assert person.history is not None and person.history.employee_ids == ("E2",)
    assert "José Núñez" in person.who.text() and person.model.rowCount() == 2
    assert person.look_up("nobody@example.com") is None
    assert "No one with the employee id or e-mail address" in person.who.text()
    assert "nobody@example.com" in person.who.text() and person.model.rowCount() == 0


def test_the_rows_shown_export_to_a_workbook(qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops,
                                             tmp_path: Path) -> None:
    imported_with_employees(hr_window, store, laptops, tmp_path)
    view = hr_window.due
    view.within.setValue(400)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=WAIT_MS)
    out = view.export_xlsx(tmp_path / "due.xlsx")
    assert out == tmp_path / "due.xlsx"
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == ["E4", "E2", "E9"]
    assert rows[1][COLUMNS.index("status")] == "overdue" and isinstance(rows[1][COLUMNS.index("due")], datetime)
    assert "Wrote 3 rows to" in hr_window.statusBar().currentMessage()
    folder = tmp_path / "a-folder.xlsx"
    folder.mkdir()
    assert view.export_xlsx(folder) is None
    told = visible_box(hr_window)
    assert told.text() == f"{folder} cannot be written: it is a folder, not a file; choose another file"
    told.close()


def test_a_bad_employee_list_shows_every_problem_and_changes_nothing(
        qtbot: QtBot, hr_window: HrWindow, store: HrStore, laptops: Laptops, tmp_path: Path) -> None:
    imported_with_employees(hr_window, store, laptops, tmp_path)
    before = [e.employee_id for e in listed_employees(store)]
    shown = hr_window.due.model.rowCount()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "".join(f"X{n},Al,Bo,,ca-employes,no,2026-01-05,\r\n" for n in range(25)),
                   encoding="utf-8")
    assert hr_window.due.import_employees(bad) is None
    dialog = hr_window.due.last_box
    assert isinstance(dialog, ProblemsDialog) and dialog.isVisible()
    assert dialog.summary.text().startswith("bad.csv has 25 problems, so nothing was imported")
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert len(problems) == 25, "every problem, not only the first twenty"
    assert problems[0].startswith("row 2") and "ca-employes" in problems[0] and problems[-1].startswith("row 26")
    assert [e.employee_id for e in listed_employees(store)] == before
    assert hr_window.due.model.rowCount() == shown
    dialog.close()


# --- the window --------------------------------------------------------------------------------------------------

def test_every_action_has_a_key_and_the_tabs_follow_them(qtbot: QtBot, hr_window: HrWindow) -> None:
    actions = [a for menu in hr_window.menuBar().actions() for a in menu.menu().actions() if not a.isSeparator()]
    keys = {a.text().replace("&", ""): a.shortcut().toString() for a in actions}
    assert keys == {"Import bundles…": "Ctrl+I", "Import employee list…": "Ctrl+Shift+I",
                    "Trust a certificate…": "Ctrl+T", "Export due dates to XLSX…": "Ctrl+E", "Refresh": "F5",
                    "Close": "Ctrl+W", "Due dates": "Ctrl+1", "Import": "Ctrl+2", "Quarantine": "Ctrl+3",
                    "Sessions": "Ctrl+4", "Person…": "Ctrl+5", "Find in the due dates": "Ctrl+F"}
    assert all("&" in hr_window.tabs.tabText(i) for i in range(hr_window.tabs.count()))
    next(a for a in actions if a.text() == "&Quarantine").trigger()
    assert hr_window.tabs.currentIndex() == QUARANTINE_TAB
    assert hr_window.quarantine.summary.text().startswith("Nothing in quarantine")
    next(a for a in actions if a.text() == "&Person…").trigger()
    assert hr_window.tabs.currentIndex() == PERSON_TAB and hr_window.person.field.hasFocus()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no window to bring forward
def test_the_main_window_opens_hr_records_on_the_data_folder_s_store(
        qtbot: QtBot, window: MainWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(HR_DB_ENV, raising=False)
    action = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "HR &records…")
    assert action.shortcut().toString() == "Ctrl+Shift+R" and action.isEnabled()
    action.trigger()
    hr = window.hr_window
    assert isinstance(hr, HrWindow) and hr.isVisible()
    qtbot.addWidget(hr)
    assert hr.store.path == data_dir / "hr.sqlite"
    assert window.open_hr_records() is hr, "once: again, the open window comes to the front"
    window.close()
    assert not hr.isVisible()

    monkeypatch.setenv(HR_DB_ENV, str(tmp_path / "shared" / "company.sqlite"))
    other = open_hr_window(None, data_dir)
    assert other is not None
    qtbot.addWidget(other)
    assert other.store.path == tmp_path / "shared" / "company.sqlite"
    other.close()


def test_a_store_that_cannot_be_opened_is_told_without_a_window(qtbot: QtBot, window: MainWindow,
                                                                  data_dir: Path) -> None:
    assert open_hr_window(window, data_dir, "mysql://hr@db.example.com/hr") is None
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "is not a database HR's store can use" in box.text() and "Traceback" not in box.text()
    box.close()


def test_facilitator_hr_with_no_verb_opens_the_window_on_the_store_asked_for(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.cli import main
    from facilitator.ui import app

    shown: list[HrWindow] = []

    def close_it() -> None:  # once the window shows, and has its due dates
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, HrWindow) and w.isVisible()]
        if found and found[0].due.summary.text():
            poll.stop()
            shown.extend(found)
            found[0].close()
            QApplication.quit()

    poll = QTimer(interval=20)
    poll.timeout.connect(close_it)
    poll.start()
    try:
        assert main(["--data-dir", str(tmp_path / "data"), "hr", "--db", str(tmp_path / "company.sqlite")]) == 0
    finally:
        poll.stop()
        # quit() can leave Qt's quit flag set (it came while a nested loop ran), which would end every later
        # test's event loop at once; exec() clears it, as in tests/gui/test_operations.py.
        QTimer.singleShot(0, QApplication.quit)
        QApplication.exec()
    assert len(shown) == 1 and shown[0].store.path == tmp_path / "company.sqlite"
    assert "HR's employee list is empty" in shown[0].due.summary.text()
    monkeypatch.setattr(app, "run_hr_app", lambda db, data_dir: 7)
    assert main(["--data-dir", str(tmp_path / "data"), "hr"]) == 7
