"""Closing a session in the app: review who earned a certificate, decide exceptions with a reason, seal, and
write the signed certificates, sign-in sheet and report into a folder, with a progress bar.

The same services as `facilitator session close` and `facilitator certificates`, so the rules are the same.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import status_label
from facilitator.domain.compliance import STANDING_WORDS, Standing
from facilitator.domain.eligibility import Override
from facilitator.i18n import N_, _
from facilitator.services import certificates, closing, reports
from facilitator.services.closing import AttendeeOutcome, ClosingPlan
from facilitator.services.errors import Stopped, UserError
from facilitator.services.identity import has_identity, identity_info, signer
from facilitator.services.rendering import OutputResult
from facilitator.services.role_cards import make_all_role_cards
from facilitator.services.sessions import get_session
from facilitator.services.settings import load_settings, set_setting
from facilitator.services.workspace import Workspace
from facilitator.ui.dialogs.passphrase import ask_passphrase
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.operations import Progress, run_operation
from facilitator.ui.widgets import configure_table, error_text, heading, plain, rich_label

OUTCOME_COLUMNS = [
    Column[AttendeeOutcome](N_("Name"), lambda a: a.name),
    Column[AttendeeOutcome](N_("Minutes"), lambda a: a.minutes, align_right=True),
    Column[AttendeeOutcome](N_("Status"), lambda a: status_label(a.status)),
    Column[AttendeeOutcome](N_("Certificate"), lambda a: _("yes") if a.eligible else _("no")),
    Column[AttendeeOutcome](N_("Credited"), lambda a: _credited(a)),
    Column[AttendeeOutcome](N_("Why"), lambda a: a.reason),
]


def _credited(outcome: AttendeeOutcome) -> str:
    """Each jurisdiction's standing for this person, by its name (never its code): "New York City: met"."""
    return "; ".join(f"{c.name}: {_(STANDING_WORDS[Standing(c.standing)])}" for c in outcome.credits or ())


class CloseSessionDialog(QDialog):
    """Review, then seal. After sealing, offer to write the documents."""

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.session = get_session(workspace, session_id)
        self.overrides: dict[int, Override] = {}
        self.sealed: closing.SealResult | None = None
        self.setWindowTitle(_("Close and seal: {workshop}").format(workshop=self.session.workshop_title))
        self.resize(900, 560)
        self.outcomes = RowsModel(OUTCOME_COLUMNS, [], self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.summary = rich_label(wordWrap=True)
        self.handouts = QVBoxLayout()  # a box per hand-out the session's laws ask for, once the plan says which
        self.handout_boxes: list[QCheckBox] = []
        self.table = QTableView(accessibleName=_("Who earns a certificate"))
        configure_table(self.table, self.outcomes, stretch=(4, 5))  # what is credited, and why: both wrap
        self.table.activated.connect(lambda _i: self.override_selected())
        override = QPushButton(_("&Decide for this person…"),
                               accessibleName=_("Override the selected person's outcome"))
        override.clicked.connect(self.override_selected)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.seal_button = self.buttons.addButton(_("&Seal the record"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.seal)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(_("Who earned a certificate"), 1.2))
        layout.addWidget(QLabel(_("Sealing ends every visit still open now, signs the record with your key, and "
                                  "stops further check-ins. Corrections afterwards are signed amendments."),
                                wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(override, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self.handouts)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def refresh(self) -> None:
        try:
            plan = closing.plan_close(self._ws, self.session.id, overrides=self.overrides,
                                      handouts=self.handed_out())
        except UserError as exc:
            self.summary.setText(f"<span style='color:#b00020'>{escape(error_text(exc))}</span>")
            self.seal_button.setEnabled(False)
            return
        self.outcomes.set_rows(plan.attendees)
        self._offer_handouts(plan.evidence.handouts_required)
        self.summary.setText(_summary(plan, self._ws))

    def _offer_handouts(self, required: tuple[str, ...]) -> None:
        """A box to tick for each hand-out the session's laws ask for (New York State): the answer is sealed."""
        if self.handout_boxes or not required:
            return
        self.handouts.addWidget(QLabel(_("Confirm what was handed out at this training (sealed with the record):")))
        for item in required:
            box = QCheckBox(item, accessibleName=item)
            box.toggled.connect(lambda _on: self.refresh())
            self.handout_boxes.append(box)
            self.handouts.addWidget(box)

    def handed_out(self) -> list[str]:
        return [box.text() for box in self.handout_boxes if box.isChecked()]

    def override_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        person = self.outcomes.row(rows[0].row())
        question = (_("{name} will not earn a certificate. Why? (kept with the record)") if person.eligible
                    else _("{name} will earn a certificate. Why? (kept with the record)"))
        reason, ok = QInputDialog.getText(self, _("Decide for this person"), plain(question.format(name=person.name)))
        if ok and reason.strip():
            self.overrides[person.roster_id] = Override(not person.eligible, reason.strip())
            self.refresh()

    def seal(self) -> None:
        passphrase = self._passphrase()
        if passphrase is False:
            return
        try:
            self.sealed = closing.close_session(self._ws, self.session.id,
                                                signer(self._ws, passphrase or None, create_as=self.session.trainer),
                                                overrides=self.overrides, handouts=self.handed_out())
        except UserError as exc:
            QMessageBox.warning(self, _("Not sealed"), plain(error_text(exc)))
            return
        self.accept()

    def _passphrase(self) -> str | bool | None:
        return ask_passphrase(self, self._ws)


def _summary(plan: ClosingPlan, ws: Workspace) -> str:
    if has_identity(ws):
        info = identity_info(ws)
        who = _("Signing as {name} (fingerprint {fingerprint})").format(name=escape(info.name),
                                                                       fingerprint=escape(info.short_fingerprint))
    else:
        who = escape(_("A signing key will be created for the trainer on first use"))
    text = _("<b>{eligible} of {total}</b> earn a certificate. Credited: {credited}. {who}.").format(
        eligible=plan.eligible, total=len(plan.attendees), credited=escape(plan.credited()), who=who)
    if plan.warnings:
        text += "<ul>" + "".join(f"<li>{escape(getattr(w, 'in_app', w))}</li>" for w in plan.warnings) + "</ul>"
    if not plan.delivery_recorded:
        text += "<br><b>" + escape(_("The delivery was not recorded, so no jurisdiction will be credited. Run the "
                                     "session from the presenter console first.")) + "</b>"
    return text


def write_documents(parent: QWidget, ws: Workspace, session_id: str, folder: Path | None = None) -> list[Path]:
    """Certificates, the sign-in sheet, the report and each role-play's cards into a folder the trainer picks, with
    a progress bar."""
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(parent, _("Where should the documents go?"), str(Path.home()))
        if not chosen:
            return []
        folder = Path(chosen)
    passphrase = ask_passphrase(parent, ws)
    if passphrase is False:
        return []
    with_certificates = _employer_named(parent, ws)  # asked for in place; without it, the rest is still written

    def write(progress: Progress) -> tuple[OutputResult | None, list[Path]]:
        certified = certificates.make_certificates(ws, session_id, folder / "certificates", passphrase=passphrase,
                                                   progress=progress) if with_certificates else None
        made = list(certified.files) if certified else []
        made += reports.make_signin_sheet(ws, session_id, folder / "sign-in-sheet.pdf", passphrase=passphrase).files
        made += reports.make_report(ws, session_id, folder / "session-report.pdf", passphrase=passphrase).files
        made += make_all_role_cards(ws, session_id, folder)
        return certified, made

    try:
        certified, made = run_operation(parent, _("Signing certificates…"), write)
    except Stopped as stopped:  # Cancel: the files written so far are whole; say how far it got
        QMessageBox.information(parent, _("Stopped"), plain(stopped.summary))
        return []
    except UserError as exc:
        QMessageBox.warning(parent, _("Documents not written"), plain(error_text(exc)))
        return []
    if certified is None:
        QMessageBox.information(parent, _("Certificates not written"), _(
            "The sign-in sheet, the report and the role cards were written. Certificates name the employer: set the "
            "organisation in File → Settings…, then choose Documents… on the sessions list."))
    elif certified.not_made:  # the others were written; say which could not be, one line each
        QMessageBox.warning(parent, _("Some certificates not made"), plain("\n".join(
            [_("These certificates could not be made (the others were):"), *certified.not_made])))
    return made


def _employer_named(parent: QWidget, ws: Workspace) -> bool:
    """Whether certificates can name the employer: the organisation setting, asked for here if it is not set
    (and saved, as File → Settings… would). False if the trainer leaves it unset."""
    if load_settings(ws).organisation.strip():
        return True
    name, ok = QInputDialog.getText(parent, _("Organisation"), _("Certificates name the employer. Organisation:"))
    if not ok or not name.strip():
        return False
    try:
        set_setting(ws, "organisation", name.strip())
    except UserError as exc:
        QMessageBox.warning(parent, _("Organisation not saved"), plain(error_text(exc)))
        return False
    return True
