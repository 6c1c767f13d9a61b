"""The presenter's place in a session, without any window: which step of the running segment is on, how a step
that shows results reveals them first, the clock of a role-play round, and which slide the room sees.

The presenter console (ui/console) and `facilitator run` both move through a session with this one model, so a
Page Down on a clicker and `facilitator run SESSION step` do the same thing. Every step that changes the record
goes through the delivery service, which refuses with a UserError and changes nothing; the step position itself
is kept in the data folder (services/presenter_state.py), so a reopened console, or the command line, carries on
from the step the presenter was on, and a console notices a step taken elsewhere (`catch_up`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from facilitator.domain import rotation
from facilitator.domain.delivery import Clock, clock
from facilitator.domain.segment_kinds import Stage, stages
from facilitator.i18n import _
from facilitator.services import companion, presenter_state
from facilitator.services import delivery as delivery_service
from facilitator.services.companion import JoinCode
from facilitator.services.delivery import SessionRun
from facilitator.services.errors import Remedy, UserError
from facilitator.services.slides import (
    BLANK,
    Slide,
    checkin_slide,
    end_slide,
    room_question_slide,
    slide,
    welcome_slide,
)
from facilitator.services.workspace import Workspace

Now = Callable[[], datetime]


class RevealRefused(UserError):
    """The next step shows results the room cannot see yet (no hands counted, say). Taking the step again at the
    same place goes on without showing them: a presentation clicker has only Page Down, and must never get stuck."""


def _offer_to_pass_over(refused: UserError) -> RevealRefused:
    said = refused.remedy
    command = _("or take the step again with --without-results to go on without showing them")
    menu = _("or press Page Down again to go on without showing results")
    return RevealRefused(refused.message, Remedy(command=f"{said.command}, {command}" if said else command,
                                                 menu=f"{said.menu}, {menu}" if said else menu))


@dataclass
class _Round:
    """When the role-play round on screen began, for its countdown."""

    started: datetime | None = None
    stage: int = -1  # the step the round belongs to
    paused: timedelta = timedelta()  # the segment's paused time when it began: a pause stops the round's clock too


class Presenter:
    """One session as the presenter moves through it. `run` is the delivery as last recorded; `step` the step of
    the running segment that is on (0 between segments)."""

    def __init__(self, ws: Workspace, session_id: str, *, now: Now = delivery_service.now) -> None:
        self.ws, self.now = ws, now
        self.run = delivery_service.session_run(ws, session_id)
        self.session_id = self.run.session_id
        self.step = presenter_state.saved_step(ws, self.session_id, self.run.delivery.current)
        self.blanked = False  # the trainer blanked the room's screen
        self.checkin_open = False  # the check-in desk is open: the room sees how to check in
        # Where phones join (host, port) while the companion runs for this session: the check-in slide shows the
        # join address as a QR code. None when no phones can join.
        self.phones: tuple[str, int] | None = None
        # A question from the room that the trainer put on the projector; it stays until taken down or a step.
        self.room_question: str | None = None
        self._join: JoinCode | None = None  # the join code last shown, until it changes
        self._pass_over: tuple[str | None, int] | None = None  # where a refused reveal was offered to be passed
        self._round = _Round()
        self._kept = presenter_state.stamp(ws)
        self._settle()

    # --- where the presenter is -----------------------------------------------------------------------------

    @property
    def segment(self) -> str | None:
        """The running segment's id, or None between segments."""
        return self.run.delivery.current

    def stages(self) -> list[Stage]:
        """The steps of the running segment (none between segments)."""
        current = self.segment
        return stages(self.run.segment(current)) if current is not None else []

    def stage(self) -> Stage | None:
        steps = self.stages()
        return steps[self.step] if steps else None

    def clock(self) -> Clock:
        return clock(self.run.delivery, self.run.planned_start, self.now())

    # --- moving within the running segment ---------------------------------------------------------------------

    def next_step(self, typed: list[int] | None = None, *, without_results: bool = False) -> SessionRun:
        """Page Down: the segment's next step, else the next segment. A step that shows results reveals them first,
        recording `typed` (the hands counted so far) if they changed; if the room cannot see results yet, this
        raises RevealRefused, and taking the step again at the same place (or `without_results`) goes past the
        results to the next question or segment, with nothing recorded as shown."""
        if self.take_question_down():  # as a blanked screen comes back: the first press only takes it down
            return self.run
        steps = self.stages()
        if not steps or self.step + 1 >= len(steps):
            return self.next_segment()
        following = steps[self.step + 1]
        if following.reveals and not without_results:
            here = (self.segment, self.step)
            try:
                self.reveal_item(following.item, typed)
            except UserError as refused:
                if self._pass_over != here:
                    self._pass_over = here
                    raise _offer_to_pass_over(refused) from None
                without_results = True  # refused twice at the same place: the presenter means to go on
        self._pass_over = None
        if following.reveals and without_results:  # past the results, to the next question or segment
            return self.move_to(self.step + 2) if self.step + 2 < len(steps) else self.next_segment()
        return self.move_to(self.step + 1)

    def previous_step(self) -> SessionRun:
        """Page Up: the running segment's step before this one (nothing before the first); with a question from the
        room on screen, it only takes the question down."""
        if self.take_question_down():
            return self.run
        return self.move_to(self.step - 1) if self.step > 0 else self.run

    def move_to(self, index: int) -> SessionRun:
        """Go to step `index` of the running segment; entering a later role-play round rotates the parts first."""
        steps = self.stages()
        if not 0 <= index < len(steps):
            raise UserError(_("the running segment has steps 1 to {count}; step {step} is none of them").format(
                count=len(steps), step=index + 1))
        self.step = index
        self.room_question = None
        self._round = _Round()
        current = self.run.delivery.current_run
        stage = steps[index]
        if stage.name == "round" and current is not None and 0 < len(current.role_rounds) <= stage.item:
            delivery_service.rotate(self.ws, self.session_id, current.segment.id)
            self.run = delivery_service.session_run(self.ws, self.session_id)
        self._settle()
        return self.run

    def reveal_item(self, item: int, typed: list[int] | None = None) -> SessionRun:
        """Record the counts typed so far (if they changed) and show the room the results of vote `item`."""
        segment = self.segment
        if segment is None:
            raise UserError(_("there is no vote running to reveal"))
        current = self.run.delivery.run_of(segment)
        changed = typed is not None and typed != list(current.hands.get(item, ())) and (
            any(typed) or item in current.hands)
        if changed:
            self.tally(item, typed or [])
        if item in self.run.delivery.run_of(segment).revealed:
            return self.run
        return self.reveal(item)

    # --- recorded steps (each through the delivery service) -------------------------------------------------

    def start(self, segment_id: str) -> SessionRun:
        """Start (or go back to) a segment, at its first step."""
        self.room_question = None
        return self._adopt(delivery_service.start(self.ws, self.session_id, segment_id, at=self.now()), step=0)

    def next_segment(self) -> SessionRun:
        self.room_question = None
        return self._adopt(delivery_service.advance(self.ws, self.session_id, at=self.now()), step=0)

    def end(self) -> SessionRun:
        self.room_question = None
        return self._adopt(delivery_service.end(self.ws, self.session_id, at=self.now()))

    def toggle_pause(self) -> SessionRun:
        step = delivery_service.resume if self.run.delivery.paused_since is not None else delivery_service.pause
        return self._adopt(step(self.ws, self.session_id, at=self.now()), step=self.step)

    def extend(self, minutes: int) -> SessionRun:
        return self._adopt(delivery_service.extend(self.ws, self.session_id, minutes, at=self.now()), step=self.step)

    def skip_next(self) -> SessionRun:
        return self._adopt(delivery_service.skip(self.ws, self.session_id, at=self.now()), step=self.step)

    def note(self, segment_id: str, text: str) -> SessionRun:
        return self._adopt(delivery_service.note(self.ws, self.session_id, segment_id, text, at=self.now()),
                           step=self.step)

    def tally(self, item: int, counts: list[int]) -> SessionRun:
        segment = self._running()
        return self._adopt(delivery_service.tally(self.ws, self.session_id, segment, item, counts, at=self.now()),
                           step=self.step)

    def reveal(self, item: int) -> SessionRun:
        segment = self._running()
        return self._adopt(delivery_service.reveal(self.ws, self.session_id, segment, item, at=self.now()),
                           step=self.step)

    def assign(self, segment_id: str, tokens: list[str], *, opted_out: list[str], volunteers: list[str]) -> Any:
        """Role-play parts assigned among `tokens`; returns the assignment."""
        assignment = delivery_service.assign(self.ws, self.session_id, segment_id, tokens, opted_out=opted_out,
                                             volunteers=volunteers)
        self._adopt(delivery_service.session_run(self.ws, self.session_id), step=self.step)
        return assignment

    def rotate(self, segment_id: str) -> Any:
        """The parts moved along for the next round; returns the assignment."""
        assignment = delivery_service.rotate(self.ws, self.session_id, segment_id)
        self._adopt(delivery_service.session_run(self.ws, self.session_id), step=self.step)
        return assignment

    def _running(self) -> str:
        if self.segment is None:
            raise UserError(_("no segment is running"))
        return self.segment

    def _adopt(self, run: SessionRun, *, step: int | None = None) -> SessionRun:
        """Take `run` (what a recorded step returned) as the delivery, at `step` or, for a new segment, its first."""
        moved = run.delivery.current != self.run.delivery.current
        if moved or (step is not None and step != self._round.stage):
            self._round = _Round()  # the round's clock starts again with a new segment or another step
        self.step = step if step is not None else (0 if moved else self.step)
        self.run = run
        self._settle()
        return run

    def _settle(self) -> None:
        """Keep the step within the running segment, and where a reopened console (or the command line) finds it."""
        self.step = max(0, min(self.step, len(self.stages()) - 1))
        if not self.run.sealed:
            presenter_state.save_step(self.ws, self.session_id, self.segment, self.step)
            self._kept = presenter_state.stamp(self.ws)

    # --- steps taken elsewhere -------------------------------------------------------------------------------

    def moved_elsewhere(self) -> bool:
        """Whether the kept step changed since this presenter last wrote or read it (a cheap look at the file)."""
        return presenter_state.stamp(self.ws) != self._kept

    def catch_up(self) -> bool:
        """Take in steps recorded by another window or the command line since this presenter last looked; True if
        anything changed."""
        run = delivery_service.session_run(self.ws, self.session_id)
        stamp = presenter_state.stamp(self.ws)
        if run == self.run and stamp == self._kept:
            return False
        moved = run.delivery.current != self.run.delivery.current
        kept = presenter_state.saved_step(self.ws, self.session_id, run.delivery.current)
        if moved or stamp != self._kept:
            self._round = _Round() if moved or kept != self.step else self._round
            self.step = kept
        self.run, self._kept = run, stamp
        self._settle()
        return True

    # --- what the room sees ----------------------------------------------------------------------------------

    def slide(self) -> Slide:
        """What the room should see now."""
        run = self.run
        d, title = run.delivery, run.title
        if self.blanked:
            return BLANK
        if self.room_question is not None:
            return room_question_slide(self.room_question, title)
        current = d.current_run
        if current is None:
            if d.finished:
                return end_slide(title)
            if self.checkin_open or not any(r.spans for r in d.runs):
                return checkin_slide(title, self.join_address()) if self.checkin_open else welcome_slide(title)
            following = d.next_up
            return welcome_slide(title, _("Next: {title}").format(title=following.segment.title) if following else "")
        segment = run.segment(current.segment.id)
        stage = self.stages()[self.step]
        paused = d.paused_since is not None
        return slide(segment, stage, current, title=title, until=None if paused else self._until(segment, stage),
                     paused=paused, contacts=run.contacts)

    # --- questions from the room and phones joining -----------------------------------------------------------

    def show_question(self, text: str) -> Slide:
        """Put a question from the room on the projector (one the trainer chose: services/audience_questions.py
        records that first); it stays until taken down, or until the presenter takes a step."""
        self.room_question = text
        return self.slide()

    def take_question_down(self) -> bool:
        """Back to the slide of the step the presenter is on; True if a question was on screen."""
        shown, self.room_question = self.room_question is not None, None
        return shown

    def join_address(self) -> str | None:
        """The address the check-in slide's QR code holds now, while phones can join (None otherwise). The code is
        asked for again only once the one shown has changed, or the wall clock went back past it."""
        if self.phones is None or self.run.sealed:
            return None
        moment = self.now()
        join = self._join
        if join is None or not join.changes_at - rotation.PERIOD <= moment < join.changes_at:
            try:
                join = self._join = companion.join_code(self.ws, self.session_id, moment)
            except UserError:  # sealed meanwhile, say: the room is told how to check in without phones
                self._join = None
                return None
        return companion.join_address(*self.phones, join.code)

    def code_changes_at(self) -> datetime | None:
        """When the join address on the check-in slide changes next (None while none is shown), so a window can
        draw the new code at that moment rather than look every second."""
        return self._join.changes_at if self.phones is not None and self._join is not None else None

    def _until(self, segment: Any, stage: Stage) -> datetime | None:
        """When the break or the role-play round on screen ends, as the room's countdown shows it."""
        if stage.name == "break":
            return self.now() + self.clock().left
        if stage.name == "round":
            current = self.run.delivery.current_run
            paused = current.paused if current is not None else timedelta()
            if self._round.started is None:
                self._round = _Round(self.now(), self.step, paused)
            # A pause stops the round's clock too: its end moves on by the time spent paused since it began.
            return self._round.started + timedelta(minutes=segment.round_minutes) + (paused - self._round.paused)
        return None
