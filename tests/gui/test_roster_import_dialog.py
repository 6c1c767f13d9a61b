"""The roster import dialog: the preview shows how the file was read, the problems with their rows, and
imports only when the trainer says so — all rows, or the good ones if they ticked the box."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from facilitator.services.roster import list_roster
from facilitator.services.sessions import create_session
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.roster_import import NOT_IN_FILE, RosterImportDialog

EXCEL_CSV = ("Employee ID;First name;Last name;E-mail;Department\r\n"
             "E1;Zoë;O'Neil;zoe@example.com;Stores\r\n"
             "E2;José;Núñez;jose@example.com;Yard\r\n"
             "E3;;;nobody@example.com;Yard\r\n").encode("cp1252")


def make_dialog(qtbot: QtBot, ws: Workspace) -> RosterImportDialog:
    session = create_session(ws, workshop_id="allyship", on=date(2026, 12, 1), start="09:00", location="Hall",
                             trainer="Sam Lee", jurisdictions=["none"])
    dialog = RosterImportDialog(ws, session.id)
    qtbot.addWidget(dialog)
    return dialog


def test_a_file_with_a_bad_row_imports_nothing_until_the_trainer_skips_it(
        qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, workspace)
    path = tmp_path / "roster.csv"
    path.write_bytes(EXCEL_CSV)
    dialog.load(path)
    assert "semicolons" in dialog.how_read.text() and "2 of 3 rows" in dialog.how_read.text()
    problems = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any(p.startswith("Row 4:") for p in problems), problems
    assert dialog.table.item(0, 1).text() == "Zoë" and dialog.table.item(1, 2).text() == "Núñez"
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled() and "2 people" in dialog.import_button.text()
    with qtbot.waitSignal(dialog.imported) as signal:
        dialog.import_button.click()
    assert signal.args[0].imported == 2
    assert sorted(p.last_name for p in list_roster(workspace, dialog._session_id)) == ["Núñez", "O'Neil"]


def test_choosing_the_name_column_by_hand_makes_an_odd_file_importable(
        qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, workspace)
    path = tmp_path / "odd.csv"
    path.write_text("Personne,Courriel\nAmélie Poulain,amelie@example.com\nYves Tanguy,yves@example.com\n",
                    encoding="utf-8")
    dialog.load(path)
    assert not dialog.import_button.isEnabled()
    full_name = dialog.boxes["full_name"]
    full_name.setCurrentIndex(full_name.findText("Personne"))
    email = dialog.boxes["email"]
    email.setCurrentIndex(email.findText("Courriel"))
    assert dialog.preview is not None and dialog.preview.ready == 2
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    people = list_roster(workspace, dialog._session_id)
    assert [(p.first_name, p.last_name, p.email) for p in people] == [
        ("Amélie", "Poulain", "amelie@example.com"), ("Yves", "Tanguy", "yves@example.com")]
    assert dialog.boxes["department"].currentText() == NOT_IN_FILE


def test_a_file_that_is_not_a_roster_says_so_and_imports_nothing(
        qtbot: QtBot, workspace: Workspace, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, workspace)
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    dialog.load(path)
    assert "cannot be imported" in dialog.how_read.text()
    assert not dialog.import_button.isEnabled()
    dialog.do_import()
    assert list_roster(workspace, dialog._session_id) == []


def test_the_main_window_imports_into_the_selected_session(qtbot: QtBot, window, tmp_path: Path) -> None:
    """Ctrl+I on a selected session opens the dialog; after the import the sessions list counts the people."""
    session = create_session(window._ws, workshop_id="allyship", on=date(2026, 12, 1), start="09:00",
                             location="Hall", trainer="Sam Lee", jurisdictions=["none"])
    window.sessions_view.refresh(select_id=session.id)
    assert window.sessions_view.import_button.isEnabled()
    dialog = window.import_roster()
    assert dialog is not None and dialog.isVisible()
    path = tmp_path / "roster.csv"
    path.write_text("First name,Last name\nAna,Díaz\nBo,Li\n", encoding="utf-8")
    dialog.load(path)
    dialog.import_button.click()
    def counted() -> int:
        return next(s for s in window.sessions_view.sessions.rows() if s.id == session.id).roster_count

    qtbot.waitUntil(lambda: counted() == 2, timeout=2000)  # the list notices the store changed by itself
    assert "Imported 2 people" in window.statusBar().currentMessage()


def test_a_big_roster_is_read_and_imported_while_the_window_keeps_turning(
        qtbot: QtBot, workspace: Workspace, tmp_path: Path, monkeypatch) -> None:
    import threading
    import time

    from PySide6.QtCore import QTimer

    from facilitator.services import roster as roster_service

    dialog = make_dialog(qtbot, workspace)
    path = tmp_path / "big.csv"
    path.write_text("Employee ID,First name,Last name,E-mail\n" + "".join(
        f"E{i:05},Person{i},Roster{i},p{i}@example.com\n" for i in range(5000)), encoding="utf-8")
    turned: list[str] = []
    ticks: list[int] = []
    clock = QTimer(interval=10)  # the window's own clock, on the GUI thread
    clock.timeout.connect(lambda: ticks.append(1))
    clock.start()

    def off_the_window(name: str):
        real = getattr(roster_service, name)

        def wrapped(*args, **kwargs):
            assert threading.current_thread() is not threading.main_thread(), f"{name} ran on the GUI thread"
            before, deadline = len(ticks), time.monotonic() + 10
            while len(ticks) < before + 3:  # the window's clock ticks on while this runs: it is not frozen
                assert time.monotonic() < deadline, f"the window froze while {name} ran"
                time.sleep(0.01)
            turned.append(name)
            return real(*args, **kwargs)
        return wrapped

    for name in ("preview_roster", "import_roster"):
        monkeypatch.setattr(roster_service, name, off_the_window(name))
    dialog.load(path)
    assert turned == ["preview_roster"]
    assert "5000 of 5000 rows" in dialog.how_read.text() and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=60_000) as signal:
        dialog.import_button.click()
    assert turned == ["preview_roster", "import_roster"] and signal.args[0].imported == 5000
    clock.stop()
    assert len(list_roster(workspace, dialog._session_id)) == 5000
