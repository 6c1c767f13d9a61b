"""The note box: long lines wrap, Enter starts a new line, Ctrl+Enter saves, Escape cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPlainTextEdit

from facilitator.ui.dialogs.note import NoteDialog
from tests.gui.waiting import WAIT_MS


def test_enter_is_a_new_line_and_ctrl_enter_saves(qtbot) -> None:
    dialog = NoteDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.editor.lineWrapMode() is QPlainTextEdit.LineWrapMode.WidgetWidth
    qtbot.keyClicks(dialog.editor, "Ran long")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.editor, "good questions")
    assert dialog.isVisible() and dialog.text == "Ran long\ngood questions"
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_escape_cancels(qtbot) -> None:
    dialog = NoteDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.rejected, timeout=WAIT_MS):
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)
