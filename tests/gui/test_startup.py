"""The app shows its window first, then opens the data folder into it; a folder it cannot open is explained."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from facilitator.services.demo import ensure_demo_session
from facilitator.services.errors import UserError
from facilitator.services.workspace import open_workspace
from facilitator.ui import app as ui_app
from facilitator.ui.main_window import MainWindow
from tests.gui.waiting import WAIT_MS


def test_the_window_paints_before_the_data_folder_is_opened(qtbot, workspace) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.first_painted, timeout=WAIT_MS):
        window.show()
    assert "Opening your sessions" in window.centralWidget().text()
    session_id = ensure_demo_session(workspace, date.today())
    with qtbot.waitSignal(window.workspace_ready, timeout=WAIT_MS):
        window.attach(workspace, session_id)
    assert window.sessions_view.current_id() == session_id


def test_run_app_opens_the_demo_after_the_first_paint(qtbot, data_dir, monkeypatch) -> None:
    seen: list[str] = []

    def load():
        seen.append("load")
        ws = open_workspace(data_dir, demo=True)
        return ws, ensure_demo_session(ws, date.today())

    def quit_when_ready() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        seen.append("painted" if window._painted else "not painted")
        window.workspace_ready.connect(lambda: (seen.append("ready"), QApplication.instance().quit()))

    QTimer.singleShot(0, quit_when_ready)
    assert ui_app.run_app(load) == 0
    assert seen == ["not painted", "load", "ready"]


def test_a_data_folder_that_cannot_be_opened_is_explained(qtbot, monkeypatch, capsys) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))

    def load():
        raise UserError("/x/facilitator.sqlite was written by a newer version of Facilitator")

    assert ui_app.run_app(load) == 1
    assert shown and "newer version" in shown[0]
    assert "newer version" in capsys.readouterr().err


def test_no_screen_gets_a_sentence_not_a_core_dump() -> None:
    import pytest

    with pytest.raises(UserError, match="no screen"):
        ui_app.check_display({}, "linux")
    ui_app.check_display({"DISPLAY": ":0"}, "linux")
    ui_app.check_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    ui_app.check_display({}, "win32")
