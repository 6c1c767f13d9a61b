"""The shared topic vocabulary (`sessions/topics.yaml`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from facilitator.content.problems import ContentError
from facilitator.content.schema import Slug, Text
from facilitator.content.yamlfile import read_yaml
from facilitator.domain.workshop import Topic
from facilitator.i18n import _


class TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used
    id: Slug
    label: Text
    description: Text


def load_topics(path: Path) -> tuple[Topic, ...]:
    doc = read_yaml(path)
    try:
        entries = TypeAdapter(list[TopicFile]).validate_python(doc.data)
    except ValidationError as exc:
        raise ContentError(doc.problems_from(exc)) from None
    return tuple(Topic(e.id, e.label, e.description) for e in entries)


def use_a_topic(topics: frozenset[str]) -> str:
    """The fix for an unknown topic id: the ids there are."""
    return _("use a topic id from sessions/topics.yaml: {topics}").format(topics=", ".join(sorted(topics)))
