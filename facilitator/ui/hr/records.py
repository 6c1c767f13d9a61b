"""What HR's store holds, read back: the files in quarantine and why, the sessions imported (with their trainer
and site), and one person's history found by employee id or e-mail address."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget

from facilitator.i18n import _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.hr_history import PersonHistory, imported_sessions, person_history
from facilitator.services.hr_import import quarantined
from facilitator.services.hr_store import HrStore
from facilitator.ui.hr.models import WARNING_RED, history_model, quarantine_model, sessions_model
from facilitator.ui.widgets import coloured, configure_table, error_text, plain_label, rich_label


def _page(explain: QLabel, table: QTableView) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.addWidget(explain)
    layout.addWidget(table, 1)
    return layout


class QuarantineView(QWidget):
    """Every refused file, the newest first: when, which, and the verifier's reason."""

    said = Signal(str)

    def __init__(self, store: HrStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.summary = plain_label(wordWrap=True)
        self.table = QTableView(accessibleName=_("Quarantined bundles"))
        self.model = quarantine_model(self)
        configure_table(self.table, self.model, stretch=2)
        self.setLayout(_page(self.summary, self.table))
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = quarantined(self._store)
        except UserError as exc:
            self.summary.setText(error_text(exc))
            return
        self.model.set_rows(rows)
        if rows:
            self.summary.setText(ngettext(
                "{n} file refused at import and kept here with the reason. Once its signer is trusted (or a good "
                "copy is found), import the file again: it leaves the quarantine.",
                "{n} files refused at import and kept here with the reasons. Once a signer is trusted (or a good "
                "copy is found), import the file again: it leaves the quarantine.", len(rows)).format(n=len(rows)))
        else:
            self.summary.setText(_("Nothing in quarantine: every bundle given to import so far verified."))


class ImportedSessionsView(QWidget):
    """Every session record imported, oldest first; a session sealed differently on two laptops is marked."""

    said = Signal(str)

    def __init__(self, store: HrStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.summary = plain_label(wordWrap=True)
        self.table = QTableView(accessibleName=_("Imported sessions"))
        self.model = sessions_model(self)
        configure_table(self.table, self.model, stretch=(2, 6))
        self.setLayout(_page(self.summary, self.table))
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = imported_sessions(self._store)
        except UserError as exc:
            self.summary.setText(error_text(exc))
            return
        self.model.set_rows(rows)
        conflicts = sum(1 for s in rows if s.conflict)
        if not rows:
            self.summary.setText(_("No sessions imported yet. Import trainers' bundles on the Import tab (Ctrl+2)."))
            return
        text = ngettext("{n} session record imported.", "{n} session records imported.", len(rows)).format(
            n=len(rows))
        if conflicts:
            text += " " + ngettext("{n} is marked CONFLICT: the same session sealed differently on two laptops; both "
                                   "records are kept.", "{n} are marked CONFLICT: the same session sealed "
                                   "differently on two laptops; both records are kept.", conflicts).format(
                n=conflicts)
        self.summary.setText(text)


class PersonView(QWidget):
    """An employee id or e-mail address in, that person's sessions out: how each went, and what it credited."""

    said = Signal(str)

    def __init__(self, store: HrStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.history: PersonHistory | None = None
        self.field = QLineEdit(placeholderText=_("employee id or e-mail address"), clearButtonEnabled=True,
                               accessibleName=_("Employee id or e-mail address"))
        self.field.returnPressed.connect(lambda: self.look_up())
        label = QLabel(_("E&mployee id or e-mail:"))
        label.setBuddy(self.field)
        go = QPushButton(_("&Look up"), accessibleName=_("Show this person's training history"))
        go.clicked.connect(lambda: self.look_up())
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.field, 1)
        row.addWidget(go)
        self.who = rich_label(escape(_("Type an employee id or an e-mail address and press Enter.")), wordWrap=True)
        self.table = QTableView(accessibleName=_("Training history"))
        self.model = history_model(self)
        configure_table(self.table, self.model, stretch=(1, 7))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.who)
        layout.addWidget(self.table, 1)

    def look_up(self, who: str | None = None) -> PersonHistory | None:
        if who is not None:
            self.field.setText(who)
        try:
            history = person_history(self._store, self.field.text())
        except UserError as exc:
            self.history = None
            self.model.set_rows([])
            self.who.setText(coloured(escape(error_text(exc)), WARNING_RED))
            return None
        self.history = history
        self.model.set_rows(history.sessions)
        who = ", ".join((*history.names, *history.employee_ids, *history.emails))
        self.who.setText(ngettext("<b>{who}</b>: {n} session in the imported records",
                                  "<b>{who}</b>: {n} sessions in the imported records",
                                  len(history.sessions)).format(who=escape(who), n=len(history.sessions)))
        if history.sessions:
            self.table.selectRow(len(history.sessions) - 1)
        return history

    def refresh(self) -> None:
        if self.history is not None:
            self.look_up(self.history.asked)
