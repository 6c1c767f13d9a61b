"""File → Settings… (Ctrl+,): the trainer sets the organisation and the language in the app, a refusal is said in
the dialog, and an error the app shows points to the app's own menu, never to a command to type."""

from __future__ import annotations

from pathlib import Path

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
    if "es" not in i18n.available_languages():
        pytest.skip("the Spanish catalogue is not compiled")
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
