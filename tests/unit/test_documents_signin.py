"""The sign-in sheet, read back with poppler: every person whole, every page headed and numbered, totals right."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest

from facilitator.documents import signin_sheet as sheet
from facilitator.documents.pages import MARGIN
from tests.unit.test_documents_pdf import (
    CREATED,
    LONG_NAME,
    NAMES,
    assert_fonts_embedded,
    assert_inside_margins,
    assert_no_overlaps,
    page_count,
    page_texts,
    squeeze,
)

PAPERS = ["a4", "letter"]
STATUSES = ["present", "present", "late", "present", "left early", "absent", "late, left early", "present"]


def person(i: int, name: str) -> sheet.SigninRow:
    status = STATUSES[i % len(STATUSES)]
    if status == "absent":
        return sheet.SigninRow(name, f"E-{4000 + i}", None, None, None, status)
    late, early = "late" in status, "left early" in status
    return sheet.SigninRow(name, f"E-{4000 + i}", "09:12" if late else "08:57", "10:31" if early else "11:16",
                           (79 if early else 139) - (15 if late else 0), status)


def people(count: int) -> tuple[sheet.SigninRow, ...]:
    return tuple(person(i, NAMES[i] if i < len(NAMES) else f"Person {i:03} Ødegård") for i in range(count))


def session(count: int) -> sheet.SigninSheetData:
    return sheet.SigninSheetData(
        session_id="7K3M9QXA", title="Preventing Workplace Harassment for Supervisors", date="2026-12-03",
        location="Main St warehouse, break room (2nd floor)", trainer="Dr. Samantha Lee-Okonkwo",
        actual_start="09:04", actual_end="11:21", rows=people(count), planned_start="09:00", planned_end="11:15",
        employer="Northwind Logistics, Inc.")


def render(tmp_path: Path, data: sheet.SigninSheetData, paper: str) -> tuple[Path, int]:
    out = tmp_path / f"signin-{paper}-{len(data.rows)}.pdf"
    return out, sheet.render_signin_sheet(data, out, paper, created=CREATED)


@pytest.mark.parametrize("paper", PAPERS)
def test_the_header_every_person_and_the_totals(tmp_path: Path, paper: str) -> None:
    data = session(12)
    out, pages = render(tmp_path, data, paper)
    assert pages == page_count(out) == 1
    [text] = page_texts(out)
    header = ["Sign-in sheet", data.title, "3 Dec 2026", "09:04 \u2013 11:21", "09:00 \u2013 11:15", data.location,
              data.trainer, "7K3M9QXA", "Northwind Logistics, Inc."]
    for fact in header:
        assert squeeze(fact) in text, f"{fact!r} is missing from the header"
    for row in data.rows:
        assert text.count(squeeze(row.name)) == 1, f"{row.name} is not whole exactly once"
        cells = [row.employee_id, row.time_in or "—", row.time_out or "—", str(row.minutes or "—"),
                 sheet.status_words(sheet.Status(row.status))]
        assert squeeze(" ".join(cells)) in text, f"{row.name}'s row reads wrong"
    assert squeeze("Present Late Left early Late, left early Absent Attended On the sheet 7 2 1 1 1 11 12") in text
    minutes = sum(r.minutes or 0 for r in data.rows)
    assert squeeze(f"Total person-minutes attended: {minutes:,}") in text
    assert squeeze("page 1 of 1") in text and squeeze("Trainer's signature") in text


@pytest.mark.parametrize("paper", PAPERS)
def test_nothing_leaves_the_margins_or_overlaps(tmp_path: Path, paper: str) -> None:
    out, _ = render(tmp_path, session(30), paper)
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)
    assert_no_overlaps(out)
    assert_fonts_embedded(out)


@pytest.mark.parametrize("paper", PAPERS)
def test_120_people_run_over_numbered_pages_with_the_headings_repeated(tmp_path: Path, paper: str) -> None:
    data = session(120)
    out, pages = render(tmp_path, data, paper)
    texts = page_texts(out)
    assert pages == page_count(out) == len(texts)
    # A row is at least 10 mm (room to sign): so many rows fit a page at most, and pages are used well.
    frame = sheet.check_paper(paper)[1] - 2 * MARGIN
    assert math.ceil(120 / (frame // sheet.ROW_MIN_H)) <= pages <= 7
    assert pages == {"a4": 6, "letter": 6}[paper]
    for number, text in enumerate(texts, start=1):
        assert squeeze(f"page {number} of {pages}") in text
        assert squeeze("# Name Employee ID In Out Minutes Status Signature") in text, f"page {number}: no headings"
        if number > 1:
            assert text.startswith(squeeze(f"Sign-in sheet · {data.title}")), f"page {number}: no running header"
    everything = "".join(texts)
    for row in data.rows:
        assert everything.count(squeeze(row.name)) == 1, f"{row.name} is missing or printed twice"
    assert "Totals" in texts[-1] and all("Totals" not in t for t in texts[:-1])
    assert_inside_margins(out, MARGIN, MARGIN, MARGIN, MARGIN)


def test_a_long_name_wraps_in_its_cell_and_the_row_grows(tmp_path: Path) -> None:
    data = session(8)
    assert data.rows[7].name == LONG_NAME
    out, _ = render(tmp_path, data, "a4")
    assert squeeze(LONG_NAME) in page_texts(out)[0]
    assert_no_overlaps(out)


def test_a_name_the_fonts_cannot_print_is_left_to_write_in(tmp_path: Path) -> None:
    data = session(2)
    rows = (sheet.SigninRow("王小明", "E-9", "08:59", "11:16", 137, "present"), *data.rows)
    out, _ = render(tmp_path, sheet.SigninSheetData(**{**data.__dict__, "rows": rows}), "letter")
    text = page_texts(out)[0]
    assert "王" not in text and squeeze("1 E-9 08:59 11:16 137 Present") in text


def test_a_wrong_status_is_named_before_anything_is_written() -> None:
    data = session(1)
    bad = sheet.SigninSheetData(**{**data.__dict__, "rows": (sheet.SigninRow("Sam", None, None, None, None, "gone"),)})
    buffer = io.BytesIO()
    with pytest.raises(ValueError, match="Sam: unknown attendance status 'gone'"):
        sheet.render_signin_sheet(bad, buffer)
    assert buffer.getvalue() == b""


def test_same_input_same_bytes() -> None:
    first, second = io.BytesIO(), io.BytesIO()
    for buffer in (first, second):
        sheet.render_signin_sheet(session(10), buffer, "a4", created=CREATED)
    assert first.getvalue() == second.getvalue() and first.getvalue().startswith(b"%PDF")
