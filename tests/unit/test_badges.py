"""Badges and the sign-in sheet, checked as a user's own tools see the PDF: poppler renders and extracts
text, zbar (not the decoder we ship) reads the QR codes."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from facilitator import files
from facilitator.cli import main
from facilitator.documents import badges as doc
from facilitator.domain.ids import badge_payload, group_code, read_code
from facilitator.domain.roster import Person
from facilitator.services import badges as badge_service
from facilitator.services.errors import UserError
from facilitator.services.roster import add_people
from facilitator.services.sessions import SessionDetail, create_session, get_session
from facilitator.services.workspace import Workspace
from tests.unit.test_documents_pdf import run, tool

LONG_FIRST = "Maximiliana-Josefina Alexandrina Konstantina"  # with the last name, over 100 characters
LONG_LAST = "Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh de la Cruz y Bartholomew"
NAMES = [("Ana", "García"), ("José", "Núñez"), ("Zoë", "Ødegård"), ("Łukasz", "Żółkiewski"),
         ("Ελένη", "Παπαδοπούλου"), ("Анна", "Кузнецова"), ("Nguyễn Thị", "Minh Khai"), ("Sam", "Lee"),
         ("Émile", "O'Brien"), (LONG_FIRST, LONG_LAST)]


@pytest.fixture
def session(workspace: Workspace) -> SessionDetail:
    created = create_session(workspace, workshop_id="harassment-prevention-supervisors", on="2026-12-03",
                             start="09:00", location="Main St warehouse, break room", trainer="Sam Lee",
                             jurisdictions=["ca-supervisors"])
    people = [Person(first, last, employee_id=f"E{i:04}", department=["Warehouse", "Human Resources", None][i % 3])
              for i, (first, last) in enumerate(NAMES)]
    add_people(workspace, created.id, people)
    return get_session(workspace, created.id)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the PDFs go: its own folder, since the data folder lives in tmp_path too."""
    out = tmp_path / "out"
    out.mkdir()
    return out


def decode_pages(pdf: Path, first: int, last: int, tmp: Path) -> Counter[str]:
    """Every QR code zbar reads on pages first..last, counted once per page it is on.

    Each page is scanned at 200 and at 300 dpi, as an office scanner might, and what either scan reads counts:
    zbar now and then misses one clean code at one particular scale (zxing-cpp reads it, and zbar reads it at
    the other), which made a single-resolution test flaky without telling us anything about the badges."""
    found: dict[int, set[str]] = {page: set() for page in range(first, last + 1)}
    for dpi in ("200", "300"):
        prefix = tmp / f"{pdf.stem}-{first}-{dpi}"
        run(tool("pdftoppm"), "-r", dpi, "-png", "-f", str(first), "-l", str(last), str(pdf), str(prefix))
        for page in found:
            [image] = tmp.glob(f"{prefix.name}-{page}.png") or tmp.glob(f"{prefix.name}-0{page}.png")
            found[page] |= set(run(tool("zbarimg"), "--raw", "-q", str(image)).split())
    return Counter(code for codes in found.values() for code in codes)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_badge_and_roster_row_scans_back_to_its_person(workspace, session, tmp_path: Path, paper) -> None:
    out = tmp_path / f"badges-{paper}.pdf"
    result = badge_service.make_badges(workspace, session.id, out, paper)
    badge_pages = -(-len(NAMES) // 8)
    assert result.path == out and result.people == len(NAMES) and result.pages == badge_pages + 1
    expected = Counter(badge_payload(session.id, p.badge_code) for p in session.roster)
    assert decode_pages(out, 1, badge_pages, tmp_path) == expected, "each badge once, exactly"
    assert decode_pages(out, badge_pages + 1, result.pages, tmp_path) == expected, "each roster row once"
    tokens = {p.badge_code for p in session.roster}
    for payload in expected:
        scanned = read_code(payload)
        assert scanned is not None and scanned.session_id == session.id and scanned.token in tokens


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_names_print_whole_in_the_bundled_fonts(workspace, session, tmp_path: Path, paper) -> None:
    out = badge_service.make_badges(workspace, session.id, tmp_path / "b.pdf", paper).path
    text = re.sub(r"\s+", "", run(tool("pdftotext"), "-raw", str(out), "-"))
    for first, last in NAMES:
        squeezed = re.sub(r"\s+", "", first + last)
        assert text.count(squeezed) == 1, f"{first} {last} is not whole on its badge"
        assert re.sub(r"\s+", "", f"{last},{first}") in text, f"{first} {last} is not whole on the roster"
    fonts = run(tool("pdffonts"), str(out))
    assert "Helvetica" not in fonts and "DejaVuSans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), "every font is embedded"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_text_leaves_its_badge_or_the_margins(workspace, session, tmp_path: Path, paper) -> None:
    out = badge_service.make_badges(workspace, session.id, tmp_path / "b.pdf", paper).path
    html = run(tool("pdftotext"), "-bbox", str(out), "-")
    size = doc.PAPERS[paper]
    cells = [doc.badge_origin(size, i) for i in range(8)]
    pages = html.split("<page ")[1:]
    badge_pages = -(-len(NAMES) // 8)
    for number, page in enumerate(pages, start=1):
        for x0, y0, x1, y1 in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page):
            left, top, right, bottom = float(x0), size[1] - float(y0), float(x1), size[1] - float(y1)
            assert 10 * doc.mm < left and right < size[0] - 10 * doc.mm, f"page {number}: text in the side margin"
            assert bottom > 8 * doc.mm and top < size[1] - 10 * doc.mm, f"page {number}: text off the page"
            if number <= badge_pages and bottom > 20 * doc.mm:  # above the footer, text belongs inside one badge
                assert any(cx <= left and right <= cx + doc.BADGE_W and cy <= bottom and top <= cy + doc.BADGE_H
                           for cx, cy in cells), f"text at {left:.0f},{bottom:.0f} crosses a badge's edge"


def test_long_names_shrink_then_wrap_and_lose_nothing() -> None:
    doc.register_fonts()
    width, height = 48 * doc.mm, 36 * doc.mm
    for first, last in [("A" * 100, ""), (LONG_FIRST, LONG_LAST), ("Christopher", "Montgomery-Wolfeschlegel")]:
        lines = doc.fit_block([doc.Piece(first, doc.BOLD, 24, 13), doc.Piece(last, doc.SANS, 15, 9)], width, height)
        assert all(doc.width_of(line.text, line.font, line.size) <= width + 0.01 for line in lines)
        assert doc.block_height(lines) <= height
        assert "".join(line.text for line in lines).replace(" ", "") == (first + last).replace(" ", "")
    short = doc.fit_block([doc.Piece("Li", doc.BOLD, 24, 13)], width, height)
    assert [(line.text, line.size) for line in short] == [("Li", 24)], "short names print at full size"
    hyphenated = doc.wrap("Montgomery-Wolfeschlegel", doc.BOLD, 13, 40 * doc.mm)
    assert hyphenated == ["Montgomery-", "Wolfeschlegel"], "a line breaks after a hyphen before mid-word"


def test_the_fonts_cover_every_name_and_the_roster_sorts_by_last_name() -> None:
    doc.register_fonts()
    assert all(doc.missing_glyphs(first + last) == set() for first, last in NAMES)
    people = [doc.BadgePerson(first, last, None, None, "T" * 20, "S" * 8) for first, last in NAMES]
    order = [p.last_name for p in sorted(people, key=doc.sort_key)]
    # Accents are ignored (Ø files under O, Ż under Z); other scripts follow Latin, each in its own order.
    assert order == ["García", "Lee", "Minh Khai", "Núñez", "O'Brien", "Ødegård", LONG_LAST, "Żółkiewski",
                     "Παπαδοπούλου", "Кузнецова"]


def test_a4_and_letter_grids_fit_their_paper() -> None:
    for size in doc.PAPERS.values():
        corners = [doc.badge_origin(size, i) for i in range(8)]
        assert min(x for x, _ in corners) >= 15 * doc.mm and min(y for _, y in corners) >= 20 * doc.mm
        assert max(x for x, _ in corners) + doc.BADGE_W <= size[0] - 15 * doc.mm
        assert max(y for _, y in corners) + doc.BADGE_H <= size[1] - 20 * doc.mm
        assert doc.rows_per_page(size) >= 8
        assert sum(c.width for c in doc.roster_columns(size)) == pytest.approx(size[0] - 2 * doc.ROSTER_MARGIN)
        assert doc.roster_columns(size)[-1].width >= 30 * doc.mm, "room to sign"


def test_names_the_fonts_cannot_set_are_reported(workspace, folder: Path, capsys) -> None:
    """Chinese has no glyphs in DejaVu; Arabic has glyphs but would print unjoined and backwards."""
    created = create_session(workspace, workshop_id="allyship", on="2026-12-03", start="09:00", location="Depot",
                             trainer="Sam", jurisdictions=["none"])
    add_people(workspace, created.id, [Person("小明", "王"), Person("فاطمة", "الزهراء"), Person("Zoë", "Ødegård")])
    result = badge_service.make_badges(workspace, created.id, folder / "b.pdf")
    codes = {p.first_name: group_code(p.badge_code) for p in get_session(workspace, created.id).roster}
    assert result.people == 3 and result.misprinted == [("小明 王", codes["小明"]), ("فاطمة الزهراء", codes["فاطمة"])]
    text = run(tool("pdftotext"), str(result.path), "-")
    assert "Ødegård" in text and "小明" not in text and "فاطمة" not in text, "left blank, not printed as boxes"
    assert main(["badges", created.id, "--out", str(folder / "b.pdf")]) == 0
    assert f"  小明 王: the badge with code {codes['小明']}" in capsys.readouterr().err


def test_an_empty_roster_is_refused(workspace, folder: Path) -> None:
    created = create_session(workspace, workshop_id="allyship", on="2026-12-03", start="09:00", location="Depot",
                             trainer="Sam", jurisdictions=["none"])
    with pytest.raises(UserError, match="no one on its roster"):
        badge_service.make_badges(workspace, created.id, folder / "b.pdf")
    assert list(folder.iterdir()) == []


def test_bad_targets_name_the_path(workspace, session, folder: Path) -> None:
    missing = folder / "nope" / "b.pdf"
    with pytest.raises(UserError, match=re.escape(str(missing.parent))):
        badge_service.make_badges(workspace, session.id, missing)
    with pytest.raises(UserError, match="is a folder"):
        badge_service.make_badges(workspace, session.id, folder)
    with pytest.raises(UserError, match="paper size"):
        badge_service.make_badges(workspace, session.id, folder / "b.pdf", "tabloid")


def test_an_unwritable_folder_is_a_user_error(workspace, session, folder: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # Simulated, because the tests may run as root, whom file permissions do not stop.
    monkeypatch.setattr(files, "_create", refuse)
    with pytest.raises(UserError, match=f"cannot write in {re.escape(str(folder))}: Permission denied"):
        badge_service.make_badges(workspace, session.id, folder / "b.pdf")


def test_a_failed_run_leaves_the_old_file_and_no_litter(workspace, session, folder: Path, monkeypatch) -> None:
    out = folder / "b.pdf"
    out.write_bytes(b"the badges printed yesterday")

    def half_then_fail(file, *args, **kwargs):
        file.write(b"%PDF-1.4 half a document")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(badge_service, "render_badges", half_then_fail)
    with pytest.raises(UserError, match="No space left on device; any earlier file there is unchanged"):
        badge_service.make_badges(workspace, session.id, out, force=True)  # not a PDF Facilitator wrote
    assert out.read_bytes() == b"the badges printed yesterday"
    assert [p.name for p in folder.iterdir()] == ["b.pdf"]


def test_the_pdf_replaces_an_old_one_and_is_readable_by_others(workspace, session, folder: Path) -> None:
    out = folder / "b.pdf"
    out.write_bytes(b"old")
    badge_service.make_badges(workspace, session.id, out, force=True)  # not a PDF Facilitator wrote
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in folder.iterdir()] == ["b.pdf"]


def test_the_command(capsys, workspace, session, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    assert main(["badges", session.id.lower(), "--out", str(out), "--paper", "letter", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"path": str(out), "people": len(NAMES), "pages": 3, "misprinted": []}
    assert main(["badges", session.id, "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote {len(NAMES)} badges and the sign-in sheet, 3 pages, to {out}"
    assert main(["badges", session.id, "--out", str(tmp_path / "no" / "b.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["badges", session.id, "--out", str(out), "--paper", "a3"])
    assert usage.value.code == 2


def test_printed_badges_read_by_zbar_check_each_person_in_once(workspace, session, tmp_path: Path, capsys) -> None:
    """The whole door: print, read the paper with an independent QR reader, scan each code in (twice)."""
    from facilitator.services.attendance import attendance_report

    out = tmp_path / "door.pdf"
    result = badge_service.make_badges(workspace, session.id, out, "letter")
    scanned = list(decode_pages(out, 1, result.pages - 1, tmp_path))
    assert len(scanned) == len(NAMES)
    for payload in scanned * 2:  # every badge scanned twice: the second scan must not count again
        assert main(["checkin", session.id, "--code", payload]) == 0
    err = capsys.readouterr().err
    assert err.count("already checked in") == len(NAMES)
    report = attendance_report(workspace, session.id)
    assert report.in_room == len(NAMES) and report.events == 2 * len(NAMES)


def test_badges_follow_the_paper_setting_unless_told(workspace, session, tmp_path: Path) -> None:
    from facilitator.services.settings import set_setting

    def size(pdf: Path) -> str:
        return re.search(r"Page size:\s+(\S+ x \S+)", run(tool("pdfinfo"), str(pdf))).group(1)

    set_setting(workspace, "paper", "letter")
    assert size(badge_service.make_badges(workspace, session.id, tmp_path / "a.pdf").path) == "612 x 792"
    set_setting(workspace, "paper", "a4")
    assert size(badge_service.make_badges(workspace, session.id, tmp_path / "b.pdf").path).startswith("595")
    assert size(badge_service.make_badges(workspace, session.id, tmp_path / "c.pdf", "letter").path) == "612 x 792"
