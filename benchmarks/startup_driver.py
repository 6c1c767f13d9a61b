"""Child process for the startup benchmark: print when the window is first painted (and ready), then quit.

`facilitator` runs the real `facilitator demo` command; `bare` shows an empty PySide6 main window, the
baseline; `libraries` is that bare window which, once painted, imports the libraries the console's data comes
through (SQLAlchemy's ORM for the store, pydantic and PyYAML for the workshop library) and then reports ready:
the floor no code of Facilitator's can go below while the console shows data read through them. The only
addition is an event filter on the application that reports the first paint and, for Facilitator, when the
demo session is on screen.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class Watcher(QObject):
    """Prints 'painted' at a main window's first paint, and 'ready' when it has its data (or at once)."""

    def __init__(self, app: QApplication, wait_for_data: bool) -> None:
        super().__init__()
        self.app, self.wait_for_data, self.painted = app, wait_for_data, False
        self.libraries = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.painted and event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            self.painted = True
            print("painted", flush=True)
            if self.wait_for_data:
                watched.workspace_ready.connect(self.ready)
            else:
                self.ready()
        return False

    def ready(self) -> None:
        if self.libraries:
            import pydantic  # noqa: F401
            import sqlalchemy.orm  # noqa: F401
            import yaml  # noqa: F401
        print("ready", flush=True)
        self.app.quit()


def watch(app: QApplication, wait_for_data: bool) -> QApplication:
    app.installEventFilter(watcher := Watcher(app, wait_for_data))
    app._watcher = watcher  # keep it alive
    return app


def main(mode: str, data_dir: str) -> int:
    if mode == "facilitator":
        from facilitator import cli
        from facilitator.ui import app as ui_app

        make = ui_app.application
        ui_app.application = lambda: watch(make(), wait_for_data=True)
        return cli.main(["--data-dir", data_dir, "demo"])
    app = watch(QApplication(sys.argv[:1]), wait_for_data=False)
    app._watcher.libraries = mode == "libraries"
    window = QMainWindow()
    window.setCentralWidget(QLabel("baseline"))
    window.resize(1280, 760)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
