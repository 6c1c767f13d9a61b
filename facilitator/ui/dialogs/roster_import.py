"""Importing the roster HR sent: see how the file was read, fix which column is which, then import.

Nothing is added until the trainer presses Import, and then all or nothing (or, if they tick the box, the
good rows only) — the same rules as `facilitator roster import`, because both call the same service.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.roster import separator_name
from facilitator.i18n import N_, _, ngettext
from facilitator.services import roster as roster_service
from facilitator.services.errors import UserError
from facilitator.services.roster import RosterImportResult, RosterPreview
from facilitator.services.workspace import Workspace
from facilitator.ui.operations import run_operation
from facilitator.ui.widgets import coloured, error_text, heading, rich_label

NOT_IN_FILE = N_("(not in the file)")
FILE_FILTER = N_("Rosters (*.csv *.txt *.tsv *.xlsx);;All files (*)")


class RosterImportDialog(QDialog):
    """Choose a file, check the preview and the column for each field, and import."""

    imported = Signal(object)  # the RosterImportResult, after a successful import

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._session_id = session_id
        self._path: Path | None = None
        self.preview: RosterPreview | None = None
        self.result: RosterImportResult | None = None
        self.setWindowTitle(_("Import a roster"))
        self.resize(960, 640)
        self._build()

    def _build(self) -> None:
        self.file_label = rich_label(escape(_("Choose the file HR sent: CSV (any encoding or separator) or Excel "
                                              "(.xlsx).")))
        self.file_label.setWordWrap(True)
        choose = QPushButton(_("&Choose file…"), accessibleName=_("Choose the roster file"))
        choose.clicked.connect(self._choose_file)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        self.how_read = rich_label(wordWrap=True)
        self.mapping_form = QFormLayout()
        self.boxes: dict[str, QComboBox] = {}
        mapping = QWidget()
        mapping_layout = QVBoxLayout(mapping)
        mapping_layout.addWidget(heading(_("Which column is which"), 1.1))
        mapping_layout.addLayout(self.mapping_form)
        mapping_layout.addStretch(1)
        self.table = QTableWidget(accessibleName=_("The file's first rows"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QListWidget(accessibleName=_("Problems found in the file"), wordWrap=True)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        right.addWidget(self.problems)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(mapping)
        middle.addWidget(right)
        middle.setSizes([300, 660])
        self.skip_invalid = QCheckBox(_("&Skip the rows with problems and import the rest"), enabled=False)
        self.skip_invalid.toggled.connect(self._update_button)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(_("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.how_read)
        layout.addWidget(middle, 1)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.buttons)

    def _choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose the roster file"), str(Path.home()),
                                                    _(FILE_FILTER))
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read `path` and show how it would import, guessing the columns."""
        self._path = path
        self.file_label.setText(f"<b>{escape(path.name)}</b> " + coloured(f"({escape(str(path.parent))})", "#555"))
        self._refresh(None)

    def _refresh(self, choices: dict[str, int | None] | None) -> None:
        assert self._path is not None
        path = self._path
        try:  # a roster of thousands of rows takes a moment to read: the window keeps painting meanwhile
            self.preview = run_operation(self, _("Reading the roster…"), lambda _progress: (
                roster_service.preview_roster(self._ws, self._session_id, path, choices)), cancellable=False)
        except UserError as exc:
            self.preview = None
            self._show_unreadable(error_text(exc))
            return
        self._show_preview(self.preview)

    def _show_unreadable(self, reason: str) -> None:
        self.how_read.setText(coloured(f"<b>{escape(_('This file cannot be imported.'))}</b> {escape(reason)}",
                                       "#b00020"))
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.problems.clear()
        self._update_button()

    def _show_preview(self, p: RosterPreview) -> None:
        self.how_read.setText(_how_read(p))
        self._fill_mapping(p)
        self._fill_table(p)
        self.problems.clear()
        for problem in p.problems:
            where = _("Row {row}: ").format(row=problem.row) if problem.row else ""
            column = f"{problem.column}: " if problem.column else ""
            self.problems.addItem(f"{where}{column}{problem.message}")
        if not p.problems:
            self.problems.addItem(_("No problems found."))
        row_problems = any(problem.row for problem in p.problems)
        self.skip_invalid.setEnabled(row_problems and p.ready > 0)
        self._update_button()

    def _fill_mapping(self, p: RosterPreview) -> None:
        if not self.boxes:
            for field, words in p.fields.items():
                box = QComboBox(accessibleName=_("Column for {field}").format(field=words))
                box.currentIndexChanged.connect(self._mapping_changed)
                self.boxes[field] = box
                self.mapping_form.addRow(f"{words[:1].upper()}{words[1:]}:", box)
        for field, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(_(NOT_IN_FILE), None)
            for index, header in enumerate(p.headers):
                box.addItem(header or _("(column {number})").format(number=index + 1), index)
            column = p.mapping.get(field)
            box.setCurrentIndex(0 if column is None else column + 1)
            box.blockSignals(False)

    def _fill_table(self, p: RosterPreview) -> None:
        fields_of = {column: field for field, column in p.mapping.items()}
        self.table.clear()
        self.table.setColumnCount(len(p.headers))
        self.table.setRowCount(len(p.sample))
        titles = [f"{h}\n→ {p.fields[fields_of[i]]}" if i in fields_of else f"{h}\n" + _("(not used)")
                  for i, h in enumerate(p.headers)]
        self.table.setHorizontalHeaderLabels(titles)
        self.table.setVerticalHeaderLabels([str(raw.row) for raw in p.sample])
        for r, raw in enumerate(p.sample):
            for c, cell in enumerate(raw.cells[:len(p.headers)]):
                self.table.setItem(r, c, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()

    def _mapping_changed(self) -> None:
        choices = {field: box.currentData() for field, box in self.boxes.items()}
        self._refresh(choices)

    def _update_button(self) -> None:
        p = self.preview
        ok = p is not None and p.ready > 0 and (not p.problems or self.skip_invalid.isChecked())
        if p is not None and any(problem.row is None for problem in p.problems):
            ok = False  # a problem with the whole file (a missing name column, say) stops any import
        self.import_button.setEnabled(ok)
        self.import_button.setText(ngettext("&Import {n} person", "&Import {n} people", p.ready).format(n=p.ready)
                                   if p is not None and ok else _("&Import"))

    def do_import(self) -> None:
        """Import with the columns as chosen; close on success, otherwise show why nothing was added."""
        if self._path is None or not self.import_button.isEnabled():
            return
        choices = {field: box.currentData() for field, box in self.boxes.items()}
        path, skip_invalid = self._path, self.skip_invalid.isChecked()
        try:
            result = run_operation(self, _("Importing the roster…"), lambda _progress: roster_service.import_roster(
                self._ws, self._session_id, path, mapping=choices, skip_invalid=skip_invalid), cancellable=False)
        except UserError as exc:
            self._show_unreadable(error_text(exc))
            return
        if result.imported == 0:
            self._refresh(choices)
            return
        self.result = result
        self.imported.emit(result)
        self.accept()


def _how_read(p: RosterPreview) -> str:
    if p.kind == "xlsx":
        how = _("Excel workbook, sheet “{sheet}”").format(sheet=escape(p.sheet or ""))
    else:
        separator = separator_name(p.delimiter, several=True)
        how = _("Text file in {encoding}, separated by {separator}").format(
            encoding=escape(p.encoding or _("an unknown encoding")), separator=separator)
    if p.header_row:
        how = _("{how}; headings on row {row}").format(how=how, row=p.header_row)
    verdict = (ngettext("{ready} of {n} row is ready to import.", "{ready} of {n} rows are ready to import.",
                        p.rows_read).format(ready=p.ready, n=p.rows_read) if p.rows_read
               else _("No people found in this file."))
    return f"{how}. " + f"<b>{escape(verdict)}</b>"
