"""One-time form tokens: every form the companion serves carries one, and a POST without a good one is refused.

A token is `EXPIRY.NONCE.MAC`: when it stops being accepted, 16 random bytes, and an HMAC-SHA256 over the form's
purpose, the expiry and the nonce, keyed with a random key made for this server and never stored. So a token
cannot be forged, cannot be used for another form than the one it was made for (the purpose is in the MAC, not
in the token), dies with the server, and is spent on use: a replayed form is refused. The spent nonces are kept
only until their tokens expire, after which the expiry alone refuses them.

Times come from an injected clock, by default the monotonic clock, so that a jump of the laptop's wall clock
neither expires nor prolongs the forms on the phones (the tokens never leave this process, so they need no
wall time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Literal

from facilitator.i18n import N_, Words
from facilitator.services.errors import UserError

Clock = Callable[[], float]
LIFETIME = 15 * 60.0  # seconds a form stays usable: a person who types slowly is not turned away
KEY_BYTES = 32
NONCE_BYTES = 16
FIELD = "form_token"  # the hidden field every form carries its token in
_PURPOSE = re.compile(r"^[a-z0-9_.:\-/]{1,64}$")
_TOKEN = re.compile(r"^[0-9a-f]{1,16}\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}$")  # bounded before any work
Reason = Literal["forged", "expired", "replayed"]


class FormRefused(UserError):
    """A form whose token is missing, forged, for another form, expired or already used; `reason` says which
    (forged covers missing and another form's token), the message says what to do on the phone."""

    def __init__(self, reason: Reason) -> None:
        messages = {
            "forged": N_("This form could not be checked. Go back, reload the page and try again."),
            "expired": N_("This page was open too long and has expired. Go back, reload it and try again."),
            "replayed": N_("This form was already sent. To send something new, go back and reload the page."),
        }
        super().__init__(Words(messages[reason]))  # said again in the phone's language
        self.reason: Reason = reason


class FormTokens:
    """Makes and checks the one-time tokens of one server's forms. Safe to use from several threads."""

    def __init__(self, key: bytes | None = None, clock: Clock = time.monotonic, lifetime: float = LIFETIME) -> None:
        self._key = key if key is not None else secrets.token_bytes(KEY_BYTES)
        self._clock = clock
        self._lifetime = lifetime
        self._spent: dict[str, float] = {}  # nonce -> when its token expires
        self._lock = threading.Lock()

    def issue(self, purpose: str) -> str:
        """A new token for the form named `purpose` ("checkin", "vote:3" …), good once within the lifetime."""
        _check_purpose(purpose)
        expiry = math.ceil(self._clock() + self._lifetime)  # rounded up: never shorter than promised
        nonce = _b64(secrets.token_bytes(NONCE_BYTES))
        return f"{expiry:x}.{nonce}.{self._mac(purpose, expiry, nonce)}"

    def spend(self, token: str | None, purpose: str) -> None:
        """Accept `token` for the form `purpose` once, or raise FormRefused saying why not."""
        _check_purpose(purpose)
        if not token or not _TOKEN.match(token):
            raise FormRefused("forged")
        hex_expiry, nonce, mac = token.split(".")
        expiry = int(hex_expiry, 16)
        if not hmac.compare_digest(mac, self._mac(purpose, expiry, nonce)):
            raise FormRefused("forged")
        now = self._clock()
        if now >= expiry:
            raise FormRefused("expired")
        with self._lock:
            if nonce in self._spent:
                raise FormRefused("replayed")
            self._forget_expired(now)
            self._spent[nonce] = expiry

    def _mac(self, purpose: str, expiry: int, nonce: str) -> str:
        message = f"{purpose}\n{expiry:x}\n{nonce}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def _forget_expired(self, now: float) -> None:
        """Drop spent nonces whose tokens have expired (their expiry refuses them now), so the memory held is
        bounded by the forms sent within one lifetime."""
        if len(self._spent) < 256:  # not worth a pass yet
            return
        for nonce in [n for n, expiry in self._spent.items() if now >= expiry]:
            del self._spent[nonce]


def _check_purpose(purpose: str) -> None:
    if not _PURPOSE.match(purpose):
        raise ValueError(f"a form's purpose is a short lower-case name, not {purpose!r}")  # not user text: a bug


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
