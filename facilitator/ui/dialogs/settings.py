"""File → Settings…: the organisation's name and logo that certificates carry, the paper documents are printed on,
the language of the app, and the learning record store that sync sends to (its password goes to the system
keyring, never to the settings file).

The same settings as `facilitator settings set`, through the same service, so the same checks apply; a refusal
is said in the dialog, which stays open with what was typed. A new language applies the next time the app opens:
the windows already open keep their words.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from facilitator.domain.sessions import MAX_GRACE_MINUTES
from facilitator.i18n import N_, _, available_languages, own_name
from facilitator.services.errors import UserError
from facilitator.services.lrs_secret import keep_password
from facilitator.services.settings import Settings, load_settings, set_setting
from facilitator.services.workspace import Workspace
from facilitator.ui.widgets import error_text, plain_label

PAPERS = (("letter", N_("Letter")), ("a4", N_("A4")))
INDUSTRIES = (("", N_("Not set")), ("restaurant", N_("Restaurant")), ("bar", N_("Bar")), ("other", N_("Other")))
LOGO_FILTER = N_("PNG or JPEG images (*.png *.jpg *.jpeg)")


def language_name(code: str) -> str:
    """A language as its speakers name it, with a capital: "English", "Español", "Français"."""
    # Where Qt would name one country's variety of a language ("español de España"), the language's own name.
    name = own_name(code) or QLocale(code).nativeLanguageName() or code
    return name[:1].upper() + name[1:]


class SettingsDialog(QDialog):
    """Edit the settings; OK saves what changed, one setting at a time, and stops at the first refusal."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.saved: Settings | None = None  # the settings after OK
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(560)
        self.error = plain_label(wordWrap=True, accessibleName=_("Problem"))
        self.error.setStyleSheet("color: #b00020; font-weight: bold")
        self.error.hide()
        try:
            self.current = load_settings(workspace)
        except UserError as exc:  # a damaged file: say so, and offer the defaults to save over it
            self.current = Settings()
            self._show_error(exc)
        self._build()
        self.organisation.setFocus()

    def _build(self) -> None:
        self.organisation = QLineEdit(self.current.organisation, accessibleName=_("Organisation"),
                                      placeholderText=_("The employer named on certificates"), maxLength=200)
        self.logo = QLineEdit(self.current.logo or "", accessibleName=_("Logo file"),
                              placeholderText=_("A PNG or JPEG image (optional)"))
        choose = QPushButton(_("C&hoose…"), autoDefault=False, accessibleName=_("Choose the logo image"))
        choose.clicked.connect(self.choose_logo)
        no_logo = QPushButton(_("No lo&go"), autoDefault=False, accessibleName=_("Use no logo"))
        no_logo.clicked.connect(self.logo.clear)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(choose)
        logo_row.addWidget(no_logo)
        self.paper = QComboBox(accessibleName=_("Paper size"))
        for value, label in PAPERS:
            self.paper.addItem(_(label), value)
        self.paper.setCurrentIndex(max(0, self.paper.findData(self.current.paper)))
        self.language = QComboBox(accessibleName=_("Language of the app"))
        self.language.addItem(_("The computer's language"), "")
        for code in available_languages():
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.current.language)))
        self.language_note = QLabel(_("A new language applies the next time Facilitator opens."), wordWrap=True)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self._language_chosen()
        self.trainer_organisation = QLineEdit(self.current.trainer_organisation, maxLength=200,
                                              accessibleName=_("Training provider"),
                                              placeholderText=_("The firm you train for, if not the employer"))
        self.trainer_qualifications = QLineEdit(self.current.trainer_qualifications, maxLength=500,
                                                accessibleName=_("Trainer's qualifications"),
                                                placeholderText=_("e.g. employment attorney, 6 years"))
        self.employees = QSpinBox(accessibleName=_("Employer's headcount"), minimum=0, maximum=10_000_000,
                                  specialValueText=_("not set"))
        self.employees.setValue(self.current.employer_employees or 0)
        self.industry = QComboBox(accessibleName=_("Employer's industry"))
        for value, label in INDUSTRIES:
            self.industry.addItem(_(label), value)
        self.industry.setCurrentIndex(max(0, self.industry.findData(self.current.employer_industry)))
        self.web_address = QLineEdit(self.current.employer_web_address, maxLength=200,
                                     accessibleName=_("Employer's web address"),
                                     placeholderText=_("e.g. https://www.example.com, for HR's learning records"))
        self.grace = QSpinBox(accessibleName=_("Grace period for new sessions, in minutes"), minimum=0,
                              maximum=MAX_GRACE_MINUTES, suffix=_(" min"))
        self.grace.setValue(self.current.grace_minutes)
        self._build_lrs()
        form = QFormLayout()
        form.addRow(_("&Organisation"), self.organisation)
        form.addRow(_("&Logo"), logo_row)
        form.itemAt(form.rowCount() - 1, QFormLayout.ItemRole.LabelRole).widget().setBuddy(self.logo)
        form.addRow(_("&Paper"), self.paper)
        form.addRow(_("L&anguage"), self.language)
        form.addRow("", self.language_note)
        form.addRow(_("&Training provider"), self.trainer_organisation)
        form.addRow(_("&Qualifications"), self.trainer_qualifications)
        form.addRow(_("&Employees"), self.employees)
        form.addRow(_("&Industry"), self.industry)
        form.addRow(_("&Web address"), self.web_address)
        form.addRow(_("&Grace period"), self.grace)
        form.addRow(_("Learning record &store"), self.lrs_url)
        form.addRow(_("&User name"), self.lrs_user)
        form.addRow(_("Passwo&rd"), self.lrs_password)
        form.addRow(_("&HR's database"), self.hr_database)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _build_lrs(self) -> None:
        """Where sync sends the learning records, as whom, and the password (shown never, kept in the keyring)."""
        self.lrs_url = QLineEdit(self.current.lrs_url, maxLength=500, accessibleName=_("Learning record store"),
                                 placeholderText=_("e.g. https://lrs.example.com/xAPI/, where sync sends the records"))
        self.lrs_user = QLineEdit(self.current.lrs_user, maxLength=200,
                                  accessibleName=_("User name at the learning record store"))
        self.lrs_password = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                                      accessibleName=_("Password at the learning record store"),
                                      placeholderText=_("Kept in the system keyring; empty keeps the one kept"))
        self.hr_database = QLineEdit(self.current.hr_database, maxLength=500, accessibleName=_("HR's database"),
                                     placeholderText=_("postgresql+psycopg://USER@HOST/DATABASE, or HR's .sqlite file"))

    def _show_error(self, exc: UserError) -> None:
        self.error.setText(error_text(exc))
        self.error.show()

    def _language_chosen(self) -> None:
        """The note says when a new language takes effect, once one is chosen."""
        self.language_note.setVisible(self.language.currentData() != self.current.language)

    def choose_logo(self) -> None:
        start = self.logo.text().strip() or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose the logo"), start, _(LOGO_FILTER))
        if name:
            self.logo.setText(name)

    def values(self) -> dict[str, str]:
        """What the dialog says now, by the settings' own keys."""
        return {"organisation": self.organisation.text().strip(), "logo": self.logo.text().strip(),
                "paper": self.paper.currentData(), "language": self.language.currentData(),
                "trainer_organisation": self.trainer_organisation.text().strip(),
                "trainer_qualifications": self.trainer_qualifications.text().strip(),
                "employer_employees": str(self.employees.value() or ""),
                "employer_industry": self.industry.currentData(), "grace_minutes": str(self.grace.value()),
                "employer_web_address": self.web_address.text().strip(), "lrs_url": self.lrs_url.text().strip(),
                "lrs_user": self.lrs_user.text().strip(), "hr_database": self.hr_database.text().strip()}

    @property
    def language_changed(self) -> bool:
        return self.saved is not None and self.saved.language != self.current.language

    def accept(self) -> None:
        """Save what changed; on a refusal say why, put the focus on that field, and stay open."""
        before = self.current.model_dump()
        fields = {"organisation": self.organisation, "logo": self.logo, "paper": self.paper,
                  "language": self.language, "trainer_organisation": self.trainer_organisation,
                  "trainer_qualifications": self.trainer_qualifications, "employer_employees": self.employees,
                  "employer_industry": self.industry, "grace_minutes": self.grace,
                  "employer_web_address": self.web_address, "lrs_url": self.lrs_url, "lrs_user": self.lrs_user,
                  "hr_database": self.hr_database}
        saved = None
        for key, value in self.values().items():
            if value == str(before[key] or ""):
                continue
            try:
                saved = set_setting(self._ws, key, value)
            except UserError as exc:
                self._show_error(exc)
                fields[key].setFocus()
                return
        self.saved = saved or self.current
        if self.lrs_password.text():
            try:
                keep_password(self.saved, self.lrs_password.text())
            except UserError as exc:
                self._show_error(exc)
                self.lrs_password.setFocus()
                return
            self.lrs_password.clear()
        super().accept()
