"""File names for the certificates a trainer hands out: 'Diaz-Ana-certificate.pdf', safe on every system."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_NAME_PART = 40  # characters of a name kept in a file name: long enough to tell people apart, short for paths


def handout_names(people: Sequence[tuple[str, str, str]]) -> list[str]:
    """File names a trainer can hand out, one per (last name, first name, certificate id):
    'Diaz-Ana-certificate.pdf'. Letters are folded to ASCII and anything else becomes a dash, so the names are
    safe on every system, in a zip and in an e-mail; names that would clash (two Sam Lees, or Lee and LEE on a
    system that ignores case) get their certificate id too, and a name with no Latin letters is its id alone."""
    stems = []
    for last, first, certificate_id in people:
        stem = "-".join(part for part in (_ascii(last), _ascii(first)) if part)
        stems.append(stem or f"certificate-{_ascii(certificate_id)}")
    ids = [_ascii(certificate_id) or str(n) for n, (_last, _first, certificate_id) in enumerate(people, start=1)]
    if len({i.casefold() for i in ids}) < len(ids):  # ids are meant to be unique; if not, their places are
        ids = [f"{i}-{n}" for n, i in enumerate(ids, start=1)]
    # A clash gets the ids; should a name with an id still meet another ('Lee Sam C 1'), both get theirs again.
    # Ids are unique, so each round parts the names that met; a round with no clash ends it.
    while len({s.casefold() for s in stems}) < len(stems):
        seen = [s.casefold() for s in stems]
        stems = [f"{s}-{i}" if seen.count(s.casefold()) > 1 else s for s, i in zip(stems, ids, strict=True)]
    return [f"{s}.pdf" if s.startswith("certificate-") else f"{s}-certificate.pdf" for s in stems]

def _ascii(text: str) -> str:
    """Letters and digits folded to ASCII ('Núñez' → 'Nunez'), the rest one dash, at most MAX_NAME_PART long."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:MAX_NAME_PART].strip("-")
