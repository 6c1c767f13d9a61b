"""File → Export for HR…: the choice starts on what is new, the export runs with a progress bar while the window
keeps turning, and the bundle written is one HR can verify."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from facilitator.services import export
from facilitator.services.bundle_check import verify_bundle
from facilitator.services.identity import own_certificates
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.export_bundle import ExportChoice, export_for_hr
from facilitator.ui.main_window import MainWindow
from tests.unit.exporting import sealed_session


def test_the_choice_starts_on_the_sessions_not_exported_yet(qtbot, workspace: Workspace, tmp_path: Path) -> None:
    first = sealed_session(workspace)
    export.export_bundle(workspace, [first], tmp_path / "first.zip")
    second = sealed_session(workspace)
    choice = ExportChoice(workspace, first)
    qtbot.addWidget(choice)
    buttons = choice.group.buttons()
    assert [b.text().replace("&", "") for b in buttons] == [
        "New since the last export: 1 session", "Every sealed session: 2", f"The selected session: {first}"]
    assert buttons[0].isChecked() and choice.sessions == [second]
    buttons[2].setChecked(True)
    assert choice.sessions == [first]


def test_nothing_to_export_leaves_export_disabled(qtbot, workspace: Workspace) -> None:
    choice = ExportChoice(workspace, None)
    qtbot.addWidget(choice)
    assert not any(b.isEnabled() for b in choice.group.buttons()) and not choice.go.isEnabled()


def test_the_export_runs_with_a_progress_bar_and_the_bundle_verifies(qtbot, window: MainWindow,
                                                                      workspace: Workspace, tmp_path: Path) -> None:
    sessions = [sealed_session(workspace), sealed_session(workspace)]
    ticks: list[int] = []
    clock = QTimer(interval=20)
    clock.timeout.connect(lambda: ticks.append(1))
    clock.start()
    shown: list[int] = []
    probe = QTimer(interval=50)
    probe.timeout.connect(lambda: shown.extend(d.value() for d in window.findChildren(QProgressDialog)))
    probe.start()
    result = export_for_hr(window, workspace, None, sessions=sessions, out=tmp_path / "records.zip")
    clock.stop()
    probe.stop()
    assert result is not None and result.path == tmp_path / "records.zip"
    assert len(ticks) >= 10, "the window kept turning while the bundle was made"
    assert len(set(shown)) >= 2, "the progress bar moved"
    assert verify_bundle(result.path, own_certificates(workspace)).valid
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "Wrote 2 sessions" in box.text() and "VERIFY.txt" in box.text()
    box.close()
