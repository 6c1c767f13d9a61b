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
from facilitator.domain.attendance import Status, status_label
from facilitator.i18n import N_, _

ROW_MIN_H = 10 * mm  # room for a signature


def status_words(status: Status) -> str:
    """The status as the sheet's column shows it: "Left early"."""
    words = status_label(status)
    return words[:1].upper() + words[1:]


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
    acknowledgment: str | None = None  # what a signature also acknowledges, where a law asks for it (NYC)


# --- the parts -----------------------------------------------------------------------------------------

EN_DASH = "\u2013"


def span(start: str | None, end: str | None) -> str:
    """'09:04 to 11:21' with an en dash, with '—' for a time not recorded."""
    return f"{start or '—'} {EN_DASH} {end or '—'}"


def header_block(data: SigninSheetData, width: float) -> list[Flowable]:
    """What, when, where and who, above the table on page 1."""
    facts = [(_("Date"), human_date(data.date)), (_("Actual times"), span(data.actual_start, data.actual_end)),
             (_("Session"), data.session_id), (_("Location"), data.location), (_("Trainer"), data.trainer)]
    if data.planned_start or data.planned_end:
        facts.insert(1, (_("Planned times"), span(data.planned_start, data.planned_end)))
    if data.employer:
        facts.append((_("Employer"), data.employer))
    cells = [[para(label.upper(), LABEL), para(value, CELL_BOLD)] for label, value in facts]
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [["", ""]] * (2 * half - len(cells))
    grid = [[*a, *b] for a, b in zip(left, right, strict=True)]
    label_w = 30 * mm
    table = grid_table(grid, [label_w, width / 2 - label_w] * 2, header=False)
    block = [para(_("Sign-in sheet"), KICKER), para(data.title, TITLE), Spacer(1, 2 * mm), table, Spacer(1, 5 * mm)]
    if data.acknowledgment:  # the signature column is then the signed acknowledgment the law asks for
        block += [para(_("By signing below, each attendee acknowledges: {text}").format(text=data.acknowledgment),
                       CELL_BOLD), Spacer(1, 4 * mm)]
    return block


def columns(width: float) -> list[tuple[str, float]]:
    """(heading, width): fixed columns, the rest shared by name and signature. Headings are marked for
    translation, and translated where they are shown."""
    fixed = [("#", 8 * mm), (N_("Employee ID"), 23 * mm), (N_("In"), 13 * mm), (N_("Out"), 13 * mm),
             (N_("Minutes"), 17 * mm), (N_("Status"), 25 * mm)]
    rest = width - sum(w for _heading, w in fixed)
    name_w = rest * 0.56
    return [fixed[0], (N_("Name"), name_w), *fixed[1:], (N_("Signature"), rest - name_w)]


def status_of(row: SigninRow) -> Status:
    try:
        return Status(row.status)
    except ValueError:
        raise ValueError(f"{row.name}: unknown attendance status {row.status!r}; expected one of "  # not user text
                         + ", ".join(repr(s.value) for s in Status)) from None


def row_cells(number: int, row: SigninRow, name_w: float) -> list[Flowable]:
    absent = row.status == Status.ABSENT
    text = CELL_MUTED if absent else CELL
    return [para(str(number), CELL_MUTED), para_wrapped(shown(row.name, ""), CELL_BOLD, name_w),
            para(row.employee_id, text), para(row.time_in, CELL_CENTRE), para(row.time_out, CELL_CENTRE),
            para(str(row.minutes) if row.minutes is not None else None, CELL_RIGHT),
            para(status_words(status_of(row)), text),
            # An absent person's box is marked, so nobody signs it in their name afterwards.
            para(_("absent") if absent else None, CELL_MUTED, empty="")]


def people_table(data: SigninSheetData, width: float) -> Flowable:
    cols = columns(width)
    heading_styles = {"Minutes": HEAD_RIGHT, "In": HEAD_CENTRE, "Out": HEAD_CENTRE}
    heading = [Paragraph(_(title), heading_styles.get(title, HEAD)) for title, _width in cols]
    name_w = dict(cols)["Name"]
    rows = [heading, *(row_cells(i, row, name_w) for i, row in enumerate(data.rows, start=1))]
    # A rule before the signature box, so a signature stays in its row's box and off the status.
    return grid_table(rows, [w for _, w in cols], min_height=ROW_MIN_H,
                      extra=[("LINEBEFORE", (-1, 0), (-1, -1), 0.4, GRID)])


def totals(rows: Sequence[SigninRow]) -> dict[str, int]:
    """Counts by status, how many attended at all, and the person-minutes attended, by their labels."""
    counts = Counter(status_of(r) for r in rows)
    found = {status_words(status): counts[status] for status in Status}
    found[_("Attended")] = len(rows) - counts[Status.ABSENT]
    found[_("On the sheet")] = len(rows)
    found[PERSON_MINUTES] = sum(r.minutes or 0 for r in rows)
    return found


PERSON_MINUTES = "person-minutes"  # the key of the total, which is printed on a line of its own


def totals_block(data: SigninSheetData, width: float) -> Flowable:
    found = totals(data.rows)
    minutes = found.pop(PERSON_MINUTES)
    labels = list(found)
    cells = [[para(label, HEAD_CENTRE) for label in labels], [para(str(found[k]), CELL_CENTRE) for k in labels]]
    table = grid_table(cells, [width / len(labels)] * len(labels))
    person_minutes = _("Total person-minutes attended: {minutes} ({duration})").format(minutes=f"{minutes:,}",
                                                                                      duration=duration(minutes))
    attest = _("I confirm that this record is accurate. Trainer's signature: "
               "______________________________ Date: ______________")
    return KeepTogether([para(_("Totals"), SECTION), Spacer(1, 2 * mm), table, Spacer(1, 2 * mm),
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
    where = _("{title} · {date} · session {session}").format(title=data.title, date=human_date(data.date),
                                                             session=data.session_id)
    running = _("Sign-in sheet · {where}").format(where=where)
    return build_pages(out, paper, story, title=_("Sign-in sheet - {title} - {date}").format(title=data.title,
                                                                                              date=data.date),
                       author=data.employer or data.trainer, running=running, footer_text=running, created=created)
