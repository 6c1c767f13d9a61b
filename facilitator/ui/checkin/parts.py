"""Small pieces of the check-in desk's layout and keyboard: type sizes, the direction toggles, titled lists, letters
typed in a list going to the box, and the Down arrow into the people found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from facilitator.ui.checkin.desk import CheckinView


def points(font: QFont, points: int, bold: bool = False) -> QFont:
    font = QFont(font)
    font.setPointSize(points)
    font.setBold(bold)
    return font


def toggle(text: str, accessible_name: str) -> QPushButton:
    button = QPushButton(text, checkable=True, accessibleName=accessible_name, autoDefault=False)
    button.setStyleSheet("QPushButton:checked { background: #263238; color: #ffffff; font-weight: bold; }")
    return button


def titled(title: QWidget | QHBoxLayout, table: QTableView) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    if isinstance(title, QWidget):
        layout.addWidget(title)
    else:
        layout.addLayout(title)
    layout.addWidget(table, 1)
    return box


class TypeIntoField(QObject):
    """Letters typed while a list has the focus go into the box, as they would at pretix's desk."""

    def __init__(self, field: QLineEdit, parent: QObject) -> None:
        super().__init__(parent)
        self._field = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier)
        if len(text) == 1 and text.isprintable() and not text.isspace() and plain:
            self._field.setFocus()
            self._field.insert(text)
            return True
        return False


class DownToMatches(QObject):
    """The Down arrow in the box moves into the people found, to pick one."""

    def __init__(self, view: CheckinView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Down and self._view.stack.currentIndex() == 1:
            self._view.matches_table.setFocus()
            return True
        return False
