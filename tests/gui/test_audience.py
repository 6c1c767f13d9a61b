"""The audience window: every kind of slide drawn legibly at projector sizes, text that fits, a scannable check-in
code, a countdown that tells the truth, and nothing on screen but the slide's own words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import pytest
import zxingcpp
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication

from facilitator.services.slides import BLANK, Slide, SlideKind
from facilitator.ui.audience.charts import CORRECT, bar_lengths, count_labels, countdown_text, letter
from facilitator.ui.audience.compose import NO_VOTES
from facilitator.ui.audience.text import body_lines, fitted_font, type_sizes
from facilitator.ui.audience.window import AudienceWindow
from facilitator.ui.checkin.camera import grey_array
from tests.gui.waiting import WAIT_MS

SIZES = [(1366, 768), (1920, 1080)]
NOW = datetime(2030, 3, 4, 10, 0, 0, tzinfo=UTC)
CHECKIN_URL = "http://192.168.137.1:8765/j/7K3M9QXDAB"
# Words the window adds itself; everything else it draws must come from the slide.
LABELS = {"Paused", "Time", "Break over", NO_VOTES, CORRECT}

SLIDES = {
    SlideKind.WELCOME: Slide(SlideKind.WELCOME, "Leading a Respectful Workplace", "Harassment prevention"),
    SlideKind.TEXT: Slide(SlideKind.TEXT, "Ground rules", "Leading a Respectful Workplace\n\n- Talk about situations, "
                          "not real colleagues\n- No one has to share personal experiences", footer="Workshop"),
    SlideKind.VOTE: Slide(SlideKind.VOTE, "What would you do?", "Dale keeps using her old name.",
                          options=("Say nothing", "Correct him in the moment", "Talk to Jordan later"),
                          footer="Scenario: the front desk", content_warning="Misgendering at work."),
    SlideKind.RESULTS: Slide(SlideKind.RESULTS, "What would you do?", options=("Say nothing", "Correct him",
                             "Talk to Jordan later"), counts=(2, 9, 4), footer="Scenario: the front desk"),
    SlideKind.QUESTION: Slide(SlideKind.QUESTION, "Who can you report to?", options=("Only HR", "Any manager or HR"),
                              footer="Question 1 of 6"),
    SlideKind.ANSWER: Slide(SlideKind.ANSWER, "Who can you report to?", options=("Only HR", "Any manager or HR"),
                            counts=(3, 12), correct=(1,), explanation="Any manager must pass it on.",
                            footer="Question 1 of 6"),
    SlideKind.ROLE_PLAY: Slide(SlideKind.ROLE_PLAY, "Role-play: a short apology", "- Groups of three\n- 2 minutes each",
                               content_warning="A wrong pronoun and a joke about age."),
    SlideKind.ROUND: Slide(SlideKind.ROUND, "Role-play: a short apology", "Say \"pause\" at any time.",
                           until=NOW + timedelta(minutes=4), footer="Round 1 of 3"),
    SlideKind.BREAK: Slide(SlideKind.BREAK, "Break", "Back at 10:45", until=NOW + timedelta(minutes=10)),
    SlideKind.FEEDBACK: Slide(SlideKind.FEEDBACK, "How useful was this session?", "- One thing you will do",
                              options=("1", "2", "3", "4", "5"), footer="Anonymous: no names are recorded"),
    SlideKind.CHECKIN: Slide(SlideKind.CHECKIN, "Welcome: please check in", "- Show your badge\n- No badge? Tell the "
                             "trainer", qr_text=CHECKIN_URL, footer="Workshop"),
    SlideKind.CONTACTS: Slide(SlideKind.CONTACTS, "Outside the company: government agencies",
                              "EEOC: 1-800-669-4000 (ASL videophone 1-844-234-5122) · publicportal.eeoc.gov\n"
                              "- Deadline: 180 days after the last incident; 300 days where a state or local agency "
                              "enforces a law against the same discrimination\n\n"
                              "NYC Commission on Human Rights: 718-722-3131 (or call 311) · nyc.gov/site/cchr\n"
                              "- Deadline: 1 year after the last incident; 3 years for gender-based harassment\n\n"
                              "NYS Division of Human Rights: 1-888-392-3644 · dhr.ny.gov/complaint\n"
                              "- Deadline: 3 years after the last incident\n\n"
                              "NYS harassment hotline: 1-800-HARASS-3 (1-800-427-2773) · dhr.ny.gov\n"
                              "- Call on a weekday. The hotline advises; it does not file a complaint for you.",
                              footer="Checked 2026-11-29 · full details on your hand-out"),
    SlideKind.ROOM_QUESTION: Slide(SlideKind.ROOM_QUESTION, "Question from the room", "What if the person making "
                                   "the jokes is my own manager and HR is two hours away?",
                                   footer="Asked anonymously · Workshop"),
    SlideKind.BLANK: BLANK,
    SlideKind.END: Slide(SlideKind.END, "Thank you", "Please check out on your way out.", footer="Workshop"),
}


@pytest.fixture
def clock():
    class Clock:
        now = NOW

        def __call__(self) -> datetime:
            return self.now

    return Clock()


@pytest.fixture
def window(qtbot, clock) -> AudienceWindow:
    win = AudienceWindow(now=clock)
    qtbot.addWidget(win)
    win.resize(*SIZES[0])
    win.show()
    qtbot.waitExposed(win)
    return win


def shown(window: AudienceWindow, slide: Slide, size: tuple[int, int] = SIZES[0]) -> np.ndarray:
    """The window's picture of `slide` at `size`, as grey levels."""
    window.resize(*size)
    window.show_slide(slide)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == size
    return grey_array(image)


# --- pure helpers -------------------------------------------------------------------------------------------

def test_letters() -> None:
    assert [letter(i) for i in (0, 1, 2, 25, 26, 27)] == ["A", "B", "C", "Z", "AA", "AB"]


def test_body_lines_keep_the_authors_lines() -> None:
    lines = body_lines("Title\nSubtitle\n\n- one\n• two\n\nAfter")
    assert [(line.text, line.bullet, line.new_paragraph) for line in lines] == [
        ("Title", False, False), ("Subtitle", False, False), ("one", True, True), ("two", True, False),
        ("After", False, True)]
    assert [line.text for line in body_lines("An explanation wrapped\nby the editor.", prose=True)] == [
        "An explanation wrapped by the editor."]


def test_type_follows_the_height_and_the_zoom() -> None:
    small, large = type_sizes(768), type_sizes(1080)
    assert small.heading == pytest.approx(768 / 11)
    assert small.body == pytest.approx(768 / 20)
    assert large.heading > small.heading and large.body > small.body
    assert type_sizes(768, 0.6).body >= 24  # still readable at the smallest zoom
    assert type_sizes(768, 1.5).heading == pytest.approx(1.5 * small.heading)
    assert type_sizes(768, 9).heading == type_sizes(768, 1.8).heading  # the zoom is clamped


def test_bars_are_each_options_share_of_all_votes() -> None:
    assert bar_lengths((2, 9, 4), 900) == (120, 540, 240)  # 2 of 15 is 13% of the width, as its label says
    assert bar_lengths((1, 1), 900) == (450, 450), "one vote of two is half a bar, not a whole one"
    assert bar_lengths((0, 0), 900) == (0, 0)
    assert count_labels((1, 3)) == ("1 · 25%", "3 · 75%")
    assert count_labels((0, 0)) == ("0 · 0%", "0 · 0%")


def test_countdown_text() -> None:
    at = NOW + timedelta(seconds=90)
    assert countdown_text(SlideKind.BREAK, at, False, NOW) == "1:30"
    assert countdown_text(SlideKind.BREAK, at, False, NOW + timedelta(milliseconds=400)) == "1:30"
    assert countdown_text(SlideKind.BREAK, at, False, NOW + timedelta(seconds=1)) == "1:29"
    assert countdown_text(SlideKind.ROUND, at, True, NOW) == "Paused"
    assert countdown_text(SlideKind.ROUND, at, False, at) == "Time"
    assert countdown_text(SlideKind.BREAK, at, False, at + timedelta(minutes=5)) == "Break over"  # never negative
    assert countdown_text(SlideKind.BREAK, NOW + timedelta(minutes=75), False, NOW) == "1:15:00"
    # A naive end is local time.
    local = datetime.now()
    assert countdown_text(SlideKind.BREAK, local + timedelta(seconds=90), False, datetime.now(UTC)) in ("1:30", "1:29")


# --- fitting text -------------------------------------------------------------------------------------------

def test_a_very_long_body_shrinks_to_fit(qapp) -> None:
    text = " ".join(["Harassment can be verbal, physical or visual and includes comments about someone's"
                     " religion, age or disability."] * 20)[:2000]
    assert len(text) == 2000
    for width, height in SIZES:
        sizes = type_sizes(height)
        rect = QRectF(0, 0, width * 0.9, height * 0.6)
        box = fitted_font(text, rect, sizes.body, sizes.body * 0.5)
        assert box.height <= rect.height()
        assert box.px < sizes.body  # it had to shrink
        assert not box.broken_words


def test_short_text_keeps_its_full_size(qapp) -> None:
    box = fitted_font("Break", QRectF(0, 0, 1200, 400), 40, 20)
    assert box.px == 40 and box.line_count == 1


def test_a_word_wider_than_the_screen_is_broken_rather_than_clipped(qapp) -> None:
    rect = QRectF(0, 0, 300, 200)
    box = fitted_font("x" * 400, rect, 40, 30)
    assert box.height <= rect.height()
    assert box.broken_words


# --- the window ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", list(SlideKind))
def test_every_kind_of_slide_is_drawn_inside_the_screen(window, kind: SlideKind, size) -> None:
    slide = SLIDES[kind]
    pixels = shown(window, slide, size)
    composition = window.composition()
    height = size[1]
    column = [(at.y(), at.y() + drawn.height) for drawn, at in composition.items]
    for top, bottom in column:
        assert top >= 0 and bottom <= height, f"{kind}: something drawn outside the screen"
    if kind is not SlideKind.CHECKIN:  # one column: nothing may overlap anything else
        column.sort()
        for (_, above), (below, _) in pairwise(column):
            assert above <= below + 0.5, f"{kind}: overlapping pieces"
    if kind is not SlideKind.BLANK:
        assert pixels.max() > 200  # something white (or yellow) was drawn
        assert composition.heading_px >= 0.5 * type_sizes(height).heading


@pytest.mark.parametrize("kind", [k for k in SlideKind if k is not SlideKind.BLANK])
def test_only_the_slides_own_words_are_drawn(window, kind: SlideKind) -> None:
    slide = SLIDES[kind]
    shown(window, slide)
    own = " ".join([" ".join(slide.heading.split()), slide.body, *slide.options, slide.explanation, slide.footer,
                    slide.content_warning, slide.qr_text or ""])
    for text in window.composition().texts():
        pieces = [p for p in text.replace("Content warning: ", "").split("   ") if p]
        for piece in pieces:
            assert piece in own or piece in LABELS or _is_count(piece) or _is_clock(piece), piece


def test_a_small_groups_results_say_so_and_never_no_votes(window) -> None:
    few = Slide(SlideKind.RESULTS, "Which D would you try first?", "4 hands in all: too few to show per option",
                options=("Distract", "Delegate", "Direct"))
    shown(window, few)
    texts = " ".join(window.composition().texts())
    assert "4 hands in all" in texts and "No votes recorded" not in texts


def _is_count(text: str) -> bool:
    count, _, share = text.partition(" · ")
    return count.isdigit() and share.endswith("%")


def _is_clock(text: str) -> bool:
    return text.replace(":", "").isdigit()


def test_heading_grows_with_the_window_and_the_zoom_keys(window, qtbot) -> None:
    shown(window, SLIDES[SlideKind.TEXT], (1366, 768))
    at_768 = window.composition().heading_px
    shown(window, SLIDES[SlideKind.TEXT], (1920, 1080))
    at_1080 = window.composition().heading_px
    assert at_1080 > at_768 >= round(768 / 11) - 1

    with qtbot.waitSignal(window.scale_changed) as changed:
        qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.scale() == pytest.approx(1.1) and changed.args == [pytest.approx(1.1)]
    assert window.composition().heading_px > at_1080
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.scale() == pytest.approx(1.2)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.scale() == pytest.approx(0.9)
    assert window.composition().heading_px < at_1080
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.scale() == 1.0
    window.set_scale(5)
    assert window.scale() == 1.8
    window.set_scale(0.1)
    assert window.scale() == 0.6


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_results_bars_follow_the_counts(window, size) -> None:
    slide = SLIDES[SlideKind.RESULTS]
    pixels = shown(window, slide, size)
    bars = window.composition().bars
    assert bars is not None and len(bars) == 3
    widths = [bar.width() for bar in bars]
    assert widths.index(max(widths)) == slide.counts.index(max(slide.counts))
    assert widths[0] / widths[1] == pytest.approx(2 / 9, rel=0.01)
    assert len({round(bar.left()) for bar in bars}) == 1  # all start at one edge
    top = bars[1]
    row, left, right = int(top.center().y()), int(top.left()) + 2, int(top.right()) - 2
    assert pixels[row, left:right].min() > 200  # the longest bar is drawn solid white along its length
    assert "9 · 60%" in window.composition().texts()


def test_no_votes_is_said_not_drawn_as_empty_bars(window) -> None:
    shown(window, Slide(SlideKind.RESULTS, "What would you do?", options=("A thing", "Another"), counts=(0, 0)))
    assert window.composition().bars is None
    assert NO_VOTES in window.composition().texts()
    shown(window, Slide(SlideKind.RESULTS, "What would you do?", options=("A thing", "Another")))
    assert NO_VOTES in window.composition().texts()


def test_the_answer_says_correct_in_words(window) -> None:
    shown(window, SLIDES[SlideKind.ANSWER])
    texts = window.composition().texts()
    assert any(CORRECT in t for t in texts)
    assert "Any manager must pass it on." in texts
    assert len(window.composition().bars) == 2
    shown(window, Slide(SlideKind.ANSWER, "Q?", options=("No", "Yes"), correct=(1,)))  # revealed, not counted
    assert window.composition().bars is None
    assert any(CORRECT in t for t in window.composition().texts())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_check_in_code_scans(window, size) -> None:
    pixels = shown(window, SLIDES[SlideKind.CHECKIN], size)
    found = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in found] == [CHECKIN_URL]
    code = window.composition().qr
    assert code is not None and code.height() >= 0.4 * size[1]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_join_address_is_written_under_the_code_for_someone_who_types_it(window, size) -> None:
    shown(window, SLIDES[SlideKind.CHECKIN], size)
    composition = window.composition()
    code = composition.qr
    written = [(drawn, at) for drawn, at in composition.items if CHECKIN_URL in getattr(drawn, "texts", ())]
    assert len(written) == 1
    drawn, at = written[0]
    assert at.y() >= code.bottom() and at.y() + drawn.height <= size[1]  # under the code, on the screen
    assert code.left() - 1 <= at.x() and at.x() + drawn.width <= code.right() + 1
    assert drawn.px >= 16 and not drawn.broken_words and drawn.line_count == 1  # legible, whole, on one line


def test_a_question_from_the_room_is_drawn_larger_than_body_text(window) -> None:
    shown(window, SLIDES[SlideKind.ROOM_QUESTION])
    composition = window.composition()
    question = next(d for d, _at in composition.items if SLIDES[SlideKind.ROOM_QUESTION].body in
                    " ".join(getattr(d, "texts", ())))
    assert question.px > composition.sizes.body


def test_check_in_without_phones_has_no_code(window) -> None:
    pixels = shown(window, Slide(SlideKind.CHECKIN, "Welcome: please check in", "- Show your badge"))
    assert window.composition().qr is None
    assert zxingcpp.read_barcodes(pixels) == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_blank_is_all_black(window, size) -> None:
    shown(window, SLIDES[SlideKind.TEXT], size)
    pixels = shown(window, BLANK, size)
    assert pixels.max() <= 16
    assert window.composition().texts() == []


def test_countdown(window, clock, qtbot) -> None:
    slide = Slide(SlideKind.BREAK, "Break", until=NOW + timedelta(seconds=90))
    shown(window, slide)
    assert window.countdown() in ("1:30", "1:29")
    assert window.composition().texts()[1] in ("1:30", "1:29")
    assert window._tick.isActive()  # the clock is running
    clock.now = NOW + timedelta(seconds=31)
    assert window.countdown() == "0:59"
    clock.now = NOW + timedelta(minutes=3)
    assert window.countdown() == "Break over"
    shown(window, Slide(SlideKind.ROUND, "Role-play", paused=True))
    assert window.countdown() == "Paused"
    assert "Paused" in window.composition().texts()
    assert not window._tick.isActive()
    shown(window, SLIDES[SlideKind.TEXT])
    assert window.countdown() == "" and not window._tick.isActive()


def test_the_clock_repaints_from_the_wall_time(qtbot) -> None:
    win = AudienceWindow()  # the real clock
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_slide(Slide(SlideKind.ROUND, "Role-play", until=datetime.now(UTC) + timedelta(seconds=1.5)))
    assert win.countdown() in ("0:02", "0:01")
    qtbot.waitUntil(lambda: win.countdown() == "Time", timeout=4000)
    assert "Time" in win.composition().texts()


def test_slide_shown_and_what_assistive_technology_hears(window, qtbot) -> None:
    assert window.accessibleName() == "Audience window"
    assert window.slide is BLANK
    slide = SLIDES[SlideKind.VOTE]
    with qtbot.waitSignal(window.slide_shown, timeout=WAIT_MS) as signal:
        window.show_slide(slide)
    assert signal.args == [slide]
    assert window.slide is slide
    assert window.accessibleDescription() == slide.heading
    with qtbot.waitSignal(window.slide_shown, timeout=WAIT_MS) as signal:
        window.show_slide(BLANK)
    assert signal.args == [BLANK] and window.accessibleDescription() == ""


def test_escape_leaves_full_screen_without_closing_and_f11_toggles(window, qtbot) -> None:
    window.place_on(QGuiApplication.primaryScreen())
    assert window.isFullScreen() and window.screen() is QGuiApplication.primaryScreen()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isFullScreen() and window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.isFullScreen()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.isFullScreen()
    window.place_on(QGuiApplication.primaryScreen(), full_screen=False)
    assert window.isVisible() and not window.isFullScreen()
