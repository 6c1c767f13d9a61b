"""A phone whose browser reads Spanish, in Debian's chromium (tests/browser.py), held by a person whose roster
language is Spanish (a person whose roster says English gets the pages after "Soy …" in English: the roster's
language beats the browser's once the phone knows who holds it): the join, check-in and sign pages and a refusal
are in Spanish, say so in `<html lang>`, leave no English of their own and fit a small phone's
screen. Screenshots go to FACILITATOR_SHOTS (or the test's folder) for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page

from facilitator.companion.server import CompanionServer
from facilitator.domain.roster import Person
from facilitator.services import companion, roster
from facilitator.services.attendance_record import attendance_report
from facilitator.services.sessions import get_session
from facilitator.services.workspace import Workspace
from tests.browser import Phone

pytestmark = pytest.mark.slow
# Words that give English away (none is Spanish); names and the law's own text are left out before looking.
ENGLISH = re.compile(r"\b(the|you|your|this|is|are|to|and|or|scan|check|send|back|sign|name|page|try|again)\b",
                     re.IGNORECASE)






def tap(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.tap()


def looks_spanish(phone: Phone, *leave_out: str) -> None:
    """The page says it is Spanish, shows no English words of its own, and needs no sideways scroll."""
    page = phone.page
    assert page.evaluate("document.documentElement.lang") == "es"
    text = page.title() + " " + page.locator("main").inner_text()
    for part in leave_out:
        text = text.replace(part, " ")
    assert ENGLISH.findall(text) == [], text
    assert phone.overflow() == 0


def test_a_spanish_phone_checks_in_and_signs_in_spanish(
        new_phone: Callable[..., Phone], server: CompanionServer, workspace: Workspace, sid: str) -> None:
    roster.add_people(workspace, sid, [Person(first_name="Lucía", last_name="Ramírez", language="es")])
    person = next(p for p in get_session(workspace, sid).roster if p.last_name == "Ramírez")
    shown = f"{person.first_name} {person.last_name[0]}."
    acknowledgment = companion.acknowledgment_text(workspace, sid)
    phone = new_phone(locale="es-US")
    page = phone.page
    host, port = server.address or ("", 0)
    page.goto(companion.join_address(host, port, companion.join_code(workspace, sid).code))
    page.wait_for_url(f"{server.url}/here")
    assert page.locator("h1").inner_text() == "En la sala"
    looks_spanish(phone)
    phone.screenshot("es-1-en-la-sala")

    with page.expect_navigation():
        page.get_by_role("link", name="Registrar asistencia").tap()
    looks_spanish(phone)
    phone.screenshot("es-2-registrar-asistencia")
    page.get_by_label("Su nombre y apellido, o su número de empleado").fill(person.full_name)
    tap(page, page.get_by_role("button", name="Buscarme"))
    assert page.locator("h1").inner_text() == "¿Es usted?"
    looks_spanish(phone, shown)
    phone.screenshot("es-3-es-usted")

    tap(page, page.get_by_role("button", name=f"Soy {shown}"))
    assert page.locator("h1").inner_text() == "Asistencia registrada"
    assert f"Le damos la bienvenida, {person.first_name}." in page.locator("main").inner_text()
    looks_spanish(phone, acknowledgment, person.first_name)  # the law's text is the jurisdiction's, in English
    phone.screenshot("es-4-asistencia-registrada")

    page.get_by_label("Firme escribiendo su nombre completo").fill("Alguien Más")
    tap(page, page.get_by_role("button", name="Firmar"))
    assert page.locator("h1").inner_text() == "No se pudo completar"
    looks_spanish(phone, shown)
    phone.screenshot("es-5-firma-rechazada")

    page.goto(f"{server.url}/checkin")  # find oneself again: already checked in, and the form to sign
    page.get_by_label("Su nombre y apellido, o su número de empleado").fill(person.full_name)
    tap(page, page.get_by_role("button", name="Buscarme"))
    tap(page, page.get_by_role("button", name=f"Soy {shown}"))
    assert "su asistencia ya está registrada" in page.locator("main").inner_text()
    page.get_by_label("Firme escribiendo su nombre completo").fill(person.full_name)
    tap(page, page.get_by_role("button", name="Firmar"))
    assert page.locator("h1").inner_text() == "Firmado"
    looks_spanish(phone)
    phone.screenshot("es-6-firmado")
    row = next(r for r in attendance_report(workspace, sid).rows if r.person.id == person.id)
    assert row.is_in and row.acknowledged
    assert phone.blocked == [] and phone.errors == []
