"""A problem found in a content file, worded so the author knows where to look and what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from facilitator.i18n import _


@dataclass(frozen=True)
class ContentProblem:
    """One error in one file: where it is, what is wrong and what to do about it."""

    file: Path
    line: int | None
    field: str
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        field = f" {self.field}:" if self.field else ""
        return _("{where}:{field} {message}. Fix: {fix}").format(where=where, field=field, message=self.message,
                                                                 fix=self.fix)

    def as_dict(self) -> dict[str, object]:
        return {"file": str(self.file), "line": self.line, "field": self.field,
                "message": self.message, "fix": self.fix}


class ContentError(Exception):
    """Raised when a file cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
