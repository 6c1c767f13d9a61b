"""File → Settings… (Ctrl+,): the trainer sets the organisation and the language in the app, a refusal is said in
the dialog, and an error the app shows points to the app's own menu, never to a command to type."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox

from facilitator import i18n
from facilitator.paths import SETTINGS_FILE
from facilitator.services.errors import UserError
from facilitator.services.settings import load_settings
from facilitator.ui.dialogs.settings import SettingsDialog
from facilitator.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def open_settings(qtbot, window: MainWindow) -> SettingsDialog:
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(SettingsDialog)))
    return next(d for d in window.findChildren(SettingsDialog) if d.isVisible())


def press_ok(dialog: SettingsDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_file_menu_offers_settings_with_a_shortcut(window) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    settings = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Settings…")
    assert settings.shortcut() == QKeySequence("Ctrl+,") and settings.isEnabled()


def test_the_organisation_and_the_language_are_set_in_the_app(qtbot, window, workspace) -> None:
    assert "es" in i18n.available_languages()  # the compiled catalogue ships in assets/translations
    dialog = open_settings(qtbot, window)
    assert dialog.language.itemText(0) == "The computer's language" and dialog.language.currentData() == ""
    assert not dialog.language_note.isVisible()
    qtbot.keyClicks(dialog.organisation, "Acme Freight Ltd")
    spanish = dialog.language.findData("es")
    assert dialog.language.itemText(spanish) == "Español"  # each language by its own name
    dialog.language.setCurrentIndex(spanish)
    assert dialog.language_note.isVisible() and "next time" in dialog.language_note.text()
    press_ok(dialog)
    assert not dialog.isVisible()
    saved = load_settings(workspace)
    assert (saved.organisation, saved.language, saved.paper) == ("Acme Freight Ltd", "es", "letter")
    assert "next time Facilitator opens" in window.statusBar().currentMessage()
    assert i18n.language() == "en"  # the open windows keep their words until the app opens again
    again = open_settings(qtbot, window)
    assert again.organisation.text() == "Acme Freight Ltd" and again.language.currentData() == "es"
    again.reject()


def test_cancel_changes_nothing(qtbot, window, workspace) -> None:
    dialog = open_settings(qtbot, window)
    qtbot.keyClicks(dialog.organisation, "Not saved")
    dialog.paper.setCurrentIndex(dialog.paper.findData("a4"))
    for field in (dialog.organisation, dialog.logo, dialog.paper, dialog.language):
        assert field.accessibleName()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert load_settings(workspace).organisation == "" and load_settings(workspace).paper == "letter"


def test_a_refused_value_is_explained_and_the_dialog_stays_open(qtbot, window, workspace, tmp_path: Path) -> None:
    not_an_image = tmp_path / "logo.txt"
    not_an_image.write_text("hello", encoding="utf-8")
    dialog = open_settings(qtbot, window)
    qtbot.keyClicks(dialog.logo, str(not_an_image))
    press_ok(dialog)
    assert dialog.isVisible() and dialog.error.text().startswith(f"{not_an_image} is not a PNG or JPEG file")
    assert load_settings(workspace).logo is None


def test_an_error_with_a_remedy_points_to_the_menu_not_a_command(qtbot, window, workspace) -> None:
    (workspace.data_dir / SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_settings(workspace)
    assert raised.value.remedy is not None and "facilitator " in str(raised.value)  # the command line's form
    dialog = open_settings(qtbot, window)
    shown = dialog.error.text()
    assert raised.value.message in shown or raised.value.message[1:] in shown
    assert "File → Settings…" in shown and "facilitator " not in shown
    dialog.reject()


def test_the_learning_record_store_is_set_and_its_password_goes_to_the_keyring_only(
        qtbot, window, workspace, monkeypatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    class Memory(KeyringBackend):
        priority = 1
        kept: ClassVar[dict] = {}

        def get_password(self, service, user):
            return self.kept.get((service, user))

        def set_password(self, service, user, secret):
            self.kept[(service, user)] = secret

        def delete_password(self, service, user):
            self.kept.pop((service, user))

    monkeypatch.delenv("FACILITATOR_LRS_PASSWORD", raising=False)
    before = keyring.get_keyring()
    try:
        keyring.set_keyring(fail.Keyring())  # no keyring here: said in the dialog, which stays open
        dialog = open_settings(qtbot, window)
        qtbot.keyClicks(dialog.lrs_url, "https://lrs.example.com/xAPI/")
        qtbot.keyClicks(dialog.lrs_user, "laptop-7")
        qtbot.keyClicks(dialog.lrs_password, "s3cret-pw")
        assert dialog.lrs_password.echoMode() == dialog.lrs_password.EchoMode.Password
        press_ok(dialog)
        assert dialog.isVisible() and "no system keyring" in dialog.error.text()
        assert "FACILITATOR_LRS_PASSWORD before opening Facilitator" in dialog.error.text()
        keyring.set_keyring(Memory())
        press_ok(dialog)
        assert not dialog.isVisible()
        saved = load_settings(workspace)
        assert (saved.lrs_url, saved.lrs_user) == ("https://lrs.example.com/xAPI/", "laptop-7")
        assert list(Memory.kept.values()) == ["s3cret-pw"]
        assert "s3cret" not in (workspace.data_dir / SETTINGS_FILE).read_text(encoding="utf-8")
    finally:
        keyring.set_keyring(before)
