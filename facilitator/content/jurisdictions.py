"""The jurisdiction profile format (`sessions/jurisdictions/*.yaml`) and its loader."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from facilitator.content.agencies import use_an_agency
from facilitator.content.problems import ContentError, ContentProblem
from facilitator.content.schema import Slug
from facilitator.content.topics import use_a_topic
from facilitator.content.yamlfile import YamlDocument, read_yaml
from facilitator.domain.jurisdiction import (
    DEFAULT_SHARE,
    Agency,
    Applicability,
    InteractivityRule,
    Jurisdiction,
    TrainingRequirement,
)
from facilitator.domain.workshop import Audience, SegmentKind
from facilitator.i18n import _

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class InteractivityFile(_Strict):
    kinds: list[SegmentKind] = Field(min_length=1)
    minimum: int = Field(default=1, ge=1)
    share: float = Field(default=DEFAULT_SHARE, ge=0, le=1)
    reason: Text


class ApplicabilityFile(_Strict):
    employees_at_least: int | None = Field(default=None, ge=1)
    industries: list[Slug] = Field(default_factory=list)


class RequirementFile(_Strict):
    name: Text
    audience: Literal["employees", "supervisors", "everyone"] = "everyone"
    minimum_minutes: int = Field(default=0, ge=0)
    topics: list[str] = Field(default_factory=list)
    topic_minutes: dict[str, int] = Field(default_factory=dict)
    interactivity: list[InteractivityFile] = Field(default_factory=list)


class JurisdictionFile(_Strict):
    code: Slug
    name: Text
    citation: Text
    who_must_train: Text
    frequency: Text
    records: list[Text] = Field(default_factory=list)
    retention_years: int | None = Field(default=None, ge=0)
    notes: str = ""
    audience: Literal["employees", "supervisors", "everyone"] = "everyone"
    qualified_trainer: str = ""
    acknowledgment: str = ""
    handouts: list[Text] = Field(default_factory=list)
    applies_if: ApplicabilityFile = Field(default_factory=ApplicabilityFile)
    contacts: list[Slug] = Field(default_factory=list)  # agency ids in sessions/agencies.yaml
    requirements: list[RequirementFile] = Field(default_factory=list)

    def to_domain(self) -> Jurisdiction:
        return Jurisdiction(
            code=self.code, name=self.name, citation=self.citation, who_must_train=self.who_must_train,
            frequency=self.frequency, records=tuple(self.records), retention_years=self.retention_years,
            notes=self.notes, audience=Audience(self.audience), qualified_trainer=self.qualified_trainer.strip(),
            acknowledgment=" ".join(self.acknowledgment.split()), handouts=tuple(self.handouts),
            applies=Applicability(self.applies_if.employees_at_least, tuple(self.applies_if.industries)),
            contacts=tuple(self.contacts),
            requirements=tuple(
                TrainingRequirement(
                    name=r.name, minimum_minutes=r.minimum_minutes, topics=tuple(r.topics),
                    topic_minutes=tuple(r.topic_minutes.items()), audience=Audience(r.audience),
                    interactivity=tuple(InteractivityRule(frozenset(SegmentKind(k) for k in i.kinds),
                                                          i.minimum, i.reason, i.share)
                                      for i in r.interactivity))
                for r in self.requirements),
        )


def load_jurisdiction(path: Path, topics: frozenset[str], agencies: dict[str, Agency] | None = None) -> Jurisdiction:
    """Read and validate one profile; raise ContentError listing every problem. Its contacts must be agencies in
    `agencies` (when given)."""
    doc = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise ContentError([doc.problem((), _("not a jurisdiction profile: the file must be a mapping of fields"),
                                        _("start from a built-in profile as a template"))])
    try:
        profile = JurisdictionFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ContentError(doc.problems_from(exc)) from None
    problems = _unknown_topics(doc, profile, topics)
    if agencies is not None:
        problems += [doc.problem(("contacts", i), _("unknown agency '{id}'").format(id=code), use_an_agency(agencies))
                     for i, code in enumerate(profile.contacts) if code not in agencies]
    if problems:
        raise ContentError(problems)
    return profile.to_domain()


def _unknown_topics(doc: YamlDocument, profile: JurisdictionFile, topics: frozenset[str]) -> list[ContentProblem]:
    found = []
    fix = use_a_topic(topics)
    for i, req in enumerate(profile.requirements):
        for j, topic in enumerate(req.topics):
            if topic not in topics:
                found.append(doc.problem(("requirements", i, "topics", j), _("unknown topic '{topic}'").format(
                    topic=topic), fix))
        for topic in req.topic_minutes:
            if topic not in topics:
                found.append(doc.problem(("requirements", i, "topic_minutes", topic),
                                         _("unknown topic '{topic}'").format(topic=topic), fix))
    return found
