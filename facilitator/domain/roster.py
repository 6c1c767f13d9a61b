"""A person on a session's roster, as HR sent them or as they walked in, and how long each of their fields may be.

The limits are declared once, here: the store sizes its columns by them (storage/models.py) and the roster reader
refuses a longer value with a message (content/roster_rows.py), so nothing is ever cut short when saved. They are
the sizes of the store's first migration; changing one means a new migration as well.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from facilitator.i18n import N_, _

FIRST_NAME_MAX = 100
LAST_NAME_MAX = 100
EMPLOYEE_ID_MAX = 64
EMAIL_MAX = 254  # the longest address SMTP allows
DEPARTMENT_MAX = 100
SUPERVISOR_MAX = 200
LANGUAGE_MAX = 16

# The longest value, in characters, of each text field of a Person (by its attribute name).
FIELD_LIMITS: Mapping[str, int] = MappingProxyType({
    "first_name": FIRST_NAME_MAX, "last_name": LAST_NAME_MAX, "employee_id": EMPLOYEE_ID_MAX, "email": EMAIL_MAX,
    "department": DEPARTMENT_MAX, "supervisor": SUPERVISOR_MAX, "language": LANGUAGE_MAX,
})


# The fields a roster file may give for each person, with the words used for them in messages (marked here,
# translated where shown).
FIELDS: Mapping[str, str] = MappingProxyType({
    "employee_id": N_("employee id"), "first_name": N_("first name"), "last_name": N_("last name"),
    "full_name": N_("full name"), "email": N_("email"), "department": N_("department"),
    "supervisor": N_("supervisor"), "language": N_("language"), "is_supervisor": N_("is a supervisor"),
})


# What separates the values of a line in a text roster, by the names a person gives it: one, and several.
SEPARATOR_NAMES: Mapping[str, tuple[str, str]] = MappingProxyType({
    ",": (N_("comma"), N_("commas")), ";": (N_("semicolon"), N_("semicolons")), "\t": (N_("tab"), N_("tabs")),
    "|": (N_("bar"), N_("bars"))})


def separator_name(delimiter: str | None, *, several: bool = False) -> str:
    """"comma" (or "commas"), "tab" …, in the chosen language; an unusual one as itself, in quotes."""
    if delimiter not in SEPARATOR_NAMES:
        return repr(delimiter)
    return _(SEPARATOR_NAMES[delimiter][1 if several else 0])


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


def folded(text: str) -> str:
    """`text` as matching sees it: 'Zoë' and 'zoe' alike, as someone typing on an English keyboard would expect."""
    if text.isascii():  # most names: nothing to take apart (phones search the whole roster, many at once)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD_BREAKS = re.compile(r"[\s\-\u2010-\u2015]+")  # spaces and hyphens: "Lee-Okonkwo" is two words of a name


def _name_words(text: str) -> set[str]:
    """The words of a name, folded, each without its apostrophes and dots: "O'Neil" typed with a phone's curly
    apostrophe, or with none, is still "O'Neil"."""
    words = ("".join(c for c in folded(word) if c.isalnum()) for word in _WORD_BREAKS.split(text))
    return {word for word in words if word}


def names_person(typed: str, first_name: str, last_name: str, employee_id: str | None) -> bool:
    """Whether what someone typed on their own phone names this person: their employee id exactly, or their name
    in whole words, some of the first name's and some of the last name's and nothing else; accents, case, hyphens
    and apostrophes ignored. Never part of a word and never an e-mail, so a phone cannot find out who is on the
    list, or what their surname or id is, a letter at a time (docs/companion.md)."""
    if employee_id and folded(" ".join(typed.split())) == folded(employee_id.strip()):
        return True
    words, firsts, lasts = _name_words(typed), _name_words(first_name), _name_words(last_name)
    if not words or not words <= firsts | lasts:
        return False
    return bool(words & firsts or not firsts) and bool(words & lasts or not lasts)
