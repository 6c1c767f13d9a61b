"""Noticing changes to the store, whoever made them, so every view showing the data refreshes itself.

A check-in at the console's desk, one typed at the command line, a session sealed from a second window: each is
a commit to the data folder's database. The watch asks the store's change probe a few times a second (on the
GUI thread: the probe is one cheap pragma) and says `changed` after each commit; views connect their own
refresh to it, so no one has to remember which views to push.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from facilitator.services.workspace import Workspace

INTERVAL_MS = 500  # a change made elsewhere shows within about half a second


class StoreWatch(QObject):
    """Says `changed` once after each look that finds the store changed since the last."""

    changed = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._probe = workspace.store.changes()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.look)
        self._timer.start()

    def look(self) -> bool:
        """Look now (the timer does this on its own); True, and `changed` said, if the store changed."""
        if self._probe.changed():
            self.changed.emit()
            return True
        return False

    def stop(self) -> None:
        self._timer.stop()
        self._probe.close()
