"""A person on a session's roster, as HR sent them or as they walked in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Who someone is, independent of any session or badge."""

    first_name: str
    last_name: str
    employee_id: str | None = None
    email: str | None = None
    department: str | None = None
    supervisor: str | None = None
    language: str | None = None
    is_supervisor: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
