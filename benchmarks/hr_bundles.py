"""Real export bundles for the HR import benchmark (hr_import_bench.py), made once and kept.

One trainer's laptop (a data folder of its own, with its own signing key) delivers `count` sessions of `people`
people each, one a day going back, each delivered as the console delivers it (tests/unit/delivering.py) with every
person there from the start to the end (so every one completes and has a certificate), closed and sealed when it
ended, and exported as a bundle of its own, exactly as `facilitator export` does: signed PDFs (a certificate per
person, the sign-in sheet, the report), credentials, attendance.csv, xAPI statements, the signed manifest. Nothing
is derived or patched afterwards: each bundle verifies because it was really exported.

Certificates dominate the making (about 50-100 ms each, drawn and signed on every core), so 100 bundles of 200
people take the best part of half an hour. They are kept in a folder under the system's temporary folder named
after the sizes and a hash of the code that makes them (`code_files`), so that a later run with the same making
code reuses them, however much HR's side (the importer, its store, the due dates) changed meanwhile: that is the
code being measured and optimised, and each change to it would otherwise cost another half hour of both cores.

The code that makes them is found rather than listed: this file, and every module of facilitator/ (and tests/)
that it imports, directly or through others, found by reading their import statements (those inside functions
too, so it errs on the side of including). Nothing here imports HR's importer, store or due dates, so a change to
them keeps the key; a change to the exporter, the records, the documents, the seals, the roster or anything they
import changes it. Beside the modules, the files they read by path rather than import: the built-in library
(sessions/), the trainer store's migrations (run by Alembic from their folder), and the fonts and HR column maps
in assets/. Not the translation catalogues: nothing here installs one (i18n.install), so every text is English.

The folder is made under another name and renamed when complete, so a run stopped midway leaves nothing a later
run would take for ready, and a folder not owned by this user is never used. If a change the hash does not see
made them stale, the import refuses them and the benchmark says to remove the folder.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TRAINER = "Sam Lee"
WORKSHOP = "harassment-prevention-supervisors"
JURISDICTIONS = ("ca-supervisors", "ny-state")  # a company with sites in two states: two credits a person
# Files the making reads by path rather than imports (see the module's docstring), relative to the repository.
READ_BY_PATH = ("sessions", "facilitator/storage/migrations", "assets/fonts", "assets/hr-columns")
OUR_PACKAGES = ("facilitator", "tests", "benchmarks")


@dataclass(frozen=True)
class Prepared:
    """Bundles ready to import, the certificate HR trusts them by, and what making them cost."""

    folder: Path
    bundles: list[Path]
    trainer_cert: Path
    seconds: float  # making them, whenever that was
    cached: bool  # found ready, made by an earlier run


def code_key(count: int, people: int) -> str:
    """A hash of the sizes and of the code that makes the bundles (`code_files`): the cache folder's name."""
    digest = hashlib.sha256(f"{count}x{people}".encode())
    for path in code_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def code_files() -> list[Path]:
    """Every file whose change could change the bundles: this module and the modules it imports, transitively (our
    own packages only: a library's version is not hashed), and the files they read by path; sorted."""
    found: dict[str, Path] = {}
    waiting = [__name__ if __name__ != "__main__" else "benchmarks.hr_bundles"]
    while waiting:
        name = waiting.pop()
        if name in found or (path := _module_file(name)) is None:
            continue
        found[name] = path
        parents = name.split(".")
        waiting.extend(".".join(parents[:n]) for n in range(1, len(parents)))  # a package's __init__ runs first
        waiting.extend(_imported(path, name))
    read = [p for top in READ_BY_PATH for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sorted({*found.values(), *read})


def _module_file(name: str) -> Path | None:
    """The source file of our module `name` (a package's __init__.py), or None: not ours, or not a module (a name
    imported from one, `from x import y` where y is a function)."""
    if name.split(".")[0] not in OUR_PACKAGES:
        return None
    base = ROOT.joinpath(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _imported(path: Path, name: str) -> set[str]:
    """The modules `path` (module `name`) imports anywhere in it, and for `from m import x` also m.x (x may be a
    module); relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def prepared_bundles(count: int, people: int, cache: Path | None = None,
                     say: Callable[[str], None] = lambda _text: None) -> Prepared:
    """`count` bundles of one session of `people` each: kept from an earlier run of this code, else made now (and
    kept) in `cache` (default: the system's temporary folder)."""
    parent = cache or Path(tempfile.gettempdir())
    folder = parent / f"facilitator-bench-hr-import-{code_key(count, people)}"
    ready = _ready(folder, count)
    if ready is not None:
        return ready
    say(f"making {count} bundles of {people} people in {folder} (once for this code; later runs reuse them)")
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{folder.name}-making-", dir=parent))
    try:
        began = time.perf_counter()
        _make(work, count, people, say)
        seconds = time.perf_counter() - began
        shutil.rmtree(work / "laptop")  # the trainer's data folder, key and all: only the bundles are kept
        (work / "made.json").write_text(json.dumps({"count": count, "people": people, "seconds": seconds}))
        try:
            os.rename(work, folder)
        except OSError:  # another run finished first: use theirs
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    ready = _ready(folder, count)
    if ready is None:
        raise RuntimeError(f"the bundles made in {folder} are not all there")
    return Prepared(ready.folder, ready.bundles, ready.trainer_cert, seconds, cached=False)


def _ready(folder: Path, count: int) -> Prepared | None:
    """The bundles in `folder`, if a complete set made by this user is there."""
    try:
        if folder.stat().st_uid != os.getuid():
            return None
        made = json.loads((folder / "made.json").read_text())
    except (OSError, ValueError):
        return None
    bundles = [folder / _name(n) for n in range(count)]
    if not all(b.is_file() for b in bundles) or not (folder / "trainer.pem").is_file():
        return None
    return Prepared(folder, bundles, folder / "trainer.pem", float(made["seconds"]), cached=True)


def _name(number: int) -> str:
    return f"bundle-{number:03}.zip"


def _make(folder: Path, count: int, people: int, say: Callable[[str], None]) -> None:
    from facilitator.services import closing, export
    from facilitator.services.identity import export_certificate, get_identity, signer
    from facilitator.services.settings import set_setting
    from facilitator.services.workspace import open_workspace

    ws = open_workspace(folder / "laptop")
    try:
        get_identity(ws, create_as=TRAINER)
        set_setting(ws, "organisation", "Harbor View Clinic")
        today, began = datetime.now(UTC), time.perf_counter()
        for number in range(count):
            session_id, ended = _delivered(ws, number, people, today - timedelta(days=count - number))
            closing.close_session(ws, session_id, signer(ws), at=ended + timedelta(minutes=5))
            export.export_bundle(ws, [session_id], folder / _name(number))
            if (number + 1) % 10 == 0 or number + 1 == count:
                say(f"  {number + 1}/{count} bundles made ({time.perf_counter() - began:.0f} s)")
        export_certificate(ws, folder / "trainer.pem")
    finally:
        ws.close()


def _delivered(ws: Any, number: int, people: int, start: datetime) -> tuple[str, datetime]:
    """Session `number`, from `start`: `people` supervisors of its own, all there from the start to the end,
    delivered as the console delivers it; its id, and when it ended."""
    from facilitator.domain.attendance import Source
    from facilitator.domain.roster import Person
    from facilitator.services import attendance
    from facilitator.services.roster import add_people
    from facilitator.services.sessions import create_session, get_session
    from tests.unit.delivering import deliver_as_planned

    local = start.astimezone().replace(second=0, microsecond=0)
    detail = create_session(ws, workshop_id=WORKSHOP, on=local.date(), start=local.strftime("%H:%M"),
                            location=f"Site {number % 7 + 1}", trainer=TRAINER, jurisdictions=list(JURISDICTIONS))
    add_people(ws, detail.id, [Person(f"First{i}", f"Last{number}-{i}", f"E{number:03}{i:04}",
                                      f"p{number}.{i}@example.com", is_supervisor=True) for i in range(people)])
    for person in get_session(ws, detail.id).roster:
        attendance.check_in(ws, detail.id, person.badge_code, at=local - timedelta(minutes=1), source=Source.PAPER)
    ended = deliver_as_planned(ws, detail.id, local)
    for person in get_session(ws, detail.id).roster:
        attendance.check_out(ws, detail.id, person.badge_code, at=ended + timedelta(minutes=1), source=Source.PAPER)
    return detail.id, ended
