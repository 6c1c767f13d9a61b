"""Load one workshop file: parse, validate against the schema, then check what the schema cannot."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from facilitator.content.problems import ContentError, ContentProblem
from facilitator.content.schema import SEGMENT_TAGS, Break, KnowledgeCheck, WorkshopFile
from facilitator.content.topics import use_a_topic
from facilitator.content.yamlfile import YamlDocument, parse_yaml, read_yaml
from facilitator.i18n import _, ngettext


def load_workshop(path: Path, topics: frozenset[str]) -> WorkshopFile:
    """Read and validate the workshop at `path`; raise ContentError listing every problem."""
    return _validate(read_yaml(path), topics)


def parse_workshop(text: str, name: Path, topics: frozenset[str]) -> WorkshopFile:
    """Validate workshop YAML held in memory (a session's snapshot, say); `name` labels messages."""
    return _validate(parse_yaml(text, name), topics)


def _validate(doc: YamlDocument, topics: frozenset[str]) -> WorkshopFile:
    if not isinstance(doc.data, dict):
        raise ContentError([doc.problem((), _("not a workshop: the file must be a mapping of fields"),
                                        _("start from a built-in workshop file as a template"))])
    try:
        workshop = WorkshopFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ContentError(doc.problems_from(exc, skip=SEGMENT_TAGS)) from None
    problems = consistency_problems(doc, workshop, topics)
    if problems:
        raise ContentError(problems)
    return workshop


def consistency_problems(doc: YamlDocument, w: WorkshopFile, topics: frozenset[str]) -> list[ContentProblem]:
    """Rules across fields: timing adds up, ids are unique, topics exist, answers are marked."""
    found: list[ContentProblem] = []
    total = sum(s.minutes for s in w.segments)
    if total != w.planned_minutes:
        found.append(doc.problem(("planned_minutes",), ngettext(
            "is {planned} but the segments add up to {total} minute",
            "is {planned} but the segments add up to {total} minutes", total).format(planned=w.planned_minutes,
                                                                                     total=total),
            _("set planned_minutes to {total} or adjust the segments").format(total=total)))
    counts = Counter(s.id for s in w.segments)
    for i, seg in enumerate(w.segments):
        if counts[seg.id] > 1:
            found.append(doc.problem(("segments", i, "id"), _("the segment id '{id}' is used more than once").format(
                id=seg.id), _("give every segment its own id")))
        if isinstance(seg, Break) and seg.topics:
            found.append(doc.problem(("segments", i, "topics"), _("a break covers no topics"),
                                     _("remove the topics from the break")))
        for j, topic in enumerate(seg.topics):
            if topic not in topics:
                found.append(doc.problem(("segments", i, "topics", j), _("unknown topic '{topic}'").format(
                    topic=topic), use_a_topic(topics)))
        if isinstance(seg, KnowledgeCheck):
            for q, question in enumerate(seg.questions):
                if not any(o.correct for o in question.options):
                    found.append(doc.problem(("segments", i, "questions", q, "options"),
                                             _("no option is marked correct"),
                                             _("add 'correct: true' to the right option")))
    return found
