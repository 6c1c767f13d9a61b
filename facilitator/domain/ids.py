"""Identifiers: short session ids a trainer can type, and unguessable badge tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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


# A badge's QR code holds this prefix, the session id and the person's token: upper-case letters and digits
# only, so it fits the QR alphanumeric mode and a keyboard-wedge scanner types it the same on any keyboard
# layout. It names no one; the prefix tells our badges from any other QR code that is scanned by mistake.
BADGE_PREFIX = "FAC"


@dataclass(frozen=True)
class ScannedCode:
    """What a scanned or typed code says: the badge token, and the session it was printed for if it says."""

    token: str
    session_id: str | None


def badge_payload(session_id: str, token: str) -> str:
    """The text of a badge's QR code."""
    return f"{BADGE_PREFIX}{session_id}{token}"


def read_code(text: str) -> ScannedCode | None:
    """Understand a scanned QR payload or a typed badge code (hyphens and case forgiven); None if neither."""
    code = normalise_code(text)
    if code.startswith(BADGE_PREFIX) and len(code) == len(BADGE_PREFIX) + SESSION_ID_LENGTH + BADGE_TOKEN_LENGTH:
        body = code[len(BADGE_PREFIX):]
        session_id, token = body[:SESSION_ID_LENGTH], body[SESSION_ID_LENGTH:]
    elif len(code) == BADGE_TOKEN_LENGTH:
        session_id, token = None, code
    else:
        return None
    if not all(c in ALPHABET for c in token) or (session_id and not all(c in ALPHABET for c in session_id)):
        return None
    return ScannedCode(token, session_id)


def group_code(token: str, size: int = 5) -> str:
    """A badge token as printed for people to read and type: ABCDE-FGHJK-MNPQR-STVWX."""
    return "-".join(token[i:i + size] for i in range(0, len(token), size))
