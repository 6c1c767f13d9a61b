"""The sign-in sheet as attended: one row per person with times in and out, minutes and status, and a box
to sign — the paper record California asks for, with the totals an HR officer checks first.

Portrait, A4 or Letter. The session's facts head page 1; every later page repeats a one-line header and the
table's column headings, and every page says "page N of M". Long names wrap inside their cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from facilitator.documents.pages import (
    CELL,
    CELL_BOLD,
    CELL_CENTRE,
    CELL_MUTED,
    CELL_RIGHT,
    GRID,
    HEAD,
    HEAD_CENTRE,
    HEAD_RIGHT,
    KICKER,
    LABEL,
    MARGIN,
    SECTION,
    TITLE,
    grid_table,
    para,
    para_wrapped,
    shown,
)
from facilitator.documents.pages import build as build_pages
from facilitator.documents.text import check_paper, duration, human_date, register_fonts
from facilitator.domain.attendance import Status

ROW_MIN_H = 10 * mm  # room for a signature
STATUS_WORDS = {Status.PRESENT: "Present", Status.LATE: "Late", Status.LEFT_EARLY: "Left early",
                Status.LATE_AND_LEFT_EARLY: "Late, left early", Status.ABSENT: "Absent"}


@dataclass(frozen=True)
class SigninRow:
    """One person: times are the site's local "HH:MM"; minutes and times are None when not recorded."""

    name: str
    employee_id: str | None
    time_in: str | None
    time_out: str | None
    minutes: int | None
    status: str  # a domain Status value: "present", "late", "left early", "late, left early" or "absent"


@dataclass(frozen=True)
class SigninSheetData:
    """The session and its people, in the order they are to be listed."""

    session_id: str
    title: str
    date: str  # YYYY-MM-DD
    location: str
    trainer: str
    actual_start: str | None  # HH:MM, None if the session has not started
    actual_end: str | None
    rows: tuple[SigninRow, ...]
    planned_start: str | None = None
    planned_end: str | None = None
    employer: str | None = None


# --- the parts -----------------------------------------------------------------------------------------

EN_DASH = "\u2013"


def span(start: str | None, end: str | None) -> str:
    """'09:04 to 11:21' with an en dash, with '—' for a time not recorded."""
    return f"{start or '—'} {EN_DASH} {end or '—'}"


def header_block(data: SigninSheetData, width: float) -> list[Flowable]:
    """What, when, where and who, above the table on page 1."""
    facts = [("Date", human_date(data.date)), ("Actual times", span(data.actual_start, data.actual_end)),
             ("Session", data.session_id), ("Location", data.location), ("Trainer", data.trainer)]
    if data.planned_start or data.planned_end:
        facts.insert(1, ("Planned times", span(data.planned_start, data.planned_end)))
    if data.employer:
        facts.append(("Employer", data.employer))
    cells = [[para(label.upper(), LABEL), para(value, CELL_BOLD)] for label, value in facts]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [["", ""]] * (2 * half - len(cells))
    grid = [[*a, *b] for a, b in zip(left, right, strict=True)]
    label_w = 30 * mm
    table = grid_table(grid, [label_w, width / 2 - label_w] * 2, header=False)
    return [para("Sign-in sheet", KICKER), para(data.title, TITLE), Spacer(1, 2 * mm), table, Spacer(1, 5 * mm)]


def columns(width: float) -> list[tuple[str, float]]:
    """(heading, width): fixed columns, the rest shared by name and signature."""
    fixed = [("#", 8 * mm), ("Employee ID", 23 * mm), ("In", 13 * mm), ("Out", 13 * mm), ("Minutes", 17 * mm),
             ("Status", 25 * mm)]
    rest = width - sum(w for _, w in fixed)
    name_w = rest * 0.56
    return [fixed[0], ("Name", name_w), *fixed[1:], ("Signature", rest - name_w)]


def status_of(row: SigninRow) -> Status:
    try:
        return Status(row.status)
    except ValueError:
        raise ValueError(f"{row.name}: unknown attendance status {row.status!r}; expected one of "
                         + ", ".join(repr(s.value) for s in Status)) from None


def row_cells(number: int, row: SigninRow, name_w: float) -> list[Flowable]:
    absent = row.status == Status.ABSENT
    text = CELL_MUTED if absent else CELL
    return [para(str(number), CELL_MUTED), para_wrapped(shown(row.name, ""), CELL_BOLD, name_w),
            para(row.employee_id, text), para(row.time_in, CELL_CENTRE), para(row.time_out, CELL_CENTRE),
            para(str(row.minutes) if row.minutes is not None else None, CELL_RIGHT),
            para(STATUS_WORDS[status_of(row)], text),
            # An absent person's box is marked, so nobody signs it in their name afterwards.
            para("absent" if absent else None, CELL_MUTED, empty="")]


def people_table(data: SigninSheetData, width: float) -> Flowable:
    cols = columns(width)
    heading_styles = {"Minutes": HEAD_RIGHT, "In": HEAD_CENTRE, "Out": HEAD_CENTRE}
    heading = [Paragraph(title, heading_styles.get(title, HEAD)) for title, _ in cols]
    name_w = dict(cols)["Name"]
    rows = [heading, *(row_cells(i, row, name_w) for i, row in enumerate(data.rows, start=1))]
    # A rule before the signature box, so a signature stays in its row's box and off the status.
    return grid_table(rows, [w for _, w in cols], min_height=ROW_MIN_H,
                      extra=[("LINEBEFORE", (-1, 0), (-1, -1), 0.4, GRID)])


def totals(rows: Sequence[SigninRow]) -> dict[str, int]:
    """Counts by status, how many attended at all, and the person-minutes attended."""
    counts = Counter(status_of(r) for r in rows)
    found = {words: counts[status] for status, words in STATUS_WORDS.items()}
    found["Attended"] = len(rows) - counts[Status.ABSENT]
    found["On the sheet"] = len(rows)
    found["Person-minutes"] = sum(r.minutes or 0 for r in rows)
    return found


def totals_block(data: SigninSheetData, width: float) -> Flowable:
    found = totals(data.rows)
    minutes = found.pop("Person-minutes")
    labels = list(found)
    cells = [[para(label, HEAD_CENTRE) for label in labels], [para(str(found[k]), CELL_CENTRE) for k in labels]]
    table = grid_table(cells, [width / len(labels)] * len(labels))
    person_minutes = f"Total person-minutes attended: {minutes:,} ({duration(minutes)})"
    attest = ("I confirm that this record is accurate. Trainer's signature: "
              "______________________________ Date: ______________")
    return KeepTogether([para("Totals", SECTION), Spacer(1, 2 * mm), table, Spacer(1, 2 * mm),
                         para(person_minutes, CELL_BOLD), Spacer(1, 9 * mm), para(attest, CELL)])


# --- the document --------------------------------------------------------------------------------------

def render_signin_sheet(data: SigninSheetData, out: Path | BinaryIO, paper: str = "letter", *,
                        created: datetime | None = None) -> int:
    """Write the sign-in sheet as a PDF to a path or an open binary file (left open); returns its page count.

    The bytes depend only on the arguments and `created` (the PDF's creation date; now, if not given)."""
    register_fonts()  # before any paragraph is made: they look their fonts up when created
    for row in data.rows:
        status_of(row)  # a wrong status fails here, before anything is written
    width = check_paper(paper)[0] - 2 * MARGIN
    story = [*header_block(data, width), people_table(data, width), Spacer(1, 6 * mm), totals_block(data, width)]
    where = f"{data.title} · {human_date(data.date)} · session {data.session_id}"
    return build_pages(out, paper, story, title=f"Sign-in sheet - {data.title} - {data.date}",
                       author=data.employer or data.trainer, running=f"Sign-in sheet · {where}",
                       footer_text=f"Sign-in sheet · {where}", created=created)
