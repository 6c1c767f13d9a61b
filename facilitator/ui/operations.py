"""Long work off the GUI thread, in Anki's manner: a named operation runs on one background worker (one writer at
a time, as the store wants), reports progress that only this module turns into a progress bar with Cancel, and
hands its result back on the GUI thread. The window keeps painting, the clock keeps ticking, and a scanner's
burst is still caught while sixty certificates are signed.

An operation is a function of one argument, `progress(done, total)`, the services' own progress callback. When
the trainer presses Cancel, the next call to `progress` raises `Cancelled`; the services stop between two whole
files (nothing is left half-written) and say how far they got.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from facilitator.i18n import _
from facilitator.services.errors import Cancelled

T = TypeVar("T")
Progress = Callable[[int, int], None]

# One worker: operations that write run one after another, never two against the store at once.
_POOL = QThreadPool()
_POOL.setMaxThreadCount(1)


class _Signals(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Operation(QRunnable):
    def __init__(self, work: Callable[[Progress], object], signals: _Signals) -> None:
        super().__init__()
        self.work, self.signals, self.cancelled = work, signals, False
        self.outcome: dict[str, object] = {}  # kept here too, for when the GUI thread stops listening

    def progress(self, done: int, total: int) -> None:
        if self.cancelled:
            raise Cancelled
        self.signals.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as error:
            self.outcome["error"] = error
            self.signals.failed.emit(error)
        else:
            self.outcome["result"] = result
            self.signals.finished.emit(result)


def run_operation(parent: QWidget | None, label: str, work: Callable[[Progress], T], *,
                  cancellable: bool = True) -> T:
    """Run `work` on the background worker while a progress dialog (with Cancel) shows how far it is; return its
    result, or raise what it raised (a UserError, `Stopped` after a Cancel), on the GUI thread. The event loop
    keeps turning meanwhile; the dialog is window-modal, so nothing else can be started on top of it."""
    dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
    # Its one label says "Adding {name}…" of a walk-in typed on a phone, say: it shows text as written, never HTML.
    dialog.findChild(QLabel).setTextFormat(Qt.TextFormat.PlainText)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # a quick operation never flashes a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    signals = _Signals()
    operation = _Operation(work, signals)
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def progressed(done: int, total: int) -> None:
        if not dialog.wasCanceled():
            dialog.setMaximum(total)
            dialog.setValue(done)

    signals.progressed.connect(progressed)
    signals.finished.connect(lambda result: (outcome.setdefault("result", result), loop.quit()))
    signals.failed.connect(lambda error: (outcome.setdefault("error", error), loop.quit()))
    dialog.canceled.connect(lambda: (setattr(operation, "cancelled", True),
                                     dialog.setLabelText(_("Stopping after the current file…"))))
    _POOL.start(operation)
    loop.exec()
    dialog.close()
    dialog.deleteLater()
    if not outcome:  # the loop was told to stop (the app is quitting): the work stops between two whole files
        operation.cancelled = True
        _POOL.waitForDone()
        outcome = operation.outcome
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
