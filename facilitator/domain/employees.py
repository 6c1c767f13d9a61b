"""HR's employee list: who works where, since when, and whether they supervise; what the due-date rules need.

Not a roster: a roster lists who is expected at one session; the employee list is HR's whole workforce (imported
with `hr employees import`), against which `domain/due.py` says who is due for training, under which law.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class Employee(NamedTuple):
    """One person on HR's employee list.

    `jurisdictions` are the codes of the jurisdiction profiles (`sessions/jurisdictions/`) whose law applies where
    they work, as HR listed them. `supervisor_since` is when they became a supervisor; None for someone who is not
    one, or a supervisor whose list gives no date (the rules then count from their hire).

    A named tuple rather than a frozen dataclass, immutable all the same: `hr due` reads a whole company's list,
    tens of thousands of these, and a frozen dataclass takes as long to make as the store takes to read its row.
    """

    employee_id: str
    first_name: str
    last_name: str
    jurisdictions: tuple[str, ...]
    is_supervisor: bool = False
    hire_date: date | None = None
    supervisor_since: date | None = None
    email: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
