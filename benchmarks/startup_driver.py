"""Child process for the startup benchmark: show a window, print when it is first painted, then quit.

`facilitator` follows the path of `facilitator demo` (open the demo folder, ensure today's session, build
the main window); `bare` shows an empty PySide6 main window, the baseline.
"""

from __future__ import annotations

import sys


def main(mode: str, data_dir: str) -> None:
    if mode == "facilitator":
        from datetime import date

        from facilitator.services.demo import ensure_demo_session
        from facilitator.services.workspace import open_workspace
        from facilitator.ui.app import application, create_main_window

        ws = open_workspace(data_dir, demo=True)
        app = application()
        window = create_main_window(ws, ensure_demo_session(ws, date.today()))
    else:
        from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.setCentralWidget(QLabel("baseline"))
        window.resize(1280, 760)

    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                app.quit()
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
