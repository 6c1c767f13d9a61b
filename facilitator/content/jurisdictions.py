"""The jurisdiction profile format (`sessions/jurisdictions/*.yaml`) and its loader."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

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
    Start,
    TrainingRequirement,
    TrainingSchedule,
)
from facilitator.domain.workshop import Audience, SegmentKind
from facilitator.i18n import _

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MonthDay = Annotated[str, StringConstraints(pattern=r"^\d\d-\d\d$")]
NO_SCHEDULE = "none"  # what a profile writes where no law sets when people are trained


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


class FirstTrainingFile(_Strict):
    """When the first training is due: within so many months (or days) of hire, or of becoming a supervisor."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)
    within_months: int | None = Field(default=None, ge=0, le=120)
    within_days: int | None = Field(default=None, ge=1, le=3660)
    from_: Literal["hire", "supervisor", "hire_or_supervisor"] = Field(alias="from")

    @model_validator(mode="after")
    def _one_window(self) -> Self:
        if (self.within_months is None) == (self.within_days is None):
            raise ValueError(_("give either within_months or within_days (one of them) for the first training"))
        return self


class ScheduleFile(_Strict):
    """When people must be trained: the first training, then a refresher every so many months (null: once only).
    With training_year_starts ("01-01" for calendar years), the law counts one training in every training year."""

    first: FirstTrainingFile
    then_every_months: int | None = Field(ge=1, le=240)  # required: null says "once only" on purpose
    training_year_starts: MonthDay | None = None
    other_track: Slug | None = None  # the profile of the same place for the other track (ca-employees, say)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.training_year_starts is not None:
            month, day = (int(part) for part in self.training_year_starts.split("-"))
            try:
                date(2001, month, day)  # a year without 29 February: a training year must start every year
            except ValueError:
                raise ValueError(_("training_year_starts '{value}' is not a day of every year; write MM-DD, such "
                                   "as 01-01 or 07-01").format(value=self.training_year_starts)) from None
            if self.then_every_months != 12:
                raise ValueError(_("with training_year_starts the law counts one training a year: write "
                                   "then_every_months: 12"))
        elif self.first.within_months == 0:
            raise ValueError(_("within_months: 0 means on the day itself; give a window, or training_year_starts "
                               "for a law that counts training years"))
        return self

    def to_domain(self) -> TrainingSchedule:
        starts = None
        if self.training_year_starts is not None:
            month, day = self.training_year_starts.split("-")
            starts = (int(month), int(day))
        return TrainingSchedule(
            first_from=Start(self.first.from_), first_months=self.first.within_months or 0,
            first_days=self.first.within_days or 0, every_months=self.then_every_months, year_starts=starts,
            other_track=self.other_track)


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
    schedule: ScheduleFile | None  # required: "none" where no law sets one

    @field_validator("schedule", mode="before")
    @classmethod
    def _none_written_out(cls, value: Any) -> Any:
        if value == NO_SCHEDULE:
            return None
        if value is None or isinstance(value, str):
            raise ValueError(_("give the schedule (first: and then_every_months:), or write 'none' where no law "
                               "sets one"))
        return value

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
            schedule=self.schedule.to_domain() if self.schedule else None,
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


def other_track_problems(profile: Jurisdiction, profiles: dict[str, Jurisdiction], path: Path) -> list[ContentProblem]:
    """What is wrong with the profile's `schedule.other_track`, checked against every loaded profile: it must name a
    profile for the other track (one for employees, the other for supervisors) whose own other_track names this
    one back, so HR's due dates hold each person to their own track's profile of the same place."""
    other = profile.schedule.other_track if profile.schedule else None
    if other is None:
        return []
    target = profiles.get(other)
    tracks = {Audience.EMPLOYEES, Audience.SUPERVISORS}
    if target is None:
        message = _("'{code}' is not a jurisdiction profile that loaded").format(code=other)
    elif target.schedule is None or target.schedule.other_track != profile.code:
        message = _("the profile '{code}' does not name this one ('{this}') back as its other_track").format(
            code=other, this=profile.code)
    elif {profile.audience, target.audience} != tracks:
        message = _("one profile must be for employees and the other for supervisors (their audience fields), not "
                    "{first} and {second}").format(first=profile.audience.value, second=target.audience.value)
    else:
        return []
    line = _line_of(path, ("schedule", "other_track"))
    return [ContentProblem(path, line, "schedule.other_track", message, _(
        "name the profile of the same place for the other track, and have it name this one back"))]


def _line_of(path: Path, loc: tuple[str, ...]) -> int | None:
    try:
        return read_yaml(path).line_of(loc)
    except ContentError:
        return None
