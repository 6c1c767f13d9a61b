"""Keep the translation catalogues in step with the code: extract, update, compile.

    python3 assets/translations/catalogues.py            # after changing any text a user reads
    python3 assets/translations/catalogues.py --check    # what the test suite runs: exit 1 if out of step
    python3 assets/translations/catalogues.py --add fr   # start a new language

Extracts every text marked with `_`, `N_`, `ngettext` or `pgettext` in facilitator/ into facilitator.pot,
merges it into each LANG/LC_MESSAGES/facilitator.po (keeping what translators wrote; a text whose English
changed is marked fuzzy, which gettext then ignores until a translator confirms it), and compiles each .po into
the .mo that facilitator/i18n.py reads. Needs Babel (in the test extras); the app itself needs only the .mo.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "facilitator"
TEMPLATE = HERE / "facilitator.pot"
DOMAIN = "facilitator"
PROJECT = "Facilitator"
METHODS = [("**.py", "python")]
SKIP = ("storage/migrations",)
# Header lines that change by themselves (dates, tool versions) or hold Babel's placeholders: left out.
VOLATILE = (b'"POT-Creation-Date', b'"PO-Revision-Date', b'"Generated-By', b'"Project-Id-Version',
            b'"Report-Msgid-Bugs-To', b'"Last-Translator', b'"Language-Team')
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def extract() -> Catalog:
    """Every marked text in the package, with the files and lines it comes from."""
    template = _catalog(None)
    for filename, lineno, message, comments, context in extract_from_dir(str(SOURCE), METHODS,
                                                                          strip_comment_tags=True):
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
    out = io.BytesIO()
    # No dates and sorted output, so the files change only when the texts do.
    # No line numbers (they move with every edit), no dates: the files change only when the texts do.
    write_po(out, catalog, width=100, sort_output=True, omit_header=False, ignore_obsolete=True,
             include_previous=True, include_lineno=False)
    lines = [line for line in out.getvalue().split(b"\n") if not line.startswith(VOLATILE)]
    return b"\n".join(lines)


def _mo_bytes(catalog: Catalog) -> bytes:
    catalog.creation_date = catalog.revision_date = FIXED_DATE  # the .mo's header must not change by itself
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _merged(po: Path, template: Catalog) -> Catalog:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parents[1].name, domain=DOMAIN)
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


def add_language(code: str) -> Path:
    po = HERE / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if po.exists():
        raise SystemExit(f"{po} exists already")
    po.parent.mkdir(parents=True)
    po.write_bytes(_po_bytes(_catalog(code)))
    return po


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of step")
    parser.add_argument("--add", metavar="LANG", help="start a catalogue for a new language, e.g. fr")
    args = parser.parse_args(argv)
    if args.add:
        print(f"created {add_language(args.add)}")
    stale = [path for path, data in planned_files().items()
             if not path.exists() or path.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"out of step: {path.relative_to(HERE.parents[1])}; run python3 {Path(__file__).name}",
                  file=sys.stderr)
        return 1 if stale else 0
    for path, data in planned_files().items():
        if path in stale:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
