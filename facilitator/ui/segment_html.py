"""Rich text for the library's segment pane: what the room sees, the facilitator's notes, and the extras."""

from __future__ import annotations

from html import escape
from typing import Any


def _para(text: str) -> str:
    """Blank lines separate paragraphs; single line breaks are kept, as the author laid them out."""
    blocks = [b.strip() for b in text.strip().split("\n\n") if b.strip()]
    return "".join("<p>" + "<br>".join(escape(line) for line in b.splitlines()) + "</p>" for b in blocks)


def _list(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def _section(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}" if body else ""


def segment_html(segment: Any, topic_labels: dict[str, str]) -> str:
    """The whole of one segment as a facilitator would want to read it while preparing."""
    kind = segment.type.replace("-", " ")
    parts = [f"<h2>{escape(segment.title)}</h2>",
             f"<p><b>{escape(kind.capitalize())}</b> &middot; {segment.minutes} min</p>"]
    if segment.content_warning:
        parts.append(f"<p><b>Content warning:</b> {escape(segment.content_warning)}</p>")
    if segment.topics:
        labels = ", ".join(escape(topic_labels.get(t, t)) for t in segment.topics)
        parts.append(f"<p><b>Covers:</b> {labels}</p>")
    parts.append(_section("On screen", _para(segment.screen)))
    parts.append(_extras(segment))
    parts.append(_section("Facilitator notes", _para(segment.notes)))
    return "".join(parts)


def _extras(segment: Any) -> str:
    if segment.type == "scenario":
        return (_section("Discussion questions", _list(segment.discussion_questions))
                + _section("Room vote: " + segment.vote.question, _list(segment.vote.options, ordered=True))
                + _section("Debrief points", _list(segment.debrief)))
    if segment.type == "role-play":
        cards = "".join(f"<p><b>{escape(r.name)}</b> (private card): {escape(r.card)}</p>" for r in segment.roles)
        return (f"<p>{segment.rounds} round(s) of {segment.round_minutes} min</p>"
                + _section("Roles", cards) + _section("Observer checklist", _list(segment.observer_checklist))
                + _section("If someone opts out", _para(segment.opt_out))
                + _section("Debrief prompts", _list(segment.debrief)))
    if segment.type == "knowledge-check":
        return _section("Questions", "".join(_question(i, q) for i, q in enumerate(segment.questions, 1)))
    if segment.type == "poll":
        return _section("Poll: " + segment.question, _list(segment.options, ordered=True))
    if segment.type == "feedback":
        return (_section("Rating", f"<p>{escape(segment.rating.question)} (1 to {segment.rating.scale})</p>")
                + _section("Comment prompts", _list(segment.comments)))
    return ""


def _question(number: int, q: Any) -> str:
    options = "".join(f"<li>{escape(o.text)}{' <b>(correct)</b>' if o.correct else ''}</li>" for o in q.options)
    return (f"<p><b>{number}. {escape(q.prompt)}</b></p><ol type='A'>{options}</ol>"
            f"<p><i>Why:</i> {escape(q.explanation)}</p>")


def overview_html(workshop: Any, topic_labels: dict[str, str]) -> str:
    """What a trainer or client reads when choosing a workshop."""
    covered = sorted({topic_labels.get(t, t) for s in workshop.segments for t in s.topics})
    return (_para(workshop.summary)
            + _section("Participants will be able to", _list(workshop.objectives))
            + _section("Content warnings", _list(workshop.content_warnings))
            + _section("Topics covered", _list(covered)))
