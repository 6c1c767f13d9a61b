"""Every path Facilitator uses is resolved here: the data folder, the built-in library and the assets."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Facilitator"  # not user text: the folder's name, the same in every language
DATA_DIR_ENV = "FACILITATOR_DATA_DIR"
SETTINGS_FILE = "settings.json"  # in the data folder
PRESENTER_FILE = "presenter.json"  # in the data folder: the step each session's console was on
CACHE_DIR_ENV = "FACILITATOR_CACHE_DIR"  # where the validated library is kept between runs (tests use their own)
LIBRARY_CACHE_FILE = "library.pickle"
TRANSLATIONS_ENV = "FACILITATOR_TRANSLATIONS_DIR"  # another folder of catalogues: a translator's work in progress
_PACKAGE = Path(__file__).resolve().parent


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: `--data-dir`, else $FACILITATOR_DATA_DIR, else the platform's user data folder."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def library_cache_file() -> Path:
    """The validated workshop library kept between runs: $FACILITATOR_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve() / LIBRARY_CACHE_FILE
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / LIBRARY_CACHE_FILE


def settings_file(data_dir: Path) -> Path:
    """The settings of a data folder (its organisation, paper, language …)."""
    return data_dir / SETTINGS_FILE


def presenter_file(data_dir: Path) -> Path:
    """Where the console keeps the step each session was on, so a reopened console resumes there."""
    return data_dir / PRESENTER_FILE


def demo_data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The demo's own folder, so trying the demo never touches real sessions."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    return data_dir(chosen) if chosen else data_dir() / "demo"


class BundleMissing(FileNotFoundError):
    """A folder shipped with the app is not where it should be: a broken install. The services tell the user."""

    def __init__(self, name: str, candidates: list[Path]) -> None:
        self.name, self.candidates = name, candidates
        looked = ", ".join(str(c) for c in candidates)
        super().__init__(f"the built-in {name} folder is missing (looked in {looked})")  # not user text: see above


def _bundled(name: str) -> Path:
    """A folder shipped with the app: frozen build, installed wheel, or the source tree, in that order."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = [Path(frozen) / name] if frozen else []
    candidates += [_PACKAGE / "_bundled" / name, _PACKAGE.parent / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise BundleMissing(name, candidates)


def library_dir() -> Path:
    return _bundled("sessions")


def assets_dir() -> Path:
    return _bundled("assets")


def translations_dir() -> Path:
    """The gettext catalogues: $FACILITATOR_TRANSLATIONS_DIR, else the bundled assets/translations."""
    chosen = os.environ.get(TRANSLATIONS_ENV)
    return Path(chosen).expanduser().resolve() if chosen else assets_dir() / "translations"
