"""The column map format (`assets/hr-columns/*.yaml`, or a trainer's own file given with `--columns`) and its loader.

A map names one HR system's import and lists the columns that import takes, in its order. Each entry copies a
column of the bundle's `attendance.csv` under the system's header, or holds the same text on every row:

    name: "Moodle: Import Completion/Grades, course completions"
    rows: completed          # all (the default) or completed: some imports mark every row they read as completed
    date_format: YYYY-MM-DD  # iso (the default), YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY
    columns:
      - {from: email, to: email}
      - {from: completion_date, to: timecompleted}
      - {value: "Training Record", to: Record Type}

Nothing else: no formulas, no conditions, no values translated. A map that is not right is refused whole, with
the file, the line and the entry named (a CSV half right would reach HR's system as if it were right).
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from facilitator.content.problems import ContentError, ContentProblem
from facilitator.content.schema import Text, _printable
from facilitator.content.yamlfile import YamlDocument, parse_yaml, read_yaml
from facilitator.domain.hr_columns import ColumnMap, DateFormat, MappedColumn, Rows
from facilitator.files import size_text
from facilitator.i18n import _

MAX_BYTES = 64 * 1024  # a map of every column, each with a comment, is under 5 KB
MAX_COLUMNS = 200  # the bundle has fewer than 30 columns; constants make up the rest
Header = Annotated[Text, StringConstraints(max_length=200)]
Constant = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_printable)]  # may be empty


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class ColumnFile(_Strict):
    """One entry of `columns`: `to` is the header; `from` names a column of attendance.csv, `value` a constant."""

    to: Header
    from_: str | None = Field(default=None, alias="from")
    value: Constant | None = None

    @model_validator(mode="after")
    def _copies_or_holds(self) -> Self:
        if self.from_ is not None and self.value is not None:
            raise ValueError(_("give 'from' or 'value', not both: a column copies attendance.csv or holds a constant"))
        if self.from_ is None and self.value is None:
            raise ValueError(_("give 'from' (a column of attendance.csv) or 'value' (the same text on every row)"))
        return self


class ColumnMapFile(_Strict):
    name: Text
    columns: list[ColumnFile] = Field(min_length=1, max_length=MAX_COLUMNS)
    date_format: DateFormat = "iso"
    rows: Rows = "all"

    def to_domain(self) -> ColumnMap:
        return ColumnMap(self.name, tuple(MappedColumn(c.to, source=c.from_, constant=c.value) for c in self.columns),
                         self.date_format, self.rows)


def load_column_map(path: Path, known: Sequence[str]) -> ColumnMap:
    """Read and check one map whose `from` entries must name columns in `known`; raise ContentError listing every
    problem, each with its line."""
    doc = read_yaml(path, max_bytes=MAX_BYTES, too_large=_(
        "cannot be read (it is larger than {size}, far more than a column map)").format(size=size_text(MAX_BYTES)))
    return _checked(doc, known)


def column_map_in(text: str, name: Path, known: Sequence[str]) -> ColumnMap:
    """The map in `text` (a bundle's columns.yaml, called `name` in messages), checked as `load_column_map`
    checks a file."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ContentError([ContentProblem(name, None, "", _("larger than {size}, far more than a column map").format(
            size=size_text(MAX_BYTES)), _("check that this is the right file"))])
    return _checked(parse_yaml(text, name), known)


def _checked(doc: YamlDocument, known: Sequence[str]) -> ColumnMap:
    if not isinstance(doc.data, dict):
        raise ContentError([doc.problem((), _("not a column map: the file must be a mapping with a name and a list "
                                              "of columns"), _("start from one of the maps in assets/hr-columns"))])
    try:
        parsed = ColumnMapFile.model_validate(doc.data)
    except ValidationError as exc:
        raise ContentError(doc.problems_from(exc)) from None
    problems = _unknown_columns(doc, parsed, known) + _repeated_headers(doc, parsed)
    if problems:
        raise ContentError(problems)
    return parsed.to_domain()


def _unknown_columns(doc: YamlDocument, parsed: ColumnMapFile, known: Sequence[str]) -> list[ContentProblem]:
    found = []
    for i, column in enumerate(parsed.columns):
        if column.from_ is not None and column.from_ not in known:
            found.append(doc.problem(("columns", i, "from"), _("unknown column '{name}'").format(name=column.from_),
                                     _use_a_column(column.from_, known)))
    return found


def _use_a_column(name: str, known: Sequence[str]) -> str:
    names = ", ".join(known)
    close = get_close_matches(name, known, n=1)
    if close:
        return _("did you mean '{name}'? The columns of attendance.csv are: {names}").format(name=close[0],
                                                                                            names=names)
    return _("use one of the columns of attendance.csv: {names}").format(names=names)


def _repeated_headers(doc: YamlDocument, parsed: ColumnMapFile) -> list[ContentProblem]:
    """Two columns under one header: an import would read one of them, and which one is anyone's guess."""
    first: dict[str, int] = {}
    found = []
    for i, column in enumerate(parsed.columns):
        key = column.to.casefold()
        if key in first:
            twice = _("the header '{header}' is used twice (first on line {line})").format(
                header=column.to, line=doc.line_of(("columns", first[key])))
            found.append(doc.problem(("columns", i, "to"), twice, _("give each column its own header")))
        else:
            first[key] = i
    return found
