"""Taking the presenter's steps from the console: start a segment, Page Down to the next step or segment, pause,
extend, skip, end, and notes. The presenter model (services/presenter.py) records each through the delivery
service, on disk before the console shows it; a refusal is said in the console's message line and changes
nothing, and a step that could not be saved never looks recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from facilitator.i18n import _
from facilitator.services.delivery import SessionRun
from facilitator.services.errors import UserError
from facilitator.ui.widgets import error_text

if TYPE_CHECKING:
    from facilitator.services.presenter import Presenter
    from facilitator.ui.console.view import ConsoleView

T = TypeVar("T")

log = logging.getLogger(__name__)


class StepController:
    """Moves the console through the session with its presenter (services/presenter.py), which records each step
    through the delivery service; this shows the outcome, or the refusal, in the console."""

    def __init__(self, console: ConsoleView) -> None:
        self.console = console

    @property
    def presenter(self) -> Presenter:
        return self.console.presenter

    # --- recording ----------------------------------------------------------------------------------------

    def record(self, step: Callable[[], T]) -> T | None:
        """Run one step; a refusal is shown in the message line and changes nothing."""
        try:
            result = step()
        except UserError as exc:
            self.console.say(error_text(exc), error=True)
            return None
        except Exception:  # the disk is full, say: the console must not look as if the step was recorded
            log.exception("a delivery step could not be recorded")
            self.console.say(_("Not recorded: the step could not be saved. Try again; if it keeps failing, note the "
                               "time on paper."), error=True)
            return None
        self.console.say("")
        return result

    def take(self, step: Callable[[], T]) -> T | None:
        """Record one step with the presenter and show where it left the session."""
        before, logged = self.presenter.segment, self.presenter.run.delivery.log_length
        rounds = self._rounds()
        result = self.record(step)
        if result is None:
            return None
        self.shown(moved=self.presenter.segment != before,
                   recorded=self.presenter.run.delivery.log_length != logged)
        if self._rounds() > rounds > 0:
            self.console.say(_("Parts rotated for round {round}.").format(round=self._rounds()))
        return result

    def shown(self, *, moved: bool, recorded: bool) -> None:
        """Show the presenter's session; after a move to a new segment the check-in desk gives way to it. The
        console says `delivery_changed` when the step added to the delivery log (once, however many entries)."""
        console = self.console
        if moved and self.presenter.segment is not None and console.checkin_open:
            console.toggle_checkin()  # the session has begun: back to the segment (F2 brings the desk back)
        console.show_run()
        if recorded:
            console.delivery_changed.emit(self.presenter.run)

    def _rounds(self) -> int:
        current = self.presenter.run.delivery.current_run
        return len(current.role_rounds) if current is not None else 0

    # --- the steps ----------------------------------------------------------------------------------------

    def start_segment(self, segment_id: str) -> SessionRun | None:
        """Start (or go back to) a segment chosen in the agenda."""
        return self.take(lambda: self.presenter.start(segment_id))

    def next_segment(self) -> SessionRun | None:
        return self.take(self.presenter.next_segment)

    def next_step(self) -> SessionRun | None:
        """Page Down, as a presentation clicker sends it: the segment's next step, else the next segment. A step
        that shows results records the hands typed so far and reveals them; if the room cannot see results yet,
        a second Page Down at the same place goes on without them (services/presenter.py)."""
        typed = self.console.activities.typed_counts()
        return self.take(lambda: self.presenter.next_step(typed))

    def previous_step(self) -> None:
        self.take(self.presenter.previous_step)

    def move_to_step(self, index: int) -> None:
        """Move within the running segment; entering a later role-play round rotates the parts first."""
        self.take(lambda: self.presenter.move_to(index))

    def end_segment(self) -> SessionRun | None:
        return self.take(self.presenter.end)

    def toggle_pause(self) -> SessionRun | None:
        return self.take(self.presenter.toggle_pause)

    def extend(self, minutes: int) -> SessionRun | None:
        return self.take(lambda: self.presenter.extend(minutes))

    def skip_next(self) -> SessionRun | None:
        return self.take(self.presenter.skip_next)

    def note(self, segment_id: str, text: str) -> SessionRun | None:
        """Keep the trainer's note on a segment, for the session report."""
        return self.take(lambda: self.presenter.note(segment_id, text))
