"""Role cards, observer sheets and the opt-out sheet, read back with poppler as a trainer's printer would see
them: every card whole and in its own box, the five Ds on every observer sheet, long text never clipped."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from facilitator.content.schema import RolePlay
from facilitator.documents import role_cards as rc
from facilitator.documents.text import PAPERS
from facilitator.services.library import builtin_library
from tests.unit.test_documents_pdf import (
    CREATED,
    LONG_NAME,
    assert_fonts_embedded,
    assert_inside_margins,
    assert_no_overlaps,
    page_count,
    run,
    squeeze,
    tool,
    word_boxes,
)

PAPER_NAMES = ["a4", "letter"]
# Three groups of four, one name for each role's card; fictional, with the accents that break layouts.
PEOPLE = [["Zoë Ñúñez", "Amara Okafor", "Łukasz Żółkiewski", "Sam Lee"],
          ["María-José Núñez", "Émile O'Brien", "Anna Kuznetsova", "Priya Raman"],
          ["Nguyễn Thị Minh Khai", "Chloé Dubois", "Jonas Bäcker", "Fatima Haddad-Ødegård"]]


@pytest.fixture(scope="module")
def segment() -> RolePlay:
    workshop = builtin_library().workshops["bystander-intervention"]
    found = next(s for s in workshop.segments if s.id == "practice-role-play")
    assert isinstance(found, RolePlay) and len(found.roles) == 4
    return found


def card_set(segment: RolePlay, cards: tuple[rc.RoleCard, ...], **changes: object) -> rc.RoleCardSet:
    data = rc.RoleCardSet(
        workshop_title=builtin_library().workshops["bystander-intervention"].title, segment_title=segment.title,
        rounds=segment.rounds, round_minutes=segment.round_minutes, cards=cards,
        observer_checklist=tuple(segment.observer_checklist), opt_out=segment.opt_out,
        content_warning=segment.content_warning, observer_guide=guide_of(segment),
        feedback_advice=tuple(segment.feedback_advice))
    return rc.RoleCardSet(**{**data.__dict__, **changes})


def guide_of(segment: RolePlay) -> rc.ObserverGuide | None:
    """The segment's observer guide as the service hands it to the document."""
    guide = segment.observer_guide
    return rc.ObserverGuide(guide.title, tuple((p.name, p.text) for p in guide.points)) if guide else None


def five_ds() -> tuple[tuple[str, str], ...]:
    """The five Ds as the bystander workshop's role-play teaches them: its observer guide."""
    workshop = builtin_library().workshops["bystander-intervention"]
    return guide_of(next(s for s in workshop.segments if s.id == "practice-role-play")).points


def group_cards(segment: RolePlay) -> tuple[rc.RoleCard, ...]:
    """Three groups, each with one card for every role, as a trainer prints them for the first round."""
    return tuple(rc.RoleCard(role.name, role.card, PEOPLE[g][i], g + 1, role.volunteer_only)
                 for g in range(3) for i, role in enumerate(segment.roles))


def observers_of(cards: tuple[rc.RoleCard, ...]) -> tuple[tuple[str | None, int | None], ...]:
    return tuple((c.person, c.group) for c in cards if c.role == "The observer")


def render(tmp_path: Path, data: rc.RoleCardSet, paper: str, name: str = "cards") -> Path:
    out = tmp_path / f"{name}-{paper}.pdf"
    with out.open("wb") as f:
        rc.render_role_cards(data, f, paper, created=CREATED)
    return out


# --- reading the PDF back ------------------------------------------------------------------------------

def layout_text(pdf: Path, page: int, box: rc.Box | None = None, paper: str = "a4") -> str:
    """One page's text as `pdftotext -layout` reads it, cropped to `box` (PDF points, lower-left origin):
    a card's text alone, not interleaved with the card beside it."""
    command = [tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page)]
    if box is not None:
        x, y, w, h = box
        top = PAPERS[paper][1] - (y + h)
        command += ["-x", str(int(x)), "-y", str(int(top)), "-W", str(int(w) + 1), "-H", str(int(h) + 1)]
    return run(*command, str(pdf), "-")


def first_sentence(text: str) -> str:
    return re.match(r".+?[.!?](?=\s|$)", " ".join(text.split())).group()


def pages_text(pdf: Path) -> list[str]:
    return [squeeze(layout_text(pdf, n)) for n in range(1, page_count(pdf) + 1)]


# --- the real role-play --------------------------------------------------------------------------------

@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_every_card_is_whole_in_its_own_box(tmp_path: Path, segment: RolePlay, paper: str) -> None:
    cards = group_cards(segment)
    out = render(tmp_path, card_set(segment, cards, observers=observers_of(cards)), paper)
    # 12 cards, four to a page; an observer sheet for each group's observer; the opt-out sheet.
    assert page_count(out) == 3 + 3 + 1
    boxes = rc.grid_boxes(PAPERS[paper])
    for i, card in enumerate(cards):
        text = squeeze(layout_text(out, i // 4 + 1, boxes[i % 4], paper))
        for part in (rc.PRIVATE, segment.title, card.role, card.person, f"Group {card.group}",
                     first_sentence(card.text), rc.PAUSE):
            assert squeeze(part) in text, f"card {i + 1} ({card.role}, {paper}): {part!r} is missing"
        assert (squeeze(rc.VOLUNTEER) in text) == card.volunteer_only, f"card {i + 1}: volunteer flag wrong"
        # Short enough for a quarter page: all of it is there, in this card's box.
        assert squeeze(card.text) in text, f"card {i + 1} ({card.role}, {paper}) is not whole"
    assert_inside_margins(out, rc.MARGIN, rc.MARGIN, rc.MARGIN, rc.MARGIN)
    assert_no_overlaps(out)
    assert_fonts_embedded(out)


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_observer_sheets_carry_the_checklist_and_the_five_ds(tmp_path: Path, segment: RolePlay, paper: str) -> None:
    cards = group_cards(segment)
    out = render(tmp_path, card_set(segment, cards, observers=observers_of(cards)), paper)
    texts = pages_text(out)
    for group, page in enumerate(texts[3:6], start=1):
        assert squeeze("Observer checklist") in page and squeeze(f"Group {group}") in page
        assert squeeze(PEOPLE[group - 1][3]) in page, "the observer's name"
        assert squeeze(segment.content_warning) in page, "the content warning"
        for item in segment.observer_checklist:
            assert squeeze(item) in page, f"group {group}: checklist item {item!r} is missing"
        assert squeeze("The five Ds") in page
        for name in ("Distract", "Delegate", "Document", "Delay", "Direct"):
            description = dict(five_ds())[name]
            assert squeeze(f"{name} {' '.join(description.split()[:3])}") in page, f"group {group}: no {name}"
        assert squeeze("situation\u2013behavior\u2013impact") in page and squeeze("one thing that worked") in page
    for page in texts[:3]:
        assert squeeze(segment.content_warning) not in page, "the warning belongs on the sheets, not the cards"


def test_the_five_ds_say_what_the_workshop_teaches() -> None:
    ds = dict(five_ds())
    assert list(ds) == ["Distract", "Delegate", "Document", "Delay", "Direct"]
    assert "already helping" in ds["Document"] and "belongs to the person targeted" in ds["Document"]
    assert "safe" in ds["Direct"] and "afterward" in ds["Delay"] and "manager" in ds["Delegate"]


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_the_opt_out_sheet_comes_last(tmp_path: Path, segment: RolePlay, paper: str) -> None:
    out = render(tmp_path, card_set(segment, group_cards(segment)), paper)
    last = pages_text(out)[-1]
    assert squeeze("If you'd rather not play") in last
    assert squeeze(segment.opt_out) in last, "the opt-out text, whole and in order"
    assert squeeze(segment.content_warning) in last
    assert squeeze("page 7 of 7") in last


def test_a_workshop_file_without_a_guide_prints_none(tmp_path: Path, segment: RolePlay) -> None:
    """The five Ds and the feedback advice are the workshop file's words: without them, no English stands in."""
    cards = group_cards(segment)[:4]
    out = render(tmp_path, card_set(segment, cards, observer_guide=None, feedback_advice=()), "a4")
    bare = pages_text(out)
    assert len(bare) == 1 + 1 + 1
    assert_inside_margins(out, rc.MARGIN, rc.MARGIN, rc.MARGIN, rc.MARGIN)
    assert_no_overlaps(out)
    for item in segment.observer_checklist:
        assert squeeze(item) in bare[1], "the checklist is still there"
    for words in ("The five Ds", "interrupt or change the subject", "Feedback", "situation\u2013behavior\u2013impact"):
        assert squeeze(words) not in bare[1], f"{words!r} printed without the workshop file asking for it"
    advice_only = pages_text(render(tmp_path, card_set(segment, cards, observer_guide=None), "a4", "advice"))[1]
    assert squeeze("Feedback") in advice_only and squeeze("one thing that worked") in advice_only
    assert squeeze("The five Ds") not in advice_only and squeeze("change the subject") not in advice_only
    guide = rc.ObserverGuide("Los cinco pasos", (("Distraer", "cambia de tema sin enfrentarte a nadie."),))
    own = pages_text(render(tmp_path, card_set(segment, cards, observer_guide=guide, feedback_advice=()), "a4",
                            "own"))[1]
    assert squeeze("Los cinco pasos") in own and squeeze("Distraer cambia de tema") in own
    assert squeeze("The five Ds") not in own and squeeze("Feedback") not in own


def test_without_observers_each_group_gets_a_blank_sheet(tmp_path: Path, segment: RolePlay) -> None:
    data = card_set(segment, group_cards(segment))
    assert rc.observer_sheets(data) == [(None, 1), (None, 2), (None, 3)]
    assert rc.observer_sheets(card_set(segment, ())) == [(None, None)], "at least one sheet"
    out = render(tmp_path, data, "a4")
    assert page_count(out) == 7
    for group, page in enumerate(pages_text(out)[3:6], start=1):
        assert squeeze(f"Group {group}") in page and squeeze("Observer") in page
        assert not any(squeeze(name) in page for row in PEOPLE for name in row)


def test_the_pdf_says_what_it_is(tmp_path: Path, segment: RolePlay) -> None:
    out = render(tmp_path, card_set(segment, group_cards(segment)), "letter")
    info = run(tool("pdfinfo"), str(out))
    assert re.search(r"Title:\s+Role cards - Step In, Speak Up: Bystander Intervention at Work - Practice: the "
                     r"project meeting", info)
    assert re.search(r"Author:\s+Facilitator", info) and re.search(r"Page size:\s+612 x 792", info)


# --- long, blank and odd cards -------------------------------------------------------------------------

def long_text(characters: int) -> str:
    """At least `characters` of prose, hard-wrapped as a workshop file is, in paragraphs of five sentences."""
    sentences, n = [], 0
    while sum(len(s) + 1 for s in sentences) < characters:
        n += 1
        sentences.append(f"Step {n}: keep your voice calm and your words about the behavior, not the person.")
    sentences.append("These are the very last words on the card.")
    paras = [" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(textwrap.fill(para, 110) for para in paras)


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_a_3000_character_card_gets_a_page_of_its_own_and_is_never_clipped(tmp_path: Path, segment: RolePlay,
                                                                           paper: str) -> None:
    text = long_text(3000)
    assert len(text) >= 3000
    long_card = rc.RoleCard("The very thorough bystander", text, "Zoë Ñúñez", 2)
    cards = (long_card, *group_cards(segment)[:3])
    out = render(tmp_path, card_set(segment, cards, observers=(("Sam Lee", 2),)), paper, "long")
    # Three cards fit the grid page; the long one follows on its own page; then one observer sheet, opt-out.
    assert page_count(out) == 1 + 1 + 1 + 1
    page = squeeze(layout_text(out, 2))
    assert squeeze("These are the very last words on the card.") in page
    assert squeeze(text) in page and squeeze("Zoë Ñúñez") in page and squeeze(rc.PAUSE) in page
    assert squeeze(long_card.role) not in squeeze(layout_text(out, 1)), "not squeezed into a quarter page"
    assert_inside_margins(out, rc.MARGIN, rc.MARGIN, rc.MARGIN, rc.MARGIN)
    assert_no_overlaps(out)


def test_a_card_too_long_for_a_page_runs_on_to_the_next(tmp_path: Path, segment: RolePlay) -> None:
    text = long_text(12_000)
    out = render(tmp_path, card_set(segment, (rc.RoleCard("The bystander", text, None, None),)), "a4", "huge")
    texts = pages_text(out)
    card_pages = [t for t in texts if squeeze(rc.PRIVATE) in t]
    assert len(card_pages) >= 2 and squeeze("continued on the next page") in card_pages[0]
    assert squeeze("The bystander (continued)") in card_pages[1]
    everything = "".join(card_pages)
    # A sentence may run from one page to the next, so look for each one's start: none is lost.
    steps = re.findall(r"Step \d+:", text)
    assert len(steps) > 140 and all(everything.count(squeeze(step)) == 1 for step in steps)
    assert squeeze("These are the very last words on the card.") in card_pages[-1]
    assert len(texts) == len(card_pages) + 2
    assert_inside_margins(out, rc.MARGIN, rc.MARGIN, rc.MARGIN, rc.MARGIN)


def write_in_line_right_of(pdf: Path, tmp_path: Path, word: str) -> float:
    """The length in points of the longest dark horizontal run just below the baseline, right of `word` on
    page 1: the line a name is written on."""
    label = next(w for w in word_boxes(pdf)[0].words if w.text == word)
    run(tool("pdftoppm"), "-r", "72", "-f", "1", "-l", "1", "-gray", "-png", str(pdf), str(tmp_path / "shot"))
    image = Image.open(next(tmp_path.glob("shot*.png"))).convert("L")
    longest = 0
    for y in range(int(label.top), int(label.bottom) + 4):
        length = best = 0
        for x in range(int(label.right) + 2, image.width):
            length = length + 1 if image.getpixel((x, y)) < 160 else 0
            best = max(best, length)
        longest = max(longest, best)
    return longest


def test_a_blank_card_leaves_a_line_to_write_a_name_on(tmp_path: Path, segment: RolePlay) -> None:
    role = segment.roles[2]
    cards = (rc.RoleCard(role.name, role.card, None, 3), rc.RoleCard(role.name, role.card, None, None))
    out = render(tmp_path, card_set(segment, cards), "a4", "blank")
    boxes = rc.grid_boxes(PAPERS["a4"])
    first, second = (squeeze(layout_text(out, 1, box)) for box in boxes[:2])
    assert squeeze("Name Group 3") in first and "Group" not in second and "Name" in second
    assert squeeze(first_sentence(role.card)) in first and squeeze(first_sentence(role.card)) in second
    assert write_in_line_right_of(out, tmp_path, "Name") > 100, "a line long enough to write a name on"


@pytest.mark.parametrize("paper", PAPER_NAMES)
def test_a_100_character_name_wraps_whole_on_the_card_and_the_observer_sheet(tmp_path: Path, segment: RolePlay,
                                                                            paper: str) -> None:
    role = segment.roles[1]
    card = rc.RoleCard(role.name, role.card, LONG_NAME, 12, role.volunteer_only)
    out = render(tmp_path, card_set(segment, (card,), observers=((LONG_NAME, 12),)), paper, "long-name")
    on_card = squeeze(layout_text(out, 1, rc.grid_boxes(PAPERS[paper])[0], paper))
    assert squeeze("Group 12") in on_card
    # "Group 12" sits beside the name's first line, so it reads in the middle of the name.
    assert squeeze(LONG_NAME) in on_card.replace("Group12", "", 1), "the name is whole"
    assert squeeze(first_sentence(role.card)) in on_card
    width, height = PAPERS[paper]
    fields_x = rc.MARGIN + (width - 2 * rc.MARGIN) * rc.TITLE_SHARE  # beside the observer sheet's title
    fields = layout_text(out, 2, (fields_x, height - rc.MARGIN - 80, width - fields_x, 80), paper)
    assert squeeze(f"Observer: {LONG_NAME}") in squeeze(fields)
    assert_no_overlaps(out)
    assert_inside_margins(out, rc.MARGIN, rc.MARGIN, rc.MARGIN, rc.MARGIN)


def test_a_name_the_fonts_cannot_print_is_left_to_write_in(tmp_path: Path, segment: RolePlay) -> None:
    role = segment.roles[0]
    out = render(tmp_path, card_set(segment, (rc.RoleCard(role.name, role.card, "王小明", 1),)), "a4", "cjk")
    text = squeeze(layout_text(out, 1))
    assert "王" not in text and squeeze("Name Group 1") in text


# --- the text -------------------------------------------------------------------------------------------

def test_the_authors_hard_wraps_are_undone_but_their_lines_kept(segment: RolePlay) -> None:
    alex = rc.paragraphs(segment.roles[0].card)
    assert alex[1].endswith("Use ONLY these lines, in a light, joking tone:"), "a wrap inside a sentence is undone"
    assert alex[2].startswith("1. When Robin starts:") and alex[3].startswith("2. If Robin carries on:")
    assert alex[4] == "Do not add insults, slurs or anything physical."
    observer = rc.paragraphs(segment.roles[3].card)
    assert any("you said ... (behavior), and it seemed to" in p for p in observer), "'...' ends no sentence here"
    questions = rc.paragraphs("Answer each: (1) What would you say? (2) What\nwould you do?")
    assert questions == ["Answer each:", "(1) What would you say?", "(2) What would you do?"]
    assert rc.paragraphs("One.\n\n  \nTwo") == ["One.", "Two"]


def test_a_session_planned_before_workshops_carried_the_guide_still_prints_it(tmp_path: Path, workspace) -> None:
    """Sessions frozen before the five Ds moved into the workshop files: their handouts read as before."""
    import sqlite3
    from datetime import date

    import yaml

    from facilitator.services.role_cards import make_role_cards
    from facilitator.services.sessions import create_session
    from facilitator.storage.database import DATABASE_NAME

    detail = create_session(workspace, workshop_id="bystander-intervention", on=date(2026, 12, 3), start="09:00",
                            location="Depot", trainer="Sam Lee", jurisdictions=["none"])
    guide, advice = squeeze("without confronting anyone"), squeeze("Start with one thing that worked")
    focus = squeeze("Watch the bystander; don't join in.")
    now = " ".join(pages_text(make_role_cards(workspace, detail.id, "practice-role-play", tmp_path / "a.pdf").path))
    assert guide in now and advice in now and focus in now
    db = sqlite3.connect(workspace.data_dir / DATABASE_NAME)
    with db:
        query = "SELECT workshop_snapshot FROM training_sessions WHERE id = ?"
        (snapshot,) = db.execute(query, (detail.id,)).fetchone()
        old = yaml.safe_load(snapshot)
        for segment in old["segments"]:
            segment.pop("observer_guide", None)
            segment.pop("feedback_advice", None)
            segment.pop("observer_focus", None)
        db.execute("UPDATE training_sessions SET workshop_snapshot = ? WHERE id = ?",
                   (yaml.safe_dump(old, allow_unicode=True, sort_keys=False), detail.id))
    db.close()
    before = " ".join(pages_text(make_role_cards(workspace, detail.id, "practice-role-play", tmp_path / "b.pdf").path))
    assert guide in before and advice in before and focus in before
