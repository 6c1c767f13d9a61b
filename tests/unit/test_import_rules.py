"""The layers of DESIGN.md §2, enforced: walk every module's imports and fail on a forbidden one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "facilitator"

# What each layer may import from inside the package (a layer may always import itself).
# i18n (the translation seam) and files (the one way a file is written) are leaves every layer may use.
ALLOWED = {
    "domain": {"i18n"},
    "content": {"domain", "i18n"},
    "storage": {"domain", "i18n", "files"},
    "records": {"domain", "i18n", "files"},
    "documents": {"domain", "paths", "i18n"},  # paths: the bundled fonts
    "services": {"domain", "content", "storage", "records", "documents", "paths", "i18n", "files"},
    "companion": {"domain", "services", "paths", "i18n"},
    "ui": {"domain", "services", "paths", "__version__", "i18n"},
    "cli": {"domain", "services", "ui", "paths", "__version__", "i18n"},
    "paths": set(),
    "i18n": {"paths"},
    "files": set(),
    "__init__": set(),
    "__main__": {"cli"},
}
THIRD_PARTY_ONLY_IN = {"PySide6": {"ui"}, "shiboken6": {"ui"}, "sqlalchemy": {"storage", "services"},
                       "alembic": {"storage"}}


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "facilitator":
            found += [(node.lineno, f"facilitator.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations() -> list[str]:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(path)
        for line, module in imports_of(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(PACKAGE.parent)}:{line}: {layer} imports {module}"
            if top == "facilitator":
                target = module.split(".")[1] if "." in module else "__init__"
                if target != layer and target not in ALLOWED[layer]:
                    bad.append(where)
            elif top in THIRD_PARTY_ONLY_IN and layer not in THIRD_PARTY_ONLY_IN[top]:
                bad.append(where)
            elif layer == "domain" and top not in sys.stdlib_module_names and top != "__future__":
                bad.append(where + " (domain is standard library only)")
    return bad


def test_every_layer_imports_only_what_it_may() -> None:
    assert violations() == []


def test_every_module_has_a_docstring() -> None:
    missing = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py")
               if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert missing == []


def test_the_checker_catches_a_forbidden_import(tmp_path: Path, monkeypatch) -> None:
    """The rule itself must be able to fail: plant a PySide6 import in a copy of the domain."""
    fake = tmp_path / "facilitator"
    (fake / "domain").mkdir(parents=True)
    (fake / "domain" / "bad.py").write_text('"""Bad."""\nimport PySide6\nfrom facilitator.storage import x\n')
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    found = violations()
    assert len(found) == 2 and "imports PySide6" in found[0] and "imports facilitator.storage" in found[1]
