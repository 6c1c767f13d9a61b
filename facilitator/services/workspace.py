"""A workspace: one data folder's store together with the workshop library, opened once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from facilitator import paths
from facilitator.content.library import Library, load_library
from facilitator.services.errors import Remedy, UserError
from facilitator.services.library import builtin_library
from facilitator.storage.database import Store, StoreError


@dataclass
class Workspace:
    """What every use case needs. The UI holds one without ever looking inside its store."""

    data_dir: Path
    store: Store
    library: Library

    def close(self) -> None:
        self.store.close()


def open_workspace(data_dir: str | os.PathLike[str] | None = None, *, demo: bool = False,
                   library_root: Path | None = None) -> Workspace:
    """Open the data folder (created and migrated as needed) and load the built-in library (kept validated between
    runs, content/library_cache.py); another `library_root` is always loaded afresh."""
    folder = paths.demo_data_dir(data_dir) if demo else paths.data_dir(data_dir)
    library = builtin_library() if library_root is None else load_library(library_root)
    try:
        store = Store.open(folder)
    except StoreError as exc:
        raise as_user_error(exc) from exc
    store.failure = as_user_error  # a full disk or a busy database in any transaction: a message, not a traceback
    return Workspace(folder, store, library)


def as_user_error(error: StoreError) -> UserError:
    """The store says what to do both ways; the remedy carries the two."""
    return UserError(error.message, Remedy(command=error.command, menu=error.menu) if error.command else None)
