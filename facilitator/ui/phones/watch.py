"""Two things that quietly break the phones' check-in, noticed while the companion runs (docs/companion.md):

- the laptop's wall clock jumped (a time-zone change, a manual correction, a sync with a time server after the
  laptop came online): the join codes and the phones' entry passes follow the wall clock, so a phone that joined
  before the jump may be refused. It is seen by comparing how far the wall clock moved with how far the monotonic
  clock did between two looks; more than CLOCK_JUMP_S apart is a jump.
- the address the server listens on is no longer one of the laptop's (the hotspot was switched off, the Wi-Fi
  dropped or gave the laptop another address): phones cannot reach it at all.

The clocks and the list of addresses are passed in, so tests make both happen at will.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from facilitator.ui.phones.addresses import current_hosts

CLOCK_JUMP_S = 5.0  # the wall clock may drift or be nudged by less without anyone's code being refused
INTERVAL_MS = 2000


class PhonesWatch(QObject):
    """Looks every INTERVAL_MS while a host is watched; says `clock_jumped(seconds)` (the wall clock's jump,
    forward positive), `address_lost(host)` once when the host disappears and `address_back(host)` when it
    returns."""

    clock_jumped = Signal(float)
    address_lost = Signal(str)
    address_back = Signal(str)

    def __init__(self, parent: QObject | None = None, *, wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 hosts: Callable[[], set[str]] = current_hosts, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._wall, self._monotonic, self._hosts = wall, monotonic, hosts
        self._host: str | None = None
        self._lost = False
        self._mark = (0.0, 0.0)
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.look)

    @property
    def host(self) -> str | None:
        return self._host

    def watch(self, host: str | None) -> None:
        """Watch the clock and `host` (the server's address) from now on; None stops watching."""
        self._host, self._lost = host, False
        self._mark = (self._wall(), self._monotonic())
        if host is None:
            self.timer.stop()
        else:
            self.timer.start()

    def look(self) -> None:
        """Compare the clocks and the addresses now (the timer does this by itself)."""
        if self._host is None:
            return
        wall, monotonic = self._wall(), self._monotonic()
        jump = (wall - self._mark[0]) - (monotonic - self._mark[1])
        self._mark = (wall, monotonic)
        if abs(jump) > CLOCK_JUMP_S:
            self.clock_jumped.emit(jump)
        present = self._host in self._hosts()
        if not present and not self._lost:
            self._lost = True
            self.address_lost.emit(self._host)
        elif present and self._lost:
            self._lost = False
            self.address_back.emit(self._host)
