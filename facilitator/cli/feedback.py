"""`facilitator feedback`: the anonymous feedback round of a session: a summary (`show`, the default), one paper form
typed in (`add`), or the last one typed taken back (`undo`)."""

from __future__ import annotations

import argparse
from typing import Any

from facilitator.cli.common import Parser, add_json, add_session, add_verb, add_verbs, emit, workspace
from facilitator.domain.delivery import SMALL_GROUP
from facilitator.domain.segment_kinds import Panel, rules
from facilitator.i18n import _, ngettext

DEFAULT_VERB = "show"


def register(parser: Parser, noun: str) -> None:
    parser.description = _(
        "With just SESSION: how many responded, the average rating, how many gave each rating (only from 5 ratings "
        "up, so that no one's answer can be picked out) and the comments. 'add' types in one paper form (a rating, a "
        "comment, or both; nothing about who gave it is kept); 'undo' removes the last one typed. --segment is "
        "needed only if the workshop has several feedback rounds.")
    add_verbs(parser, default=DEFAULT_VERB)
    show = add_verb(parser, "show", show_feedback, _("responses, average, comments (the default)"),
                    words=_("SESSION [--segment ID] [--json]"))
    add = add_verb(parser, "add", add_response, _("type in one paper form: a rating, a comment, or both"),
                   words=_("SESSION [--rating N] [--comment TEXT] [--segment ID] [--json]"))
    undo = add_verb(parser, "undo", undo_response, _("remove the last response typed in"),
                    words=_("SESSION [--segment ID] [--json]"))
    add_session(show)
    add_session(add)
    add_session(undo)
    add.add_argument("--rating", type=int, metavar=_("N"), help=_("the rating given, 1 to the scale's top"))
    add.add_argument("--comment", metavar=_("TEXT"), default="", help=_("the comment written"))
    for verb in (show, add, undo):
        verb.add_argument("--segment", metavar=_("ID"),
                          help=_("the feedback segment (default: the workshop's only one)"))
        add_json(verb)


def feedback_segment(run: Any) -> str:
    """The workshop's only feedback segment; with none or several, a clear error."""
    from facilitator.services.errors import UserError

    ids = [s.id for s in run.workshop.segments if rules(s.type).panel is Panel.FEEDBACK]
    if not ids:
        raise UserError(_("session {session}'s workshop has no feedback segment").format(session=run.session_id))
    if len(ids) > 1:
        raise UserError(ngettext(
            "session {session}'s workshop has {n} feedback segment ({ids}); say which with --segment",
            "session {session}'s workshop has {n} feedback segments ({ids}); say which with --segment", len(ids))
            .format(session=run.session_id, n=len(ids), ids=", ".join(ids)))
    return ids[0]


def show_feedback(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.session_run(ws, args.session_id)
    summary = delivery.feedback_summary(ws, run.session_id, args.segment)
    return _say(args, _view(run.session_id, args.segment, summary))


def add_response(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.session_run(ws, args.session_id)
    segment = args.segment or feedback_segment(run)
    summary = delivery.add_feedback(ws, run.session_id, segment, rating=args.rating, comment=args.comment)
    return _say(args, _view(run.session_id, segment, summary), _("Recorded one anonymous response."))


def undo_response(args: argparse.Namespace) -> int:
    from facilitator.services import delivery

    ws = workspace(args)
    run = delivery.session_run(ws, args.session_id)
    segment = args.segment or feedback_segment(run)
    summary = delivery.remove_last_feedback(ws, run.session_id, segment)
    return _say(args, _view(run.session_id, segment, summary), _("Removed the last response typed in."))


def _view(session_id: str, segment: str | None, summary: Any) -> dict[str, Any]:
    """The feedback as --json prints it: per-rating counts only from SMALL_GROUP ratings up."""
    # The service counts comment-only responses too: the counts are shown by ratings, not responses.
    distribution = list(summary.distribution) if summary.distribution and summary.rated >= SMALL_GROUP else None
    return {"session": session_id, "segment": segment, "responses": summary.responses,
            "rated": summary.rated, "average": None if summary.average is None else round(summary.average, 2),
            "scale": summary.scale, "distribution": distribution, "comments": list(summary.comments)}


def _say(args: argparse.Namespace, view: dict[str, Any], done: str | None = None) -> int:
    def in_words() -> None:
        if done is not None:
            print(done)
        _print_feedback(view)

    emit(args, view, in_words)
    return 0


def _print_feedback(view: dict[str, Any]) -> None:
    if not view["responses"]:
        print(_("No feedback yet."))
        return
    average = (_("no ratings") if view["average"] is None
               else _("average {average:.1f} of {scale}").format(average=view["average"], scale=view["scale"]))
    print(ngettext("{n} response, {rated} rated: {average}", "{n} responses, {rated} rated: {average}",
                   view["responses"]).format(n=view["responses"], rated=view["rated"], average=average))
    if view["distribution"] is not None:
        print("  " + "   ".join(f"{n}: {c}" for n, c in enumerate(view["distribution"], start=1)))
    elif view["rated"]:
        print("  " + _("(how many gave each rating is shown from {n} ratings up, so no one's can be picked out)")
              .format(n=SMALL_GROUP))
    if view["comments"]:
        print(_("Comments ({n}):").format(n=len(view["comments"])))
        for comment in view["comments"]:
            print(f"  - {' '.join(comment.split())}")
