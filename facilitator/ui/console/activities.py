"""What the room does in a segment, recorded from the console's panels: the hands counted for a vote or question
and their reveal, role-play parts assigned and rotated (and their printed cards), and the paper feedback forms.

The panels (console/panels.py) only show and collect; this controller records what the trainer entered through
the delivery service, via the console's step recorder, and says in the message line what was done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QStackedWidget, QWidget

from facilitator.domain.segment_kinds import Panel, rules, vote_at
from facilitator.i18n import _, ngettext
from facilitator.services import delivery as delivery_service
from facilitator.services import phone_votes
from facilitator.services.delivery import SessionRun
from facilitator.services.errors import UserError
from facilitator.ui.console.panels import FeedbackPanel, RolePlayPanel, VotePanel

if TYPE_CHECKING:
    from facilitator.ui.console.view import ConsoleView


class ActivityController:
    """The vote, role-play and feedback panels, and recording what the trainer enters in them."""

    def __init__(self, console: ConsoleView) -> None:
        self.console = console
        self.panels = QStackedWidget()
        self.vote_panel, self.role_panel, self.feedback_panel = VotePanel(), RolePlayPanel(), FeedbackPanel()
        for panel in (QWidget(), self.vote_panel, self.role_panel, self.feedback_panel):
            self.panels.addWidget(panel)
        self.vote_panel.counts_entered.connect(self.record_counts)
        self.vote_panel.reveal_requested.connect(self.reveal)
        self.role_panel.assign_requested.connect(self.assign_roles)
        self.role_panel.rotate_requested.connect(self.rotate_roles)
        self.role_panel.cards_requested.connect(self.print_role_cards)
        self.feedback_panel.response_entered.connect(self.add_feedback)
        self.feedback_panel.undo_requested.connect(self.undo_feedback)

    def _segment_with(self, panel: Panel) -> Any:
        """The running segment if its kind uses `panel`, else None."""
        current = self.console.run.delivery.current
        if current is None:
            return None
        segment = self.console.run.segment(current)
        return segment if rules(segment.type).panel is panel else None


    # --- showing the running segment's panel --------------------------------------------------------------

    def show_panel(self) -> None:
        """The panel the running segment's kind needs (none for a talk or a break), filled in."""
        c = self.console
        current = c.run.delivery.current_run
        segment = c.run.segment(current.segment.id) if current else None
        panel = rules(segment.type).panel if segment is not None else Panel.NONE
        if segment is not None and current is not None and panel is Panel.VOTES:
            item = c.presenter.stages()[c.stage_index].item
            vote = vote_at(segment, item)
            self.vote_panel.show_vote(vote.question, vote.options, current.hands.get(item), correct=vote.correct,
                                      explanation=vote.explanation, revealed=item in current.revealed)
            self.panels.setCurrentWidget(self.vote_panel)
            self.show_phone_votes()
        elif segment is not None and current is not None and panel is Panel.ROLES:
            self.role_panel.people.set_people(delivery_service.people_present(c.workspace, c.session_id))
            names = delivery_service.names_by_token(c.workspace, c.session_id)
            self.role_panel.show_assignment(current.role_rounds[-1] if current.role_rounds else None, names,
                                            segment.rounds)
            self.panels.setCurrentWidget(self.role_panel)
        elif segment is not None and panel is Panel.FEEDBACK:
            self.feedback_panel.show_round(segment.rating.question, segment.rating.scale,
                                           delivery_service.feedback_summary(c.workspace, c.session_id, segment.id))
            self.panels.setCurrentWidget(self.feedback_panel)
        else:
            self.panels.setCurrentIndex(0)
        # A talk or a break has no panel: the notes get the room, which a 1366 x 768 laptop screen needs.
        self.panels.setVisible(self.panels.currentIndex() != 0)

    # --- votes and questions ------------------------------------------------------------------------------

    def _vote_item(self) -> int | None:
        steps = self.console.presenter.stages()
        if not steps or self._segment_with(Panel.VOTES) is None:
            return None
        return steps[self.console.stage_index].item

    def show_phone_votes(self) -> tuple[int, ...] | None:
        """The phones' votes on the question on screen, beside the hands, while phones can vote or once any have
        (they arrive from the phones' server; the console asks again on each ChangeKind.PHONES)."""
        c = self.console
        item, segment = self._vote_item(), c.run.delivery.current
        if item is None or segment is None or self.panels.currentWidget() is not self.vote_panel:
            return None
        try:
            counts = phone_votes.phone_votes(c.workspace, c.session_id, segment, item)
        except UserError:  # the vote went away under the console (a workshop changed): no phones to show
            counts = None
        shown = counts if counts is not None and (c.phones.running is not None or any(counts)) else None
        self.vote_panel.show_phones(shown)
        return shown

    def record_counts(self, counts: list[int]) -> SessionRun | None:
        c = self.console
        item = self._vote_item()
        segment = c.run.delivery.current
        if item is None or segment is None:
            c.say(_("There is no vote in this segment."), error=True)
            return None
        run = c.steps.take(lambda: c.presenter.tally(item, counts))
        if run is not None:
            c.say(_("Counts recorded: {total} in all.").format(total=sum(counts)))
        return run

    def focus_counts(self) -> None:
        """Ctrl+T: into the first count box, to type the hands option by option (Tab moves to the next)."""
        if self.panels.currentWidget() is self.vote_panel and self.vote_panel.spins:
            self.vote_panel.spins[0].setFocus()
            self.vote_panel.spins[0].selectAll()
        else:
            self.console.say(_("There is no vote to count in this segment."), error=True)

    def typed_counts(self) -> list[int] | None:
        """The hands typed in the vote panel, if it is showing: a step that reveals records them first."""
        return self.vote_panel.counts() if self.panels.currentWidget() is self.vote_panel else None

    def reveal(self) -> None:
        """Ctrl+R: show the room the results of the vote or question on screen now."""
        c = self.console
        steps = c.presenter.stages()
        item = self._vote_item()
        if item is None:
            c.say(_("There is nothing to reveal in this segment."), error=True)
            return
        if steps[c.stage_index].reveals:
            c.steps.take(lambda: c.presenter.reveal_item(item, self.typed_counts()))
            return
        if c.stage_index + 1 < len(steps) and steps[c.stage_index + 1].reveals:
            c.steps.next_step()

    # --- role-plays ---------------------------------------------------------------------------------------

    def _role_play(self) -> Any:
        segment = self._segment_with(Panel.ROLES)
        if segment is None:
            self.console.say(_("The running segment is not a role-play."), error=True)
        return segment

    def assign_roles(self) -> None:
        c = self.console
        segment = self._role_play()
        if segment is None:
            return
        people = self.role_panel.people
        tokens = [token for token, _name in people.rows()]
        assignment = c.steps.take(lambda: c.presenter.assign(segment.id, tokens, opted_out=sorted(people.opted_out),
                                                             volunteers=sorted(people.volunteers)))
        if assignment is not None:
            n = len(assignment.groups)
            c.say(ngettext("Parts assigned: {n} group. Print the role cards or read them out.",
                           "Parts assigned: {n} groups. Print the role cards or read them out.", n).format(n=n))

    def rotate_roles(self) -> None:
        c = self.console
        segment = self._role_play()
        if segment is None:
            return
        assignment = c.steps.take(lambda: c.presenter.rotate(segment.id))
        if assignment is not None:
            c.say(_("Parts rotated for round {round}.").format(round=assignment.round))

    def print_role_cards(self) -> None:
        from facilitator.ui.dialogs.role_cards import save_role_cards

        c = self.console
        segment = self._role_play()
        if segment is not None:
            saved = save_role_cards(c, c.workspace, c.session_id, segment.id)
            if saved is not None:
                c.say(_("Role cards saved to {path}").format(path=saved))

    # --- feedback -----------------------------------------------------------------------------------------

    def add_feedback(self, rating: int | None, comment: str) -> None:
        c = self.console
        segment = self._segment_with(Panel.FEEDBACK)
        if segment is None:
            c.say(_("Start the feedback segment first."), error=True)
            return
        summary = c.steps.record(lambda: delivery_service.add_feedback(c.workspace, c.session_id, segment.id,
                                                                       rating=rating, comment=comment))
        if summary is not None:
            self.feedback_panel.clear()
            self.feedback_panel.show_summary(summary)
            c.say(_("Response {number} added.").format(number=summary.responses))

    def undo_feedback(self) -> None:
        c = self.console
        segment = c.run.delivery.current
        if segment is None:
            return
        summary = c.steps.record(lambda: delivery_service.remove_last_feedback(c.workspace, c.session_id, segment))
        if summary is not None:
            self.feedback_panel.show_summary(summary)
            c.say(_("The last response was removed."))
