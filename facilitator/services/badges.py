"""Printing a session's badges and sign-in roster as one PDF, written whole or not at all."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from facilitator.documents.badges import PAPERS, BadgePerson, BadgeSheetSession, misprinted_names, render_badges
from facilitator.services.errors import UserError
from facilitator.services.sessions import SessionDetail, get_session
from facilitator.services.workspace import Workspace


@dataclass(frozen=True)
class BadgesResult:
    """Where the PDF went, how many badges it holds, how many pages it has, and whose names it could not
    print (left blank for the trainer to write in; the badge and its code work all the same)."""

    path: Path
    people: int
    pages: int
    misprinted: list[tuple[str, str]]  # (name, the code printed on that badge)

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "people": self.people, "pages": self.pages,
                "misprinted": [{"name": name, "code": code} for name, code in self.misprinted]}


def make_badges(ws: Workspace, session_id: str, out: Path, paper: str = "a4") -> BadgesResult:
    """Write badges for everyone on the session's roster, then the sign-in roster, to `out`."""
    paper = paper.strip().lower()
    if paper not in PAPERS:
        raise UserError(f"unknown paper size '{paper}'; choose {' or '.join(PAPERS)}")
    detail = get_session(ws, session_id)
    if not detail.roster:
        raise UserError(f"session {detail.id} has no one on its roster yet; add people before printing badges")
    target = _check_target(Path(out))
    people = [BadgePerson(p.first_name, p.last_name, p.employee_id, p.department, p.badge_code, detail.id)
              for p in detail.roster]
    pages = _write_atomically(target, lambda file: render_badges(file, _sheet_session(detail), people, paper))
    return BadgesResult(target, len(people), pages, misprinted_names(people))


def _sheet_session(detail: SessionDetail) -> BadgeSheetSession:
    return BadgeSheetSession(detail.id, detail.workshop_title, detail.date, detail.start, detail.location)


def _check_target(out: Path) -> Path:
    target = out.expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name, for example {target / 'badges.pdf'}")
    if not target.parent.is_dir():
        raise UserError(f"the folder {target.parent} does not exist; create it or write the badges elsewhere")
    return target


def _write_atomically(target: Path, write: Callable[[BinaryIO], int]) -> int:
    """Write through a hidden file beside the target, then rename it over the target: a run that fails
    halfway (a full disk, a crash) leaves the old file or none, never half a PDF."""
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        file = _create(temp)
    except OSError as exc:
        raise UserError(f"cannot write in {target.parent}: {exc.strerror}; choose another folder") from None
    try:
        with file:
            result = write(file)
            file.flush()
            os.fsync(file.fileno())
        _replace(temp, target)
    except OSError as exc:  # a full disk, a USB stick pulled out
        temp.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise UserError(f"could not write {target}: {reason}; any earlier file there is unchanged") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return result


def _create(path: Path) -> BinaryIO:
    """A new file that must not exist yet; mode 0o666 lets the user's umask decide who may read it, as for
    any file they save (a temporary file's usual 0o600 would stick to the PDF after the rename)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, 0o666), "wb")


def _replace(temp: Path, target: Path) -> None:
    try:
        os.replace(temp, target)
    except OSError as exc:
        # On Windows a PDF open in a viewer cannot be replaced.
        raise UserError(f"cannot write {target}: {exc.strerror}; is it open in another program?") from None
