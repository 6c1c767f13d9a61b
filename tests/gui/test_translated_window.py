"""A translated text reaches a window, and Qt's own words come in the same language.

The test catalogue (tests/unit/test_translations.py) translates the Sessions tab; the library tab it leaves alone
stays in English. Qt's Cancel button is translated by the catalogue Qt ships.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from facilitator import i18n
from facilitator.ui.main_window import LIBRARY_TAB, SESSIONS_TAB, MainWindow
from facilitator.ui.translation import install_qt_translations
from tests.unit.test_translations import compile_catalogue


def test_a_window_speaks_the_chosen_language(qtbot, tmp_path: Path, workspace) -> None:
    i18n.install("es", localedir=compile_catalogue(tmp_path / "translations"))
    app = QApplication.instance()
    locale = QLocale()
    translators = install_qt_translations(app)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.attach(workspace)
        assert window.tabs.tabText(SESSIONS_TAB) == "&Sesiones"
        assert window.tabs.tabText(LIBRARY_TAB) == "Workshop &library"  # not in the catalogue: English
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(buttons)
        assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancelar"
    finally:
        for translator in translators:
            app.removeTranslator(translator)
        QLocale.setDefault(locale)
        i18n.install(i18n.ENGLISH)
    assert translators, "Qt ships qtbase_es.qm; it should have been installed"
