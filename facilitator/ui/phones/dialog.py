"""Phones… (Ctrl+Shift+P in the console): choose the network phones join on and start the companion, or see where
it runs and stop it. The dialog only asks and shows; the console's phones controller starts and stops the server
(console/phones.py) and tells the dialog what came of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.ui.phones.addresses import Address

PORTS = (1024, 65535)  # below 1024 needs the administrator; a trainer's laptop should not


class PhonesDialog(QDialog):
    """Start phones on an address and port, or stop them. `start_requested(host, port)` and `stop_requested()`
    ask the console; `show_running`, `show_stopped` and `show_error` say what happened."""

    start_requested = Signal(str, int)
    stop_requested = Signal()

    def __init__(self, addresses: Sequence[Address], host: str, port: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Phones"))
        self.setMinimumWidth(520)
        intro = QLabel(_("People in the room can check in, vote and send questions from their own phone's browser, "
                         "through this laptop only: nothing goes to the internet. Choose the network the phones are "
                         "on: the laptop's hotspot, or the site's Wi-Fi."), wordWrap=True)
        self.addresses = QComboBox(accessibleName=_("Network the phones join on"))
        for address in addresses:
            self.addresses.addItem(address.label, address.host)
        chosen = self.addresses.findData(host)
        self.addresses.setCurrentIndex(max(0, chosen))
        self.port = QSpinBox(minimum=PORTS[0], maximum=PORTS[1], value=min(max(port, PORTS[0]), PORTS[1]),
                             accessibleName=_("Port"))
        self.port.setGroupSeparatorShown(False)
        self.form = QWidget()
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("&Network:"), self.addresses)
        form.addRow(_("&Port:"), self.port)
        self.state = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText, accessibleName=_("Phones"))
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel(wordWrap=True, accessibleName=_("Problem"), textFormat=Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = QPushButton(_("&Start phones"), autoDefault=True, default=True)
        self.stop_button = QPushButton(_("S&top phones"), autoDefault=False)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.stop_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.start_button.clicked.connect(
            lambda: self.start_requested.emit(self.addresses.currentData(), self.port.value()))
        self.stop_button.clicked.connect(self.stop_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.state)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.show_stopped()
        if not addresses:
            self._unable(_("This laptop has no network address phones could reach. Switch on its hotspot or join "
                           "the site's Wi-Fi, then open this again."))

    def show_running(self, address: str) -> None:
        """Phones can join at `address` (http://HOST:PORT)."""
        self.form.setEnabled(False)
        self.start_button.setVisible(False)
        self.stop_button.setVisible(True)
        self.stop_button.setFocus()
        self.error.clear()
        self.state.setText(_("Phones can join at <b>{address}</b>. The check-in slide (F2) shows its QR code, "
                             "which changes every few seconds.").format(address=escape(address)))

    def show_stopped(self) -> None:
        self.form.setEnabled(True)
        self.start_button.setVisible(True)
        self.stop_button.setVisible(False)
        self.state.setText(_("Phones are off."))

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def _unable(self, text: str) -> None:
        self.show_error(text)
        self.start_button.setEnabled(False)
