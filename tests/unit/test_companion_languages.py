"""The phone pages in the phone's language, over real HTTP on loopback (facilitator/companion/language.py): the
browser's Accept-Language chooses until the check-in pages know who the person is, then the roster's language
does; a language without a catalogue falls back to the laptop's; a header of any shape is harmless; and phones in
different languages are answered side by side, the app's own language never switched."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from facilitator import i18n
from facilitator.companion.language import MAX_RANGES, MAX_SUBTAGS, Languages, accepted_languages
from facilitator.companion.server import CompanionServer
from facilitator.domain.roster import Person
from facilitator.domain.segment_kinds import stages
from facilitator.i18n import N_, Words, in_language
from facilitator.services import companion, delivery, presenter_state, roster
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace
from tests.phone_pages import SCENARIO, Clock, Phone
from tests.unit.companion_http import ABSURD, counted

SPANISH_PHONE = "es-US,es;q=0.9,en;q=0.5"
ENGLISH_PHONE = "en-US,en;q=0.9"
COMPANION = Path(__file__).parents[2] / "facilitator" / "companion"
# Words that give English away in a page's text (the Spanish pages use none of them).
ENGLISH = re.compile(r"\b(the|you|your|this|is|are|to|and|or|scan|check|send|back|sign|name|page|try|again)\b",
                     re.IGNORECASE)


def lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]*)">', page)
    assert found, page
    return found.group(1)


def text_of(page: str, leave_out: str = "") -> str:
    """What a person reads on the page (the title, and the body without its markup), without `leave_out`."""
    title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    body = re.search(r"<main>(.*?)</main>", page, re.DOTALL)
    text = " ".join([title.group(1) if title else "", re.sub(r"<[^>]+>", " ", body.group(1) if body else "")])
    return text.replace(leave_out, " ") if leave_out else text


def assert_spanish(page: str, leave_out: str = "") -> None:
    assert lang(page) == "es"
    english = ENGLISH.findall(text_of(page, leave_out))
    assert english == [], (english, text_of(page, leave_out))


def join_as(server: CompanionServer, ws: Workspace, sid: str, clock: Clock, languages: str | None) -> Phone:
    phone = Phone(server, languages)
    phone.get(f"/j/{companion.join_code(ws, sid, clock()).code}")
    assert phone.status == 200, phone.page
    return phone


@pytest.fixture
def english_laptop() -> Iterator[None]:
    """The app in English (as the tests run), and English again after a test that changed it."""
    i18n.install(i18n.ENGLISH)
    yield
    i18n.install(i18n.ENGLISH)


def test_a_phone_asking_for_spanish_gets_every_page_and_refusal_in_spanish(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    stranger = Phone(server, SPANISH_PHONE)
    stranger.get("/here")  # no room pass: the guard of the pages
    assert stranger.status == 403 and "Escanee el código de la pantalla" in stranger.page
    assert_spanish(stranger.page)
    stranger.get("/j/AAAAAAAAAA")
    assert stranger.status == 403 and "Este código ya venció" in stranger.page
    assert_spanish(stranger.page)
    stranger.get("/no/such/page")  # the guard's status pages
    assert stranger.status == 404 and "Página no encontrada" in stranger.page
    assert_spanish(stranger.page)

    phone = join_as(server, workspace, sid, clock, SPANISH_PHONE)
    assert "En la sala" in phone.page and "Registrar asistencia" in phone.page
    assert_spanish(phone.page)
    phone.get("/checkin")
    assert "Su nombre y apellido, o su número de empleado" in phone.page and "Buscarme" in phone.page
    assert_spanish(phone.page)
    person = get_session(workspace, sid).roster[0]
    phone.post("/checkin/find", {"who": "zzzzqqq"})
    assert "Nadie en la lista coincide" in phone.page
    assert_spanish(phone.page)
    phone.post("/checkin/find", {"who": person.full_name})
    assert "¿Es usted?" in phone.page and f"Soy {person.first_name} {person.last_name[0]}." in phone.page
    assert_spanish(phone.page, leave_out=f"{person.first_name} {person.last_name[0]}.")
    phone.get("/checkin")
    token = phone.token("/checkin/find")
    phone.post("/checkin/find", {"who": person.full_name}, token)
    phone.post("/checkin/find", {"who": person.full_name}, token)  # the same form twice: the tokens' refusal
    assert phone.status == 400 and "Este formulario ya se envió" in phone.page and "Volver al inicio" in phone.page
    assert_spanish(phone.page)
    phone.get("/walkin")
    assert "No aparece en la lista" in phone.page and "Pedir que me agreguen" in phone.page
    assert_spanish(phone.page)


def test_a_service_refusal_is_said_again_in_the_phone_s_language(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    delivery.start(workspace, sid, SCENARIO)
    steps = stages(delivery.session_run(workspace, sid).segment(SCENARIO))
    presenter_state.save_step(workspace, sid, SCENARIO, [s.name for s in steps].index("vote"))
    phone = join_as(server, workspace, sid, clock, SPANISH_PHONE)
    assert "Responder la pregunta de la pantalla" in phone.page
    phone.get("/answer")
    phone.post("/answer", {"question": f"{SCENARIO}.0", "option": "1"})
    assert "Su respuesta se contó" in phone.page
    phone.get("/answer")
    phone.post("/answer", {"question": f"{SCENARIO}.0", "option": "2"})
    assert phone.status == 400 and "Este teléfono ya respondió esta pregunta." in phone.page
    assert_spanish(phone.page)
    english = join_as(server, workspace, sid, clock, ENGLISH_PHONE)
    english.get("/answer")
    english.post("/answer", {"question": f"{SCENARIO}.0", "option": "9"})
    assert english.status == 400 and "Choose one of the answers shown." in english.page and lang(english.page) == "en"


def test_a_person_whose_roster_language_is_spanish_confirms_and_signs_in_spanish_from_an_english_browser(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    roster.add_people(workspace, sid, [Person(first_name="Lucía", last_name="Ramírez", language="es")])
    acknowledgment = companion.acknowledgment_text(workspace, sid)
    phone = join_as(server, workspace, sid, clock, ENGLISH_PHONE)
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": "Lucía Ramírez"})
    assert "Is this you?" in phone.page and lang(phone.page) == "en"  # not known yet: the browser's language
    phone.post("/checkin/confirm", {"entry": re.search(r'name="entry" value="(\d+)"', phone.page).group(1)})
    assert phone.status == 200 and "Asistencia registrada" in phone.page
    assert "Le damos la bienvenida, Lucía. Su asistencia quedó registrada." in phone.page
    assert "Firme escribiendo su nombre completo" in phone.page
    assert_spanish(phone.page, leave_out=acknowledgment)  # the law's own text is the jurisdiction's, in English
    entry = re.search(r'name="entry" value="(\d+)"', phone.page).group(1)
    sign = phone.token("/checkin/sign")
    phone.post("/checkin/sign", {"entry": entry, "name": "Somebody Else"}, sign)
    assert phone.status == 400
    assert "Para firmar, escriba su nombre completo tal como aparece en la lista: Lucía R." in phone.page
    assert_spanish(phone.page)
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": "Lucía Ramírez"})
    phone.post("/checkin/confirm", {"entry": entry})
    assert "Lucía, su asistencia ya está registrada (desde" in phone.page
    phone.post("/checkin/sign", {"entry": entry, "name": "lucía  ramírez"})
    assert phone.status == 200 and "Gracias. Su constancia firmada quedó registrada." in phone.page
    assert_spanish(phone.page)
    phone.get("/here")  # the room's other pages do not know who holds the phone: the browser's language
    assert lang(phone.page) == "en" and "In the room" in phone.page


@pytest.mark.parametrize("written", ["Spanish", "Español", "ESPANOL", " castellano "])
def test_a_roster_language_written_as_a_name_is_recognised(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock,
        written: str) -> None:
    roster.add_people(workspace, sid, [Person(first_name="Lucía", last_name="Ramírez", language=written)])
    phone = join_as(server, workspace, sid, clock, ENGLISH_PHONE)
    phone.get("/checkin")
    phone.post("/checkin/find", {"who": "Lucía Ramírez"})
    phone.post("/checkin/confirm", {"entry": re.search(r'name="entry" value="(\d+)"', phone.page).group(1)})
    assert phone.status == 200 and lang(phone.page) == "es" and "Asistencia registrada" in phone.page


def test_language_names_map_to_shipped_codes_and_nothing_else() -> None:
    assert [i18n.code_named(n) for n in ("Spanish", "español", "Espanol", "English", "INGLÉS")] == [
        "es", "es", "es", "en", "en"]
    assert [i18n.code_named(n) for n in ("", "Klingon", "es", "Spanish (Mexico)")] == [None, None, None, None]


def test_every_shipped_catalogue_has_its_names() -> None:
    """A catalogue added without its names would leave rosters naming that language on the browser's language,
    and the settings dialog on Qt's name for one country's variety of it."""
    assert set(i18n.available_languages()) <= set(i18n.LANGUAGE_NAMES)


def test_a_language_without_a_catalogue_falls_back_to_the_laptop_s(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    roster.add_people(workspace, sid, [Person(first_name="Zoé", last_name="Lefèvre", language="fr")])
    french = join_as(server, workspace, sid, clock, "fr-FR,fr;q=0.9,de;q=0.8")
    assert lang(french.page) == "en" and "In the room" in french.page
    french.get("/checkin")
    french.post("/checkin/find", {"who": "Zoé Lefèvre"})
    french.post("/checkin/confirm", {"entry": re.search(r'name="entry" value="(\d+)"', french.page).group(1)})
    assert lang(french.page) == "en" and "Welcome, Zoé. You are checked in." in french.page  # no French: still
    i18n.install("es")  # the trainer's laptop in Spanish
    french.get("/here")
    assert_spanish(french.page)
    french.get("/nowhere")
    assert french.status == 404 and "Página no encontrada" in french.page
    english = join_as(server, workspace, sid, clock, ENGLISH_PHONE)  # English is always there
    assert lang(english.page) == "en" and "In the room" in english.page
    bare = join_as(server, workspace, sid, clock, None)  # no header at all: the laptop's
    assert_spanish(bare.page)


def test_phones_in_two_languages_are_answered_side_by_side(
        english_laptop: None, server: CompanionServer, workspace: Workspace, sid: str, clock: Clock) -> None:
    phones = [join_as(server, workspace, sid, clock, languages) for languages in (SPANISH_PHONE, ENGLISH_PHONE)] * 4

    def visit(phone: Phone) -> list[str]:
        pages = []
        for path in ("/here", "/ask", "/answer", "/walkin", "/nowhere") * 3:
            pages.append(lang(_copy(phone).get(path)))
        return pages

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(visit, phones))
    for phone, langs in zip(phones, seen, strict=True):
        assert set(langs) == {"es" if phone.languages == SPANISH_PHONE else "en"}
    assert i18n.language() == i18n.ENGLISH  # the app's own language never moved


def _copy(phone: Phone) -> Phone:
    """Another tab of the same phone (its own page, the same cookies), so that threads share nothing."""
    tab = Phone.__new__(Phone)
    tab.host, tab.port, tab.languages = phone.host, phone.port, phone.languages
    tab.cookies, tab.page, tab.status = dict(phone.cookies), "", 0
    return tab


# --- the header ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ("es-US,es;q=0.9,en;q=0.5", ["es-us", "es", "en"]),
    ("en;q=0.5, es", ["es", "en"]),  # by weight, not by place
    ("de, fr;q=0.8, en;q=0.8, es;q=0.9", ["de", "es", "fr", "en"]),  # equal weights keep their order
    ("fr;q=0, es;q=0.001", ["es"]),  # q=0: "not this one"
    ("es;q=abc, en", ["en"]),  # a broken weight leaves its range out
    ("es;q=1.5, es;q=0.1234, en", ["en"]),  # weights beyond 1, or with more than three decimals
    ("*;q=0.5, fr", ["fr", "*"]),
    ("en_US, 12, es--x, toolongsubtag, e$, zh-Hant-TW", ["zh-hant-tw"]),
    ("", []),
    (None, []),
])
def test_accept_language_is_read_with_its_weights(header: str | None, expected: list[str]) -> None:
    assert accepted_languages(header) == expected


@pytest.mark.parametrize("header, chosen", [
    (SPANISH_PHONE, "es"),
    ("es-419", "es"),  # Latin-American Spanish: the Spanish there is
    ("fr-CA, es-MX;q=0.4, en;q=0.3", "es"),
    ("fr-CA, en;q=0.4, es-MX;q=0.3", "en"),
    ("fr, de", "en"),  # none there: the laptop's
    ("*", "en"),
    ("es;q=0, en", "en"),
])
def test_the_first_language_with_a_catalogue_is_chosen(english_laptop: None, header: str, chosen: str) -> None:
    assert Languages().for_browser(header).code == chosen


@pytest.mark.parametrize("header, expected", [
    (ABSURD, []),
    (f"{ABSURD}, es;q=0.5", ["es"]),  # the rest of the header still counts
    ("x" * 36 + ", es", ["es"]),  # longer than a language tag (35 characters)
    ("a-b-c-d-e-f-g-h-i, es", ["es"]),  # more than 8 subtags
    ("a-b-c-d-e-f-g-h, " + "zh-hant-tw-abcdefgh-ijklmnop", ["a-b-c-d-e-f-g-h", "zh-hant-tw-abcdefgh-ijklmnop"]),
    ("es" + " " * 100 + ";q=0.5, en", ["en"]),  # a range padded beyond any language's
])
def test_ranges_too_long_to_be_a_language_are_left_out(header: str, expected: list[str]) -> None:
    assert accepted_languages(header) == expected


def test_the_lookup_of_a_header_is_bounded_whatever_its_size() -> None:
    """Work, not time: a tag longer than a language's costs no lookup at all, and a whole header at most one
    lookup per subtag of the ranges it may hold."""
    languages = Languages()
    table = counted(languages)
    assert languages.find(ABSURD) is None and languages.find("es-" + "x" * 40) is None
    assert table.lookups == 0
    assert languages.for_browser(ABSURD).code == i18n.language() and table.lookups == 0
    worst = ",".join(["zz-b1234567-c1234567-d1234567-e123", "zz-a-b-c-d-e-f-g"] * 100)  # 7 kB of plausible tags
    languages.for_browser(worst)
    assert 0 < table.lookups <= MAX_RANGES * MAX_SUBTAGS


@settings(max_examples=300, deadline=None)
@given(header=st.text(max_size=300))
@example(header=";;;,,,q=1;q=0.5")
@example(header="es;q=" + "9" * 1000)
@example(header="," * 5000)
def test_any_header_chooses_an_available_language(header: str) -> None:
    assert Languages().for_browser(header).code in [*i18n.available_languages(), i18n.language()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(header=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200))
@example(header="es;q=0.5;q=0.9;q=abc, *;q=-1, es-")
def test_a_malformed_accept_language_is_harmless_over_http(english_laptop: None, server: CompanionServer,
                                                           workspace: Workspace, sid: str, clock: Clock,
                                                           header: str) -> None:
    phone = join_as(server, workspace, sid, clock, header)
    assert phone.status == 200 and lang(phone.page) in ("en", "es")
    phone.get("/nowhere")
    assert phone.status == 404 and lang(phone.page) in ("en", "es")


# --- the seam ------------------------------------------------------------------------------------------------

def test_words_are_said_again_in_another_language() -> None:
    spanish = in_language("es")
    refusal = Words(N_("type your full name as it is on the list to sign: {name}"), name="Lucía R.")
    assert refusal == "type your full name as it is on the list to sign: Lucía R."  # the laptop's (English)
    assert refusal.said(spanish) == "para firmar, escriba su nombre completo tal como aparece en la lista: Lucía R."
    assert refusal.said(in_language("en")) == refusal


def test_no_phone_page_speaks_the_laptop_s_language_by_itself() -> None:
    """The modules that make the phones' pages never call `_()`: each text is `say(N_(...))` in the phone's
    language (the laptop's only where language.py falls back to it)."""
    for name in ("phone_pages.py", "guard.py", "tokens.py", "language.py", "pages.py"):
        tree = ast.parse((COMPANION / name).read_text(encoding="utf-8"))
        calls = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")]
        assert calls == [], f"{name} says something in the laptop's language at lines {calls}"
