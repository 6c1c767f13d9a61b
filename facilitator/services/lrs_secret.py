"""The learning record store's password: never on the command line, never in a plain file.

It comes from the environment (FACILITATOR_LRS_PASSWORD, for a script or a CI job) or else from the system keyring
(PyPI `keyring`: the macOS Keychain, Windows' Credential Locker, the Secret Service of a Linux desktop), kept under
the store's address and the user name, so two stores keep two passwords. A computer without a keyring (a
server, a bare Linux without a desktop session) says so, and points to the environment variable instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError
from facilitator.services.settings import Settings

PASSWORD_ENV = "FACILITATOR_LRS_PASSWORD"
KEYRING_SERVICE = "Facilitator learning record store {url}"  # not user text: the keyring entry's name


@dataclass(frozen=True)
class Endpoint:
    """Where the statements go and the credentials they go with; the password is never shown by repr()."""

    url: str  # the xAPI endpoint, as set
    user: str
    password: str = field(repr=False)

    @property
    def statements_url(self) -> str:
        """The statements resource: the endpoint's `statements`, however the address was written."""
        base = self.url.rstrip("/")
        return base if base.endswith("/statements") else base + "/statements"



def in_the_clear(url: str) -> bool:
    """Whether the password would cross a network unencrypted: plain http to another computer."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme == "http" and host not in ("localhost", "::1") and not host.startswith("127.")


def endpoint(settings: Settings) -> Endpoint:
    """The configured store with its password; a UserError saying what to set when something is missing."""
    _require_address(settings)
    return Endpoint(settings.lrs_url, settings.lrs_user, password(settings))


def _require_address(settings: Settings) -> None:
    """A UserError unless both the store's address and the user name are set."""
    if not settings.lrs_url:
        raise UserError(_("no learning record store is set"), Remedy(
            command=_("run 'facilitator settings set lrs_url https://…/xAPI/' and 'facilitator settings set "
                      "lrs_user NAME'"),
            menu=_("set its address and user name in File → Settings…")))
    if not settings.lrs_user:
        raise UserError(_("no user name is set for the learning record store"), Remedy(
            command=_("run 'facilitator settings set lrs_user NAME'"),
            menu=_("set it in File → Settings…")))


def password(settings: Settings) -> str:
    """FACILITATOR_LRS_PASSWORD, else the keyring's entry for this store and user."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    problem = None
    try:
        kept = _keyring().get_password(KEYRING_SERVICE.format(url=settings.lrs_url), settings.lrs_user)
    except NoKeyring as missing:
        kept, problem = None, missing.reason
    if kept:
        return kept
    said = _("no password for {user} at the learning record store").format(user=settings.lrs_user)
    if problem:
        said += " " + _("(this computer has no system keyring: {reason})").format(reason=problem)
    raise UserError(said, Remedy(
        command=_("set {env}, or keep it in the system keyring with 'facilitator sync --set-password'").format(
            env=PASSWORD_ENV),
        menu=_("type it in File → Settings…, or set {env} before opening Facilitator").format(env=PASSWORD_ENV)))


def keep_password(settings: Settings, secret: str) -> None:
    """Keep `secret` in the system keyring for the configured store and user; a UserError if there is none."""
    _require_address(settings)
    try:
        _keyring().set_password(KEYRING_SERVICE.format(url=settings.lrs_url), settings.lrs_user, secret)
    except NoKeyring as missing:
        raise UserError(_("this computer has no system keyring to keep the password in ({reason})").format(
            reason=missing.reason), Remedy(
            command=_("set {env} in the environment instead").format(env=PASSWORD_ENV),
            menu=_("set {env} before opening Facilitator instead").format(env=PASSWORD_ENV))) from None


class NoKeyring(Exception):
    """The keyring cannot be used here: `keyring` is not installed, no backend is, or the backend failed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Keyring:
    """The system keyring's backends that `keyring` itself recommends (priority 1 or more: the Keychain, the
    Credential Locker, the Secret Service, KWallet), tried in its order; never a backend that keeps passwords in a
    file (keyrings.alt's, which another program may have installed), and every way they fail as NoKeyring."""

    def __init__(self, backends: list[Any]) -> None:
        if not backends:
            raise NoKeyring(_("no secure keyring backend was found"))
        self._backends = backends

    def get_password(self, service: str, user: str) -> str | None:
        return next((kept for b in self._backends if (kept := self._call(b.get_password, service, user))), None)

    def set_password(self, service: str, user: str, secret: str) -> None:
        failed: NoKeyring | None = None
        for backend in self._backends:
            try:
                self._call(backend.set_password, service, user, secret)
                return
            except NoKeyring as refused:
                failed = refused
        assert failed is not None  # there is at least one backend
        raise failed

    @staticmethod
    def _call(call: Callable[..., str | None], *args: str) -> str | None:
        from keyring.errors import KeyringError

        try:
            return call(*args)
        except KeyringError as failed:
            raise NoKeyring(str(failed).split(". ")[0] or type(failed).__name__) from None
        except (OSError, RuntimeError) as failed:  # a locked or broken backend (D-Bus gone, say)
            raise NoKeyring(str(failed) or type(failed).__name__) from None


def _keyring() -> _Keyring:
    """The system keyring, loaded only when a password is wanted (it looks for its backends as it loads)."""
    try:
        import keyring
        from keyring.backends.chainer import ChainerBackend
    except ImportError:
        raise NoKeyring(_("the 'keyring' package is not installed")) from None
    chosen = keyring.get_keyring()
    found = list(chosen.backends) if isinstance(chosen, ChainerBackend) else [chosen]
    return _Keyring([b for b in found if b.priority >= 1])
