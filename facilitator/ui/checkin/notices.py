"""Warnings the desk keeps up until the trainer dismisses them: the laptop's clock jumped, or the address phones
join on left the laptop (docs/companion.md). Unlike the scan banner, which says what one scan did and falls back
to "Ready" after a few seconds, these stay: they are about the room's phones, not the person at the door.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from facilitator.i18n import _
from facilitator.ui.widgets import plain_label


class NoticeBar(QFrame):
    """An amber bar with one line per warning, by key (a second warning of the same key replaces the first), and
    a Dismiss button; hidden while there is nothing to say."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName(_("Warnings about phones"))
        self.setStyleSheet("#noticeBar { background: #ffb300; border-radius: 4px; } "
                           "#noticeBar QLabel { color: #1a1a1a; }")
        self.text = plain_label(wordWrap=True, accessibleName=_("Warning"))
        self.dismiss_button = QPushButton(_("Dismiss"), autoDefault=False,
                                          accessibleName=_("Dismiss the warnings about phones"))
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.dismiss_button)
        self._notices: dict[str, str] = {}
        self.setVisible(False)

    def notices(self) -> dict[str, str]:
        return dict(self._notices)

    def put(self, key: str, text: str) -> None:
        """Show `text` under `key` until dismissed or withdrawn."""
        self._notices[key] = text
        self._show()

    def withdraw(self, key: str) -> None:
        """The cause went away (the address came back): its warning goes too."""
        if self._notices.pop(key, None) is not None:
            self._show()

    def dismiss(self) -> None:
        self._notices.clear()
        self._show()
        self.dismissed.emit()

    def _show(self) -> None:
        self.text.setText("\n".join(f"! {text}" for text in self._notices.values()))
        self.setVisible(bool(self._notices))
