"""The translation catalogues and the choice of language.

The shipped Spanish catalogue is empty (the translation comes later), so these tests translate a few texts in a
catalogue of their own, compiled into a folder that $FACILITATOR_TRANSLATIONS_DIR (or `install(localedir=)`) points
at, and follow each one to where a person reads it: the command line's output, a PDF (and, in
tests/gui/test_translated_window.py, a window). Texts the catalogue lacks stay in English.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from facilitator import i18n
from facilitator.i18n import _, ngettext

ROOT = Path(__file__).parents[2]
TRANSLATIONS = ROOT / "assets" / "translations"
SPANISH = {
    "&Sessions": "&Sesiones",
    "Sign-in sheet": "Hoja de asistencia",
    "not a badge code": "no es un código de credencial",
    "No sessions yet. Create one with 'facilitator session create'.":
        "Aún no hay sesiones. Cree una con 'facilitator session create'.",
    # Spanish has three forms in CLDR's rules: one, many (a round million: "de personas"), other.
    ("{n} person", "{n} people"): ("{n} persona", "{n} de personas", "{n} personas"),
}


def compile_catalogue(folder: Path, language: str = "es", texts: dict = SPANISH) -> Path:
    """A copy of the shipped catalogue with `texts` translated, compiled into `folder`."""
    with (TRANSLATIONS / "es" / "LC_MESSAGES" / "facilitator.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language, domain="facilitator")
    for msgid, msgstr in texts.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if key not in catalogue:
            catalogue.add(msgid)  # a text the test needs even if the code names it differently one day
        catalogue[key].string = msgstr
    out = folder / language / "LC_MESSAGES" / "facilitator.mo"
    out.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    out.write_bytes(buffer.getvalue())
    return folder


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[Path]:
    """Spanish from a test catalogue for the rest of the test; English again afterwards."""
    folder = compile_catalogue(tmp_path / "translations")
    i18n.install("es", localedir=folder)
    yield folder
    i18n.install(i18n.ENGLISH)


def test_the_catalogues_are_in_step_with_the_code() -> None:
    """Every marked text is in facilitator.pot and every .po, and each .mo is compiled from its .po: after
    changing a text, run `python3 assets/translations/catalogues.py`."""
    done = subprocess.run([sys.executable, str(TRANSLATIONS / "catalogues.py"), "--check"], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_shipped_spanish_catalogue_is_found_and_falls_back_to_english() -> None:
    try:
        assert i18n.install("es_MX") == "es"  # no Mexican catalogue: Spanish
        assert i18n.language() == "es"
        assert _("&Sessions") == "&Sessions"  # not translated yet: English
        assert ngettext("{n} person", "{n} people", 2) == "{n} people"
    finally:
        assert i18n.install(i18n.ENGLISH) == i18n.ENGLISH
    assert "es" in i18n.available_languages() and i18n.available_languages()[0] == "en"


def test_an_unknown_or_damaged_catalogue_means_english(tmp_path: Path) -> None:
    assert i18n.install("xx") == i18n.ENGLISH
    broken = tmp_path / "de" / "LC_MESSAGES" / "facilitator.mo"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not a catalogue")
    assert i18n.install("de", localedir=tmp_path) == i18n.ENGLISH and _("&Sessions") == "&Sessions"


@pytest.mark.parametrize("environ, setting, expected", [
    ({}, None, "en"),
    ({"LANG": "C.UTF-8"}, None, "en"),
    ({"LANG": "es_ES.UTF-8"}, None, "es_ES"),
    ({"LANG": "es_ES.UTF-8", "LANGUAGE": "fr:es"}, None, "fr"),
    ({"LANG": "es_ES.UTF-8"}, "en", "en"),  # the setting beats the computer's language
    ({"LANG": "es_ES.UTF-8", "FACILITATOR_LANG": "de"}, "en", "de"),  # --lang (and its variable) beat both
])
def test_which_language_is_asked_for(environ: dict[str, str], setting: str | None, expected: str) -> None:
    assert i18n.requested_language(setting, environ) == expected


def test_plurals_follow_the_catalogue(spanish: Path) -> None:
    assert ngettext("{n} person", "{n} people", 1).format(n=1) == "1 persona"
    assert ngettext("{n} person", "{n} people", 3).format(n=3) == "3 personas"
    assert ngettext("{n} person", "{n} people", 1_000_000).format(n=1_000_000) == "1000000 de personas"


def cli(data_dir: Path, *words: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.LANGUAGE_ENV)}
    return subprocess.run([sys.executable, "-m", "facilitator", "--data-dir", str(data_dir), *words],
                          capture_output=True, text=True, check=False, timeout=120, env={**environ, **env})


def test_lang_es_switches_the_command_line_and_missing_texts_stay_english(tmp_path: Path) -> None:
    folder = compile_catalogue(tmp_path / "translations")
    data = tmp_path / "data"
    spanish = cli(data, "session", "list", LANG="es_ES.UTF-8", FACILITATOR_TRANSLATIONS_DIR=str(folder))
    assert spanish.returncode == 0, spanish.stderr
    assert spanish.stdout.strip() == "Aún no hay sesiones. Cree una con 'facilitator session create'."
    english = cli(data, "session", "list", FACILITATOR_TRANSLATIONS_DIR=str(folder))
    assert english.stdout.strip() == "No sessions yet. Create one with 'facilitator session create'."
    missing = cli(data, "session", "show", "NOPE", LANG="es_ES.UTF-8", FACILITATOR_TRANSLATIONS_DIR=str(folder))
    assert missing.returncode == 1 and "no session 'NOPE'" in missing.stderr  # untranslated: English


def test_the_setting_and_lang_switch_the_command_line(tmp_path: Path) -> None:
    folder = compile_catalogue(tmp_path / "translations")
    data, env = tmp_path / "data", {"FACILITATOR_TRANSLATIONS_DIR": str(folder)}
    assert cli(data, "settings", "set", "language", "es", **env).returncode == 0
    assert cli(data, "session", "list", **env).stdout.startswith("Aún no hay sesiones")
    assert cli(data, "--lang", "en", "session", "list", **env).stdout.startswith("No sessions yet")


def test_a_translated_text_reaches_a_pdf(spanish: Path, tmp_path: Path, workspace) -> None:
    from facilitator.services.reports import make_signin_sheet
    from facilitator.services.sessions import create_session
    from tests.unit.test_documents_pdf import page_texts, squeeze

    detail = create_session(workspace, workshop_id="harassment-prevention-employees", on=date(2026, 12, 3),
                            start="09:00", location="Main St", trainer="Sam Lee", jurisdictions=["none"])
    out = make_signin_sheet(workspace, detail.id, tmp_path / "hoja.pdf").path
    text = " ".join(page_texts(out))
    assert squeeze("Hoja de asistencia") in text
    assert squeeze("Sign-in sheet ·") in text  # the footer's text, which the test catalogue lacks: English


def test_a_language_asked_for_by_name_and_missing_is_said_and_english_spoken(tmp_path: Path) -> None:
    done = cli(tmp_path / "data", "--lang", "xx", "session", "list")
    assert done.returncode == 0 and done.stdout.startswith("No sessions yet")
    assert "there is no 'xx' translation yet; the languages are en, es" in done.stderr
    for spanish in ("es_MX", "es-MX", "es"):
        assert cli(tmp_path / "data", "--lang", spanish, "session", "list").stderr == ""  # Spanish is there


def test_a_record_is_worded_in_the_session_s_language_not_the_app_s(spanish: Path, workspace) -> None:
    """The log and the seal are the same whichever laptop makes them: an English workshop's in English."""
    from facilitator.services.attendance import attendance_log_entries, check_in
    from facilitator.services.sessions import create_session

    assert _("not a badge code") == "no es un código de credencial"  # the app speaks Spanish
    assert i18n.in_language("es", spanish)("not a badge code") == "no es un código de credencial"
    detail = create_session(workspace, workshop_id="harassment-prevention-employees", on=date.today(),
                            start="09:00", location="Main St", trainer="Sam Lee", jurisdictions=["none"])
    check_in(workspace, detail.id, "not-a-badge")
    [rejected] = attendance_log_entries(workspace, detail.id)
    assert rejected.detail == "not a badge code"  # the session's language: English
