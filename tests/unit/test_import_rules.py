"""The layers of DESIGN.md §2, enforced: walk every module's imports and fail on a forbidden one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "facilitator"

# What each layer may import from inside the package (a layer may always import itself).
# i18n (the translation seam) and files (the one way a file is written, or a file a user names is read) are leaves
# every layer may use.
ALLOWED = {
    "domain": {"i18n"},
    "content": {"domain", "i18n", "files"},
    "storage": {"domain", "i18n", "files"},
    "records": {"domain", "i18n", "files"},
    "documents": {"domain", "paths", "i18n"},  # paths: the bundled fonts
    "services": {"domain", "content", "storage", "records", "documents", "paths", "i18n", "files",
                 "__version__"},  # a bundle's README names the version that wrote it
    "companion": {"domain", "services", "paths", "i18n"},
    "ui": {"domain", "services", "companion", "paths", "__version__", "i18n"},  # companion: started from the console
    "cli": {"domain", "services", "companion", "ui", "paths", "__version__", "i18n"},
    "paths": set(),
    "i18n": {"paths"},
    "files": {"i18n"},
    "__init__": set(),
    "__main__": {"cli"},
}
THIRD_PARTY_ONLY_IN = {"PySide6": {"ui"}, "shiboken6": {"ui"}, "sqlalchemy": {"storage", "services"},
                       "alembic": {"storage"}, "aiohttp": {"companion"}}


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


# --- no import cycles ------------------------------------------------------------------------------------------

def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Lines inside `if TYPE_CHECKING:` blocks: imports for annotations only, which never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def import_graph(package: Path) -> dict[str, set[str]]:
    """Which of the package's modules each module imports, at the top or inside a function, as it runs."""
    modules = {module_name(p, package): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", 0) in skipped:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            for target in targets:
                while target and target not in modules:  # `from a.b import name`: the module is a.b
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_in_a_circle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_the_cycle_check_catches_a_circle(tmp_path: Path) -> None:
    """Even one hidden in a function, as closing and verification once were."""
    fake = tmp_path / "facilitator"
    (fake / "services").mkdir(parents=True)
    (fake / "__init__.py").write_text('"""P."""\n')
    (fake / "services" / "__init__.py").write_text('"""S."""\n')
    (fake / "services" / "a.py").write_text('"""A."""\nfrom facilitator.services.b import thing\n')
    (fake / "services" / "b.py").write_text('"""B."""\ndef thing():\n    from facilitator.services import a\n')
    assert cycles(import_graph(fake)) == [["facilitator.services.a", "facilitator.services.b"]]
