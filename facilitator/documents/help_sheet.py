"""The attendees' hand-out, "Where to get help": the routes inside the organisation (left to fill in, since only
the client knows them) and, in full, the government agencies of the session's jurisdictions — phone, TTY,
website, how to file and the deadline — with the day those details were checked and where.

Portrait, A4 or Letter, numbered "page N of M"; one agency is never split across two pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from facilitator.documents import PRODUCT
from facilitator.documents.pages import CELL, CELL_BOLD, KICKER, LABEL, MARGIN, SECTION, TITLE, grid_table, para, style
from facilitator.documents.pages import build as build_pages
from facilitator.documents.text import BOLD, MUTED, check_paper, human_date, register_fonts
from facilitator.domain.jurisdiction import Agency
from facilitator.i18n import _

BODY = style("help-body", 9.5, leading=13)
AGENCY = style("help-agency", 10.5, BOLD, leading=13)
NOTE = style("help-note", 7.5, color=MUTED)
FILL_IN_ROW = 9 * mm  # room to write a name and a number by hand


@dataclass(frozen=True)
class HelpSheet:
    """What the hand-out prints for one session."""

    workshop_title: str
    session_date: str  # ISO date
    organisation: str  # the trainer's organisation, for the footer; "" if not set
    contacts: tuple[Agency, ...]


def render_help_sheet(data: HelpSheet, out: Path | BinaryIO, paper: str = "letter", *,
                      created: datetime | None = None) -> int:
    """Write the hand-out as a PDF; returns its page count. Same data and `created`, same bytes."""
    register_fonts()  # before any paragraph names the bundled fonts
    width = check_paper(paper)[0] - 2 * MARGIN
    story: list[Flowable] = [
        para(_("Where to get help"), TITLE),
        para(_("{workshop} · {date}").format(workshop=data.workshop_title, date=human_date(data.session_date)),
             KICKER),
        Spacer(1, 5 * mm),
        *_inside(width),
        Spacer(1, 6 * mm),
        *_outside(data.contacts, width),
    ]
    footer = _("Where to get help · {workshop}").format(workshop=data.workshop_title)
    return build_pages(out, paper, story, title=_("Where to get help - {workshop}").format(
        workshop=data.workshop_title), author=data.organisation or PRODUCT, running=footer,
        footer_text=footer, created=created)


def _inside(width: float) -> list[Flowable]:
    routes = [_("Your supervisor, or any other manager"), _("Human resources"), _("Hotline or online form"),
              _("Employee assistance program (if any)")]
    rows = [[para(_("Route"), LABEL), para(_("Name, phone or address (fill in)"), LABEL)]]
    rows += [[para(route, CELL_BOLD), ""] for route in routes]
    return [
        para(_("Inside your organization"), SECTION),
        Spacer(1, 2 * mm),
        para(_("You can report to any of these; you never have to go through your own supervisor. You can report "
               "what happened to you or what you saw, in writing or out loud, without proof. Retaliation against "
               "anyone who reports, or who takes part in an investigation as a witness, is against the law."), BODY),
        Spacer(1, 3 * mm),
        grid_table(rows, [width * 0.42, width * 0.58], min_height=FILL_IN_ROW),
    ]


def _outside(contacts: Sequence[Agency], width: float) -> list[Flowable]:
    story: list[Flowable] = [
        para(_("Outside: government agencies"), SECTION),
        Spacer(1, 2 * mm),
        para(_("You may also go to a government agency before, during or after a report inside, or instead of "
               "one. Deadlines are strict: a complaint filed late can be refused, so do not wait. Agencies do not "
               "charge to file."), BODY),
        Spacer(1, 3 * mm),
    ]
    if not contacts:
        story.append(para(_("This session names no jurisdiction with agency contacts. Ask your human resources "
                            "department or the trainer for the agency where you work."), BODY))
        return story
    for agency in contacts:
        story += [KeepTogether(_agency(agency, width)), Spacer(1, 4 * mm)]
    oldest = min(a.verified_on for a in contacts)
    story += [
        para(_("These details were checked on {date} against the sources below, the agencies' own pages first. "
               "Numbers, addresses and deadlines change: check the agency's site before you rely on a deadline. "
               "This sheet is information, not legal advice.").format(date=human_date(oldest.isoformat())), NOTE),
        Spacer(1, 1.5 * mm),
        para(_("Sources: {sources}").format(sources=" · ".join(dict.fromkeys(s for a in contacts for s in a.sources))),
             NOTE),
    ]
    return story


def _agency(agency: Agency, width: float) -> list[Flowable]:
    rows = [[para(_("Phone"), LABEL), para(agency.phone, CELL_BOLD)]]
    if agency.tty:
        rows.append([para(_("Deaf or hard of hearing"), LABEL), para(agency.tty, CELL)])
    rows.append([para(_("Website"), LABEL), para(agency.web_address, CELL)])
    if agency.deadline:
        rows += [[para(_("How to file"), LABEL), para(agency.filing, CELL)],
                 [para(_("Deadline"), LABEL), para(agency.deadline, CELL_BOLD)]]
    else:  # a help line: it advises, and takes no complaint
        rows.append([para(_("How it works"), LABEL), para(agency.filing, CELL)])
    return [para(agency.name, AGENCY), para(agency.covers, KICKER), Spacer(1, 1.5 * mm),
            grid_table(rows, [width * 0.2, width * 0.8], header=False)]
