"""Walk-ins waiting at the desk: people not on the list who asked from their phone to be added (docs/companion.md).

The phones' server writes them through services/companion.py from its own thread; the desk hears of them through
the store watch (ChangeKind.PHONES) and lists them under "Waiting to be added (N)", hidden while no one waits.
Approving adds the person to the roster and checks them in at the time they asked, through the same service as
every other check-in, run off the GUI thread as the app's operations are; a refusal (already on the roster, say)
is said in the desk's banner and leaves them waiting, so the trainer can look and decide again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from facilitator.domain.times import clock
from facilitator.i18n import N_, _
from facilitator.services import companion
from facilitator.services.attendance import ScanResult
from facilitator.services.companion import WaitingWalkIn
from facilitator.services.errors import UserError
from facilitator.services.workspace import Workspace
from facilitator.ui.models import Column, RowsModel
from facilitator.ui.operations import run_operation
from facilitator.ui.widgets import configure_table, error_text, plain_label, rich_label

log = logging.getLogger(__name__)
T = TypeVar("T")
WAITING = [Column[WaitingWalkIn](N_("Name"), lambda w: w.full_name),
           Column[WaitingWalkIn](N_("Employee ID"), lambda w: w.employee_id or ""),
           Column[WaitingWalkIn](N_("Asked at"), lambda w: clock(w.asked_at))]
ROWS_SHOWN = 3  # the list scrolls beyond this: the lists of who is in keep their room at the door


class WaitingWalkIns(QFrame):
    """The walk-ins waiting for the trainer, with Approve (Enter) and Decline (Delete); hidden while none wait."""

    checked_in = Signal(object)  # the ScanResult of an approved walk-in, checked in
    refused = Signal(str)  # why an approval or a decline was not done
    declined = Signal(str)  # the name of someone turned away

    def __init__(self, workspace: Workspace, session_id: str, parent: QWidget | None = None, *,
                 actor: str | None = None) -> None:
        super().__init__(parent)
        self._ws, self._session_id, self._actor = workspace, session_id, actor
        self.setObjectName("waitingWalkIns")
        self.setAccessibleName(_("Walk-ins waiting to be added"))
        self.setStyleSheet("#waitingWalkIns { background: #fff3cd; border: 1px solid #ffb300; border-radius: 4px; }")
        self.model = RowsModel(WAITING, [], self)
        self.title = rich_label(accessibleName=_("How many are waiting to be added"))
        hint = plain_label(_("Not on the list; they asked from their phone. Approving adds them and checks them in at "
                        "the time they asked."), wordWrap=True)
        self.table = QTableView(accessibleName=_("Walk-ins waiting: Enter approves, Delete declines"))
        configure_table(self.table, self.model, 0)
        self.table.installEventFilter(_ApproveKeys(self))
        self.table.activated.connect(lambda index: self.approve(self.model.row(index.row())))
        self.approve_button = QPushButton(_("&Approve and check in"), autoDefault=False,
                                          accessibleName=_("Add the selected walk-in and check them in"))
        self.approve_button.clicked.connect(lambda: self.approve())
        self.decline_button = QPushButton(_("&Decline"), autoDefault=False,
                                          accessibleName=_("Turn the selected walk-in away"))
        self.decline_button.clicked.connect(lambda: self.decline())
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(hint, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.decline_button)
        buttons.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(head)
        layout.addLayout(body)
        self.setVisible(False)

    def waiting(self) -> list[WaitingWalkIn]:
        return self.model.rows()

    def refresh(self) -> None:
        """Read who is waiting now (the phones' server adds to them from another thread)."""
        chosen = self.selected()
        try:
            rows = companion.waiting_walk_ins(self._ws, self._session_id)
        except UserError:  # the session went away under the desk: nothing to approve
            rows = []
        self.model.set_rows(rows)
        title = _("Waiting to be added ({count})").format(count=len(rows))
        self.title.setText(f"<b>{escape(title)}</b>")
        ids = [w.id for w in rows]
        self.table.selectRow(ids.index(chosen.id) if chosen is not None and chosen.id in ids else 0)
        # Three rows at most, then it scrolls; measured from the rows themselves, so a larger font still fits and
        # two rows leave no empty third.
        self.table.resizeRowsToContents()
        shown = sum(self.table.rowHeight(r) for r in range(min(len(rows), ROWS_SHOWN)))
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + shown + frame)
        self.setVisible(bool(rows))

    def selected(self) -> WaitingWalkIn | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def approve(self, walk_in: WaitingWalkIn | None = None) -> ScanResult | None:
        """Add `walk_in` (or the selected one) to the roster and check them in; None if refused, with the reason."""
        chosen = walk_in or self.selected()
        if chosen is None:
            return None
        result = self._run(_("Adding {name}…").format(name=chosen.full_name), lambda: companion.approve_walk_in(
            self._ws, self._session_id, chosen.id, actor=self._actor))
        if result is not None:
            self.checked_in.emit(result)
        return result

    def decline(self, walk_in: WaitingWalkIn | None = None) -> bool:
        """Turn `walk_in` (or the selected one) away; they may ask again from their phone."""
        chosen = walk_in or self.selected()
        if chosen is None:
            return False

        def turn_away() -> bool:
            companion.decline_walk_in(self._ws, self._session_id, chosen.id)
            return True

        done = self._run(_("Declining {name}…").format(name=chosen.full_name), turn_away)
        if done:
            self.declined.emit(chosen.full_name)
        return bool(done)

    def _run(self, label: str, work: Callable[[], T]) -> T | None:
        """One approval or decline off the GUI thread; the list follows either way (a refusal leaves them here)."""
        try:
            return run_operation(self, label, lambda _progress: work(), cancellable=False)
        except UserError as exc:
            self.refused.emit(error_text(exc))
        except Exception:  # the disk is full, say: it must not look done
            log.exception("a waiting walk-in could not be settled")
            self.refused.emit(_("Not recorded: try again. If it keeps failing, add them with Add walk-in…"))
        finally:
            self.refresh()
        return None


class _ApproveKeys(QObject):
    """Delete in the list declines the selected walk-in (Enter approves it, through the table's `activated`)."""

    def __init__(self, waiting: WaitingWalkIns) -> None:
        super().__init__(waiting)
        self._waiting = waiting

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Delete:
            self._waiting.decline()
            return True
        return False
