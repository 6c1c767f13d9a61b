"""Background operations: the result comes back on the GUI thread, and an app told to quit mid-operation lets it
stop between two whole steps instead of losing its result (or showing a traceback)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QTimer

from facilitator.services.errors import Stopped
from facilitator.ui.operations import run_operation


def test_the_result_comes_back(qtbot) -> None:
    def work(progress) -> int:
        for done in range(1, 4):
            progress(done, 3)
        return 42

    assert run_operation(None, "Working…", work) == 42


def test_an_app_quitting_mid_operation_stops_it_between_steps(qtbot) -> None:
    started, steps = threading.Event(), []

    def work(progress) -> list[int]:
        started.set()
        try:
            for done in range(1, 1000):
                progress(done, 1000)
                steps.append(done)
                threading.Event().wait(0.005)
        except KeyboardInterrupt:
            raise Stopped(f"stopped after {len(steps)} steps") from None
        return steps

    app = QCoreApplication.instance()
    QTimer.singleShot(100, app.exit)  # as closing the last window does
    try:
        with pytest.raises(Stopped) as stopped:
            run_operation(None, "Working…", work)
    finally:  # exit() leaves Qt's quit flag set, which would end every later test's event loop at once; a whole
        QTimer.singleShot(0, app.quit)  # exec() clears it, as the app's own run does
        app.exec()
    assert started.is_set() and 0 < len(steps) < 999
    assert stopped.value.summary == f"stopped after {len(steps)} steps"
