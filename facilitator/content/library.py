"""The workshop library: every workshop and jurisdiction profile under a folder, and what failed to load."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.content.agencies import load_agencies
from facilitator.content.jurisdictions import load_jurisdiction, other_track_problems
from facilitator.content.problems import ContentError, ContentProblem
from facilitator.content.schema import WorkshopFile
from facilitator.content.topics import load_topics
from facilitator.content.workshops import load_workshop
from facilitator.domain.jurisdiction import Agency, Jurisdiction
from facilitator.domain.workshop import Topic
from facilitator.i18n import _

WORKSHOPS_DIR = "workshops"
JURISDICTIONS_DIR = "jurisdictions"
TOPICS_FILE = "topics.yaml"
AGENCIES_FILE = "agencies.yaml"


@dataclass
class Library:
    """Everything loaded from one library folder. Files with problems are left out and listed."""

    topics: tuple[Topic, ...] = ()
    workshops: dict[str, WorkshopFile] = field(default_factory=dict)
    workshop_files: dict[str, Path] = field(default_factory=dict)
    # The SHA-256 of each workshop file's text as a session freezes it: a session whose snapshot has the same
    # digest can use the workshop validated here instead of parsing its snapshot again.
    workshop_digests: dict[str, str] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    jurisdiction_files: dict[str, Path] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    problems: list[ContentProblem] = field(default_factory=list)

    @property
    def topic_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.topics)

    def contacts_for(self, codes: Iterable[str]) -> tuple[Agency, ...]:
        """The agencies people can go to under these jurisdictions, each once, in the order the profiles list
        them (the federal agency first, as every profile names it first). Unknown codes add nothing."""
        ids: dict[str, None] = {}
        for code in codes:
            profile = self.jurisdictions.get(code)
            ids.update(dict.fromkeys(profile.contacts if profile else ()))
        return tuple(self.agencies[i] for i in ids if i in self.agencies)


def load_library(root: Path) -> Library:
    """Load the topics, agencies, workshops and jurisdictions under `root` (the layout of `sessions/`)."""
    lib = Library()
    try:
        lib.topics = load_topics(root / TOPICS_FILE)
    except ContentError as exc:
        lib.problems.extend(exc.problems)
        return lib
    known: dict[str, Agency] | None = None  # a broken agency file is reported once, not against every profile
    try:
        known = lib.agencies = load_agencies(root / AGENCIES_FILE)
    except ContentError as exc:
        lib.problems.extend(exc.problems)
    for path in _yaml_files(root / JURISDICTIONS_DIR):
        _collect(lib, path, lambda p: _add_jurisdiction(lib, p, known))
    _check_other_tracks(lib)
    for path in _yaml_files(root / WORKSHOPS_DIR):
        _collect(lib, path, lambda p: _add_workshop(lib, p))
    return lib


def check_workshop_files(
    paths: list[Path], topics: frozenset[str]
) -> tuple[dict[str, WorkshopFile], list[ContentProblem]]:
    """Validate workshop files from anywhere (a single file or a folder of the author's own)."""
    found: dict[str, WorkshopFile] = {}
    problems: list[ContentProblem] = []
    for path in paths:
        try:
            workshop = load_workshop(path, topics)
        except ContentError as exc:
            problems.extend(exc.problems)
        else:
            found[workshop.id] = workshop
    return found, problems


def workshop_paths(target: Path) -> list[Path]:
    """The workshop files a user means by `target`: the file itself, or every YAML file below a folder."""
    if target.is_dir():
        inner = target / WORKSHOPS_DIR
        return _yaml_files(inner if inner.is_dir() else target)
    return [target]


def _add_workshop(lib: Library, path: Path) -> None:
    w = load_workshop(path, lib.topic_ids)
    if w.id in lib.workshops:
        raise ContentError([ContentProblem(path, None, "id", _("the workshop id '{id}' is also used by {file}").format(
            id=w.id, file=lib.workshop_files[w.id]), _("give each workshop its own id"))])
    lib.workshops[w.id] = w
    lib.workshop_files[w.id] = path
    lib.workshop_digests[w.id] = text_digest(path.read_text(encoding="utf-8"))


def text_digest(text: str) -> str:
    """The SHA-256 a session records of its workshop snapshot (the file's text, as UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _add_jurisdiction(lib: Library, path: Path, agencies: dict[str, Agency] | None) -> None:
    j = load_jurisdiction(path, lib.topic_ids, agencies)
    lib.jurisdictions[j.code] = j
    lib.jurisdiction_files[j.code] = path


def _check_other_tracks(lib: Library) -> None:
    """A schedule's `other_track` must name a loaded profile for the other track that names it back; a profile
    whose does not is left out, like any file with a problem (and then so is one that named it)."""
    while True:
        bad = {code: found for code, j in lib.jurisdictions.items()
               if (found := other_track_problems(j, lib.jurisdictions, lib.jurisdiction_files[code]))}
        if not bad:
            return
        for code, found in bad.items():
            lib.problems.extend(found)
            del lib.jurisdictions[code]


def _collect(lib: Library, path: Path, load) -> None:  # noqa: ANN001 - a one-line callback
    try:
        load(path)
    except ContentError as exc:
        lib.problems.extend(exc.problems)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
