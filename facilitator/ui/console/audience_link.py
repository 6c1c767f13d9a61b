"""The console's side of the audience window: the window itself (made when first shown, placed on the chosen
screen), sending it each new slide, and blanking it.

Which slide the room sees is the presenter model's choice (services/presenter.py), made only through
services/slides.py, which decides what may reach the projector: never the trainer's notes, the roster or results
not yet revealed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from facilitator.i18n import _
from facilitator.services.slides import Slide

if TYPE_CHECKING:
    from facilitator.ui.audience.window import AudienceWindow
    from facilitator.ui.console.view import ConsoleView

class AudienceLink:
    """Keeps the audience window showing the slide for the console's current segment and step."""

    def __init__(self, console: ConsoleView) -> None:
        self.console = console
        self.window: AudienceWindow | None = None  # made when first shown
        self.slide: Slide | None = None  # the slide last sent to the window

    @property
    def blanked(self) -> bool:
        return self.console.presenter.blanked

    def current_slide(self) -> Slide:
        """What the room should see now: the presenter model chooses it (services/presenter.py)."""
        presenter = self.console.presenter
        presenter.checkin_open = self.console.checkin_open
        return presenter.slide()

    def update(self) -> Slide:
        """Send the room's slide to the window (and say which it is) if it changed."""
        new = self.current_slide()
        if new != self.slide:
            self.slide = new
            self.console.screen_label.setText(_("On screen: {slide}").format(slide=new.kind.label))
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
        self.console.presenter.blanked = not self.console.presenter.blanked
        self.slide = None
        self.update()

    def shut(self) -> None:
        """Close the audience window with the console."""
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None
