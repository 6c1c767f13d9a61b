"""The console's activity panels: counting the room's hands, role-play groups, and typing in feedback forms.

Each panel shows the trainer what only the trainer should see (the correct answer, role cards, who plays
whom) and sends what the trainer enters to the console as signals; the console records it through the
delivery service. Nothing here writes to the store itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.delivery import RoleAssignment
from facilitator.i18n import N_, _, ngettext
from facilitator.services.delivery import FeedbackSummary
from facilitator.ui.models import Column, Index, RowsModel
from facilitator.ui.widgets import configure_table, plain_label

MAX_HANDS = 10_000


def letter(i: int) -> str:
    return chr(ord("A") + i)


class VotePanel(QWidget):
    """Hands counted for each option of a vote or question, then the reveal. Correct answers are marked here,
    on the trainer's screen only."""

    counts_entered = Signal(list)  # [int, ...], one per option
    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Room vote"))
        self.question = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.grid = QGridLayout()
        self.total = plain_label()
        self.status = plain_label(wordWrap=True)
        self.record_button = QPushButton(_("&Record counts (Ctrl+Enter)"), autoDefault=False)
        self.record_button.setAccessibleName(_("Record the hands counted"))
        self.record_button.clicked.connect(self.record)
        self.reveal_button = QPushButton(_("Re&veal results (Ctrl+R)"), autoDefault=False)
        self.reveal_button.setAccessibleName(_("Reveal the results to the room"))
        self.reveal_button.clicked.connect(self.reveal_requested)
        self.explanation = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.reveal_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.question)
        layout.addLayout(self.grid)
        layout.addWidget(self.total)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        self.spins: list[QSpinBox] = []
        self.phone_labels: list[QLabel] = []  # beside each box: the phones' votes, while phones can vote
        self.phones: tuple[int, ...] | None = None
        self._revealed = False
        self._shown: tuple[str, tuple[str, ...], tuple[int, ...]] | None = None
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.record, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_vote(self, question: str, options: Sequence[str], counts: Sequence[int] | None = None, *,
                  correct: Sequence[int] = (), explanation: str = "", revealed: bool = False) -> None:
        """Show one vote: its options with a count box each, prefilled with any counts already recorded."""
        self.question.setText(f"<b>{escape(question)}</b>")
        if (question, tuple(options), tuple(correct)) == self._shown and len(self.spins) == len(options):
            # The same vote again (after recording it): keep the boxes, and the keyboard focus in them.
            for spin, value in zip(self.spins, counts or [0] * len(options), strict=False):
                spin.setValue(value)
            self.set_state(recorded=counts is not None, revealed=revealed)
            self._update_total()
            return
        self.phones = None
        self._shown = (question, tuple(options), tuple(correct))
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.spins, self.phone_labels = [], []
        for i, option in enumerate(options):
            mark = " " + _("✓ correct") if i in correct else ""
            label = QLabel(f"{letter(i)}. {escape(option)}" + f"<b>{escape(mark)}</b>", wordWrap=True,
                           textFormat=Qt.TextFormat.RichText)
            spin = QSpinBox(maximum=MAX_HANDS,
                            accessibleName=_("Hands for {letter}: {option}").format(letter=letter(i), option=option))
            spin.setValue(counts[i] if counts and i < len(counts) else 0)
            spin.valueChanged.connect(self._update_total)
            label.setBuddy(spin)
            phones = plain_label(visible=False, accessibleName=_("Phones for {letter}").format(letter=letter(i)))
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(spin, i, 1)
            self.grid.addWidget(phones, i, 2)
            self.spins.append(spin)
            self.phone_labels.append(phones)
        self.grid.setColumnStretch(0, 1)
        for before, after in zip([*self.spins], [*self.spins[1:], self.record_button], strict=True):
            QWidget.setTabOrder(before, after)  # new boxes would otherwise come last in the window's Tab chain
        QWidget.setTabOrder(self.record_button, self.reveal_button)
        self.explanation.setText(f"<i>{escape(_('Explanation (shown with the answer):'))}</i> {escape(explanation)}"
                                 if explanation else "")
        self.set_state(recorded=counts is not None, revealed=revealed)
        self._update_total()

    def show_phones(self, counts: tuple[int, ...] | None) -> None:
        """The phones' votes beside the hands (None: no phones, nothing shown). The trainer's screen only: the room
        sees them merged with the hands, at the reveal."""
        self.phones = counts
        for i, label in enumerate(self.phone_labels):
            label.setVisible(counts is not None)
            if counts is not None:
                label.setText(_("+ {count} by phone").format(count=counts[i] if i < len(counts) else 0))
        self._update_total()

    def set_state(self, *, recorded: bool, revealed: bool) -> None:
        self._revealed = revealed
        if revealed:
            self.status.setText(_("Revealed to the room. Recording new counts updates the chart."))
        elif recorded:
            self.status.setText(_("Counts recorded. Reveal when the room is ready (Ctrl+R, or Page Down)."))
        else:
            self.status.setText(_("Ask for a show of hands, option by option. Ctrl+T goes to the first box; type each "
                                  "count, Tab to the next, then reveal with Page Down."))

    def counts(self) -> list[int]:
        return [spin.value() for spin in self.spins]

    def record(self) -> None:
        if self.spins:
            self.counts_entered.emit(self.counts())

    def _update_total(self) -> None:
        hands = sum(self.counts())
        if self.phones is None:
            self.total.setText(_("Total: {total}").format(total=hands))
            return
        phones = sum(self.phones)
        words = (_("Shown to the room: {total} ({hands} hands + {phones} by phone)") if self._revealed else
                 _("Total at the reveal: {total} ({hands} hands + {phones} by phone)"))
        self.total.setText(words.format(total=hands + phones, hands=hands, phones=phones))


class PresentModel(RowsModel[tuple[str, str]]):
    """Those in the room, with tick boxes for opting out of role-plays and volunteering for volunteer-only
    parts. Ticks live here, on the laptop, and are never stored: only the groups made from them are."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([Column[tuple[str, str]](N_("Name"), lambda p: p[1]),
                          Column[tuple[str, str]](N_("Opts out"), lambda p: ""),
                          Column[tuple[str, str]](N_("Volunteers"), lambda p: "")], [], parent)
        self.opted_out: set[str] = set()
        self.volunteers: set[str] = set()

    def set_people(self, people: Sequence[tuple[str, str]]) -> None:
        keep = {token for token, _name in people}
        self.opted_out &= keep
        self.volunteers &= keep
        self.set_rows(people)

    def _ticks(self, column: int) -> set[str] | None:
        return {1: self.opted_out, 2: self.volunteers}.get(column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ticks = self._ticks(index.column()) if index.isValid() else None
        if ticks is not None and role == Qt.ItemDataRole.CheckStateRole:
            token = self.row(index.row())[0]
            return Qt.CheckState.Checked if token in ticks else Qt.CheckState.Unchecked
        if ticks is not None and role == Qt.ItemDataRole.DisplayRole:
            return ""
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._ticks(index.column()) is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        ticks = self._ticks(index.column()) if index.isValid() else None
        if ticks is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        token = self.row(index.row())[0]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            ticks.add(token)
        else:
            ticks.discard(token)
        self.dataChanged.emit(index, index, [role])
        return True


GroupRow = tuple[int, str, str]  # group number, part, person


class RolePlayPanel(QWidget):
    """Assign parts among those present, rotate them between rounds, print the private role cards."""

    assign_requested = Signal()
    rotate_requested = Signal()
    cards_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Role-play"))
        self.people = PresentModel(self)
        self.groups = RowsModel([Column[GroupRow](N_("Group"), lambda r: r[0], align_right=True),
                                 Column[GroupRow](N_("Part"), lambda r: r[1]),
                                 Column[GroupRow](N_("Who"), lambda r: r[2])], [], self)
        self.people_table = QTableView(accessibleName=_("People in the room: tick who opts out or volunteers"))
        configure_table(self.people_table, self.people, 0)
        # The item delegate ticks a box on a click or on Space; no editor opens, since nothing is editable.
        self.people_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.groups_table = QTableView(accessibleName=_("Role-play groups"))
        configure_table(self.groups_table, self.groups, 2)
        self.summary = plain_label(wordWrap=True)
        assign = QPushButton(_("&Assign parts (Ctrl+G)"), autoDefault=False, accessibleName=_("Assign parts at random"))
        assign.clicked.connect(self.assign_requested)
        rotate = QPushButton(_("Next round: &rotate (Ctrl+Shift+G)"), autoDefault=False,
                             accessibleName=_("Rotate parts for the next round"))
        rotate.clicked.connect(self.rotate_requested)
        cards = QPushButton(_("Print role &cards…"), autoDefault=False,
                            accessibleName=_("Print the private role cards"))
        cards.clicked.connect(self.cards_requested)
        buttons = QHBoxLayout()
        for button in (assign, rotate, cards):
            buttons.addWidget(button)
        buttons.addStretch(1)
        tables = QHBoxLayout()
        tables.addWidget(self.people_table, 2)
        tables.addWidget(self.groups_table, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("Tick anyone who would rather observe, and any volunteers for volunteer-only "
                                  "parts. Space ticks the selected box."), wordWrap=True))
        layout.addLayout(tables, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)

    def show_assignment(self, assignment: RoleAssignment | None, names: dict[str, str], rounds: int) -> None:
        rows: list[GroupRow] = []
        if assignment is None:
            self.summary.setText(ngettext("No parts assigned yet. {n} round is planned.",
                                          "No parts assigned yet. {n} rounds are planned.", rounds).format(n=rounds))
            self.groups.set_rows(rows)
            return
        for number, group in enumerate(assignment.groups, start=1):
            rows += [(number, part, names.get(who, who) if who else _("(empty chair: read from the card)"))
                     for part, who in group.players]
            rows += [(number, _("Observer (checklist)"), names.get(p, p)) for p in group.observers]
            rows += [(number, _("Observing (opted out)"), names.get(p, p)) for p in group.watchers]
        self.groups.set_rows(rows)
        n = len(assignment.groups)
        self.summary.setText(ngettext("Round {round} of {rounds}: {n} group.", "Round {round} of {rounds}: {n} groups.",
                                      n).format(round=assignment.round, rounds=rounds, n=n))


class FeedbackPanel(QWidget):
    """Key in the paper feedback forms: a rating and a comment per form. Nothing about who wrote it."""

    response_entered = Signal(object, str)  # rating (int or None), comment
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Anonymous feedback"))
        self.question = plain_label(wordWrap=True)  # the workshop's own words, from its file
        self.ratings = QButtonGroup(self)
        self.ratings.setExclusive(False)  # so a rating can be cleared again for a form that left it blank
        self.rating_row = QHBoxLayout()
        self.comment = QPlainTextEdit(accessibleName=_("Comment from the form"),
                                      placeholderText=_("Comment (optional)"))
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        add = QPushButton(_("&Add response (Ctrl+Enter)"), autoDefault=False, accessibleName=_("Add this response"))
        add.clicked.connect(self.submit)
        undo = QPushButton(_("&Undo last"), autoDefault=False, accessibleName=_("Remove the last response added"))
        undo.clicked.connect(self.undo_requested)
        self.summary = plain_label(wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(undo)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(_("Paper forms: type each one in. Responses are stored with no name, no time and "
                                  "no order that could tell who wrote them."), wordWrap=True))
        layout.addWidget(self.question)
        layout.addLayout(self.rating_row)
        layout.addWidget(self.comment)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, self.submit, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def show_round(self, question: str, scale: int, summary: FeedbackSummary) -> None:
        self.question.setText(question)
        if len(self.ratings.buttons()) != scale:
            for button in self.ratings.buttons():
                self.ratings.removeButton(button)
                button.deleteLater()
            for n in range(1, scale + 1):
                button = QPushButton(str(n), checkable=True, autoDefault=False,
                                     accessibleName=_("Rating {n} of {scale}").format(n=n, scale=scale))
                button.setMinimumWidth(44)
                button.toggled.connect(lambda on, chosen=button: on and self._only(chosen))
                self.ratings.addButton(button, n)
                self.rating_row.addWidget(button)
            self.rating_row.addStretch(1)
        self.show_summary(summary)

    def _only(self, chosen: QPushButton) -> None:
        for button in self.ratings.buttons():
            if button is not chosen:
                button.setChecked(False)

    def rating(self) -> int | None:
        checked = self.ratings.checkedId()
        return checked if checked > 0 else None

    def submit(self) -> None:
        self.response_entered.emit(self.rating(), self.comment.toPlainText())

    def clear(self) -> None:
        for button in self.ratings.buttons():
            button.setChecked(False)
        self.comment.clear()

    def show_summary(self, summary: FeedbackSummary) -> None:
        if not summary.responses:
            self.summary.setText(_("No responses yet."))
            return
        text = ngettext("{n} response", "{n} responses", summary.responses).format(n=summary.responses)
        if summary.average is not None:
            text = _("{responses}, average {average} of {scale}").format(
                responses=text, average=f"{summary.average:.1f}", scale=summary.scale)
        if summary.distribution:
            text += "; " + ", ".join(f"{n}: {c}" for n, c in enumerate(summary.distribution, start=1))
        else:
            text = _("{responses}; the spread shows from 5 responses").format(responses=text)
        self.summary.setText(f"{text}.")
