"""Opening HR's store for a use case: where `--db` (or $FACILITATOR_HR_DB, or the data folder) says, with every
failure to open or use it told as a UserError (what happened, what to do) rather than a traceback."""

from __future__ import annotations

import os

from facilitator import paths
from facilitator.services.workspace import as_user_error
from facilitator.storage.faults import StoreError
from facilitator.storage.hr_database import HR_DB_ENV, HrStore

__all__ = ["HR_DB_ENV", "HrStore", "open_hr_store"]


def open_hr_store(db: str | None = None, data_dir: str | os.PathLike[str] | None = None) -> HrStore:
    """HR's store: the database `db` names (a PostgreSQL URL or a SQLite file), else $FACILITATOR_HR_DB's, else
    hr.sqlite in the data folder (`data_dir`, else $FACILITATOR_DATA_DIR, else the user's)."""
    try:
        store = HrStore.open(db, paths.data_dir(data_dir))
    except StoreError as exc:
        raise as_user_error(exc) from exc
    store.failure = as_user_error
    return store
