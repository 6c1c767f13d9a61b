"""Small shared pieces of the UI: table set-up, headings, and how an error reads in a window."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from facilitator.services.errors import UserError


def configure_table(view: QTableView, model: QAbstractItemModel, stretch: int | tuple[int, ...], *,
                    rows_fit_text: bool = True) -> None:
    """A read-only, row-selecting, keyboard-friendly table whose `stretch` column(s) share spare width. With
    `rows_fit_text` False (a table of tens of thousands of rows), every row is one line high and never measured."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab moves between controls, arrows move between rows
    view.verticalHeader().setVisible(False)
    view.setWordWrap(rows_fit_text)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in (stretch,) if isinstance(stretch, int) else stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    if not rows_fit_text:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        return
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Rows take the height their wrapped text needs at the columns' widths, but Qt measures them only when the
    # data changes; when a stretched column narrows (a smaller window), measure again, once the resizing settles.
    settle = QTimer(view, singleShot=True, interval=0)
    settle.timeout.connect(view.resizeRowsToContents)
    header.sectionResized.connect(lambda *_args: settle.start())


def heading(text: str, scale: float = 1.4) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def coloured(html: str, colour: str) -> str:
    """Rich text `html` in `colour` (a "#rrggbb" string)."""
    return f"<span style='color:{colour}'>{html}</span>"


def error_text(exc: UserError) -> str:
    """An error as the app shows it: the message and where in the app to put it right (never a shell command),
    as a sentence."""
    text = exc.for_app()
    return text[:1].upper() + text[1:]
