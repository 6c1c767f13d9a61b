"""The settings: the organisation's name and logo and the paper size documents use, and the language of the app.

Kept as a small JSON file in the data folder, written atomically, checked with pydantic so a hand-edited
file with a mistake gives a clear message instead of a broken certificate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from facilitator import i18n, paths
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

    def to_json(self) -> dict[str, object]:
        return self.model_dump()



KEYS = tuple(Settings.model_fields)  # what `settings set` may change: every setting, declared once above

def load_settings(ws: Workspace) -> Settings:
    path = paths.settings_file(ws.data_dir)
    if not path.is_file():
        return Settings()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise UserError(
            _("{file} is not valid settings ({reason})").format(file=path, reason=str(exc).splitlines()[0]),
            Remedy(command=_("fix it or delete it and set the values again with 'facilitator settings set'"),
                   menu=_("fix it or delete it and set the values again in File → Settings…"))) from exc


def set_setting(ws: Workspace, key: str, value: str) -> Settings:
    """Change one setting (an empty value clears it) and save."""
    if key not in KEYS:
        raise UserError(_("there is no setting '{key}'; the settings are {keys}").format(key=key, keys=", ".join(KEYS)))
    current = load_settings(ws).model_dump()
    if key == "logo" and value:
        logo = Path(value).expanduser().resolve()
        if not logo.is_file() or logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise UserError(_("{file} is not a PNG or JPEG file; give the path of the logo image").format(file=value))
        value = str(logo)
    if key == "language" and value not in ("", *i18n.available_languages()):
        raise UserError(_("there is no '{language}' translation; the languages are {languages}, or '' for the "
                          "computer's own").format(language=value, languages=", ".join(i18n.available_languages())))
    current[key] = value or (None if key == "logo" else "")
    try:
        settings = Settings.model_validate(current)
    except ValidationError as exc:
        raise UserError(_("'{value}' is not a valid {key}: {reason}").format(
            value=value, key=key, reason=exc.errors()[0]["msg"])) from exc
    save(paths.settings_file(ws.data_dir), settings.model_dump_json(indent=2).encode("utf-8"), private=True)
    return settings
