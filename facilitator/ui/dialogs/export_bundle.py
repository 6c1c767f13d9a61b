"""File → Export for HR…: which sealed sessions, where the bundle goes, then the export with a progress bar.

The same service as `facilitator export`; the dialog only chooses. It starts on what a trainer usually wants: the
sessions not exported yet (or amended since).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _, ngettext
from facilitator.services import export
from facilitator.services.errors import Stopped, UserError
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.passphrase import ask_passphrase
from facilitator.ui.operations import Progress, run_operation
from facilitator.ui.widgets import error_text, plain


class ExportChoice(QDialog):
    """New sessions, every sealed one, or the one selected on the sessions list."""

    def __init__(self, ws: Workspace, selected: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Export for HR"))
        self.setMinimumWidth(460)
        self.new, self.every = export.new_since_last(ws), export.sealed_sessions(ws)
        self.selected = selected if selected in self.every else None
        self._choices: dict[int, list[str]] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("One signed file for HR: a spreadsheet of attendance, the signed records, "
                                  "certificates and learning records. HR can check it without Facilitator."),
                                wordWrap=True))
        self.group = QButtonGroup(self)
        self._option(layout, ngettext("&New since the last export: {n} session",
                                      "&New since the last export: {n} sessions", len(self.new)).format(
            n=len(self.new)), self.new)
        self._option(layout, ngettext("&Every sealed session: {n}", "&Every sealed session: {n}",
                                      len(self.every)).format(n=len(self.every)), self.every)
        if self.selected:
            self._option(layout, _("The &selected session: {session}").format(session=self.selected),
                         [self.selected])
        first = next((b for b in self.group.buttons() if b.isEnabled()), None)
        if first is not None:
            first.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = buttons.addButton(_("&Export…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setEnabled(first is not None)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _option(self, layout: QVBoxLayout, text: str, sessions: list[str]) -> None:
        button = QRadioButton(text, enabled=bool(sessions))
        self.group.addButton(button, len(self._choices))
        self._choices[len(self._choices)] = sessions
        layout.addWidget(button)

    @property
    def sessions(self) -> list[str]:
        return self._choices.get(self.group.checkedId(), [])


def export_for_hr(parent: QWidget, ws: Workspace, selected: str | None, *, sessions: list[str] | None = None,
                  out: Path | None = None) -> export.ExportResult | None:
    """The whole flow: choose the sessions and the file (unless given), ask for the key's passphrase if it has
    one, export with a progress bar, say where."""
    if sessions is None:
        choice = ExportChoice(ws, selected, parent)
        if choice.exec() != QDialog.DialogCode.Accepted or not choice.sessions:
            return None
        sessions = choice.sessions
    if out is None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("Save the bundle for HR"),
                                                      str(Path.home() / "training-records.zip"),
                                                      _("Zip files (*.zip)"))
        if not chosen:
            return None
        # The file dialog asked before replacing the name chosen; a ".zip" added here was never asked about.
        confirmed = chosen.lower().endswith(".zip")
        out = Path(chosen if confirmed else chosen + ".zip")
    else:
        confirmed = False
    passphrase = ask_passphrase(parent, ws)
    if passphrase is False:
        return None

    def work(progress: Progress) -> export.ExportResult:
        # The data folder's own files are never replaced, whatever `force` says.
        return export.export_bundle(ws, sessions, out, passphrase=passphrase, progress=progress, force=confirmed)

    try:
        result = run_operation(parent, _("Exporting for HR…"), work)
    except Stopped:
        QMessageBox.information(parent, _("Stopped"), _("The export was stopped; no bundle was written."))
        return None
    except UserError as exc:
        QMessageBox.warning(parent, _("Bundle not written"), plain(error_text(exc)))
        return None
    _done(parent, result)
    return result


def _done(parent: QWidget, result: export.ExportResult) -> QMessageBox:
    text = result.message + "\n\n" + _("Send HR this file and your certificate (File → Signing identity…). They "
                                       "can check it with the commands in VERIFY.txt inside it.")
    if result.left_out_of_xapi:
        text += "\n\n" + _("Not in the learning records (no e-mail address or employee id on the employer's web "
                           "address): {names}").format(names=", ".join(result.left_out_of_xapi))
    box = QMessageBox(QMessageBox.Icon.Information, _("Bundle written"), text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # it names the people left out, as HR's roster spells them
    opener = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent))))
    box.open()
    return box
