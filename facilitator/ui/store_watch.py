"""Noticing changes to the store, whoever made them, so every view showing the data refreshes itself.

A check-in at the console's desk, one typed at the command line, a session sealed from a second window: each is
a commit to the data folder's database, and the store's journal says which session and which kind of data it
changed. The watch asks the store's change probe a few times a second (on the GUI thread: one cheap pragma, and a
read of the journal's newest rows after a commit) and says `changed` with what changed (domain/changes.py); each
view asks whether that touches what it shows, so no one has to remember which views to push. After its own step a
view calls `look()` to have every view follow at once rather than within half a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:  # the main window imports this before its first paint; the store loads after it
    from facilitator.services.workspace import Workspace

INTERVAL_MS = 500  # a change made elsewhere shows within about half a second


class StoreWatch(QObject):
    """Says `changed(Changes)` once after each look that finds the store changed since the last."""

    changed = Signal(object)  # domain.changes.Changes

    def __init__(self, workspace: Workspace, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._probe = workspace.store.changes()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.look)
        self._timer.start()

    def look(self) -> bool:
        """Look now (the timer does this on its own); True, and `changed` said, if the store changed."""
        found = self._probe.changed()
        if found:
            self.changed.emit(found)
            return True
        return False

    def stop(self) -> None:
        self._timer.stop()
        self._probe.close()
