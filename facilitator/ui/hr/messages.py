"""How the HR window tells things and asks: message boxes opened without blocking (the window keeps painting, and
a test can read and answer them), a question whose safe answer is the default, and a list of every problem an
employee list has."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QMessageBox, QVBoxLayout, QWidget

from facilitator.i18n import _
from facilitator.services.errors import UserError
from facilitator.ui.widgets import error_text


def tell(parent: QWidget, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
         ) -> QMessageBox:
    """A message the user closes with Enter or Escape."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def tell_error(parent: QWidget, title: str, error: UserError) -> QMessageBox:
    """A UserError as the app says it: what went wrong, and where in the app to put it right."""
    return tell(parent, title, error_text(error), QMessageBox.Icon.Warning)


def ask(parent: QWidget, title: str, text: str, yes: str, on_yes: Callable[[], object]) -> QMessageBox:
    """A question whose default (Enter, Escape) is No; `yes` names what the other button does."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    go.clicked.connect(on_yes)
    box.open()
    return box


class ProblemsDialog(QDialog):
    """Every problem a file has, one a line, under what they mean (nothing was changed) and what to do."""

    def __init__(self, parent: QWidget, title: str, summary: str, problems: Sequence[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary, wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.problems = QListWidget(accessibleName=_("Problems found in the file"), wordWrap=True)
        self.problems.addItems(list(problems))
        layout.addWidget(self.problems, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.problems.setFocus()
        if self.problems.count():
            self.problems.setCurrentRow(0)
