"""Small pieces of wording that several services' messages share, built through the translation seam."""

from __future__ import annotations

from collections.abc import Iterable

from facilitator.i18n import _


def either(words: Iterable[str]) -> str:
    """"a4 or letter", "paper or phone": alternatives joined as the chosen language joins them."""
    items = list(words)
    text = items[0] if items else ""
    for word in items[1:]:
        text = _("{choices} or {choice}").format(choices=text, choice=word)
    return text
