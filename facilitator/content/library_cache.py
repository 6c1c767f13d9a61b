"""The validated workshop library kept between runs, so opening the app does not re-read and re-check every file.

Loading the library parses some thirty YAML files and validates each against the schema; that is most of what
stands between a trainer double-clicking the app and their session on screen. The result is kept in one file,
under a key made of every library file's name, size and modification time, the Python version, and the same for
the code whose objects it holds (this package and `domain`): any change to any of them (an edited workshop, an
upgrade) makes the key differ, and the library is
loaded afresh and kept again. A cache that cannot be read, is damaged or belongs to another key is ignored; one
that cannot be written is skipped. Either way the library is exactly what `load_library` returns.

The cache is a pickle in the user's own cache folder: a file only that user (and this app) writes, like the
Python bytecode the app already runs from. It is never read from a folder a user names.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

from facilitator.content.library import Library, load_library
from facilitator.files import read_bounded, write_atomically

MAX_CACHE_BYTES = 64 * 1024 * 1024  # the built-in library pickles to about half a megabyte
CODE = (Path(__file__).parent, Path(__file__).parent.parent / "domain")  # the classes a cached library holds
FORMAT = 1  # raise when the cached object's layout changes in a way the version number would not catch


def cached_library(root: Path, cache_file: Path | None) -> Library:
    """The library under `root`, from `cache_file` when that was made from these very files, else loaded (and
    kept there for next time). With no cache file, simply loaded."""
    if cache_file is None:
        return load_library(root)
    key = library_key(root)
    kept = _read(cache_file, key)
    if kept is not None:
        return kept
    library = load_library(root)
    _write(cache_file, key, library)
    return library


def library_key(root: Path) -> str:
    """A digest of what the library is loaded from: every file's path, size and modification time below `root`
    and in the code that loads it and defines what it holds, and the Python version."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for folder in (root, *CODE):
        digest.update(f"{folder.resolve()}\0".encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            info = path.stat()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _read(cache_file: Path, key: str) -> Library | None:
    try:
        kept_key, library = pickle.loads(read_bounded(cache_file, MAX_CACHE_BYTES))  # a file we wrote: see above
    except Exception:  # missing, damaged or foreign: load afresh
        return None
    return library if kept_key == key and isinstance(library, Library) else None


def _write(cache_file: Path, key: str, library: Library) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(cache_file, pickle.dumps((key, library), protocol=pickle.HIGHEST_PROTOCOL), private=True)
    except (OSError, pickle.PicklingError):  # a read-only or full disk: the next start loads afresh, that is all
        pass
