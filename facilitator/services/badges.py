"""Printing a session's badges and sign-in roster as one PDF, written whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facilitator.documents.badges import PAPERS, BadgePerson, BadgeSheetSession, misprinted_names, render_badges
from facilitator.i18n import _, either
from facilitator.services.errors import UserError
from facilitator.services.files import output_target, save
from facilitator.services.sessions import SessionDetail, get_session
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace


@dataclass(frozen=True)
class BadgesResult:
    """Where the PDF went, how many badges it holds, how many pages it has, and whose names it could not
    print (left blank for the trainer to write in; the badge and its code work all the same)."""

    path: Path
    people: int
    pages: int
    misprinted: list[tuple[str, str]]  # (name, the code printed on that badge)

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "people": self.people, "pages": self.pages,
                "misprinted": [{"name": name, "code": code} for name, code in self.misprinted]}


def make_badges(ws: Workspace, session_id: str, out: Path, paper: str | None = None, *, force: bool = False
                ) -> BadgesResult:
    """Write badges for everyone on the session's roster, then the sign-in roster, to `out` (replacing a file
    Facilitator did not write only with `force`: see services/files.py), on `paper` or the 'paper' setting."""
    paper = (paper or load_settings(ws).paper).strip().lower()
    if paper not in PAPERS:
        raise UserError(_("unknown paper size '{paper}'; choose {sizes}").format(
            paper=paper, sizes=either(PAPERS)))
    detail = get_session(ws, session_id)
    if not detail.roster:
        raise UserError(_("session {session} has no one on its roster yet; add people before printing badges").format(
            session=detail.id))
    shown = Path(out).expanduser().absolute()
    target = _check_target(ws, shown, force)
    people = [BadgePerson(p.first_name, p.last_name, p.employee_id, p.department, p.badge_code, detail.id)
              for p in detail.roster]
    pages = save(target, lambda file: render_badges(file, _sheet_session(detail), people, paper))
    return BadgesResult(shown, len(people), pages, misprinted_names(people))


def _sheet_session(detail: SessionDetail) -> BadgeSheetSession:
    return BadgeSheetSession(detail.id, detail.workshop_title, detail.date, detail.start, detail.location)


def _check_target(ws: Workspace, out: Path, force: bool) -> Path:
    """The file to write (links followed), in a folder that exists."""
    target = output_target(ws, out, force=force, example="badges.pdf")
    if not target.parent.is_dir():
        raise UserError(_("the folder {folder} does not exist; create it or write the badges elsewhere").format(
            folder=out.parent))
    return target
