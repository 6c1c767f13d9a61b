"""Recording the presenter's steps: start a segment, Page Down to the next step or segment, pause, extend, skip,
end, and notes. Each goes through the delivery service and is on disk before the console shows it; a refusal is
said in the console's message line and changes nothing, and a step that could not be saved never looks recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from facilitator.domain.segment_kinds import Stage
from facilitator.i18n import _
from facilitator.services import delivery as delivery_service
from facilitator.services.delivery import SessionRun
from facilitator.services.errors import UserError
from facilitator.ui.console.agenda import running_stages
from facilitator.ui.widgets import error_text

if TYPE_CHECKING:
    from facilitator.ui.console.view import ConsoleView

log = logging.getLogger(__name__)


class StepController:
    """Moves the console through the session, recording each step through the delivery service."""

    def __init__(self, console: ConsoleView) -> None:
        self.console = console
        self._pass_over: tuple[str | None, int] | None = None  # a refused reveal that a second Page Down passes

    # --- recording ----------------------------------------------------------------------------------------

    def record(self, step: Callable[[], SessionRun | Any]) -> Any:
        """Run one service step; a refusal is shown in the message line and changes nothing."""
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

    def apply(self, run: SessionRun | None, *, stage: int | None = None) -> SessionRun | None:
        """Show `run` (what a recorded step returned), at `stage` of its segment or at the start of a new one."""
        console = self.console
        if run is None:
            return None
        moved = run.delivery.current != console.run.delivery.current
        if stage is not None:
            console.stage_index = stage
        elif moved:
            console.stage_index = 0
        if moved:
            console.link.restart_round()
        elif stage is not None:
            console.link.restart_round(stage)
        if moved and run.delivery.current is not None and console.checkin_open:
            console.toggle_checkin()  # the session has begun: back to the segment (F2 brings the desk back)
        console.show_run(run)
        console.delivery_changed.emit(run)
        return run

    def _step(self, call: Callable[[], SessionRun], *, stage: int | None = None) -> SessionRun | None:
        return self.apply(self.record(call), stage=stage)

    # --- the steps ----------------------------------------------------------------------------------------

    def start_segment(self, segment_id: str) -> SessionRun | None:
        """Start (or go back to) a segment chosen in the agenda."""
        c = self.console
        return self._step(lambda: delivery_service.start(c.workspace, c.session_id, segment_id, at=c.now()), stage=0)

    def next_segment(self) -> SessionRun | None:
        c = self.console
        return self._step(lambda: delivery_service.advance(c.workspace, c.session_id, at=c.now()), stage=0)

    def next_step(self) -> SessionRun | None:
        """Page Down, as a presentation clicker sends it: the segment's next step, else the next segment."""
        c = self.console
        steps = running_stages(c.run)
        if steps and c.stage_index + 1 < len(steps):
            following = steps[c.stage_index + 1]
            if following.reveals and not c.activities.reveal_item(following.item):
                return self._offer_to_pass_over(steps)
            self._pass_over = None
            self.move_to_step(c.stage_index + 1)
            return c.run
        return self.next_segment()

    def _offer_to_pass_over(self, steps: list[Stage]) -> SessionRun | None:
        """A reveal refused (no hands counted): a clicker has only Page Down, so pressing it again at the same
        place goes on without showing results, to the next question or segment. Nothing is recorded as shown."""
        c = self.console
        here = (c.run.delivery.current, c.stage_index)
        if self._pass_over != here:
            self._pass_over = here
            refused = c.message.text()  # why the results cannot be shown, as the service said it
            c.say(" ".join(p for p in (refused, _("Or press Page Down again to go on without showing results."))
                           if p), error=True)
            return None
        self._pass_over = None
        c.say("")
        if c.stage_index + 2 < len(steps):
            self.move_to_step(c.stage_index + 2)  # past the results, to the next question
            return c.run
        return self.next_segment()

    def previous_step(self) -> None:
        if self.console.stage_index > 0:
            self.move_to_step(self.console.stage_index - 1)

    def move_to_step(self, index: int) -> None:
        """Move within the running segment; entering a later role-play round rotates the parts first."""
        c = self.console
        c.stage_index = index
        c.link.restart_round()
        stage = running_stages(c.run)[index]
        current = c.run.delivery.current_run
        if stage.name == "round" and current is not None and 0 < len(current.role_rounds) <= stage.item:
            c.activities.rotate_roles()
        c.show_run(c.run)

    def end_segment(self) -> SessionRun | None:
        c = self.console
        return self._step(lambda: delivery_service.end(c.workspace, c.session_id, at=c.now()))

    def toggle_pause(self) -> SessionRun | None:
        c = self.console
        step = delivery_service.resume if c.run.delivery.paused_since is not None else delivery_service.pause
        return self._step(lambda: step(c.workspace, c.session_id, at=c.now()), stage=c.stage_index)

    def extend(self, minutes: int) -> SessionRun | None:
        c = self.console
        return self._step(lambda: delivery_service.extend(c.workspace, c.session_id, minutes, at=c.now()),
                          stage=c.stage_index)

    def skip_next(self) -> SessionRun | None:
        c = self.console
        return self._step(lambda: delivery_service.skip(c.workspace, c.session_id, at=c.now()), stage=c.stage_index)

    def note(self, segment_id: str, text: str) -> SessionRun | None:
        """Keep the trainer's note on a segment, for the session report."""
        c = self.console
        return self._step(lambda: delivery_service.note(c.workspace, c.session_id, segment_id, text, at=c.now()),
                          stage=c.stage_index)
