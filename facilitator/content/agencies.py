"""The agency contacts file (`sessions/agencies.yaml`): the government agencies people can take a harassment
complaint to, each with the date its details were last checked and where. Jurisdiction profiles name theirs by
id (`contacts: [eeoc, nys-dhr]`), so one agency's number is written once however many profiles list it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from facilitator.content.problems import ContentError
from facilitator.content.schema import Slug, Text
from facilitator.content.yamlfile import read_yaml
from facilitator.domain.jurisdiction import Agency
from facilitator.i18n import _


def _https(value: str) -> str:
    """An address people are told to visit must be the agency's secure site, not something that merely looks
    like one: a space or a missing scheme is a typing slip the projector would show."""
    if not value.startswith("https://") or any(c.isspace() for c in value) or len(value) < 12:
        raise ValueError(_("must be a full https:// address without spaces"))
    return value


Address = Annotated[str, AfterValidator(_https)]


class AgencyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used

    id: Slug
    name: Text
    short_name: Text = Field(max_length=40)
    covers: Text
    phone: Text = Field(max_length=60)
    tty: str = Field(default="", max_length=60)
    website: Address
    filing: Text
    deadline: str = ""  # none for a help line that advises but takes no complaints
    verified_on: date
    sources: list[Address] = Field(min_length=1)

    def to_domain(self) -> Agency:
        return Agency(id=self.id, name=self.name, short_name=self.short_name, covers=" ".join(self.covers.split()),
                      phone=self.phone, tty=self.tty.strip(), website=self.website,
                      filing=" ".join(self.filing.split()), deadline=" ".join(self.deadline.split()),
                      verified_on=self.verified_on, sources=tuple(self.sources))


def load_agencies(path: Path) -> dict[str, Agency]:
    """Every agency in the file by id; a ContentError naming each line that is wrong. No file, no agencies."""
    if not path.is_file():
        return {}
    doc = read_yaml(path)
    try:
        entries = TypeAdapter(list[AgencyFile]).validate_python(doc.data)
    except ValidationError as exc:
        raise ContentError(doc.problems_from(exc)) from None
    found: dict[str, Agency] = {}
    for i, entry in enumerate(entries):
        if entry.id in found:
            raise ContentError([doc.problem((i, "id"), _("the agency id '{id}' is used twice").format(id=entry.id),
                                            _("give each agency its own id"))])
        found[entry.id] = entry.to_domain()
    return found


def use_an_agency(agencies: dict[str, Agency]) -> str:
    """The fix for an unknown agency id: the ids there are."""
    return _("use an agency id from sessions/agencies.yaml: {ids}").format(ids=", ".join(sorted(agencies)) or _("none"))

