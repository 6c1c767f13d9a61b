"""The dialog that plans a session: workshop, date, start, place, trainer and jurisdictions.

The coverage preview updates as choices change, so a trainer sees before saving whether the workshop meets
each chosen jurisdiction's law.
"""

from __future__ import annotations

from datetime import date, time
from html import escape

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.sessions import DEFAULT_GRACE_MINUTES, MAX_GRACE_MINUTES
from facilitator.i18n import _
from facilitator.services import library as library_service
from facilitator.services import sessions as session_service
from facilitator.services.errors import UserError
from facilitator.services.sessions import SessionDetail
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace
from facilitator.ui.widgets import coloured, error_text, plain_label


class NewSessionDialog(QDialog):
    """Collects a session's plan and creates it through the sessions service."""

    def __init__(self, workspace: Workspace, workshop_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.created: SessionDetail | None = None
        self.setWindowTitle(_("Plan a session"))
        self.setMinimumWidth(560)
        self._build(workshop_id)
        self._update_preview()
        self.location.setFocus()  # the workshop is usually chosen already; the place never is

    def _default_grace(self) -> int:
        """The settings' grace period (File → Settings…), or the built-in default if the settings cannot be read."""
        try:
            return load_settings(self._ws).grace_minutes
        except UserError:
            return DEFAULT_GRACE_MINUTES

    def _build(self, workshop_id: str | None) -> None:
        self.workshop = QComboBox(accessibleName=_("Workshop"))
        for w in library_service.list_workshops(self._ws.library):
            self.workshop.addItem(_("{title} ({minutes} min, {audience})").format(
                title=w.title, minutes=w.planned_minutes, audience=w.audience), w.id)
        if workshop_id is not None:
            self.workshop.setCurrentIndex(max(0, self.workshop.findData(workshop_id)))
        self.on_date = QDateEdit(QDate.currentDate(), calendarPopup=True, accessibleName=_("Date"))
        self.on_date.setDisplayFormat("yyyy-MM-dd")  # not user text: ISO 8601, as the records write dates
        self.start = QTimeEdit(QTime(9, 0), accessibleName=_("Start time"))
        self.start.setDisplayFormat("HH:mm")  # not user text: a format
        self.location = QLineEdit(accessibleName=_("Location"), placeholderText=_("Site, building and room"))
        self.trainer = QLineEdit(accessibleName=_("Trainer"),
                                 placeholderText=_("Your name as it should appear on records"))
        self.grace = QSpinBox(minimum=0, maximum=MAX_GRACE_MINUTES, value=self._default_grace(),
                              suffix=_(" min"), accessibleName=_("Grace period before someone counts as late"))
        self.jurisdictions = QListWidget(accessibleName=_("Jurisdictions"))
        for j in library_service.list_jurisdictions(self._ws.library):
            item = QListWidgetItem(f"{j.name}  ({j.code})")
            item.setData(Qt.ItemDataRole.UserRole, j.code)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.jurisdictions.addItem(item)
        self.preview = QLabel(wordWrap=True, accessibleName=_("Does the workshop meet the chosen jurisdictions"))
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.error = plain_label(wordWrap=True, accessibleName=_("Problem"))
        self.error.setStyleSheet("color: #b00020; font-weight: bold")

        form = QFormLayout()
        form.addRow(_("&Workshop"), self.workshop)
        form.addRow(_("&Date"), self.on_date)
        form.addRow(_("&Start"), self.start)
        form.addRow(_("&Location"), self.location)
        form.addRow(_("&Trainer"), self.trainer)
        form.addRow(_("Late &after"), self.grace)
        form.addRow(_("&Jurisdictions"), self.jurisdictions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Create session"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.workshop.currentIndexChanged.connect(self._update_preview)
        self.jurisdictions.itemChanged.connect(self._update_preview)

    def chosen_codes(self) -> list[str]:
        items = (self.jurisdictions.item(i) for i in range(self.jurisdictions.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def set_codes(self, codes: list[str]) -> None:
        for i in range(self.jurisdictions.count()):
            item = self.jurisdictions.item(i)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in codes else Qt.CheckState.Unchecked
            item.setCheckState(state)

    def _update_preview(self) -> None:
        workshop_id = self.workshop.currentData()
        codes = self.chosen_codes()
        if workshop_id is None or not codes:
            self.preview.setText(escape(_("Tick every jurisdiction whose law this session must meet ('none' if "
                                          "none).")))
            return
        workshop = library_service.get_workshop(self._ws.library, workshop_id)
        lines = []
        for code in codes:
            j = library_service.get_jurisdiction(self._ws.library, code)
            result = library_service.coverage(workshop, j, self._ws.library)
            if result.satisfied:
                meets = _("Meets {jurisdiction}").format(jurisdiction=j.name)
                lines.append(coloured(f"&#10004; {escape(meets)}", "#1b5e20"))
            else:
                missing = "; ".join(s.message for s in result.shortfalls)
                fails = _("Does not meet {jurisdiction}: {missing}").format(jurisdiction=j.name, missing=missing)
                lines.append(coloured(f"&#10008; {escape(fails)}", "#b00020"))
        self.preview.setText("<br>".join(lines))

    def accept(self) -> None:
        try:
            self.created = session_service.create_session(
                self._ws, workshop_id=self.workshop.currentData(), on=_to_date(self.on_date.date()),
                start=_to_time(self.start.time()), location=self.location.text(), trainer=self.trainer.text(),
                jurisdictions=self.chosen_codes(), grace_minutes=self.grace.value())
        except UserError as exc:
            self.error.setText(error_text(exc))
            return
        super().accept()


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _to_time(value: QTime) -> time:
    return time(value.hour(), value.minute())
