"""Words from outside the trainer are shown as written, never as HTML (a security review's finding): a walk-in who
asks from a phone, or is typed at the desk, under a name that looks like markup, and a question from the room
that does, reach the console, the desk and the projector as their literal characters. Qt's QLabel left at its
default (AutoText) renders text that merely looks like HTML as HTML, local images and all, and table tooltips
are read the same way; each is checked here by what a person would actually see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtText
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget

from facilitator.services.hr_trust import CertificateFile
from facilitator.services.slides import SlideKind
from facilitator.services.workspace import Workspace
from facilitator.ui.console.view import ConsoleView
from facilitator.ui.hr.bundles import TrustDialog
from facilitator.ui.models import RowsModel
from facilitator.ui.widgets import plain, plain_label, rich_label
from tests.gui.waiting import WAIT_MS

from .test_phones_desk import from_a_phone
from .test_room_questions import WITHIN_MS, ask_from_phones

FIRST, LAST = "<b>Zed</b>", "<img src=x>"
HOSTILE = f"{FIRST} {LAST}"  # the walk-in's full name, as the desk and console show it
WELCOME = f"✓ Welcome, {HOSTILE}"  # then " (arrived late)", by the time of day the test runs at
BIG = '<span style="font-size:200px">FAKE</span>'  # a second walk-in, declined
QUESTION = "<img src='file:///etc/hostname'> <h1>Class dismissed</h1> is this OK?"
PLAIN, RICH, AUTO = Qt.TextFormat.PlainText, Qt.TextFormat.RichText, Qt.TextFormat.AutoText


def rendered(text: str, rich: bool) -> str:
    """What a person reads: the text itself, or what is left of it once Qt has read it as HTML."""
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText().replace("\xa0", " ")


def seen(label: QLabel) -> str:
    fmt = label.textFormat()
    return rendered(label.text(), fmt == RICH or (fmt == AUTO and QtText.mightBeRichText(label.text())))


def seen_tip(tip: str) -> str:
    return rendered(tip, QtText.mightBeRichText(tip))  # a tooltip has no format of its own: Qt always guesses


def labels_showing(widgets: Iterable[QWidget], *values: str) -> list[QLabel]:
    """Every label under `widgets` whose text holds one of `values`, raw or escaped for rich text."""
    found = []
    for widget in widgets:
        for label in [widget, *widget.findChildren(QLabel)] if isinstance(widget, QLabel) else \
                widget.findChildren(QLabel):
            if any(v in label.text() or escape(v) in label.text() for v in values):
                found.append(label)
    return found


def assert_literal(labels: list[QLabel], *values: str) -> None:
    """Each label shows the values it holds as their very characters; one holding a value raw is in plain mode
    (never AutoText, where Qt would guess), and one in rich mode holds it only escaped."""
    for label in labels:
        name = label.accessibleName() or label.objectName() or repr(label.text()[:40])
        for value in values:
            if value in label.text() and label.textFormat() != PLAIN:
                pytest.fail(f"label {name} holds {value!r} raw in {label.textFormat().name} mode")
            if value in label.text() or escape(value) in label.text():
                assert value in seen(label), (name, label.text(), seen(label))


def test_helpers_never_let_qt_guess(qapp) -> None:
    assert plain_label(HOSTILE).textFormat() == PLAIN and seen(plain_label(HOSTILE)) == HOSTILE
    assert rich_label(f"<b>{escape(HOSTILE)}</b>").textFormat() == RICH
    assert seen(rich_label(f"<b>{escape(HOSTILE)}</b>")) == HOSTILE
    for text in (HOSTILE, QUESTION, BIG, "&lt;b&gt; typed as entities", "first line\n<b>second</b>", "Tom & Jerry"):
        assert seen_tip(plain(text)).replace("\n", " ") == text.replace("\n", " ")
    assert plain("Zoë O'Neil <zoe@example.com>") == "Zoë O'Neil <zoe@example.com>"  # not a tag: left alone


def test_a_walk_in_named_with_markup_shows_literally_on_the_console_and_the_desk(
        qtbot, phones_console: ConsoleView, workspace: Workspace, session_id: str) -> None:
    console = phones_console
    desk = console.checkin
    from_a_phone(workspace, session_id, FIRST, LAST)
    from_a_phone(workspace, session_id, "Mallory", BIG)
    qtbot.waitUntil(lambda: len(desk.waiting.waiting()) == 2, timeout=WITHIN_MS)
    waiting = desk.waiting.model
    assert seen_tip(waiting.data(waiting.index(0, 0), Qt.ItemDataRole.ToolTipRole)) == HOSTILE
    # Declined: the desk's banner names them.
    assert desk.waiting.decline(desk.waiting.waiting()[1])
    assert seen(desk.banner.headline) == f"Declined: Mallory {BIG}"
    # Approved: checked in, named on the desk's banner and in the console's top bar.
    approved = desk.waiting.approve(desk.waiting.waiting()[0])
    assert approved is not None and approved.person.full_name == HOSTILE
    qtbot.waitUntil(lambda: HOSTILE in console.scan_label.text(), timeout=WAIT_MS)
    assert console.scan_label.textFormat() == PLAIN and seen(console.scan_label).startswith(WELCOME)
    assert desk.banner.headline.textFormat() == PLAIN and seen(desk.banner.headline).startswith(WELCOME)
    assert console.message.textFormat() == PLAIN
    # In the lists, a cell's whole text is its tooltip: shown as written too.
    in_room: RowsModel = desk.in_room
    row = next(i for i, r in enumerate(in_room.rows()) if r.person.full_name == HOSTILE)
    assert seen_tip(in_room.data(in_room.index(row, 0), Qt.ItemDataRole.ToolTipRole)) == HOSTILE
    recent = desk.recent
    assert any(seen_tip(recent.data(recent.index(r, 2), Qt.ItemDataRole.ToolTipRole)) == HOSTILE
               for r in range(recent.rowCount()))
    # The trainer searches for them (the result quotes what was typed) and opens Undo on their check-in.
    assert [p.full_name for p in desk.search(FIRST)] == [HOSTILE]
    assert desk.matches_title.textFormat() == PLAIN and FIRST in seen(desk.matches_title)
    desk.clear_search()
    desk.recent_table.selectRow(0)
    undo = desk.undo_selected()
    assert undo is not None
    try:
        assert_literal(labels_showing([undo], HOSTILE), HOSTILE)
        assert labels_showing([undo], HOSTILE), "the undo dialog names the person"
        # Every label anywhere in the console (the desk is in it) that shows either name shows it as written.
        shown = labels_showing([console], HOSTILE, BIG)
        assert {console.scan_label, desk.banner.headline} <= set(shown)
        assert_literal(shown, HOSTILE, BIG)
    finally:
        undo.reject()


def test_a_walk_in_typed_at_the_desk_with_markup_shows_literally(
        qtbot, phones_console: ConsoleView, workspace: Workspace) -> None:
    desk = phones_console.checkin
    dialog = desk.add_walk_in()
    try:
        dialog.first.setText(FIRST)
        dialog.last.setText(LAST)
        dialog.accept()
        assert dialog.added is not None, dialog.error.text()
        assert dialog.error.textFormat() == PLAIN
    finally:
        dialog.close()
    qtbot.waitUntil(lambda: HOSTILE in phones_console.scan_label.text(), timeout=WAIT_MS)
    assert_literal(labels_showing([phones_console], HOSTILE), HOSTILE)
    assert seen(phones_console.scan_label).startswith(WELCOME)


def test_a_question_from_the_room_with_markup_reaches_the_projector_as_written(
        qtbot, phones_console: ConsoleView, workspace: Workspace, session_id: str) -> None:
    console = phones_console
    ask_from_phones(workspace, session_id, QUESTION)
    qtbot.waitUntil(lambda: len(console.questions.waiting()) == 1, timeout=WITHIN_MS)
    model = console.questions.model
    assert model.data(model.index(0, 0)) == QUESTION
    assert seen_tip(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)) == QUESTION
    assert console.questions.show_on_screen() is not None
    qtbot.waitUntil(lambda: console.current_slide().kind is SlideKind.ROOM_QUESTION, timeout=WAIT_MS)
    window = console.link.toggle()
    assert window is not None and window.slide.body == QUESTION
    window.resize(1280, 720)
    # The projector paints its words itself (QTextLayout, plain text): the question is there, character for
    # character, and no label on it, or in the console, reads it as HTML.
    assert QUESTION in window.composition().texts()
    assert_literal(labels_showing([window, console], QUESTION), QUESTION)
    assert not [label for label in window.findChildren(QLabel) if label.textFormat() != PLAIN]


def test_a_certificate_file_with_markup_in_its_names_shows_literally_in_hr_s_trust_dialog(qtbot, tmp_path) -> None:
    subject = f"CN={BIG},O=<a href='https://example.invalid'>HR</a>"
    issuer = f"CN={HOSTILE}"
    file = tmp_path / "<b>trainer</b>.pem"
    certificate = CertificateFile(name=HOSTILE, fingerprint=":".join(["AB"] * 32), short_fingerprint="ABAB ABAB",
                                  subject=subject, issuer=issuer, not_after=datetime(2099, 1, 1, tzinfo=UTC),
                                  left_out=0)
    dialog = TrustDialog(file, certificate)
    qtbot.addWidget(dialog)
    shown = labels_showing([dialog], subject, issuer, str(file))
    assert len(shown) == 3
    assert_literal(shown, subject, issuer, str(file))
