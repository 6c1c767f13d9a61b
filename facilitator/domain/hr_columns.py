"""A column map: which of the HR CSV's columns an HR system's import takes, under what headers, in what order.

HR systems import training records from CSV files whose headers they fix ("Employee ID", "Completion Date",
"timecompleted"). A `ColumnMap` renames, orders and selects the bundle's own columns for one system, adds
columns that hold one value on every row (a "Record Type" of "Training Record", say), and says how its dates
are written and whether rows other than completions are kept: some imports mark every row they read as a
completion, so a no-show must never reach them.

The YAML form of a map is read by `facilitator.content.hr_columns`; the CSV is written by
`facilitator.records.hr_csv`. This is the value both share, with no parsing and no writing of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# A date format's name as a map writes it, and the strftime pattern it stands for; "iso" keeps every moment as
# ISO 8601 with its UTC offset. Only numeric patterns: a month's name would follow the laptop's locale.
DATE_FORMATS: dict[str, str | None] = {
    "iso": None,
    "YYYY-MM-DD": "%Y-%m-%d",  # not user text
    "DD/MM/YYYY": "%d/%m/%Y",  # not user text
    "MM/DD/YYYY": "%m/%d/%Y",  # not user text
}
DateFormat = Literal["iso", "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"]
Rows = Literal["all", "completed"]  # every person on every roster, or only those who completed


@dataclass(frozen=True)
class MappedColumn:
    """One column of the mapped CSV: its header, and either the bundle column it copies or a constant."""

    header: str
    source: str | None = None  # a column name of the HR CSV (`hr_csv.COLUMNS`)
    constant: str | None = None  # the same text on every row

    def __post_init__(self) -> None:
        if (self.source is None) == (self.constant is None):  # a programming error: files are checked as read
            raise ValueError("a mapped column copies a column or holds a constant")  # not user text


@dataclass(frozen=True)
class ColumnMap:
    """An HR system's columns, in its order; its name says which system and which import."""

    name: str
    columns: tuple[MappedColumn, ...]
    date_format: DateFormat = "iso"
    rows: Rows = "all"

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def sources(self) -> tuple[str, ...]:
        """The bundle columns the map copies (constants aside), in its order."""
        return tuple(c.source for c in self.columns if c.source is not None)
