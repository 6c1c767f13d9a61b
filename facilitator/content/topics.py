"""The shared topic vocabulary (`sessions/topics.yaml`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from facilitator.content.problems import ContentError
from facilitator.content.schema import Slug, Text
from facilitator.content.yamlfile import read_yaml
from facilitator.domain.workshop import Topic


class TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
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
