"""The one seam every text a user reads passes through, in the manner of MusicBrainz Picard.

`_("text")` translates a text where it is shown. `N_("text")` only marks a text for translation where it is
defined (a module's table of labels, say), and `_()` translates it where it is shown, once a language is chosen.
`ngettext("1 person", "{n} people", n)` picks the plural form the language needs: never "person(s)".
`Words(N_("text {name}"), name=...)` is a text said in the chosen language that can be said again in another
(`words.said(in_language("es"))`): a service's refusal shown on a phone whose person reads another language.
`install()` chooses the catalogue once, for the command line as it starts and for the app before its first
window. Catalogues are gettext's: `assets/translations/LANG/LC_MESSAGES/facilitator.mo`, compiled from the `.po`
files beside them; a text a catalogue lacks stays in English.
"""

from __future__ import annotations

import gettext
import json
import os
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

DOMAIN = "facilitator"
ENGLISH = "en"
LANGUAGE_ENV = "FACILITATOR_LANG"  # beats the system's LANGUAGE, LC_ALL, LC_MESSAGES and LANG
_SYSTEM_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

# Each shipped language's names: its name for itself first (the settings dialog shows it), then the other names a
# roster's language column may give it, in English or in the language itself. A test holds every catalogue to
# having an entry. Not user text: names, never translated.
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("English", "inglés"),  # not user text: names, matched and shown as they are
    "es": ("español", "Spanish", "castellano"),  # not user text
}

_catalogue: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


def _(message: str) -> str:
    """`message` in the chosen language (itself if the catalogue lacks it)."""
    return _catalogue.gettext(message)


def N_(message: str) -> str:  # gettext's own name, which the extractor looks for
    """Mark `message` for translation without translating it yet: `_()` translates it where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or a plural form of a text for `n` things, as the chosen language counts them."""
    return _catalogue.ngettext(singular, plural, n)


class Words(str):
    """A text said in the chosen language that remembers how it was said, so it can be said again in another.

        raise UserError(Words(N_("type your full name as it is on the list to sign: {name}"), name=shown))

    It is the text in the chosen language (a `str`, so it goes wherever a message goes, as it is), and
    `said(say)` is the same text in the language of `say` (a gettext function, as `in_language` returns): the
    phones' pages show a service's refusal in the language of the person holding the phone, not the laptop's.
    `message` must be marked with `N_` where it is written, so the catalogues have it. A field that is itself
    Words is said again too; other fields (names, numbers) are put in as they are."""

    message: str
    fields: dict[str, object]

    def __new__(cls, message: str, /, **fields: object) -> Words:
        words = super().__new__(cls, _(message).format(**fields))
        words.message, words.fields = message, fields
        return words

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, object]]:  # copied or pickled: made again
        return (self.message,), self.fields

    def said(self, say: Callable[[str], str]) -> str:
        """This text in the language of `say`."""
        return say(self.message).format(**{name: value.said(say) if isinstance(value, Words) else value
                                            for name, value in self.fields.items()})


def either(words: Iterable[str]) -> str:
    """"a4 or letter", "scenario or role-play": alternatives joined as the chosen language joins them."""
    items = list(words)
    text = items[0] if items else ""
    for word in items[1:]:
        text = _("{choices} or {choice}").format(choices=text, choice=word)
    return text


def pgettext(context: str, message: str) -> str:
    """`message` in the chosen language, where the same English word means different things in two places."""
    return _catalogue.pgettext(context, message)


def in_language(code: str, localedir: Path | None = None) -> Callable[[str], str]:
    """The gettext of language `code`, whatever language the app speaks: for the words a record keeps (a
    rejected scan's reason, an eligibility reason), which are written in the session's language so that a
    record never depends on the laptop it was made on. English (or a language without a catalogue) as is."""
    folder = localedir or translations_dir()
    found = _catalogue_for(folder, code) if code else None
    catalogue = _read(_mo_file(folder, found)) if found else None
    return catalogue.gettext if catalogue else _as_is


def _as_is(message: str) -> str:
    return message


def translations_dir() -> Path:
    from facilitator import paths  # found only once a catalogue is wanted

    return paths.translations_dir()


def requested_language(setting: str | None = None, environ: os._Environ[str] | dict[str, str] | None = None
                       ) -> str:
    """The language asked for: $FACILITATOR_LANG (and `--lang`, which sets it), then the setting, then the
    system's locale variables; English if none names one. "es_ES.UTF-8" is "es_ES"."""
    env = os.environ if environ is None else environ
    for value in (env.get(LANGUAGE_ENV), setting, *(env.get(name) for name in _SYSTEM_ENV)):
        if value:
            first = value.split(":")[0]  # LANGUAGE may list several
            code = first.split(".")[0].split("@")[0]
            if code and code not in ("C", "POSIX"):
                return code
    return ENGLISH


def install(language: str | None = None, localedir: Path | None = None) -> str:
    """Use the catalogue for `language` (default: what `requested_language` finds) from now on; returns the
    language whose catalogue was found ("es" for "es_MX" when only Spanish is there), or "en" if none was."""
    global _catalogue, _language
    folder = localedir or translations_dir()
    found = _catalogue_for(folder, language or requested_language())
    catalogue = _read(_mo_file(folder, found)) if found else None
    _catalogue = catalogue or gettext.NullTranslations()
    _language = found if catalogue and found else ENGLISH
    return _language


def _read(path: Path) -> gettext.GNUTranslations | None:
    """A compiled catalogue (read afresh: gettext.translation would keep the first one read from this path)."""
    try:
        with path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except (OSError, ValueError):  # unreadable or damaged: English rather than no app at all
        return None


def _mo_file(folder: Path, code: str) -> Path:
    return folder / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _catalogue_for(folder: Path, wanted: str) -> str | None:
    """The most specific language of `wanted` ("es_MX", then "es") that has a compiled catalogue."""
    for code in dict.fromkeys((wanted, wanted.split("_")[0].split("-")[0])):
        if _mo_file(folder, code).is_file():
            return code
    return None


def saved_language(data_dir: Path) -> str:
    """The data folder's `language` setting, read without checking the rest of the file (that is the settings
    service's work): the command line needs it before it can say anything, and before pydantic is loaded; a
    broken file is reported later, in the language chosen without it."""
    from facilitator import paths

    try:
        path = paths.settings_file(data_dir)
        if not path.is_file():  # not there, or a folder or a pipe: no setting (the settings service says why)
            return ""
        with path.open("rb") as handle:
            value = json.loads(handle.read(64 * 1024).decode("utf-8")).get("language")
    except (OSError, ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def available_languages(localedir: Path | None = None) -> list[str]:
    """English and every language with a compiled catalogue."""
    folder = localedir or translations_dir()
    found = sorted(p.parents[1].name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return [ENGLISH, *(code for code in found if code != ENGLISH)]


def own_name(code: str) -> str | None:
    """A shipped language's name for itself ("español"), or None for a language the app does not ship."""
    names = LANGUAGE_NAMES.get(code)
    return names[0] if names else None


def code_named(name: str) -> str | None:
    """The code of the shipped language `name` names ("Spanish", "Español", "ESPANOL" → "es"), or None."""
    wanted = _folded(name)
    return next((code for code, names in LANGUAGE_NAMES.items() if wanted in map(_folded, names)), None)


def _folded(name: str) -> str:
    """`name` in lower case without accents, as a roster typed on any keyboard may spell it."""
    parts = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in parts if not unicodedata.combining(c))


def language() -> str:
    """The language whose catalogue is in use ("en" when none is)."""
    return _language
