"""`facilitator run` (and its older name, `facilitator delivery`): run a session without the app, as the app's
presenter console (Run) does. `show`, the default, prints the agenda as delivered and the step on screen; each other
verb records one step: start, next, pause, resume, extend, skip, end, note, tally and reveal; `step` and `back`
move as Page Down and Page Up do, with the console's own presenter model (services/presenter.py)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from facilitator.cli.common import Handler, Parser, add_json, add_session, add_verb, add_verbs, emit, workspace
from facilitator.domain.delivery import RunState
from facilitator.domain.segment_kinds import kind_label, rules, stage_name, step_text, votes
from facilitator.domain.sessions import status_label as session_status
from facilitator.domain.times import clock
from facilitator.i18n import _, ngettext

if TYPE_CHECKING:
    from facilitator.services.delivery import SessionRun
    from facilitator.services.presenter import Presenter
    from facilitator.services.workspace import Workspace

DEFAULT_VERB = "show"
INDENT = " " * 7  # a segment's votes, role-plays and notes, under its line


def register(parser: Parser, noun: str) -> None:
    parser.description = _(
        "With just SESSION: each segment's planned and actual times, state, the room's counts and the trainer's "
        "notes, and how far the session is ahead of or behind plan. The verbs record one step each, as the app's "
        "presenter console does. SEGMENT is a segment id as '{command} SESSION' lists them. Options go after the "
        "words.").format(command=parser.prog)
    add_verbs(parser, default=DEFAULT_VERB)
    show = add_verb(parser, "show", show_agenda, _("the agenda as delivered: planned and actual times, state, counts, "
                                                   "notes (the default)"), words=_("SESSION [--json]"))
    add_session(show)
    add_json(show)
    start = _step(parser, "start", start_segment, _("start a segment, ending the one running"),
                  _("SESSION SEGMENT [--at TIME] [--json]"))
    _segment(start)
    _step(parser, "next", next_segment, _("end the running segment and start the next one still to run"),
          _("SESSION [--at TIME] [--json]"))
    step = _step(parser, "step", next_step, _("the next step, as Page Down in the console: the running segment's "
                                              "next screen (revealing a vote's results first), else the next "
                                              "segment"), _("SESSION [--without-results] [--at TIME] [--json]"))
    step.add_argument("--without-results", action="store_true",
                      help=_("go past a vote's or question's results without showing them (when no hands were "
                             "counted)"))
    _step(parser, "back", previous_step, _("the running segment's step before, as Page Up in the console"),
          _("SESSION [--json]"))
    _step(parser, "pause", pause, _("stop the clock; pauses are left out of actual minutes"),
          _("SESSION [--at TIME] [--json]"))
    _step(parser, "resume", resume, _("start the clock again"), _("SESSION [--at TIME] [--json]"))
    extend = _step(parser, "extend", extend_segment, _("more time for the running segment"),
                   _("SESSION [--minutes N] [--at TIME] [--json]"))
    extend.add_argument("--minutes", type=int, default=1, metavar=_("N"),
                        help=_("minutes more for the running segment (default %(default)s)"))
    skip = _step(parser, "skip", skip_segment, _("pass over a segment without running it (default: the next)"),
                 _("SESSION [SEGMENT] [--at TIME] [--json]"))
    _segment(skip, optional=True)
    _step(parser, "end", end_segment, _("end the running segment without starting another"),
          _("SESSION [--at TIME] [--json]"))
    note = _step(parser, "note", note_segment, _("a note on a segment, printed in the session report"),
                 _("SESSION SEGMENT TEXT [--at TIME] [--json]"))
    _segment(note)
    note.add_argument("text", nargs="+", metavar=_("TEXT"))
    hands = _("the hands for each option of a vote or question, in the order shown")
    tally = _step(parser, "tally", tally_votes, hands, _("SESSION SEGMENT COUNT... [--item N] [--at TIME] [--json]"))
    _segment(tally)
    tally.add_argument("counts", nargs="+", metavar=_("COUNT"))
    reveal = _step(parser, "reveal", reveal_votes, _("show the room the results of a vote or question"),
                   _("SESSION SEGMENT [--item N] [--at TIME] [--json]"))
    _segment(reveal)
    roles = _step(parser, "roles", assign_roles, _("a role-play round: parts assigned at random among those in the "
                                                  "room, or (once assigned) moved along for the next round"),
                  _("SESSION SEGMENT [--at TIME] [--json]"))
    _segment(roles)
    for verb in (tally, reveal):
        verb.add_argument("--item", type=int, metavar=_("N"),
                          help=_("which question of a knowledge check, from 1 (default 1)"))


def _step(parser: Parser, name: str, handler: Handler, summary: str, words: str) -> Parser:
    verb = add_verb(parser, name, handler, summary, words=words)
    add_session(verb)
    verb.add_argument("--at", metavar=_("TIME"), help=_("when the step happened, for keying it in later: HH:MM on "
                                                        "the session's date, or a full ISO 8601 time (default: now). "
                                                        "It must lie in the session's day on this computer's clock: "
                                                        "from 2 hours before the planned start to the end of that "
                                                        "day (12 hours after the start, for a session starting late "
                                                        "in the evening), and not in the future"))
    add_json(verb)
    return verb


def _segment(verb: Parser, *, optional: bool = False) -> None:
    said = (_("the segment's id, as the agenda lists it (default: the next one still to run)") if optional
            else _("the segment's id, as the agenda lists it"))
    verb.add_argument("segment", nargs="?" if optional else None, metavar=_("SEGMENT"), help=said)


# --- the agenda as delivered ----------------------------------------------------------------------------------

def agenda(run: SessionRun) -> dict[str, Any]:
    """The agenda as delivered so far, as --json prints it."""
    from facilitator.services.delivery import now
    from facilitator.services.delivery_report import delivery_view

    return delivery_view(run, now())


def show_agenda(args: argparse.Namespace) -> int:
    from facilitator.services.presenter import Presenter

    presenter = Presenter(workspace(args), args.session_id)
    run = presenter.run
    view = {**agenda(run), "presenter": _presenter_view(presenter)}
    emit(args, view, lambda: _print_agenda(run, view, _where(presenter)))
    return 0


def _presenter_view(presenter: Presenter) -> dict[str, Any]:
    """Where the presenter is, as --json prints it: the running segment's step and the slide the room sees."""
    steps = presenter.stages()
    return {"segment": presenter.segment, "step": presenter.step + 1 if steps else None, "steps": len(steps),
            "step_name": stage_name(steps[presenter.step]) if steps else None,
            "on_screen": str(presenter.slide().kind)}


def _where(presenter: Presenter) -> str:
    """'Now: the-law, step 2 of 3: Vote; on screen: vote'."""
    steps = presenter.stages()
    slide = presenter.slide().kind.label
    if not steps:
        return _("No segment running; on screen: {slide}").format(slide=slide)
    return _("Now: {segment}, {step}; on screen: {slide}").format(segment=presenter.segment,
                                                                 step=step_text(steps, presenter.step), slide=slide)


def _print_agenda(run: SessionRun, view: dict[str, Any], where: str) -> None:
    print(_("Session {session}: {title} ({status}), plan {start}-{end}").format(
        session=run.session_id, title=run.title, status=session_status(run.status), start=clock(run.planned_start),
        end=clock(_moment(view["planned_end"]))))
    print(f"{'#':>3}  {_('plan'):5} {_('min'):>3}  {_('start'):5} {_('end'):5} {_('min'):>3}  {_('state'):8} "
          f"{_('segment')}")
    for number, seg in enumerate(view["segments"], start=1):
        actual = "" if seg["actual_minutes"] is None else str(seg["actual_minutes"])
        line = (f"{number:3}  {_clock(seg['planned_start']):5} {seg['planned_minutes']:3}  "
                f"{_clock(seg['actual_start']):5} {_clock(seg['actual_end']):5} {actual:>3}  "
                f"{seg['state']:8} {seg['id']}: {seg['title']}")
        if seg["extra_minutes"]:
            line += " " + _("(+{n} min)").format(n=seg["extra_minutes"])
        print(line)
        for tally in seg["tallies"]:
            counts = ", ".join(f"{o} {c}" for o, c in zip(tally["options"], tally["counts"], strict=False))
            shown = _("revealed") if tally["revealed"] else _("not revealed")
            said = (_("question {item}: {question} {counts} ({shown})") if rules(seg["kind"]).answers
                    else _("vote: {question} {counts} ({shown})"))
            print(INDENT + said.format(item=tally["item"], question=tally["question"], counts=counts, shown=shown))
        if seg["role_play"]:
            groups, rounds = seg["role_play"]["groups"], seg["role_play"]["rounds"]
            print(INDENT + _("role-play: {groups}, {rounds}").format(
                groups=ngettext("{n} group", "{n} groups", groups).format(n=groups),
                rounds=ngettext("{n} round", "{n} rounds", rounds).format(n=rounds)))
        for note in seg["notes"]:
            print(INDENT + _("note: {note}").format(note=note))
    print(_status(view))
    print(where)


def _moment(iso: str | None) -> datetime | None:
    return None if iso is None else datetime.fromisoformat(iso)


def _clock(iso: str | None) -> str:
    return clock(_moment(iso), "-")


def _status(view: dict[str, Any]) -> str:
    segments = view["segments"]
    ran = sum(1 for s in segments if s["actual_start"] is not None)
    skipped = sum(1 for s in segments if s["state"] == RunState.SKIPPED)
    done = ngettext("{ran} of {total} segment run", "{ran} of {total} segments run", len(segments)).format(
        ran=ran, total=len(segments))
    parts = [_("{done}, {skipped} skipped").format(done=done, skipped=skipped) if skipped else done]
    if view["current"] is not None:
        running = _("{segment} is paused") if view["paused"] else _("{segment} is running")
        parts.append(running.format(segment=view["current"]))
    if view["next"] is not None:
        parts.append(_("next: {segment}").format(segment=view["next"]))
    elif view["finished"]:
        parts.append(_("finished"))
    drift = view["drift_minutes"]
    if drift is not None:
        away = _("{n} min behind plan") if drift > 0 else _("{n} min ahead of plan")
        parts.append(_("on plan") if drift == 0 else away.format(n=abs(drift)))
    return "; ".join(parts)


# --- the steps ----------------------------------------------------------------------------------------------------

def _told(args: argparse.Namespace, run: SessionRun, told: str, *, say_next: bool = False) -> int:
    """Say what the step did (and, after a step that moves on, what comes next); --json adds the agenda."""
    following = run.delivery.next_up
    if say_next and following is not None:
        told = _("{step}. Next: {segment}").format(step=told, segment=following.segment.id)
    emit(args, {"message": told, **agenda(run)}, lambda: print(told))
    return 0


def _step_time(ws: Workspace, args: argparse.Namespace) -> datetime | None:
    """The --at time as an aware datetime (HH:MM is on the session's date, on this computer's clock), or None;
    a UserError if it is not in the session's day window or is in the future."""
    if not args.at:
        return None
    from facilitator.services.paper_times import keyed_in

    return keyed_in(ws, args.session_id, args.at)


def _running(run: SessionRun) -> str:
    current = run.delivery.current_run
    return _("running: {segment}").format(segment=current.segment.id) if current else _("no segment is running")


def _started(run: SessionRun) -> str:
    current = run.delivery.current_run
    if current is None:
        return _("Ended the last segment; every segment has been run or skipped")
    return _("Started {segment}: {title} ({minutes} min planned)").format(
        segment=current.segment.id, title=current.segment.title, minutes=current.segment.minutes)


def _presenter(args: argparse.Namespace) -> Presenter:
    """The session's presenter, on the step the console (or the last `step`) left it; --at sets the step's time."""
    from facilitator.services import delivery
    from facilitator.services.presenter import Presenter

    ws = workspace(args)
    at = _step_time(ws, args) if getattr(args, "at", None) else None
    return Presenter(ws, args.session_id, now=(lambda: at) if at is not None else delivery.now)


def next_step(args: argparse.Namespace) -> int:
    presenter = _presenter(args)
    run = presenter.next_step(without_results=args.without_results)
    return _told(args, run, _where(presenter))


def previous_step(args: argparse.Namespace) -> int:
    presenter = _presenter(args)
    return _told(args, presenter.previous_step(), _where(presenter))


def start_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.start(ws, args.session_id, args.segment, at=_step_time(ws, args))
    return _told(args, run, _started(run), say_next=True)


def next_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.advance(ws, args.session_id, at=_step_time(ws, args))
    return _told(args, run, _started(run), say_next=True)


def pause(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.pause(ws, args.session_id, at=_step_time(ws, args))
    return _told(args, run, _("Paused the clock; {state}").format(state=_running(run)))


def resume(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.resume(ws, args.session_id, at=_step_time(ws, args))
    return _told(args, run, _("Resumed the clock; {state}").format(state=_running(run)))


def extend_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.extend(ws, args.session_id, args.minutes, at=_step_time(ws, args))
    current = run.delivery.current_run
    title = current.segment.title if current else _("the segment")
    return _told(args, run, ngettext("Gave {title} {n} more minute", "Gave {title} {n} more minutes", args.minutes)
                 .format(title=title, n=args.minutes))


def skip_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    segment = args.segment
    if segment is None:  # the next one still to run: name it, so the message can
        following = delivery.session_run(ws, args.session_id).delivery.next_up
        segment = following.segment.id if following is not None else None
    run = delivery.skip(ws, args.session_id, segment, at=_step_time(ws, args))
    told = (_("Skipped {segment}: {title}").format(segment=segment, title=run.delivery.run_of(segment).segment.title)
            if segment else _("Skipped"))
    return _told(args, run, told, say_next=True)


def end_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.end(ws, args.session_id, at=_step_time(ws, args))
    return _told(args, run, _("Ended the segment; no segment is running"), say_next=True)


def note_segment(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.note(ws, args.session_id, args.segment, " ".join(args.text), at=_step_time(ws, args))
    return _told(args, run, _("Noted on {segment}").format(segment=args.segment))


def tally_votes(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    item = _vote_item(ws, args)
    run = delivery.tally(ws, args.session_id, args.segment, item, [_count(c) for c in args.counts],
                         at=_step_time(ws, args))
    told = (_("Counted the hands for {segment}, question {item}") if args.item
            else _("Counted the hands for {segment}"))
    return _told(args, run, told.format(segment=args.segment, item=args.item))


def reveal_votes(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.reveal(ws, args.session_id, args.segment, _vote_item(ws, args), at=_step_time(ws, args))
    told = (_("Revealed the results of {segment}, question {item}") if args.item
            else _("Revealed the results of {segment}"))
    return _told(args, run, told.format(segment=args.segment, item=args.item))


def _count(text: str) -> int:
    from facilitator.services.errors import UserError

    try:
        return int(text)
    except ValueError:
        raise UserError(_("'{text}' is not a count; give one whole number of hands per option, in the order of the "
                          "options").format(text=text)) from None


def _vote_item(ws: Workspace, args: argparse.Namespace) -> int:
    """The index of the vote or question that --item numbers (from 1); a scenario or poll has one vote."""
    from facilitator.services.delivery import session_run
    from facilitator.services.errors import UserError

    run = session_run(ws, args.session_id)
    try:
        segment = run.segment(args.segment)
    except KeyError:
        raise UserError(_("session {session}'s workshop has no segment '{segment}'; see 'facilitator {noun} "
                          "{session}'").format(session=run.session_id, segment=args.segment, noun=args.noun)) from None
    count = len(votes(segment))
    if not count:
        raise UserError(_("segment '{segment}' is a {kind}, which has no vote or question to count").format(
            segment=args.segment, kind=kind_label(segment.type).lower()))
    if count == 1 and args.item not in (None, 1):
        raise UserError(_("segment '{segment}' has one vote; leave out --item").format(segment=args.segment))
    if args.item is not None and not 1 <= args.item <= count:
        raise UserError(_("segment '{segment}' has questions 1 to {count}; --item {item} is none of them").format(
            segment=args.segment, count=count, item=args.item))
    return (args.item or 1) - 1


def assign_roles(args: argparse.Namespace) -> int:
    """A role-play round keyed in: the first assigns parts among the people in the room, each later one rotates."""
    from facilitator.services import delivery

    ws = workspace(args)
    at = _step_time(ws, args)
    runs = delivery.session_run(ws, args.session_id).delivery.runs
    if any(r.segment.id == args.segment and r.role_rounds for r in runs):
        done = delivery.rotate(ws, args.session_id, args.segment, at=at)
    else:
        people = [token for token, _name in delivery.people_present(ws, args.session_id)]
        done = delivery.assign(ws, args.session_id, args.segment, people, at=at)
    told = ngettext("Round {round} of {segment}: {groups} group", "Round {round} of {segment}: {groups} groups",
                    len(done.groups)).format(round=done.round, segment=args.segment, groups=len(done.groups))
    return _told(args, delivery.session_run(ws, args.session_id), told)
