"""Browsing and checking the workshop library. None of this needs the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from facilitator import paths
from facilitator.content.library import Library, check_workshop_files, load_library, workshop_paths
from facilitator.content.library_cache import cached_library
from facilitator.content.problems import ContentProblem
from facilitator.content.schema import WorkshopFile
from facilitator.domain.compliance import Coverage, evaluate, planned
from facilitator.domain.jurisdiction import Agency, Jurisdiction
from facilitator.i18n import _
from facilitator.services.errors import Remedy, UserError

T = TypeVar("T")


@dataclass(frozen=True)
class WorkshopSummary:
    """One line of the library list."""

    id: str
    title: str
    version: str
    audience: str
    language: str
    planned_minutes: int
    instruction_minutes: int
    segments: int
    summary: str

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class CheckReport:
    """The result of `content check`: problems found, and each valid workshop against each jurisdiction."""

    checked_files: int
    problems: list[ContentProblem]
    workshops: dict[str, WorkshopFile]
    jurisdictions: dict[str, Jurisdiction]
    matrix: dict[tuple[str, str], Coverage] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    agencies: dict[str, Agency] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def review_of(self, workshop_id: str) -> str:
        """When the law in a workshop was last checked, and by whom, in words."""
        review = self.workshops[workshop_id].review
        if review is None:
            return _("the law in it has no recorded check")
        return _("law last checked {date} by {reviewers}").format(date=review.law_checked.isoformat(),
                                                                 reviewers="; ".join(review.reviewers))

    @property
    def warnings(self) -> list[str]:
        """What is not an error but needs a person: law or agency contacts not checked within a year, a profile
        that names no agency, a workshop that teaches outside complaints without showing where to make them."""
        return self._review_warnings() + self._contact_warnings()

    def _contact_warnings(self) -> list[str]:
        found = []
        for agency in sorted(self.agencies.values(), key=lambda a: a.id):
            age = (self.today - agency.verified_on).days
            if age > REVIEW_DAYS:
                found.append(_("agency {agency}: its contact details were last checked {date}, over a year ago; "
                               "check them against {source} and update 'verified_on'").format(
                    agency=agency.id, date=agency.verified_on.isoformat(), source=agency.sources[0]))
            elif age < 0:
                found.append(_("agency {agency}: 'verified_on' ({date}) is in the future; give the day the "
                               "details were checked").format(agency=agency.id, date=agency.verified_on.isoformat()))
        found += [_("jurisdiction {code}: it names no agency people can complain to; add 'contacts'").format(code=code)
                  for code, j in sorted(self.jurisdictions.items()) if j.requirements and not j.contacts]
        for wid, workshop in sorted(self.workshops.items()):
            teaches = any("external-complaint" in s.topics for s in workshop.segments)
            if teaches and not any(getattr(s, "contacts", False) for s in workshop.segments):
                found.append(_("{workshop}: it teaches outside complaints but no segment shows the agencies' "
                               "contacts; add 'contacts: true' to the talk on reporting").format(workshop=wid))
        return found

    def _review_warnings(self) -> list[str]:
        found = []
        for wid, workshop in sorted(self.workshops.items()):
            review = workshop.review
            if review is None:
                found.append(_("{workshop}: no check of the law it states is recorded; add a 'review' with the "
                               "date and the reviewers' roles").format(workshop=wid))
            elif (self.today - review.law_checked).days > REVIEW_DAYS:
                found.append(_("{workshop}: the law in it was last checked {date}, over a year ago; check it "
                               "again and update 'review'").format(workshop=wid, date=review.law_checked))
        return found

    def to_json(self) -> list[dict[str, object]]:
        """Each valid workshop with its coverage of each jurisdiction, then each file with problems."""
        out: list[dict[str, object]] = []
        for wid, w in sorted(self.workshops.items()):
            cov = [_coverage_json(code, self.matrix[(wid, code)]) for code in sorted(self.jurisdictions)]
            review = None if w.review is None else {"law_checked": w.review.law_checked.isoformat(),
                                                    "reviewers": list(w.review.reviewers)}
            out.append({"id": wid, "title": w.title, "valid": True, "problems": [], "coverage": cov,
                        "review": review, "warnings": [x for x in self.warnings if x.startswith(f"{wid}:")]})
        for p in self.problems:
            out.append({"id": None, "file": str(p.file), "valid": False, "problems": [p.as_dict()], "coverage": []})
        return out


def _coverage_json(code: str, found: Coverage) -> dict[str, object]:
    return {"jurisdiction": code, "standing": found.standing.value, "satisfied": found.satisfied,
            "met": list(found.met_requirements), "missing": [asdict(s) for s in found.shortfalls],
            "trainings": [{"name": t.name, "audience": t.audience.value, "met": t.met, "minutes": t.minutes,
                           "minimum_minutes": t.minimum_minutes, "segments": list(t.segments)}
                          for t in found.trainings]}


def builtin_library() -> Library:
    """The library shipped with the app (no data folder needed), as validated at its last load when no file has
    changed since (content/library_cache.py)."""
    return cached_library(library_folder(), paths.library_cache_file())


def library_folder() -> Path:
    """The built-in library's folder; a broken install is told as such, with what to do."""
    try:
        return paths.library_dir()
    except paths.BundleMissing as exc:
        raise UserError(_("the built-in {name} folder is missing (looked in {places})").format(
            name=exc.name, places=", ".join(str(c) for c in exc.candidates)),
            Remedy(command=_("reinstall Facilitator"), menu=_("reinstall Facilitator"))) from None


def summarise(w: WorkshopFile) -> WorkshopSummary:
    o = w.outline()
    return WorkshopSummary(w.id, w.title, w.version, w.audience, w.language, o.planned_minutes,
                           o.instruction_minutes, len(w.segments), w.summary)


def list_workshops(library: Library) -> list[WorkshopSummary]:
    return sorted((summarise(w) for w in library.workshops.values()), key=lambda s: s.title)


def get_workshop(library: Library, workshop_id: str) -> WorkshopFile:
    return _lookup(library.workshops, workshop_id, _("unknown workshop '{key}'; the library has: {known}"))


def get_jurisdiction(library: Library, code: str) -> Jurisdiction:
    return _lookup(library.jurisdictions, code, _("unknown jurisdiction '{key}'; use one of: {known}"))


def _lookup(found: dict[str, T], key: str, unknown: str) -> T:
    """`found[key]`, or a UserError saying `unknown` with the {key} asked for and the ids {known}."""
    try:
        return found[key]
    except KeyError:
        known = ", ".join(sorted(found)) or _("none")
        raise UserError(unknown.format(key=key, known=known)) from None


def list_jurisdictions(library: Library) -> list[Jurisdiction]:
    return sorted(library.jurisdictions.values(), key=lambda j: (j.code == "none", j.name))


def coverage(workshop: WorkshopFile, jurisdiction: Jurisdiction, library: Library | None = None) -> Coverage:
    """What `workshop` would meet under `jurisdiction` if delivered as written: the same evaluation closing
    makes of the delivery (domain/compliance.py). With the `library`, topics are named by their labels, as a
    trainer reads them; without, by their ids, as an author writes them (`content check`)."""
    labels = {t.id: t.label for t in library.topics} if library is not None else None
    return evaluate(planned(workshop.outline()), jurisdiction, labels=labels)


REVIEW_DAYS = 365  # the law in a workshop is checked again at least this often


def check_content(target: Path | None = None, *, today: date | None = None) -> CheckReport:
    """Validate the built-in library, another library folder, or workshop files of the author's own.

    Workshop files outside a library are checked against the built-in topics and jurisdictions.
    """
    root = target if target is not None else library_folder()
    if root.is_dir() and (root / "topics.yaml").is_file():
        lib = load_library(root)
        files = _count_files(root)
        report = CheckReport(files, list(lib.problems), dict(lib.workshops), dict(lib.jurisdictions),
                             agencies=dict(lib.agencies))
    else:
        if not root.exists():
            raise UserError(_("{path} does not exist; give a workshop file or a folder of them").format(path=root))
        builtin = builtin_library()
        files_to_check = workshop_paths(root)
        if not files_to_check:
            raise UserError(_("{path} holds no .yaml workshop files").format(path=root))
        workshops, problems = check_workshop_files(files_to_check, builtin.topic_ids)
        report = CheckReport(len(files_to_check), problems, workshops, dict(builtin.jurisdictions))
    report.today = today or date.today()
    for wid, w in report.workshops.items():
        for code, j in report.jurisdictions.items():
            report.matrix[(wid, code)] = coverage(w, j)
    return report


def _count_files(root: Path) -> int:
    agencies = 1 if (root / "agencies.yaml").is_file() else 0
    return 1 + agencies + sum(1 for folder in ("workshops", "jurisdictions") for p in (root / folder).glob("*.y*ml"))
