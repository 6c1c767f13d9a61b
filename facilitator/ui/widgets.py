"""Small shared pieces of the UI: table set-up, headings, labels that never read text as HTML, and how an error
reads in a window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtGui import QFont
from PySide6.QtGui import Qt as QtText  # Qt's namespace with the rich-text functions (mightBeRichText …)
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


def plain_label(text: str = "", **options: Any) -> QLabel:
    """A label that shows `text` exactly as written, never as HTML. Qt's default (AutoText) renders anything that
    looks like HTML as HTML, local images and all, so every label that can hold words from outside the app (a name
    from HR's roster or typed on a phone, a question from the room, a workshop's text, a file's name, an error
    that quotes any of them) is one of these."""
    return QLabel(text, textFormat=QtText.TextFormat.PlainText, **options)


def rich_label(html: str = "", **options: Any) -> QLabel:
    """A label that shows rich text on purpose: our own markup around values that are each `html.escape`d."""
    return QLabel(html, textFormat=QtText.TextFormat.RichText, **options)


def plain(text: str) -> str:
    """`text` for a place where Qt guesses whether text is HTML and there is no plain mode to ask for (a tooltip,
    the label of QMessageBox's, QInputDialog's and QProgressDialog's ready-made dialogs): unchanged when Qt would
    show it as written anyway, otherwise as HTML that shows it literally."""
    if not QtText.mightBeRichText(text):
        return text
    return QtText.convertFromPlainText(text, QtText.WhiteSpaceMode.WhiteSpaceNormal)


def heading(text: str, scale: float = 1.4) -> QLabel:
    label = plain_label(text)
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
