"""Rich text for the library's segment pane: what the room sees, the facilitator's notes, and the extras."""

from __future__ import annotations

from html import escape
from typing import Any

from facilitator.domain.segment_kinds import Section, kind_label, rules
from facilitator.i18n import _


def _para(text: str) -> str:
    """Blank lines separate paragraphs; single line breaks are kept, as the author laid them out."""
    blocks = [b.strip() for b in text.strip().split("\n\n") if b.strip()]
    return "".join("<p>" + "<br>".join(escape(line) for line in b.splitlines()) + "</p>" for b in blocks)


def _list(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def _section(title: str, body: str) -> str:
    return f"<h3>{escape(title)}</h3>{body}" if body else ""


def _labelled(label: str, html: str) -> str:
    """A paragraph that starts with a bold label: "<b>Covers:</b> …" (`html` is already escaped)."""
    return f"<p><b>{escape(label)}</b> {html}</p>"


def segment_html(segment: Any, topic_labels: dict[str, str]) -> str:
    """The whole of one segment as a facilitator would want to read it while preparing."""
    minutes = escape(_("{minutes} min").format(minutes=segment.minutes))
    parts = [f"<h2>{escape(segment.title)}</h2>", _labelled(kind_label(segment.type), f"· {minutes}")]
    if segment.content_warning:
        parts.append(_labelled(_("Content warning:"), escape(segment.content_warning)))
    if segment.topics:
        labels = ", ".join(escape(topic_labels.get(t, t)) for t in segment.topics)
        parts.append(_labelled(_("Covers:"), labels))
    parts.append(_section(_("On screen"), _para(segment.screen)))
    parts += [_kind_section(section) for section in rules(segment.type).sections(segment)]
    parts.append(_section(_("Facilitator notes"), _para(segment.notes)))
    return "".join(parts)


def _kind_section(section: Section, *, part: bool = False) -> str:
    """One part of what is particular to the segment's kind (its vote, roles, questions …), as the registry
    of segment kinds describes it; a part within it has a bold line for its heading."""
    note = f" ({escape(section.label_note)})" if section.label_note else ""
    body = "".join(f"<p><b>{escape(label)}</b>{note}: {escape(text)}</p>" for label, text in section.labelled)
    body += _items(section) if section.items else ""
    body += _para(section.text) if section.text else ""
    body += f"<p><i>{escape(_('Why:'))}</i> {escape(section.why)}</p>" if section.why else ""
    body += "".join(_kind_section(p, part=True) for p in section.parts)
    if part:
        return f"<p><b>{escape(section.title)}</b></p>{body}"
    return _section(section.title, body) if section.title else body


def _items(section: Section) -> str:
    if not section.lettered:
        return _list(list(section.items), ordered=section.ordered)
    correct = f" <b>{escape(_('(correct)'))}</b>"
    return "<ol type='A'>" + "".join(f"<li>{escape(item)}{correct if i in section.correct else ''}</li>"
                                     for i, item in enumerate(section.items)) + "</ol>"


def overview_html(workshop: Any, topic_labels: dict[str, str]) -> str:
    """What a trainer or client reads when choosing a workshop."""
    covered = sorted({topic_labels.get(t, t) for s in workshop.segments for t in s.topics})
    return (_para(workshop.summary)
            + _section(_("Participants will be able to"), _list(workshop.objectives))
            + _section(_("Content warnings"), _list(workshop.content_warnings))
            + _section(_("Topics covered"), _list(covered)))
