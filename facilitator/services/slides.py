"""What the audience window shows: one `Slide` per step of a segment, built only from what the room may see.

A segment is run as a few steps (its `stages`): a scenario is read, then voted on, then its results are shown;
a knowledge check asks each question, then reveals its answer. The presenter moves through the steps; the
audience window draws the slide of the current one. This module is the one gate between the workshop file and
the projector: it copies the `screen` text, vote questions and options, role names, break and round times,
and never the facilitator's notes, the role cards, debrief points, the roster, or any count or correct answer
before the trainer has revealed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from facilitator.documents.qr import qr_matrix
from facilitator.domain.delivery import SegmentRun, per_option
from facilitator.domain.jurisdiction import Agency
from facilitator.domain.rotation import PERIOD
from facilitator.domain.segment_kinds import Panel, SegmentKind, Stage, rules, vote_at
from facilitator.domain.times import clock
from facilitator.i18n import N_, _, ngettext


class SlideKind(StrEnum):
    WELCOME = "welcome"  # before the first segment: the workshop's title
    TEXT = "text"  # a talk's or scenario's screen text
    VOTE = "vote"  # a question and its options, no counts
    RESULTS = "results"  # the same, with counts as a chart (after the reveal)
    QUESTION = "question"  # a knowledge-check question
    ANSWER = "answer"  # its correct option(s), explanation and counts (after the reveal)
    ROLE_PLAY = "role-play"  # instructions: the parts, the opt-out, the rounds
    ROUND = "round"  # a role-play round with its countdown
    BREAK = "break"  # a countdown to the end of the break
    FEEDBACK = "feedback"  # the rating question and comment prompts
    CHECKIN = "checkin"  # how to check in, with a QR code when phones can check themselves in
    CONTACTS = "contacts"  # the agencies people can complain to outside the company, for the session's laws
    ROOM_QUESTION = "room-question"  # a question sent from a phone that the trainer chose to show
    BLANK = "blank"  # the trainer blanked the screen
    END = "end"  # after the last segment

    @property
    def label(self) -> str:
        """What the presenter is told is on the room's screen ("On screen: results"), in their language."""
        return _(SLIDE_NAMES[self])


SLIDE_NAMES = {SlideKind.WELCOME: N_("welcome"), SlideKind.TEXT: N_("text"), SlideKind.VOTE: N_("vote"),
               SlideKind.RESULTS: N_("results"), SlideKind.QUESTION: N_("question"), SlideKind.ANSWER: N_("answer"),
               SlideKind.ROLE_PLAY: N_("role play"), SlideKind.ROUND: N_("round"), SlideKind.BREAK: N_("break"),
               SlideKind.FEEDBACK: N_("feedback"), SlideKind.CHECKIN: N_("check-in"), SlideKind.BLANK: N_("blank"),
               SlideKind.END: N_("end"), SlideKind.CONTACTS: N_("agencies"),
               SlideKind.ROOM_QUESTION: N_("question from the room")}

@dataclass(frozen=True)
class Slide:
    """Everything the audience window may draw for one step; nothing else reaches the projector."""

    kind: SlideKind
    heading: str
    body: str = ""  # paragraphs separated by blank lines; lines starting "- " are bullets
    options: tuple[str, ...] = ()
    counts: tuple[int, ...] | None = None  # only once revealed
    correct: tuple[int, ...] = ()  # indexes of correct options, only once revealed
    explanation: str = ""  # only once revealed
    until: datetime | None = None  # a countdown's end (breaks, role-play rounds); None while paused
    paused: bool = False
    qr_text: str | None = None
    footer: str = ""  # the workshop's title, "Question 2 of 5", "Round 1 of 3"
    content_warning: str = ""


def welcome_slide(title: str, subtitle: str = "") -> Slide:
    return Slide(SlideKind.WELCOME, title, subtitle)


def checkin_slide(title: str, qr_text: str | None = None) -> Slide:
    """How to check in. With `qr_text` (the phones' join address, while the companion runs), the QR code holding
    it, a line saying that it changes, and the address itself, drawn under the code for someone who types it."""
    lines = [_("Show your badge's QR code to the scanner or the laptop camera"),
             _("No badge? Tell the trainer your name"),
             _("Leaving early? Check out the same way")]
    if qr_text is not None:
        seconds = round(PERIOD.total_seconds())
        # "Check out the same way" would read as "with the phone", which only checks in.
        lines = [_("Scan to check in — the code changes every {seconds} seconds").format(seconds=seconds),
                 _("Or show your badge's QR code to the scanner or the laptop camera"), lines[1],
                 _("Leaving early? Check out at the desk")]
    body = "\n".join(f"- {line}" for line in lines)
    return Slide(SlideKind.CHECKIN, _("Welcome: please check in"), body, qr_text=qr_text, footer=title)


def room_question_slide(text: str, title: str) -> Slide:
    """A question sent anonymously from a phone, which the trainer chose to show: large, under its own heading.
    Only a question the trainer picked reaches this function (a waiting or dismissed one never does)."""
    return Slide(SlideKind.ROOM_QUESTION, _("Question from the room"), " ".join(text.split()),
                 footer=_("Asked anonymously · {title}").format(title=title))


def qr_modules(text: str) -> list[list[bool]]:
    """The modules of a check-in slide's QR code (quiet zone included), for the audience window to draw: the
    same encoder as the printed badges, reached through this module because the UI may not import documents."""
    return qr_matrix(text)


def end_slide(title: str) -> Slide:
    return Slide(SlideKind.END, _("Thank you"), _("Please check out on your way out."), footer=title)


BLANK = Slide(SlideKind.BLANK, "")


def slide(segment: Any, stage: Stage, run: SegmentRun, *, title: str, until: datetime | None = None,
          paused: bool = False, contacts: Sequence[Agency] = ()) -> Slide:
    """The audience's view of `segment` at `stage`. Counts and answers appear only if `run` says revealed;
    `contacts` are the agencies of the session's jurisdictions, for the talk on reporting."""
    warning = " ".join((segment.content_warning or "").split())  # the author's line wrapping is not a break
    if stage.name == "contacts":
        return contacts_slide(contacts, title)
    if stage.name in ("vote", "results"):
        return _vote_slide(segment, stage, run, title)
    if stage.name in ("question", "answer"):
        return _question_slide(segment, stage, run, title)
    if stage.name == "round":
        return Slide(SlideKind.ROUND, segment.title, _round_body(segment), until=until, paused=paused,
                     footer=_("Round {number} of {total}").format(number=stage.item + 1, total=segment.rounds),
                     content_warning=warning)
    if stage.name == "break":
        # The return time follows the break's own clock, extensions included: no blank to fill in on screen.
        back = _("Back at {time}").format(time=clock(until)) if until is not None and not paused else ""
        body = "\n\n".join(p for p in (segment.screen.strip(), back) if p)
        return Slide(SlideKind.BREAK, segment.title, body, until=until, paused=paused, footer=title)
    if stage.name == "feedback":
        comments = "\n".join(f"- {c}" for c in segment.comments)
        body = "\n\n".join(p for p in (segment.screen.strip(), comments) if p)
        return Slide(SlideKind.FEEDBACK, segment.rating.question, body,
                     options=tuple(str(n) for n in range(1, segment.rating.scale + 1)),
                     footer=_("Anonymous: no names are recorded"))
    if rules(segment.type).panel is Panel.ROLES:
        return Slide(SlideKind.ROLE_PLAY, segment.title, _role_play_body(segment), footer=title,
                     content_warning=warning)
    return Slide(SlideKind.TEXT, segment.title, _screen_body(segment), footer=title, content_warning=warning)


def contacts_slide(contacts: Sequence[Agency], title: str) -> Slide:
    """Where to complain outside the company: each agency's name, phone, website and deadline, with the day its
    details were checked, so the room can copy them down (the hand-out has them in full)."""
    if not contacts:
        return Slide(SlideKind.CONTACTS, _("Outside the company"),
                     _("The session names no jurisdiction with agency contacts: ask the trainer for your state's "
                       "agency."), footer=title)
    blocks = []
    for agency in contacts:
        phone = agency.phone + (f" ({agency.tty})" if agency.tty else "")
        detail = _("Deadline: {deadline}").format(deadline=agency.deadline) if agency.deadline else agency.filing
        blocks.append("\n".join((f"{agency.short_name}: {phone} · {agency.web_address}", "- " + detail)))
    checked = min(a.verified_on for a in contacts)  # the claim holds for the oldest
    footer = _("Checked {date} · full details on your hand-out").format(date=checked.isoformat())
    return Slide(SlideKind.CONTACTS, _("Outside the company: government agencies"), "\n\n".join(blocks),
                 footer=footer)


def _screen_body(segment: Any) -> str:
    """The screen text without its first line when that line only repeats the segment's title."""
    lines = segment.screen.strip().splitlines()
    if lines and lines[0].strip().casefold() == segment.title.strip().casefold():
        lines = lines[1:]
    return "\n".join(lines).strip()


def room_counts(counts: tuple[int, ...] | None) -> tuple[tuple[int, ...] | None, str]:
    """What the room may see of a tally: the counts, or, from fewer than SMALL_GROUP hands, only their total (so
    no one in a small group can be picked out by their answer), as the report does."""
    if counts is None or not any(counts) or per_option(counts):  # no hands at all: the slide says no votes
        return counts, ""
    total = sum(counts)
    return None, ngettext("{count} hand in all: too few to show per option",
                          "{count} hands in all: too few to show per option", total).format(count=total)


def _vote_slide(segment: Any, stage: Stage, run: SegmentRun, title: str) -> Slide:
    vote = vote_at(segment, stage.item)
    shown = stage.name == "results" and stage.item in run.revealed
    counts, withheld = room_counts(run.tallies.get(stage.item) if shown else None)
    # A scenario's text stays under its vote, for those who came in late; a poll has only its question.
    body = _screen_body(segment) if segment.type == SegmentKind.SCENARIO and not shown else withheld
    return Slide(SlideKind.RESULTS if shown else SlideKind.VOTE, vote.question, body, options=vote.options,
                 counts=counts, footer=segment.title if segment.title != vote.question else title)


def _question_slide(segment: Any, stage: Stage, run: SegmentRun, title: str) -> Slide:
    question = vote_at(segment, stage.item)
    footer = _("Question {number} of {total}").format(number=stage.item + 1, total=len(segment.questions))
    if stage.name == "answer" and stage.item in run.revealed:
        counts, withheld = room_counts(run.tallies.get(stage.item))
        return Slide(SlideKind.ANSWER, question.question, withheld, options=question.options, counts=counts,
                     correct=question.correct, explanation=question.explanation, footer=footer)
    return Slide(SlideKind.QUESTION, question.question, options=question.options, footer=footer)


def _role_play_body(segment: Any) -> str:
    screen = _screen_body(segment)
    if screen:
        return screen
    parts = "\n".join("- " + (_("{role} (volunteers only)").format(role=r.name) if r.volunteer_only else r.name)
                      for r in segment.roles)
    minutes = ngettext("{count} minute", "{count} minutes", segment.round_minutes).format(count=segment.round_minutes)
    rounds = ngettext("{count} round of {minutes}", "{count} rounds of {minutes}", segment.rounds).format(
        count=segment.rounds, minutes=minutes)
    opt_out = _("You may opt out and observe instead: no reason needed.")
    return "\n\n".join((_("Parts:") + "\n" + parts, rounds, opt_out))


def _round_body(segment: Any) -> str:
    return _("Say \"pause\" at any time. Observers: note what worked and one thing to try.")
