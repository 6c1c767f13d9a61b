"""Which language a phone's pages are in (docs/companion.md): the person's own once the check-in pages know who
they are (the roster's language), else the first the phone's browser asks for (its Accept-Language header) that
the app has a catalogue for, else the laptop's.

The choice is made for each request and kept on that request only (`speaker(request)`); the catalogues are read
once, when the server is made, into a table nothing changes afterwards. So phones in different languages are
answered at the same time, on the server's loop and in its worker threads, without ever switching the app's own
language (which stays the trainer's).

    say = speaker(request)                       # the browser's language, or the person's if a handler chose it
    return pages.page(say(N_("Check in")), body, lang=say.code)

A service's refusal (a UserError) is said again in the phone's language where it was made with `i18n.Words`; any
other is shown as it is where the phone reads the laptop's language, and as a general sentence in the phone's
language otherwise, so that a page is never in two languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from aiohttp import web

from facilitator import i18n
from facilitator.i18n import N_, Words, available_languages, in_language

Say = Callable[[str], str]
MAX_RANGES = 32  # language ranges of one header looked at: a browser sends a handful
# A language tag in practice (RFC 5646 §4.4.1: 35 characters hold any tag but private use, in up to 8 subtags);
# anything longer is no language a catalogue could be for, and is ignored before any lookup.
MAX_TAG = 35
MAX_SUBTAGS = 8
MAX_ITEM = MAX_TAG + 29  # a range with its weight (";q=0.xxx") and room for the spaces around them
_RANGE = re.compile(r"^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$")  # RFC 9110 §12.5.4 (RFC 4647 ranges)
_WEIGHT = re.compile(r"^[qQ]=(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$")
OTHER_REFUSAL = N_("This could not be done. Check what you typed and try again, or ask the trainer.")


@dataclass(frozen=True)
class Speaker:
    """The words of one page: `say(N_("text"))` is the text in the page's language, `code` that language
    (for `<html lang>`)."""

    code: str
    gettext: Say

    def __call__(self, message: str) -> str:
        return self.gettext(message)

    def refusal(self, message: str) -> str:
        """A service's refusal (a UserError's message) in this language (see the module's note)."""
        if isinstance(message, Words):
            return message.said(self.gettext)
        if self.code == i18n.language():
            return message
        return self(OTHER_REFUSAL)


def accepted_languages(header: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, most wanted first: by weight (q), ties in the order the
    header gives them; ranges the browser does not want (q=0), anything malformed, and anything too long to be
    a language tag, are left out. The work is bounded whatever the header: at most MAX_RANGES ranges, each of a
    few dozen characters, are looked at."""
    ranges: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",", MAX_RANGES)[:MAX_RANGES]):
        if len(item) > MAX_ITEM:
            continue
        tag, *parameters = (part.strip() for part in item.split(";"))
        if not _plausible(tag):
            continue
        weight = 1.0
        for parameter in parameters:
            found = _WEIGHT.match(parameter.replace(" ", ""))
            weight = float(found.group(1)) if found else -1.0  # a broken weight: the range is left out
        if _RANGE.match(tag) and weight > 0:
            ranges.append((-weight, position, tag.lower()))
    return [tag for _weight, _position, tag in sorted(ranges)]


def _plausible(tag: str) -> bool:
    """Whether `tag` is short enough to be a language tag at all (RFC 5646 in practice)."""
    return len(tag) <= MAX_TAG and tag.count("-") + tag.count("_") < MAX_SUBTAGS


class Languages:
    """The catalogues a phone may be answered in (English and every language with a compiled catalogue), each read
    once; then only looked up."""

    def __init__(self, localedir: Path | None = None) -> None:
        catalogues = {code: in_language(code, localedir) for code in available_languages(localedir)}
        self._by_tag: Mapping[str, tuple[str, Say]] = MappingProxyType({
            code.lower().replace("_", "-"): (code, say) for code, say in catalogues.items()})

    @staticmethod
    def laptop() -> Speaker:
        """The laptop's language: what the app speaks."""
        return Speaker(i18n.language(), i18n._)

    def find(self, tag: str) -> Speaker | None:
        """The most specific language of `tag` ("es-US", "es_MX", "es") that has a catalogue, or None; "*" (any)
        is the laptop's. A tag longer than any language's (see `MAX_TAG`) has none, so the lookup is a few steps
        at most."""
        if tag == "*":
            return self.laptop()
        if not _plausible(tag):
            return None
        subtags = tag.lower().replace("_", "-").split("-")
        for end in range(len(subtags), 0, -1):  # RFC 4647 lookup: "zh-hant-tw", "zh-hant", "zh"
            found = self._by_tag.get("-".join(subtags[:end]))
            if found:
                return Speaker(*found)
        return None

    def for_browser(self, header: str | None) -> Speaker:
        """The first language the browser asks for that there is a catalogue for; else the laptop's."""
        for tag in accepted_languages(header):
            if chosen := self.find(tag):
                return chosen
        return self.laptop()


LANGUAGES = web.AppKey("languages", Languages)
# Where a request keeps its language: a RequestKey where aiohttp has them (3.14 on), else a name.
_SPEAKER: Any = web.RequestKey("speaker", Speaker) if hasattr(web, "RequestKey") else "speaker"  # not user text


def speaker(request: web.Request) -> Speaker:
    """The language of the page answering `request`: the person's, where a handler has said who they are
    (`speak_to`), else the browser's."""
    chosen = request.get(_SPEAKER)
    if not isinstance(chosen, Speaker):
        languages = request.app.get(LANGUAGES)
        chosen = languages.for_browser(request.headers.get("Accept-Language")) if languages else Languages.laptop()
        request[_SPEAKER] = chosen
    return chosen


def speak_to(request: web.Request, language: str | None) -> Speaker:
    """From now on the page answering `request` (and any refusal it ends in) is in `language`, a roster person's
    language as a code ("es", "es-MX") or a name ("Spanish", "Español"), where there is a catalogue for it; else
    still the browser's."""
    languages = request.app.get(LANGUAGES)
    typed = (language or "").strip()
    chosen = languages.find(i18n.code_named(typed) or typed) if languages and typed else None
    if chosen is None:
        return speaker(request)
    request[_SPEAKER] = chosen
    return chosen
