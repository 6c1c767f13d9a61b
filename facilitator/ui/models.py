"""Qt models over the plain data services return: workshops, a workshop's agenda, sessions, coverage."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from facilitator.i18n import _
from facilitator.ui.widgets import plain

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
# Qt asks for every role of every cell many times over while it sizes a table to its contents; comparing plain
# ints instead of Qt's enum members each time makes a table of a few dozen rows lay out several times faster.
TEXT_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                        Qt.ItemDataRole.AccessibleTextRole))
TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header and how to read a cell from a row.

    Tables of columns are built when a module is imported, before the language is chosen, so `title` is only marked
    with `N_("Name")`; the model translates it where it is shown."""

    title: str
    text: Callable[[T], Any]
    align_right: bool = False


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of rows, each shown through a list of columns."""

    def __init__(self, columns: Sequence[Column[T]], rows: Sequence[T] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[T] = list(rows)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> T:
        return self._rows[index]

    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in TEXT_ROLES and role != ALIGNMENT_ROLE:
            return None
        number = index.row()
        if not index.isValid() or not (0 <= number < len(self._rows)):
            return None
        column = self._columns[index.column()]
        if role in TEXT_ROLES:
            text = str(column.text(self._rows[number]))
            return plain(text) if role == TOOLTIP_ROLE else text  # a cell's tooltip is shown as written, too
        return RIGHT_ALIGNED if column.align_right else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            title = self._columns[section].title
            return _(title) if title else ""  # gettext's "" is the catalogue's header, not a title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None
