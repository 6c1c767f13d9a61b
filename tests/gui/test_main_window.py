"""The main window offscreen: library browsing, sessions, planning, keyboard use and accessibility."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QTableView,
    QTextBrowser,
)

from facilitator.cli import main as cli
from facilitator.services import sessions as session_service
from facilitator.ui.dialogs.new_session import NewSessionDialog
from facilitator.ui.main_window import LIBRARY_TAB, SESSIONS_TAB
from tests.gui.waiting import WAIT_MS


def test_every_model_passes_the_model_tester(qtmodeltester, demo_window) -> None:
    win, _ = demo_window
    lib = win.library_view
    lib.workshop_table.selectRow(1)
    for model in (lib.workshops, lib.agenda, lib.coverage, win.sessions_view.sessions):
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_the_library_lists_workshops_with_agenda_notes_and_coverage(window) -> None:
    lib = window.library_view
    titles = [w.title for w in lib.workshops.rows()]
    assert len(titles) == 7 and titles == sorted(titles)
    supervisors = next(i for i, w in enumerate(lib.workshops.rows()) if w.id == "harassment-prevention-supervisors")
    lib.workshop_table.selectRow(supervisors)
    agenda = lib.agenda.rows()
    assert agenda[0].offset == 0 and agenda[1].offset == agenda[0].segment.minutes
    assert sum(r.segment.minutes for r in agenda) == 161
    lib.agenda_table.selectRow(3)
    text = lib.segment_text.toPlainText()
    assert agenda[3].segment.title in text and "Facilitator notes" in text
    verdicts = {r.code: r.verdict for r in lib.coverage.rows()}
    assert verdicts["ca-supervisors"] == "Yes" and verdicts["ny-state"] == "Yes"
    allyship = next(i for i, w in enumerate(lib.workshops.rows()) if w.id == "allyship")
    lib.workshop_table.selectRow(allyship)
    missing = next(r.detail for r in lib.coverage.rows() if r.code == "ca-employees")
    assert "Federal law" in missing and "federal-law" not in missing, "topics by their labels, never raw ids"


def test_a_session_created_by_the_cli_shows_in_the_window(window, data_dir, capsys, qtbot) -> None:
    assert cli(["session", "create", "--workshop", "allyship", "--date", "2026-12-01", "--start", "13:30",
                "--location", "Depot 4", "--trainer", "Ana Ruiz", "--jurisdiction", "none"]) == 0
    session_id = capsys.readouterr().out.strip()
    qtbot.waitUntil(lambda: [s.id for s in window.sessions_view.sessions.rows()] == [session_id], timeout=2000)
    assert window.sessions_view.current_id() == session_id
    assert "Depot 4" in window.sessions_view.detail.toPlainText()


def test_the_demo_opens_on_todays_session_with_24_people(demo_window) -> None:
    win, session_id = demo_window
    assert win.tabs.currentIndex() == SESSIONS_TAB
    assert win.sessions_view.current_id() == session_id
    assert "Roster (24)" in win.sessions_view.detail.toPlainText()


def plan(window, qtbot) -> NewSessionDialog:
    dialog = window.plan_session("harassment-prevention-supervisors")
    qtbot.waitExposed(dialog)
    return dialog


def test_planning_a_session_in_the_dialog(window, workspace, qtbot) -> None:
    dialog = plan(window, qtbot)
    qtbot.keyClicks(dialog.location, "Clinic annex, room 3")
    qtbot.keyClicks(dialog.trainer, "Sam Lee")
    dialog.set_codes(["ca-supervisors", "ny-state"])
    assert "Meets California (supervisors)" in dialog.preview.text()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    [created] = session_service.list_sessions(workspace)
    assert created.location == "Clinic annex, room 3" and created.jurisdictions == ["ca-supervisors", "ny-state"]
    assert window.sessions_view.current_id() == created.id


def test_the_dialog_keeps_bad_input_and_says_what_is_wrong(window, workspace, qtbot) -> None:
    dialog = plan(window, qtbot)
    qtbot.keyClicks(dialog.trainer, "Sam Lee")
    dialog.set_codes(["ny-state"])
    dialog.accept()
    assert dialog.isVisible() and "location is empty" in dialog.error.text()
    assert session_service.list_sessions(workspace) == []


def test_the_preview_warns_when_the_workshop_falls_short(window, qtbot) -> None:
    dialog = plan(window, qtbot)
    dialog.workshop.setCurrentIndex(dialog.workshop.findData("allyship"))
    dialog.set_codes(["ca-supervisors"])
    assert "Does not meet California (supervisors)" in dialog.preview.text()


def test_keyboard_shortcuts_switch_views_and_plan(window, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == LIBRARY_TAB
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == SESSIONS_TAB
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(NewSessionDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    dialog.reject()


def test_ctrl_n_starts_on_the_workshop_selected_in_the_library(window, qtbot) -> None:
    lib = window.library_view
    row = next(i for i, w in enumerate(lib.workshops.rows()) if w.id == "bystander-intervention")
    lib.workshop_table.selectRow(row)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(NewSessionDialog) is not None)
    dialog = window.findChild(NewSessionDialog)
    assert dialog.workshop.currentData() == "bystander-intervention"
    dialog.reject()


def test_opening_from_the_sessions_list_emits_the_session(demo_window, qtbot) -> None:
    win, session_id = demo_window
    with qtbot.waitSignal(win.sessions_view.session_opened, timeout=WAIT_MS) as blocker:
        win.sessions_view.open_button.click()
    assert blocker.args == [session_id]


def test_double_clicking_a_workshop_offers_to_plan_it(window, qtbot) -> None:
    lib = window.library_view
    lib.workshop_table.selectRow(0)
    with qtbot.waitSignal(lib.plan_requested, timeout=WAIT_MS) as blocker:
        lib.workshop_table.doubleClicked.emit(lib.workshops.index(0, 0))
    assert blocker.args == [lib.workshops.row(0).id]
    window.findChild(NewSessionDialog).reject()


def test_controls_have_accessible_names(window, qtbot) -> None:
    dialog = plan(window, qtbot)
    for root in (window, dialog):
        for widget in root.findChildren(QLineEdit) + root.findChildren(QComboBox) + root.findChildren(QTableView):
            if widget.isVisible() and not isinstance(widget.parent(), QComboBox | QAbstractSpinBox):
                assert widget.accessibleName(), widget
        for widget in root.findChildren(QTextBrowser):
            assert widget.accessibleName(), widget
        for button in root.findChildren(QAbstractButton):
            if button.isVisible():
                assert button.text() or button.accessibleName(), button
    dialog.reject()


def test_the_attendees_handout_is_saved_for_the_selected_session(demo_window, tmp_path, qtbot) -> None:
    win, session_id = demo_window
    action = next(a for a in win.menuBar().actions()[0].menu().actions() if "hand-out" in a.text())
    assert action.isEnabled() and action.shortcut().toString() == "Ctrl+Shift+H"
    win.sessions_view.select(session_id)
    saved = win.print_handout(target=tmp_path / "help.pdf")
    assert saved == tmp_path / "help.pdf" and saved.read_bytes().startswith(b"%PDF")
    assert "help.pdf" in win.statusBar().currentMessage()


def test_the_handout_needs_a_session(window, tmp_path) -> None:
    assert window.print_handout(target=tmp_path / "help.pdf") is None
    assert "Choose a session" in window.statusBar().currentMessage()
    assert not (tmp_path / "help.pdf").exists()
