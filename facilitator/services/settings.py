"""The settings: the organisation's name and logo, the paper size documents use, the language of the app, the
trainer's profile (the provider they train for and their qualifications), new sessions' grace period, and the
learning record store that `facilitator sync` sends to (its address and user name; never its password), and the
address and port the phones' companion last ran on.

Kept as a small JSON file in the data folder, written atomically, checked with pydantic so a hand-edited
file with a mistake gives a clear message instead of a broken certificate.
"""

from __future__ import annotations

import io
import ipaddress
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from facilitator import i18n, paths
from facilitator.domain.sessions import DEFAULT_GRACE_MINUTES, MAX_GRACE_MINUTES
from facilitator.files import NotARegularFile, read_bounded
from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError
from facilitator.services.files import save

if TYPE_CHECKING:  # the command line reads the language before anything heavier is loaded
    from facilitator.services.workspace import Workspace



class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(default="", max_length=200)
    logo: str | None = None  # a PNG or JPEG file
    paper: Literal["letter", "a4"] = "letter"
    # "": the computer's own language
    language: str = Field(default="", pattern=r"^([a-z]{2,3}(_[A-Z]{2})?)?$")
    # The trainer's profile: the provider they train for, and their qualifications ("employment attorney, 6
    # years"), printed in the report and sealed with each record; California asks for a qualified trainer.
    trainer_organisation: str = Field(default="", max_length=200)
    trainer_qualifications: str = Field(default="", max_length=500)
    # The employer's answers to what decides whether a law binds it: how many employees it has, counted as the
    # law counts them, and its industry (Illinois asks more of restaurants and bars). Sealed with each record.
    employer_employees: int | None = Field(default=None, ge=0, le=10_000_000)
    employer_industry: Literal["", "restaurant", "bar", "other"] = ""
    # The employer's web address: learning records name people by their employee id "on" this system (an xAPI
    # account's home page). Without it, the records name people by their e-mail address.
    employer_web_address: str = Field(default="", max_length=200, pattern=r"^(https?://[^\s/]+\.[^\s]*)?$")
    # How late someone may arrive (or how early leave) before the record says so: each new session's default.
    grace_minutes: int = Field(default=DEFAULT_GRACE_MINUTES, ge=0, le=MAX_GRACE_MINUTES)
    # The learning record store `facilitator sync` sends the xAPI statements to: its xAPI endpoint (such as
    # https://lrs.example.com/xAPI/), and the user name it knows this laptop by. No password is ever kept here, nor
    # one in the address: it comes from FACILITATOR_LRS_PASSWORD or the system keyring (services/lrs_secret.py).
    lrs_url: str = Field(default="", max_length=500)
    lrs_user: str = Field(default="", max_length=200, pattern=r"^[^:\r\n]*$")  # basic auth: no colon
    # HR's database `facilitator sync` imports this laptop's sealed sessions into, where the laptop can reach it:
    # a PostgreSQL URL (postgresql+psycopg://USER@HOST:5432/DATABASE; its password from PGPASSWORD or ~/.pgpass,
    # never here) or the path of a SQLite file HR shares. HR must trust this laptop's certificate first.
    hr_database: str = Field(default="", max_length=500)
    # Where the console last started the phones' companion (docs/companion.md): the laptop's address on the
    # network the phones are on (never every interface) and the port, offered again next time.
    companion_host: str = Field(default="", max_length=45)
    companion_port: int = Field(default=8765, ge=1024, le=65535)

    @field_validator("lrs_url")
    @classmethod
    def _an_lrs_address(cls, value: str) -> str:
        problem = lrs_address_problem(value) if value else None
        if problem:
            raise PydanticCustomError("lrs_url", problem)
        return value

    @field_validator("companion_host")
    @classmethod
    def _one_address(cls, value: str) -> str:
        try:
            if value and ipaddress.ip_address(value).is_unspecified:
                raise ValueError(value)
        except ValueError:
            raise PydanticCustomError("companion_host", _("give one of this laptop's addresses, such as "
                                                          "192.168.1.20; never 0.0.0.0")) from None
        return value

    @field_validator("hr_database")
    @classmethod
    def _an_hr_database(cls, value: str) -> str:
        problem = hr_database_problem(value) if value else None
        if problem:
            raise PydanticCustomError("hr_database", problem)
        return value

    def to_json(self) -> dict[str, object]:
        return self.model_dump()



def hr_database_problem(value: str) -> str | None:
    """What is wrong with `value` as HR's database for `sync`; None when nothing is."""
    if "://" not in value:
        return None if Path(value).expanduser().is_absolute() else _("give the full path of HR's SQLite file")
    try:
        parts = urlsplit(value)
    except ValueError:
        return _("it is not a database address")
    if not parts.scheme.startswith("postgres"):
        return _("give postgresql+psycopg://USER@HOST:5432/DATABASE, or the full path of HR's SQLite file")
    if parts.password is not None:
        return _("a password does not belong in the address: keep it in PGPASSWORD or ~/.pgpass")
    return None


def lrs_address_problem(url: str) -> str | None:
    """What is wrong with `url` as a learning record store's xAPI endpoint; None when nothing is."""
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number, or out of range, raises
    except ValueError:
        return _("it is not a web address")
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        return _("give the address of its xAPI endpoint, starting with https://")
    if parts.username is not None or parts.password is not None:
        return _("a user name or password does not belong in the address: set lrs_user, and keep the password in "
                 "FACILITATOR_LRS_PASSWORD or the system keyring")
    if parts.query or parts.fragment or any(c.isspace() for c in url):
        return _("it may not have a query (?…), a fragment (#…) or spaces")
    return None


MAX_SETTINGS_BYTES = 64 * 1024  # a few short values: a larger file is not ours
KEYS = tuple(Settings.model_fields)  # what `settings set` may change: every setting, declared once above

def load_settings(ws: Workspace) -> Settings:
    path = paths.settings_file(ws.data_dir)
    if not path.is_file():
        return Settings()
    try:
        return Settings.model_validate(json.loads(read_bounded(path, MAX_SETTINGS_BYTES).decode("utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise UserError(
            _("{file} is not valid settings ({reason})").format(file=path, reason=str(exc).splitlines()[0]),
            Remedy(command=_("fix it or delete it and set the values again with 'facilitator settings set'"),
                   menu=_("fix it or delete it and set the values again in File → Settings…"))) from exc


LOGO_MAX_BYTES = 20 * 1024 * 1024  # a logo file; a photograph from a phone is 5 MB
LOGO_MAX_PIXELS = 40_000_000  # 8000 by 5000: far more than a logo needs; certificates check it again


def _usable_logo(value: str) -> Path:
    """The logo's full path, once its header shows a PNG or JPEG picture of a size that can be printed. Only the
    header is decoded here (the picture is read when the first certificate is made), so a picture of 20000 by
    20000 pixels is refused in a moment, not after filling the memory."""
    from PIL import Image  # Pillow is slow to import; only setting a logo needs it here

    logo = Path(value).expanduser().resolve()
    not_a_logo = UserError(_("{file} is not a PNG or JPEG file; give the path of the logo image").format(file=value))
    if logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise not_a_logo
    try:
        data = read_bounded(logo, LOGO_MAX_BYTES)
    except (FileNotFoundError, NotARegularFile):
        raise not_a_logo from None
    except OSError as exc:  # too large, or unreadable
        raise UserError(_("{file} cannot be used as the logo ({reason}); give the path of a smaller PNG or JPEG "
                          "image").format(file=value, reason=exc.strerror)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # its size is judged just below
            with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
                width, height = image.size
    except Image.DecompressionBombError:  # so far beyond Pillow's own limit that it will not even open it
        width = height = None
    except (OSError, ValueError, SyntaxError) as exc:
        raise UserError(_("{file} cannot be read as a PNG or JPEG image ({reason}); give the path of the logo "
                          "image").format(file=value, reason=str(exc) or type(exc).__name__)) from None
    if width is None or height is None or width * height > LOGO_MAX_PIXELS:
        raise UserError(_("{file} is too large to print (more than {limit} million pixels); give a smaller copy of "
                          "the logo (2000 pixels wide is plenty)").format(
            file=value, limit=LOGO_MAX_PIXELS // 1_000_000))
    return logo


def set_setting(ws: Workspace, key: str, value: str) -> Settings:
    """Change one setting (an empty value clears it) and save."""
    if key not in KEYS:
        raise UserError(_("there is no setting '{key}'; the settings are {keys}").format(key=key, keys=", ".join(KEYS)))
    current = load_settings(ws).model_dump()
    if key == "logo" and value:
        value = str(_usable_logo(value))
    if key == "language" and value not in ("", *i18n.available_languages()):
        raise UserError(_("there is no '{language}' translation; the languages are {languages}, or '' for the "
                          "computer's own").format(language=value, languages=", ".join(i18n.available_languages())))
    current[key] = value or Settings.model_fields[key].default  # an empty value puts the default back
    try:
        settings = Settings.model_validate(current)
    except ValidationError as exc:
        raise UserError(_("'{value}' is not a valid {key}: {reason}").format(
            value=value, key=key, reason=exc.errors()[0]["msg"])) from exc
    save(paths.settings_file(ws.data_dir), settings.model_dump_json(indent=2).encode("utf-8"), private=True)
    return settings
