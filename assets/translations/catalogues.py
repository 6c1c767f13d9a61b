"""Keep the translation catalogues in step with the code: extract, update, compile.

    python3 assets/translations/catalogues.py            # after changing any text a user reads
    python3 assets/translations/catalogues.py --check    # what the test suite runs: exit 1 if out of step
    python3 assets/translations/catalogues.py --add fr   # start a new language

Extracts every text marked with `_`, `N_`, `ngettext` or `pgettext` in facilitator/ into facilitator.pot,
merges it into each LANG/LC_MESSAGES/facilitator.po (keeping what translators wrote; a text whose English
changed is marked fuzzy, which gettext then ignores until a translator confirms it), and compiles each .po into
the .mo that facilitator/i18n.py reads. Needs Babel (in the test extras); the app itself needs only the .mo.

The texts are found by reading the code's syntax tree, not its tokens, so a `_()` inside an f-string is found
on every Python version. `--check` compares what the files mean (the texts, the translations), not their bytes,
so another version of Babel, which may wrap lines or stamp headers differently, does not put them out of step.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import io
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "facilitator"
TEMPLATE = HERE / "facilitator.pot"
DOMAIN = "facilitator"
PROJECT = "Facilitator"
SKIP = ("storage/migrations",)
# Header lines that change by themselves (dates, tool versions) or hold Babel's placeholders: left out.
VOLATILE = (b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By', b'"Project-Id-Version',
            b'"Report-Msgid-Bugs-To', b'"Last-Translator', b'"Language-Team')
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)

Entries = dict[tuple[str | None, str | tuple[str, ...]], str | tuple[str, ...]]


def extract_marked(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: object,
                   options: object) -> Iterator[tuple[int, str, str | tuple[str | None, ...] | None, list[str]]]:
    """Babel's extraction method, reading the syntax tree: each call of a marking function with its text
    arguments (None for an argument that is not a literal text, which Babel then skips)."""
    tree = ast.parse(fileobj.read().decode("utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id in keywords]
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        texts = tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                      for a in call.args)
        yield call.lineno, call.func.id, (texts if len(texts) > 1 else texts[0] if texts else None), []


def extract() -> Catalog:
    """Every marked text in the package, with the files it comes from."""
    template = _catalog(None)
    for filename, lineno, message, comments, context in extract_from_dir(str(SOURCE), [("**.py", extract_marked)]):
        if any(part in filename for part in SKIP):
            continue
        template.add(message, None, [(f"facilitator/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def _catalog(locale: str | None) -> Catalog:
    what = f"{locale} translation" if locale else "texts to translate"
    return Catalog(locale=locale, project=PROJECT, version="", domain=DOMAIN, charset="utf-8", fuzzy=False,
                   copyright_holder="the Facilitator authors", msgid_bugs_address="",
                   header_comment=f"# {PROJECT}: the {what}, kept in step with the code by catalogues.py.\n"
                                  "# Translate the msgstr lines; leave the msgid lines as they are.")


def po_files() -> list[Path]:
    return sorted(HERE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _po_bytes(catalog: Catalog) -> bytes:
    """Sorted, without line numbers (they move with every edit) or the header lines that change by themselves."""
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True,
             include_previous=True, include_lineno=False)
    return b"\n".join(line for line in out.getvalue().split(b"\n") if not line.startswith(VOLATILE))


def _mo_bytes(catalog: Catalog) -> bytes:
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _merged(po: Path, template: Catalog) -> Catalog:
    catalog = _read(po, po.parents[1].name)
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    return catalog


def planned_files() -> dict[Path, bytes]:
    """Every catalogue file as it should be, from the code and the translators' .po files."""
    template = extract()
    files = {TEMPLATE: _po_bytes(template)}
    for po in po_files():
        catalog = _merged(po, template)
        files[po] = _po_bytes(catalog)
        files[po.with_suffix(".mo")] = _mo_bytes(catalog)
    return files


def _entries(data: bytes) -> Entries:
    """What a .pot or .po says: each text (with its context) and its translation, fuzzy ones as untranslated."""
    catalog = read_po(io.BytesIO(data), domain=DOMAIN)
    return {(m.context, m.id): ("" if m.fuzzy else m.string) for m in catalog if m.id}


def _compiled(data: bytes) -> dict[object, str]:
    """What a .mo says, without its header."""
    return {k: v for k, v in gettext.GNUTranslations(io.BytesIO(data))._catalog.items() if k != ""}  # type: ignore[attr-defined]


def _same(path: Path, planned: bytes) -> bool:
    if not path.exists():
        return False
    meaning = _compiled if path.suffix == ".mo" else _entries
    try:
        return meaning(path.read_bytes()) == meaning(planned)
    except (OSError, ValueError):  # unreadable or damaged: out of step
        return False


def stale_files(planned: dict[Path, bytes]) -> list[Path]:
    orphans = [mo for mo in HERE.glob(f"*/LC_MESSAGES/{DOMAIN}.mo") if mo not in planned]  # a .mo without its .po
    return [path for path, data in planned.items() if not _same(path, data)] + orphans


def add_language(code: str) -> Path:
    po = HERE / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already")
    po.parent.mkdir(parents=True)
    po.write_bytes(_po_bytes(_catalog(code)))
    return po


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of step")
    parser.add_argument("--add", metavar="LANG", help="start a catalogue for a new language, e.g. fr")
    args = parser.parse_args(argv)
    if args.add:
        print(f"created {add_language(args.add)}")
    planned = planned_files()
    stale = stale_files(planned)
    if args.check:
        for path in stale:
            print(f"out of step: {path.relative_to(HERE.parents[1])}; run python3 {Path(__file__).name}",
                  file=sys.stderr)
        return 1 if stale else 0
    for _round in range(3):  # a merge can mark texts fuzzy, which the next merge reads back: write until still
        for path in stale:
            if path in planned:
                path.write_bytes(planned[path])
                print(f"wrote {path.relative_to(HERE.parents[1])}")
            else:
                print(f"{path.relative_to(HERE.parents[1])} has no .po beside it: delete it, or restore its .po",
                      file=sys.stderr)
        planned = planned_files()
        stale = [path for path in stale_files(planned) if path in planned]
        if not stale:
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
