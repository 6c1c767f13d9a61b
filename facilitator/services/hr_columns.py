"""Column maps for HR systems' imports: the ones shipped in `assets/hr-columns`, and a trainer's own file.

The map format lives in `facilitator.content.hr_columns` and the CSV in `facilitator.records.hr_csv`; the two
layers may not see each other (DESIGN.md §2), so this is where a map is checked against the CSV's columns.
"""

from __future__ import annotations

from pathlib import Path

from facilitator.content.hr_columns import column_map_in, load_column_map
from facilitator.domain.hr_columns import ColumnMap
from facilitator.paths import assets_dir
from facilitator.records.hr_csv import COLUMN_NAMES

SHIPPED_FOLDER = "hr-columns"  # in assets/
BUNDLED_NAME = "columns.yaml"  # in a bundle written with a map


def column_map(path: Path) -> ColumnMap:
    """The map in the YAML file at `path`; ContentError (file, line, entry, what to do) if it is not a good one."""
    return load_column_map(path, COLUMN_NAMES)


def bundled_column_map(text: str) -> ColumnMap:
    """The map a bundle carries as columns.yaml (the one its attendance.csv was written with)."""
    return column_map_in(text, Path(BUNDLED_NAME), COLUMN_NAMES)


def shipped_column_maps() -> dict[str, Path]:
    """The maps that come with Facilitator, by name ("moodle-import-completion"), in order of name."""
    return {path.stem: path for path in sorted((assets_dir() / SHIPPED_FOLDER).glob("*.yaml"))}
