"""The console runs the phones' companion for its session (docs/companion.md): Phones… (Ctrl+Shift+P) starts the
server on the address the trainer picks and stops it; the console's close or the session's seal stops it too.

While it runs, the presenter knows where phones join, so the check-in slide carries the join address as a QR code,
drawn again when the code changes (a timer set for that moment, not a look every second), and again at once when
the laptop's clock jumps. The phones watch's warnings (the clock jumped; the address left the laptop) go to the
desk's warning bar, which stays until the trainer dismisses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QPushButton

from facilitator.i18n import _, ngettext
from facilitator.services.errors import UserError
from facilitator.services.settings import load_settings, set_setting
from facilitator.services.slides import Slide, SlideKind
from facilitator.ui.operations import run_operation
from facilitator.ui.phones.addresses import Address, machine_addresses
from facilitator.ui.phones.dialog import PhonesDialog
from facilitator.ui.phones.server import DEFAULT_PORT, RunningPhones, StartPhones
from facilitator.ui.phones.watch import PhonesWatch
from facilitator.ui.widgets import error_text

if TYPE_CHECKING:
    from facilitator.ui.checkin.notices import NoticeBar
    from facilitator.ui.console.view import ConsoleView

log = logging.getLogger(__name__)
MARGIN_MS = 50  # the new code is asked for just after the slot turns, never just before


class PhonesController(QObject):
    """Starts and stops the phones' server for the console's session and keeps the room's QR code current."""

    def __init__(self, console: ConsoleView, start: StartPhones, *, watch: PhonesWatch | None = None,
                 addresses: Callable[[], list[Address]] = machine_addresses) -> None:
        super().__init__(console)
        self.console = console
        self._start = start
        self._addresses = addresses
        self.running: RunningPhones | None = None
        self.dialog: PhonesDialog | None = None
        self.watch = watch or PhonesWatch(self)
        self.watch.clock_jumped.connect(self._clock_jumped)
        self.watch.address_lost.connect(self._address_lost)
        self.watch.address_back.connect(lambda _host: self._notices().withdraw("address"))
        self.code_timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self.code_timer.timeout.connect(self._code_turned)
        self.button = QPushButton(autoDefault=False, accessibleName=_("Start or stop phones for this session"))
        self.button.clicked.connect(lambda: self.open_dialog())
        console.slide_changed.connect(self.slide_shown)
        self._show_state()

    # --- starting and stopping ------------------------------------------------------------------------------

    def open_dialog(self) -> PhonesDialog:
        """Phones… : pick the network and port and start, or stop what runs."""
        settings = load_settings(self.console.workspace)
        dialog = PhonesDialog(self._addresses(), settings.companion_host, settings.companion_port or DEFAULT_PORT,
                              self.console)
        if self.running is not None:
            dialog.show_running(self.address())
        dialog.start_requested.connect(lambda host, port: self._start_from(dialog, host, port))
        dialog.stop_requested.connect(lambda: (self.stop(), dialog.show_stopped()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _start_from(self, dialog: PhonesDialog, host: str, port: int) -> None:
        try:
            self.start(host, port)
        except UserError as exc:
            dialog.show_error(error_text(exc))
            return
        except Exception:  # a fault in the server itself: say so, and leave the console as it was
            log.exception("the phones' server could not start")
            dialog.show_error(_("Phones could not start. Try again; if it keeps failing, check in at the desk."))
            return
        dialog.show_running(self.address())
        self._remember(host, port)

    def start(self, host: str, port: int) -> RunningPhones:
        """Start the server on `host`:`port` for this session (off the GUI thread); UserError says why not (the
        port is taken, the address is not the laptop's, the session is sealed)."""
        if self.running is not None:
            self.stop()
        start, ws, session_id = self._start, self.console.workspace, self.console.session_id
        running = run_operation(self.console, _("Starting phones…"),
                                lambda _progress: start(ws, session_id, host, port), cancellable=False)
        self.running = running
        self.console.presenter.phones = (running.host, running.port)
        self.watch.watch(running.host)
        self._show_state()
        self.console.update_slide()
        self.slide_shown(self.console.current_slide())
        self.console.activities.show_phone_votes()  # the phones' column beside the hands
        return running

    def stop(self) -> None:
        """Stop the server: the check-in slide goes back to saying how to check in without phones."""
        running, self.running = self.running, None
        self.console.presenter.phones = None
        self.watch.watch(None)
        self.code_timer.stop()
        self._notices().dismiss()
        if running is not None:
            try:
                running.stop()
            except Exception:  # it is going away either way; the trainer has nothing to do about it
                log.exception("the phones' server did not stop cleanly")
        self._show_state()
        self.console.update_slide()
        self.console.activities.show_phone_votes()

    def address(self) -> str:
        """Where phones join, as the trainer would type it: http://HOST:PORT."""
        if self.running is None:
            return ""
        host = f"[{self.running.host}]" if ":" in self.running.host else self.running.host
        return f"http://{host}:{self.running.port}"

    def _remember(self, host: str, port: int) -> None:
        """Offer the same network and port next time (settings are per data folder)."""
        try:
            set_setting(self.console.workspace, "companion_host", host)
            set_setting(self.console.workspace, "companion_port", str(port))
        except UserError:  # a loopback or odd port the setting refuses: nothing to remember, nothing broken
            log.info("the phones' address %s:%s was not remembered", host, port)

    # --- the QR code on the check-in slide -------------------------------------------------------------------

    def slide_shown(self, slide: Slide) -> None:
        """A check-in slide with a code is drawn again when that code changes; any other slide needs no timer."""
        presenter = self.console.presenter
        changes = presenter.code_changes_at()
        if slide.kind is not SlideKind.CHECKIN or slide.qr_text is None or changes is None:
            self.code_timer.stop()
            return
        left_ms = (changes - presenter.now()).total_seconds() * 1000
        self.code_timer.start(max(0, round(left_ms)) + MARGIN_MS)

    def _code_turned(self) -> None:
        self.console.update_slide()
        self.slide_shown(self.console.current_slide())  # set again even if the timer woke a moment early

    # --- warnings -----------------------------------------------------------------------------------------

    def _notices(self) -> NoticeBar:
        return self.console.checkin.notices

    def _clock_jumped(self, seconds: float) -> None:
        self._code_turned()  # the code follows the wall clock: the room sees the new one now
        text = _("The laptop's clock changed ({jump}): phones that joined before may be refused until they scan "
                 "the code on the screen again.").format(jump=jump_words(seconds))
        self._notices().put("clock", text)
        self.console.say(text, error=True)

    def _address_lost(self, host: str) -> None:
        text = _("Phones can no longer reach this laptop: {host} is not one of its addresses any more (was the "
                 "hotspot or Wi-Fi switched off?). Reconnect, or stop and start phones on another network "
                 "(Ctrl+Shift+P).").format(host=host)
        self._notices().put("address", text)
        self.console.say(text, error=True)

    def _show_state(self) -> None:
        if self.running is None:
            self.button.setText(_("Phones: off…"))
        else:
            self.button.setText(_("Phones: {host}:{port}…").format(host=self.running.host, port=self.running.port))


def jump_words(seconds: float) -> str:
    """'4 minutes forward', '1 hour back', '12 seconds forward': how far the wall clock jumped, roughly."""
    size = abs(seconds)
    minutes, hours = round(size / 60), round(size / 3600)
    if size < 90:
        amount = ngettext("{n} second", "{n} seconds", round(size)).format(n=round(size))
    elif minutes < 60:
        amount = ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    else:
        amount = ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return (_("{amount} forward") if seconds > 0 else _("{amount} back")).format(amount=amount)
