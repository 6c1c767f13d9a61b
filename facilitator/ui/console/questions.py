"""Questions from the room: what people sent anonymously from their phones, waiting for the trainer at the console
(docs/companion.md). They share the notes' place as a second tab, so the notes keep their room on a 1366 x 768
screen; the tab says how many wait, and turns red when new ones came since the trainer last looked.

Nothing waiting or dismissed reaches the projector: "Show on screen" first records the choice (the service marks
the question shown), then the presenter puts it on the room's screen as a slide of its own, until Esc, Page Down
or Page Up takes it down (services/presenter.py), or the trainer takes any other step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableView, QTabWidget, QVBoxLayout, QWidget

from facilitator.i18n import N_, _
from facilitator.services import audience_questions
from facilitator.services.audience_questions import QuestionState, RoomQuestion
from facilitator.services.errors import UserError
from facilitator.services.slides import Slide, SlideKind
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.operations import run_operation
from facilitator.ui.widgets import configure_table, error_text, plain_label

if TYPE_CHECKING:
    from facilitator.ui.console.view import ConsoleView

log = logging.getLogger(__name__)
T = TypeVar("T")
QUESTIONS = [Column[RoomQuestion](N_("Question"), lambda q: q.text)]
NEW = QColor("#b71c1c")  # the tab's words when questions came that the trainer has not looked at


class QuestionsPanel(QWidget):
    """The waiting questions, with Show on screen (Enter), Dismiss (Delete) and Take down (Esc)."""

    def __init__(self, console: ConsoleView, tabs: QTabWidget) -> None:
        super().__init__()
        self.console, self.tabs = console, tabs
        self.setAccessibleName(_("Questions from the room"))
        self.model = RowsModel(QUESTIONS, [], self)
        self.table = QTableView(accessibleName=_("Waiting questions: Enter shows one on screen, Delete dismisses it"))
        configure_table(self.table, self.model, 0)
        self.table.horizontalHeader().setVisible(False)
        self.table.activated.connect(lambda index: self.show_on_screen(self.model.row(index.row())))
        self.table.installEventFilter(_DeleteDismisses(self))
        self.hint = plain_label(wordWrap=True)
        self.show_button = QPushButton(_("Sh&ow on screen"), autoDefault=False,
                                       accessibleName=_("Show the selected question on the projector"))
        self.show_button.clicked.connect(lambda: self.show_on_screen())
        self.dismiss_button = QPushButton(_("Dis&miss"), autoDefault=False,
                                          accessibleName=_("Set the selected question aside without showing it"))
        self.dismiss_button.clicked.connect(lambda: self.dismiss())
        self.take_down_button = QPushButton(_("&Take down (Esc)"), autoDefault=False, enabled=False,
                                            accessibleName=_("Take the question off the projector"))
        self.take_down_button.clicked.connect(self.take_down)
        buttons = QHBoxLayout()
        for button in (self.show_button, self.dismiss_button, self.take_down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._seen = 0  # how many were waiting when the trainer last had the tab in front of them
        tabs.currentChanged.connect(lambda _index: self._looked())
        console.slide_changed.connect(self.slide_shown)

    @property
    def index(self) -> int:
        return self.tabs.indexOf(self)

    def waiting(self) -> list[RoomQuestion]:
        return self.model.rows()

    def refresh(self) -> None:
        """Read the waiting questions again (phones send them through the server, on its own connection)."""
        chosen = self.selected()
        try:
            rows = audience_questions.questions(self.console.workspace, self.console.session_id,
                                                QuestionState.WAITING)
        except UserError:
            rows = []
        self.model.set_rows(rows)
        ids = [q.id for q in rows]
        if rows:
            self.table.selectRow(ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0)
        self.hint.setText(_("Sent anonymously from phones. Nothing reaches the projector until you show it.")
                          if rows else _("No questions waiting. People can send one from their phone while phones "
                                         "are on (Ctrl+Shift+P)."))
        self.show_button.setEnabled(bool(rows))
        self.dismiss_button.setEnabled(bool(rows))
        self._looked()

    def selected(self) -> RoomQuestion | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def focus(self) -> None:
        """Ctrl+Shift+Q: the questions tab, with the keyboard in its list."""
        self.tabs.setCurrentWidget(self)
        self.table.setFocus()

    # --- what the trainer does ----------------------------------------------------------------------------

    def show_on_screen(self, question: RoomQuestion | None = None) -> RoomQuestion | None:
        """Record the choice, then put the question on the projector until it is taken down."""
        chosen = question or self.selected()
        if chosen is None:
            return None
        console = self.console
        shown = self._moderate(lambda: audience_questions.show(console.workspace, console.session_id, chosen.id))
        if shown is not None:
            console.presenter.show_question(shown.text)
            console.update_slide()
            console.say(_("The question is on the projector. Esc or Page Down takes it down."))
        return shown

    def dismiss(self, question: RoomQuestion | None = None) -> RoomQuestion | None:
        chosen = question or self.selected()
        if chosen is None:
            return None
        console = self.console
        return self._moderate(lambda: audience_questions.dismiss(console.workspace, console.session_id, chosen.id))

    def take_down(self) -> bool:
        """Back to the slide of the step the presenter is on."""
        if not self.console.presenter.take_question_down():
            return False
        self.console.update_slide()
        self.console.say("")
        return True

    def slide_shown(self, slide: Slide) -> None:
        self.take_down_button.setEnabled(slide.kind is SlideKind.ROOM_QUESTION)

    # --- inside -------------------------------------------------------------------------------------------

    def _moderate(self, work: Callable[[], T]) -> T | None:
        try:
            return run_operation(self.console, _("Moderating the question…"), lambda _progress: work(),
                                 cancellable=False)
        except UserError as exc:
            self.console.say(error_text(exc), error=True)
        except Exception:  # the disk is full, say: nothing must look shown that was not recorded
            log.exception("a question could not be moderated")
            self.console.say(_("Not recorded: try again."), error=True)
        finally:
            self.refresh()
        return None

    def _looked(self) -> None:
        """The tab says how many wait; in red while some came that the trainer has not had in front of them."""
        count = self.model.rowCount()
        if self.tabs.currentWidget() is self and self.isVisible():
            self._seen = count
        self._seen = min(self._seen, count)
        self.tabs.setTabText(self.index, _("Questions from the room ({count})").format(count=count))
        self.tabs.tabBar().setTabTextColor(self.index, NEW if count > self._seen else QColor())


class _DeleteDismisses(QObject):
    def __init__(self, panel: QuestionsPanel) -> None:
        super().__init__(panel)
        self._panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Delete:
            self._panel.dismiss()
            return True
        return False
