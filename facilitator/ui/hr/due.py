"""The Due dates tab: who is due for training, under which law, by when, with the filters of `facilitator hr due`
(within so many days, one jurisdiction) and a search on name or employee id; exported to XLSX as shown; and
HR's employee list, replaced from a CSV or XLSX file (all or nothing)."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.due import DueRow, DueStatus
from facilitator.i18n import N_, _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.hr_due import due_dates, write_due
from facilitator.services.hr_employees import EmployeeListRefused, EmployeesListed, has_employees, import_employees
from facilitator.services.hr_store import HrStore
from facilitator.services.library import builtin_library
from facilitator.ui.hr.messages import ProblemsDialog, tell_error
from facilitator.ui.hr.models import DUE_NOTE, DUE_RULE, due_model
from facilitator.ui.operations import Progress, run_operation
from facilitator.ui.widgets import configure_table, error_text, plain_label

ALL_DAYS = -1  # the spin box's "all"
WRAP_ROWS = 300  # up to this many rows, long rules and notes wrap onto more lines
EMPLOYEE_FILES = N_("Employee lists (*.csv *.txt *.tsv *.xlsx);;All files (*)")


def _folded(text: str) -> str:
    """For searching: case and accents ignored ("nunez" finds Núñez)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class DueView(QWidget):
    """Overdue first, then by the date due; a row opens that person's history (Enter or double-click). Empty until
    `refresh`, which the window calls once it shows."""

    said = Signal(str)  # a line for the status bar
    person_requested = Signal(str)  # an employee id
    employees_changed = Signal()
    loaded = Signal()  # the store's answer (rows, or why there are none) is shown

    def __init__(self, store: HrStore, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._today = today
        self._rows: list[DueRow] = []
        self._keys: list[str] = []  # each row's name and id, folded for searching
        self._listed = True
        self._asked = 0  # refreshes asked for: only the latest one's answer is shown
        self.last_box: QWidget | None = None
        self._build()

    @property
    def today(self) -> date:
        """The day the dates are counted from: today, unless set (to plan ahead, as `hr due --on` does)."""
        return self._today or date.today()

    @today.setter
    def today(self, day: date | None) -> None:
        self._today = day
        self.refresh()

    def _build(self) -> None:
        self.within = QSpinBox(minimum=ALL_DAYS, maximum=3650, value=ALL_DAYS, singleStep=30,
                               accessibleName=_("Only those overdue or due within this many days"))
        self.within.setSpecialValueText(_("all"))
        self.within.setSuffix(_(" days"))
        self.jurisdiction = QComboBox(accessibleName=_("Only this jurisdiction"))
        self.jurisdiction.addItem(_("All jurisdictions"), None)
        for code, place in sorted(builtin_library().jurisdictions.items(), key=lambda item: item[1].name):
            self.jurisdiction.addItem(f"{place.name} ({code})", code)
        self.jurisdiction.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jurisdiction.setMinimumContentsLength(26)
        self.search = QLineEdit(placeholderText=_("name or employee id"), clearButtonEnabled=True,
                                accessibleName=_("Search by name or employee id"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(self.search.placeholderText()) + 40)
        self.employees_button = QPushButton(_("Import &employee list…"), accessibleName=_(
            "Replace HR's employee list with a CSV or XLSX file"))
        self.export_button = QPushButton(_("E&xport to XLSX…"), accessibleName=_(
            "Save the rows shown as an Excel workbook"))
        self.employees_button.clicked.connect(lambda: self.import_employees())
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        filters = QHBoxLayout()
        for text, field in ((_("Due &within:"), self.within), (_("&Jurisdiction:"), self.jurisdiction),
                            (_("Searc&h:"), self.search)):
            label = QLabel(text)
            label.setBuddy(field)
            filters.addWidget(label)
            filters.addWidget(field, 2 if field is self.search else 0)
        filters.addStretch(1)
        filters.addWidget(self.employees_button)
        filters.addWidget(self.export_button)
        self.summary = plain_label(wordWrap=True)
        self.table = QTableView(accessibleName=_("Due dates"))
        self.model = due_model(self)
        # Tens of thousands of rows are one line each (a cell's whole text is its tooltip), never measured row by
        # row; a few hundred wrap their long rules and notes.
        configure_table(self.table, self.model, stretch=(DUE_RULE, DUE_NOTE), rows_fit_text=False)
        self.table.horizontalHeader().setResizeContentsPrecision(WRAP_ROWS)  # columns fit the first rows' text
        self._fit = QTimer(self, singleShot=True, interval=0)
        self._fit.timeout.connect(self._fit_rows)
        self.table.horizontalHeader().sectionResized.connect(lambda *_args: self._fit.start())
        self.table.activated.connect(lambda index: self.person_requested.emit(self.model.row(index.row()).employee_id))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self._requery = QTimer(self, singleShot=True, interval=300)
        self._requery.timeout.connect(self.refresh)
        self._research = QTimer(self, singleShot=True, interval=150)
        self._research.timeout.connect(self._show)
        self.within.valueChanged.connect(lambda _v: self._requery.start())
        self.jurisdiction.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.textChanged.connect(lambda _t: self._research.start())

    @property
    def within_days(self) -> int | None:
        return None if self.within.value() == ALL_DAYS else self.within.value()

    def refresh(self) -> None:
        """Ask the store again, with the filters as they are set: off the GUI thread (tens of thousands of
        employees take seconds), the window painting meanwhile."""
        self._requery.stop()
        self._asked += 1
        asked = self._asked
        today, within, code = self.today, self.within_days, self.jurisdiction.currentData()

        def work(_progress: Progress) -> tuple[list[DueRow], list[str], bool]:
            rows = due_dates(self._store, today, within_days=within, jurisdiction=code)
            keys = [_folded(f"{r.name} {r.employee_id}") for r in rows]
            return rows, keys, bool(rows) or has_employees(self._store)

        try:
            rows, keys, listed = run_operation(self, _("Working out who is due…"), work, cancellable=False)
        except UserError as exc:
            if asked == self._asked:
                self._rows, self._keys, self._listed = [], [], True
                self.model.set_rows([])
                self.summary.setText(error_text(exc))
                self.loaded.emit()
            return
        if asked != self._asked:
            return  # the filters changed meanwhile, and a later answer is shown
        self._rows, self._keys, self._listed = rows, keys, listed
        self._show()
        self.loaded.emit()

    def shown(self) -> list[DueRow]:
        """The rows the table shows: the store's, narrowed by the search box."""
        return self.model.rows()

    def _show(self) -> None:
        self._research.stop()
        words = _folded(self.search.text()).split()
        rows = [r for r, key in zip(self._rows, self._keys, strict=True) if all(w in key for w in words)] \
            if words else self._rows
        self.model.set_rows(rows)
        few = len(rows) <= WRAP_ROWS
        self.table.setWordWrap(few)
        if few:
            self._fit.start()
        else:  # one line each, also the first rows, which keep the heights measured for a few rows before
            header = self.table.verticalHeader()
            for row in range(WRAP_ROWS):
                header.resizeSection(row, header.defaultSectionSize())
        self.export_button.setEnabled(bool(rows))
        self.summary.setText(self._summary(rows))

    def _fit_rows(self) -> None:
        if self.model.rowCount() <= WRAP_ROWS:
            self.table.resizeRowsToContents()

    def _summary(self, rows: list[DueRow]) -> str:
        if not self._listed:
            return _("HR's employee list is empty: import it (Import employee list…, Ctrl+Shift+I) with each "
                     "employee's id, names, where they work and hire date, to see who is due.")
        if not rows:
            return _("No one to list with these filters.")
        overdue = sum(1 for r in rows if r.status is DueStatus.OVERDUE)
        soon = sum(1 for r in rows if r.status is DueStatus.DUE_SOON)
        days = self.within_days if self.within_days is not None else 60
        return ngettext("{n} row: {overdue} overdue, {soon} due within {days} days",
                        "{n} rows: {overdue} overdue, {soon} due within {days} days", len(rows)).format(
            n=len(rows), overdue=overdue, soon=soon, days=days) + " · " + \
            _("as of {day}; Enter on a row shows that person's history").format(day=self.today.isoformat())

    def export_xlsx(self, out: Path | None = None) -> Path | None:
        """The rows shown, as `facilitator hr due --format xlsx` writes them, to a file chosen (or `out`)."""
        rows = self.shown()
        if out is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save the due dates"), str(Path.home() / f"due-dates-{self.today.isoformat()}.xlsx"),
                _("Excel workbooks (*.xlsx)"))
            if not chosen:
                return None
            out = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
        target = out
        try:
            run_operation(self, _("Writing the workbook…"), lambda _progress: write_due(rows, "xlsx", target),
                          cancellable=False)
        except UserError as exc:
            self.last_box = tell_error(self, _("Workbook not written"), exc)
            return None
        self.said.emit(ngettext("Wrote {n} row to {file}", "Wrote {n} rows to {file}", len(rows)).format(
            n=len(rows), file=target))
        return target

    def import_employees(self, path: Path | None = None) -> EmployeesListed | None:
        """Replace HR's employee list with a file chosen (or `path`); every problem of a bad one is listed, and
        nothing is changed."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Import HR's employee list"), str(Path.home()),
                                                          _(EMPLOYEE_FILES))
            if not chosen:
                return None
            path = Path(chosen)
        source = path
        try:
            listed = run_operation(self, _("Reading the employee list…"),
                                   lambda _progress: import_employees(self._store, source), cancellable=False)
        except EmployeeListRefused as exc:
            summary = ngettext("{file} has {n} problem, so nothing was imported; HR's list is as it was. Fix the "
                               "rows named and import the whole list again.",
                               "{file} has {n} problems, so nothing was imported; HR's list is as it was. Fix the "
                               "rows named and import the whole list again.", len(exc.problems)).format(
                file=source.name, n=len(exc.problems))
            dialog = ProblemsDialog(self, _("Employee list not imported"), summary, exc.problems)
            dialog.open()
            self.last_box = dialog
            return None
        except UserError as exc:
            self.last_box = tell_error(self, _("Employee list not imported"), exc)
            return None
        self.said.emit(listed.message)
        self.refresh()
        self.employees_changed.emit()
        return listed
