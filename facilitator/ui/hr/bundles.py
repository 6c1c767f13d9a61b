"""The Import tab: trainers' bundles imported with a progress bar (and Cancel), what became of each; and the
certificates HR trusts, a new one added only after HR has seen its fingerprint and said it is the one the trainer
gave, one removed after a question."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import N_, _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.hr_import import BundleResult, ImportStopped, Outcome, import_bundles
from facilitator.services.hr_store import HrStore
from facilitator.services.hr_trust import (
    CertificateFile,
    Trusted,
    add_trusted,
    list_trusted,
    read_certificate,
    remove_trusted,
)
from facilitator.ui.hr.messages import ask, tell_error
from facilitator.ui.hr.models import WARNING_RED, results_model, trusted_model
from facilitator.ui.operations import Progress, run_operation
from facilitator.ui.widgets import coloured, configure_table, plain_label, rich_label

BUNDLE_FILES = N_("Bundles (*.zip);;All files (*)")
CERTIFICATE_FILES = N_("Certificates (*.pem *.crt *.cer);;All files (*)")


class ImportView(QWidget):
    """Import bundles… at the top with the last import's results; the trusted certificates below."""

    said = Signal(str)  # a line for the status bar
    imported = Signal()  # the store may hold new sessions or quarantined files: the other tabs look again
    trust_changed = Signal()

    def __init__(self, store: HrStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.last_box: QWidget | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.import_button = QPushButton(_("Import &bundles…"), accessibleName=_(
            "Choose trainers' bundles to verify and import"))
        self.import_button.clicked.connect(lambda: self.import_files())
        explain = QLabel(_("Each bundle is verified in full first; one that does not verify (a signer not trusted, "
                           "a file changed, not a bundle) is kept in quarantine with the reason."), wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(explain, 1)
        top.addWidget(self.import_button)
        self.outcome = plain_label(_("No bundles imported in this window yet."), wordWrap=True)
        self.results = QTableView(accessibleName=_("What became of each bundle"))
        self.results_model = results_model(self)
        configure_table(self.results, self.results_model, stretch=2)
        imports = QWidget()
        imports_layout = QVBoxLayout(imports)
        imports_layout.setContentsMargins(0, 0, 0, 0)
        imports_layout.addLayout(top)
        imports_layout.addWidget(self.outcome)
        imports_layout.addWidget(self.results, 1)
        self.trusted = QTableView(accessibleName=_("Trusted certificates"))
        self.trusted_model = trusted_model(self)
        configure_table(self.trusted, self.trusted_model, stretch=2)
        self.trusted.selectionModel().selectionChanged.connect(lambda *_a: self._chosen())
        self.trust_button = QPushButton(_("&Trust a certificate…"), accessibleName=_(
            "Trust a trainer's certificate or an organisation CA, after checking its fingerprint"))
        self.trust_button.clicked.connect(lambda: self.trust_certificate())
        self.remove_button = QPushButton(_("&Remove…"), enabled=False, accessibleName=_(
            "Stop trusting the selected certificate"))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.trusted, self.remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.no_trust = rich_label(coloured(escape(_("No certificate is trusted yet, so every bundle goes to "
                                                     "quarantine. Trust the trainers' certificates first.")),
                                            WARNING_RED), wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.trust_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        box = QGroupBox(_("Trusted certificates"))
        box_layout = QVBoxLayout(box)
        box_layout.addWidget(QLabel(_("A bundle is imported only when it is signed by one of these, or by a "
                                      "certificate an organisation CA listed here issued. Removing one changes "
                                      "nothing already imported."), wordWrap=True))
        box_layout.addWidget(self.no_trust)
        box_layout.addLayout(buttons)
        box_layout.addWidget(self.trusted, 1)
        split = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False)
        split.addWidget(imports)
        split.addWidget(box)
        split.setSizes([360, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def refresh(self) -> None:
        try:
            listed = list_trusted(self._store)
        except UserError as exc:
            self.said.emit(exc.for_app())
            return
        self.trusted_model.set_rows(listed)
        self.no_trust.setVisible(not listed)
        if listed:
            self.trusted.selectRow(0)
        self._chosen()

    def _chosen(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def selected(self) -> Trusted | None:
        rows = self.trusted.selectionModel().selectedRows()
        return self.trusted_model.row(rows[0].row()) if rows else None

    # --- import ---------------------------------------------------------------------------------------------------

    def import_files(self, paths: list[Path] | None = None) -> list[BundleResult] | None:
        """Verify and import bundles chosen (or `paths`), off the GUI thread with a progress bar and Cancel; then
        show what became of each."""
        if paths is None:
            chosen, _filter = QFileDialog.getOpenFileNames(self, _("Import trainers' bundles"), str(Path.home()),
                                                           _(BUNDLE_FILES))
            if not chosen:
                return None
            paths = [Path(c) for c in chosen]
        files = list(paths)

        def work(progress: Progress) -> list[BundleResult]:
            return import_bundles(self._store, files, progress)

        stopped = None
        try:
            results = run_operation(self, ngettext("Verifying and importing {n} bundle…",
                                                   "Verifying and importing {n} bundles…", len(files)).format(
                n=len(files)), work)
        except ImportStopped as exc:
            results, stopped = exc.results, exc.summary
        except UserError as exc:
            self.last_box = tell_error(self, _("Bundles not imported"), exc)
            return None
        self._show_results(results, len(files), stopped)
        self.imported.emit()
        return results

    def _show_results(self, results: list[BundleResult], total: int, stopped: str | None) -> None:
        self.results_model.set_rows(results)
        counts = {outcome: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
        text = ngettext("{n} bundle: {imported} imported, {already} imported before, {quarantined} quarantined, "
                        "{unread} not read", "{n} bundles: {imported} imported, {already} imported before, "
                        "{quarantined} quarantined, {unread} not read", len(results)).format(
            n=len(results), imported=counts[Outcome.IMPORTED], already=counts[Outcome.ALREADY],
            quarantined=counts[Outcome.QUARANTINED], unread=counts[Outcome.NOT_READ]) + "."
        if stopped:
            text = _("Stopped: {done} of {total} bundles dealt with, each whole; the rest were not read. "
                     "{counts}").format(done=len(results), total=total, counts=text)
        self.said.emit(text)
        if counts[Outcome.QUARANTINED]:
            text += " " + _("The Quarantine tab (Ctrl+3) keeps the refused files with their reasons.")
        self.outcome.setText(text)
        if results:
            self.results.selectRow(0)
            self.results.setFocus()

    # --- trust ----------------------------------------------------------------------------------------------------

    def trust_certificate(self, path: Path | None = None) -> TrustDialog | None:
        """Read a certificate chosen (or `path`), show its fingerprint to check with the trainer; trust it only
        when HR says it matches."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Trust a trainer's certificate"), str(Path.home()),
                                                          _(CERTIFICATE_FILES))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            cert = read_certificate(path)
        except UserError as exc:
            self.last_box = tell_error(self, _("Certificate not trusted"), exc)
            return None
        dialog = TrustDialog(path, cert, self)
        dialog.accepted.connect(lambda: self._trust(dialog))
        dialog.open()
        self.last_box = dialog
        return dialog

    def _trust(self, dialog: TrustDialog) -> None:
        try:
            added = add_trusted(self._store, dialog.path, dialog.name.text(), expected=dialog.certificate.fingerprint)
        except UserError as exc:
            self.last_box = tell_error(self, _("Certificate not trusted"), exc)
            return
        self.refresh()
        names = [t.fingerprint for t in self.trusted_model.rows()]
        if added.trusted.fingerprint in names:
            self.trusted.selectRow(names.index(added.trusted.fingerprint))
        if added.already:
            self.said.emit(_("{name} was trusted already").format(name=added.trusted.name))
        else:
            self.said.emit(_("Trusted {name}; import again the bundles it signed that were quarantined").format(
                name=added.trusted.name))
        self.trust_changed.emit()

    def remove_selected(self) -> QMessageBox | None:
        """Ask, then stop trusting the selected certificate; what was imported stays."""
        cert = self.selected()
        if cert is None:
            return None
        text = _("Stop trusting {name} ({subject}, fingerprint {fingerprint})?\n\nWhat was imported stays; bundles it "
                 "signs will be quarantined from now on.").format(name=cert.name, subject=cert.subject,
                                                                   fingerprint=cert.fingerprint)
        self.last_box = ask(self, _("Stop trusting"), text, _("&Stop trusting"), lambda: self._remove(cert))
        return self.last_box

    def _remove(self, cert: Trusted) -> None:
        try:
            gone = remove_trusted(self._store, cert.fingerprint)
        except UserError as exc:
            self.last_box = tell_error(self, _("Still trusted"), exc)
            return
        self.refresh()
        self.said.emit(_("No longer trusted: {name}; what was imported stays").format(name=gone.name))
        self.trust_changed.emit()


class TrustDialog(QDialog):
    """The certificate's owner and fingerprint, to compare with what the trainer gave; Cancel is the default."""

    def __init__(self, path: Path, certificate: CertificateFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path, self.certificate = path, certificate
        self.setWindowTitle(_("Trust a certificate?"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # tall enough for its wrapped lines
        explain = QLabel(_("Check that this fingerprint is the one the trainer gave you (their app shows it under "
                           "File → Signing identity…): read it out on the phone, say. Trust it only if it matches."),
                         wordWrap=True)
        explain.setMinimumWidth(600)
        layout.addWidget(explain)
        # Everything below is read from the certificate file someone sent: shown as written, never as HTML.
        short = plain_label(certificate.short_fingerprint, accessibleName=_("Fingerprint"))
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        short.setFont(font)
        short.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow(_("Fingerprint:"), short)
        pairs = certificate.fingerprint.split(":")  # 32 bytes: two lines of 16
        full = plain_label(":".join(pairs[:16]) + "\n" + ":".join(pairs[16:]))
        full.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("SHA-256:"), full)
        form.addRow(_("Subject:"), plain_label(certificate.subject, wordWrap=True))
        form.addRow(_("Issued by:"), plain_label(certificate.issuer, wordWrap=True))
        until = certificate.not_after.date().isoformat()
        form.addRow(_("Valid until:"), plain_label(_("EXPIRED {date}").format(date=until) if certificate.expired
                                              else until))
        self.name = QLineEdit(certificate.name, accessibleName=_("Trust it under this name"))
        form.addRow(_("&Name:"), self.name)
        form.addRow(plain_label(_("File: {file}").format(file=path), wordWrap=True))
        layout.addLayout(form)
        if certificate.left_out:
            layout.addWidget(QLabel(ngettext(
                "The file holds {n} more certificate after this one, which is not trusted; to trust an "
                "organisation CA, add its own file.", "The file holds {n} more certificates after this one, which "
                "are not trusted; to trust an organisation CA, add its own file.", certificate.left_out).format(
                n=certificate.left_out), wordWrap=True))
        buttons = QDialogButtonBox()
        self.trust_button = buttons.addButton(_("It matches: &trust it"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.trust_button.setAutoDefault(False)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        cancel.setFocus()
