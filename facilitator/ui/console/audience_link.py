"""The console's side of the audience window: which slide the room should see at each moment, the window itself
(made when first shown, placed on the chosen screen), blanking it, and the clock of a role-play round.

The slide is chosen here from the delivery the console shows, and only through services/slides.py, which decides
what may reach the projector: never the trainer's notes, the roster or results not yet revealed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication

from facilitator.domain.segment_kinds import Stage
from facilitator.i18n import N_, _
from facilitator.services.slides import BLANK, Slide, SlideKind, checkin_slide, end_slide, slide, welcome_slide
from facilitator.ui.console.agenda import running_stages

if TYPE_CHECKING:
    from facilitator.ui.audience.window import AudienceWindow
    from facilitator.ui.console.view import ConsoleView

# What the console's top bar says is on the projector.
SLIDE_NAMES = {SlideKind.WELCOME: N_("welcome"), SlideKind.TEXT: N_("text"), SlideKind.VOTE: N_("vote"),
               SlideKind.RESULTS: N_("results"), SlideKind.QUESTION: N_("question"), SlideKind.ANSWER: N_("answer"),
               SlideKind.ROLE_PLAY: N_("role play"), SlideKind.ROUND: N_("round"), SlideKind.BREAK: N_("break"),
               SlideKind.FEEDBACK: N_("feedback"), SlideKind.CHECKIN: N_("check-in"), SlideKind.BLANK: N_("blank"),
               SlideKind.END: N_("end"), SlideKind.CONTACTS: N_("agencies")}


class AudienceLink:
    """Keeps the audience window showing the slide for the console's current segment and step."""

    def __init__(self, console: ConsoleView) -> None:
        self.console = console
        self.window: AudienceWindow | None = None  # made when first shown
        self.blanked = False
        self.slide: Slide | None = None  # the slide last sent to the window
        self._round_started: datetime | None = None  # when the current role-play round began
        self._round_stage = -1  # the step that round belongs to
        self._round_paused = timedelta()  # the segment's paused time when the round began

    def current_slide(self) -> Slide:
        """What the room should see now."""
        run = self.console.run
        d, title = run.delivery, run.title
        if self.blanked:
            return BLANK
        current = d.current_run
        if current is None:
            if d.finished:
                return end_slide(title)
            checkin_open = self.console.checkin_open
            if checkin_open or not any(r.spans for r in d.runs):
                return checkin_slide(title) if checkin_open else welcome_slide(title)
            following = d.next_up
            return welcome_slide(title, _("Next: {title}").format(title=following.segment.title) if following else "")
        segment = run.segment(current.segment.id)
        stage = running_stages(run)[self.console.stage_index]
        paused = d.paused_since is not None
        return slide(segment, stage, current, title=title, until=None if paused else self._until(segment, stage),
                     paused=paused, contacts=run.contacts)

    def _until(self, segment: Any, stage: Stage) -> datetime | None:
        console = self.console
        if stage.name == "break":
            return console.now() + console.clock().left
        if stage.name == "round":
            run = console.run.delivery.current_run
            paused = run.paused if run is not None else timedelta()
            if self._round_started is None:
                self._round_started, self._round_stage, self._round_paused = console.now(), console.stage_index, paused
            # A pause stops the round's clock too: its end moves on by the time spent paused since it began.
            return self._round_started + timedelta(minutes=segment.round_minutes) + (paused - self._round_paused)
        return None

    def restart_round(self, stage: int | None = None) -> None:
        """Forget when the round began (the segment moved on), or only if `stage` is another step than its own."""
        if stage is None or stage != self._round_stage:
            self._round_started = None

    def update(self) -> Slide:
        """Send the room's slide to the window (and say which it is) if it changed."""
        new = self.current_slide()
        if new != self.slide:
            self.slide = new
            self.console.screen_label.setText(_("On screen: {slide}").format(slide=_(SLIDE_NAMES[new.kind])))
            if self.window is not None:
                self.window.show_slide(new)
            self.console.slide_changed.emit(new)
        return new

    def toggle(self) -> AudienceWindow:
        """Show the audience window on the chosen screen (full screen on a second one), or hide it."""
        from facilitator.ui.audience.window import AudienceWindow

        if self.window is None:
            self.window = AudienceWindow()
            self.window.setWindowTitle(_("Audience: {title}").format(title=self.console.run.title))
            self.window.show_slide(self.current_slide())
        if self.window.isVisible():
            self.window.hide()
            return self.window
        screen = self.console.screens.currentData() or QGuiApplication.primaryScreen()
        own = self.console.screen()
        self.window.place_on(screen, full_screen=screen is not own)
        self.console.window().activateWindow()  # keep the keyboard on the console, not the projector
        return self.window

    def toggle_blank(self) -> None:
        self.blanked = not self.blanked
        self.slide = None
        self.update()

    def shut(self) -> None:
        """Close the audience window with the console."""
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
