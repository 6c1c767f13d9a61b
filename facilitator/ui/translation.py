"""Qt's own words in the app's language: the Cancel and Yes buttons, the file dialogs, the context menus.

Our texts come from facilitator/i18n.py's gettext catalogue; Qt's come from the translations Qt ships
(`qtbase_es.qm`), loaded here through a QTranslator for the language i18n chose, so a dialog never mixes an
English "Cancel" into a Spanish window. A language Qt has no translation for leaves Qt's words in English.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from facilitator import i18n

log = logging.getLogger(__name__)
QT_CATALOGUES = ("qtbase", "qtmultimedia")


def install_qt_translations(app: QApplication) -> list[QTranslator]:
    """Load Qt's catalogues for the chosen language into `app`; returns the translators installed."""
    language = i18n.language()
    if language == i18n.ENGLISH:
        return []
    QLocale.setDefault(QLocale(language))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for catalogue in QT_CATALOGUES:
        translator = QTranslator(app)
        if translator.load(QLocale(language), catalogue, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            log.info("Qt has no %s translation for %s in %s", catalogue, language, folder)
    return installed
