"""The check-in desk's two small dialogs: adding a walk-in, and saying why a check-in is being undone."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.attendance import Source
from facilitator.i18n import N_, _
from facilitator.services import roster as roster_service
from facilitator.services.errors import UserError
from facilitator.services.sessions import RosterPerson
from facilitator.services.workspace import Workspace
from facilitator.ui.widgets import error_text, plain_label


class WalkInDialog(QDialog):
    """Adds someone who is not on HR's roster; the desk then checks them in."""

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None,
                 first_name: str = "", last_name: str = "") -> None:
        super().__init__(parent)
        self._ws = workspace
        self._session_id = session_id
        self.added: RosterPerson | None = None
        self.setWindowTitle(_("Add a walk-in"))
        self.setMinimumWidth(460)
        self.first = QLineEdit(first_name, accessibleName=_("First name"))
        self.last = QLineEdit(last_name, accessibleName=_("Last name"))
        self.employee_id = QLineEdit(accessibleName=_("Employee ID (optional)"))
        self.email = QLineEdit(accessibleName=_("Email (optional)"), placeholderText=_("Where their certificate goes"))
        self.department = QLineEdit(accessibleName=_("Department (optional)"))
        self.error = plain_label(wordWrap=True, accessibleName=_("Problem"))  # an error can quote the name
        self.error.setStyleSheet("color: #b00020; font-weight: bold")
        self._layout()
        (self.last if first_name and not last_name else self.first).setFocus()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(_("&First name"), self.first)
        form.addRow(_("&Last name"), self.last)
        form.addRow(_("&Employee ID"), self.employee_id)
        form.addRow(_("E&mail"), self.email)
        form.addRow(_("&Department"), self.department)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Add and check in"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("They get a badge code of their own; their name goes on the sign-in sheet "
                                  "marked as a walk-in."), wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Add them to the roster; on a problem say what it is and keep what was typed."""
        first, last = self.first.text().strip(), self.last.text().strip()
        if not first or not last:
            self.error.setText(_("Type their first and last name as they should appear on the certificate."))
            (self.last if first else self.first).setFocus()
            return
        try:
            self.added = roster_service.add_walk_in(
                self._ws, self._session_id, first, last, employee_id=_optional(self.employee_id),
                email=_optional(self.email), department=_optional(self.department), source=Source.DESK)
        except UserError as exc:
            self.error.setText(error_text(exc))
            return
        super().accept()


class UndoDialog(QDialog):
    """Asks why an event is being undone; the log keeps the reason beside the undo."""

    SUGGESTIONS = (N_("Scanned the wrong badge"), N_("Checked in the wrong person"), N_("Scanned by mistake"))

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        """`question`: what is to be undone, as a question ("Undo the check-in of … at 09:05?")."""
        super().__init__(parent)
        self.setWindowTitle(_("Undo"))
        self.setMinimumWidth(460)
        self.reason = QLineEdit(accessibleName=_("Reason for undoing"),
                                placeholderText=_("For example: scanned the wrong badge"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("&Undo it"))
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("{question} The log keeps both the original and the undo, with your "
                                       "reason.").format(question=question), wordWrap=True))  # names the person
        layout.addWidget(self.reason)
        quick = QVBoxLayout()
        for text in map(_, self.SUGGESTIONS):
            button = QPushButton(text, accessibleName=_("Reason: {reason}").format(reason=text), autoDefault=False)
            button.clicked.connect(lambda _checked=False, t=text: self.reason.setText(t))
            quick.addWidget(button)
        layout.addLayout(quick)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def reason_text(self) -> str:
        return self.reason.text().strip()


def _optional(field: QLineEdit) -> str | None:
    return field.text().strip() or None
