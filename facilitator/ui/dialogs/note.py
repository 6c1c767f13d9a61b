"""The trainer's note on a running segment: a box that wraps long lines, saved with Ctrl+Enter (Enter starts a new
line, as in any text box), cancelled with Escape."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from facilitator.i18n import _


class NoteDialog(QDialog):
    """Asks for one note; `text` is what was typed once accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Note on this segment"))
        self.editor = QPlainTextEdit(accessibleName=_("Your note"))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.editor.installEventFilter(self)  # Ctrl+Enter saves from inside the box, where Enter is a new line
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Your note (it is printed in the session report). Ctrl+Enter saves it.")))
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(520, 240)
        self.editor.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.editor and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # the main keyboard's and the keypad's
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    @property
    def text(self) -> str:
        return self.editor.toPlainText()


def ask_note(parent: QWidget | None) -> str | None:
    """The note typed, or None if the trainer cancelled."""
    dialog = NoteDialog(parent)
    return dialog.text if dialog.exec() == QDialog.DialogCode.Accepted else None
