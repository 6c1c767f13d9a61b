"""Identifiers: short session ids a trainer can type, and unguessable badge tokens."""

from __future__ import annotations

import secrets

# Crockford's base32: no I, L, O or U, so an id read aloud or typed from paper is not misread. Upper case
# and digits also fit a QR code's compact alphanumeric mode.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SESSION_ID_LENGTH = 8  # 40 bits: unique across many trainers' laptops when HR merges their records
BADGE_TOKEN_LENGTH = 20  # 100 bits, above the 80 the design asks for


def random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_session_id() -> str:
    return random_code(SESSION_ID_LENGTH)


def new_badge_token() -> str:
    return random_code(BADGE_TOKEN_LENGTH)


def normalise_code(text: str) -> str:
    """Read a typed code leniently: case, spaces, hyphens and the look-alike letters are forgiven."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
