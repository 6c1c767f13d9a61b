"""`facilitator sync` into HR's database: the sealed sessions HR does not hold yet (or holds with fewer amendments)
exported as one bundle and imported there, as `hr import` would, when the laptop can reach HR's database.

HR's database is the truth of what it holds, so a session handed over on a USB stick is not sent again. The bundle
is verified there like any other: HR must have trusted this laptop's certificate (`facilitator keys export-cert`,
then `hr trust add` on HR's side), or it goes to HR's quarantine with the reason.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from facilitator.i18n import _, ngettext
from facilitator.services.errors import Remedy, UserError
from facilitator.services.export import export_bundle, newer_than
from facilitator.services.hr_history import held_sessions
from facilitator.services.hr_import import BundleResult, import_bundles
from facilitator.services.hr_store import open_hr_store
from facilitator.services.settings import load_settings
from facilitator.services.workspace import Workspace

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class HrSync:
    """Where the sessions went, which, and what HR's import said (None: nothing was new)."""

    where: str
    sessions: tuple[str, ...]
    imported: BundleResult | None

    @property
    def message(self) -> str:
        if self.imported is None:
            return _("HR's database at {where} holds every sealed session already").format(where=self.where)
        return ngettext("Sent {n} session to HR's database at {where}: {result}",
                        "Sent {n} sessions to HR's database at {where}: {result}", len(self.sessions)).format(
            n=len(self.sessions), where=self.where, result=self.imported.message)

    @property
    def failure(self) -> str | None:
        if self.imported is None or self.imported.ok:
            return None
        return _("HR's database refused them: {reason}; give HR your certificate ('facilitator keys export-cert') "
                 "to trust").format(reason=self.imported.reason)

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "sessions": list(self.sessions),
                "imported": self.imported.to_json() if self.imported else None, "failure": self.failure}


def sync_to_hr(ws: Workspace, *, passphrase: str | None = None, progress: Progress | None = None) -> HrSync:
    """Send HR what it lacks; a UserError when no HR database is set or it cannot be reached."""
    where = load_settings(ws).hr_database
    if not where:
        raise UserError(_("no HR database is set"), Remedy(
            command=_("set it with 'facilitator settings set hr_database URL'"),
            menu=_("set HR's database in File → Settings…")))
    store = open_hr_store(where, ws.data_dir)
    try:
        wanted = newer_than(ws, held_sessions(store))
        if not wanted:
            return HrSync(store.where, (), None)
        with tempfile.TemporaryDirectory(prefix="facilitator-sync-") as folder:
            made = export_bundle(ws, wanted, Path(folder) / "sync.zip", passphrase=passphrase, progress=progress)
            [result] = import_bundles(store, [made.path])
        return HrSync(store.where, tuple(wanted), result)
    finally:
        store.close()
