"""Every text a user reads passes through facilitator/i18n.py: a new string literal that bypasses it fails here.

The check reads the source of every layer whose words can reach a person (the app, the command line, the phones'
companion, the services, the documents, and the domain, content, records and storage errors they pass on) and
flags any
string literal (or f-string) holding words that is not the argument of `_`, `N_`, `ngettext` or `pgettext`.
What is not user text is recognised by its shape (an identifier, a key, a path, markup, a format) or by where it
is used (a log message, a style sheet, a key sequence, a dictionary key); anything else that is truly not for
people carries the comment `# not user text` on its line, which a reviewer can see and question.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "facilitator"
CHECKED = ("ui", "cli", "companion", "services", "documents", "domain", "content", "records", "storage")
NOT_CHECKED = ("storage/migrations", "storage/hr_migrations")  # SQL the user never reads
MARKER = "not user text"
SEAM = {"_", "N_", "ngettext", "pgettext"}

# Calls whose string arguments are for the machine, not for people.
MACHINE_CALLS = {
    "debug", "info", "warning", "error", "exception", "critical", "getLogger",  # log messages: for developers
    "setStyleSheet", "setObjectName", "QKeySequence", "setProperty", "property", "QColor", "fromisoformat",
    "strftime", "strptime", "compile", "match", "search", "fullmatch", "sub", "split", "rsplit", "partition",
    "startswith", "endswith", "replace", "strip", "rstrip", "lstrip", "encode", "decode", "join", "format_map",
    "getattr", "hasattr", "setattr", "open", "Path", "with_suffix", "with_name", "glob", "rglob", "joinpath",
    "add_argument_group_id", "set_defaults", "environ", "get", "pop", "setdefault", "connect", "emit",
    "Signal", "Slot", "Property", "TypeVar", "NewType", "cast", "field", "namedtuple", "getenv", "import_module",
    "findChild", "findChildren", "setFamily", "QFont", "QFontDatabase", "addApplicationFont", "registerFont",
    "setFont", "setFillColor", "setStrokeColor", "HexColor", "stringWidth", "setTitle_internal", "load",
    "loads", "dumps", "dump", "b64encode", "b64decode", "struct", "pack", "unpack", "sha256", "new",
    "fromhex", "mimeData", "hasFormat", "setApplicationName", "setOrganizationName", "setDesktopFileName",
    "setApplicationVersion", "QUrl", "fromLocalFile", "QStandardPaths", "isinstance", "mkstemp",
    "NamedTemporaryFile", "TemporaryDirectory", "datetime", "date", "time", "timedelta",
    "pdf_name", "NameObject",  # PDF names (/Font, /Widths): keys of the file's structure
}
# Keyword arguments that are for the machine.
MACHINE_KEYWORDS = {"dest", "metavar_id", "encoding", "errors", "newline", "mode", "prefix", "suffix", "dir",
                    "sep", "end", "type", "action", "default_factory", "fontName", "name_id", "typ", "alg",
                    "objectName", "styleSheet", "key", "format", "timespec", "language", "kind", "tag",
                    "cascade", "order_by", "back_populates", "ondelete", "server_default", "name", "pattern"}
# Shapes of text that is not prose: identifiers, keys, file names, formats, markup, code points, units alone.
MACHINE_SHAPES = [
    re.compile(r"^[\w.\-/:+#*%@&=<>(),\[\]{}|^$~\\?!;'\"` ]{0,2}$"),  # at most two characters: punctuation, "OK"
    re.compile(r"^[a-z0-9_.\-/:+#*%=]*$"),  # lower-case identifiers, keys, kinds, file names, "utf-8", "%H:%M"
    re.compile(r"^[A-Z0-9_]+$"),  # CONSTANT names, codes
    re.compile(r"^\.?[A-Za-z0-9_\-]+\.(pdf|png|jpe?g|svg|csv|xlsx|json|pem|csr|yaml|yml|wav|mo|po|txt|zip)$"),
    re.compile(r"^\s*(<[^>]*>\s*)+$"),  # markup alone: "<br>", "</p><p>"
    re.compile(r"^\s*((<[^>]*>|\$\w+)\s*)+$"),  # a page template: markup and $placeholders (string.Template)
    re.compile(r"^[\s\W\d]*$"),  # no letters at all
    re.compile(r"^(Ctrl|Shift|Alt|Meta|F\d+|Page ?(Up|Down)|Return|Enter|Esc|Tab|Space|Del|Backspace|Home|End)"
               r"([+](Ctrl|Shift|Alt|Meta|[A-Z0-9=\-+]|F\d+|Page ?(Up|Down)|Return|Enter|End|Home|Tab))*$"),
    re.compile(r"^#[0-9a-fA-F]{3,8}$"),  # colours
    re.compile(r"^(Helvetica|Times|Courier|DejaVu|Noto)[\w\- ]*$"),  # font names
    re.compile(r"^(PRAGMA|SELECT|BEGIN|CREATE|INSERT|UPDATE|DELETE|DROP|ALTER|WITH)\b"),  # SQL
]


def _marked_lines(source: str) -> set[int]:
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and MARKER in token.string:
            lines.add(token.start[0])
    return lines


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_docstring(node: ast.AST, parent: ast.AST | None) -> bool:
    return isinstance(parent, ast.Expr) and isinstance(node, ast.Constant)


def _words(node: ast.AST) -> str:
    """The literal text of a string constant or the fixed parts of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return ""


def _machine_text(text: str) -> bool:
    stripped = text.strip()
    return any(shape.match(stripped) for shape in MACHINE_SHAPES)


class _Finder(ast.NodeVisitor):
    def __init__(self, marked: set[int]) -> None:
        self.marked = marked
        self.found: list[tuple[int, str]] = []
        self.parents: list[ast.AST] = []

    def generic_visit(self, node: ast.AST) -> None:
        self.parents.append(node)
        super().generic_visit(node)
        self.parents.pop()

    def _exempt_by_place(self, node: ast.AST) -> bool:
        parent = self.parents[-1] if self.parents else None
        if _is_docstring(node, parent):
            return True
        for ancestor in reversed(self.parents):
            if isinstance(ancestor, ast.Call):
                name = _call_name(ancestor)
                if name in SEAM or name in MACHINE_CALLS:
                    return True
            if isinstance(ancestor, ast.keyword) and ancestor.arg in MACHINE_KEYWORDS:
                return True
            if isinstance(ancestor, ast.Subscript) and node is not ancestor.value:  # x["key"]
                return True
            if isinstance(ancestor, ast.Compare):  # kind == "feedback"
                return True
            if isinstance(ancestor, ast.Dict) and any(k is node for k in ancestor.keys):
                return True
            if isinstance(ancestor, ast.Raise) and _raises_internal(ancestor):
                return True
            if isinstance(ancestor, ast.Assert):
                return True
            if isinstance(ancestor, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__"
                                                        for t in ancestor.targets):
                return True
            if isinstance(ancestor, ast.AnnAssign | ast.arg) and node is getattr(ancestor, "annotation", None):
                return True
        return False

    def _check(self, node: ast.AST) -> None:
        text = _words(node)
        line = getattr(node, "lineno", 0)
        end = getattr(node, "end_lineno", line)
        if not text or _machine_text(text) or any(n in self.marked for n in range(line, end + 1)):
            return
        if self._exempt_by_place(node):
            return
        self.found.append((line, text))

    def visit_Call(self, node: ast.Call) -> None:
        """A marked text must be a literal: gettext cannot look up an f-string or a sum of texts."""
        if _call_name(node) in SEAM and any(_built_text(a) for a in node.args):
            self.found.append((node.lineno, f"{_call_name(node)}() of an f-string or a sum: use placeholders"))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._check(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._check(node)
        self.parents.append(node)
        for value in node.values:  # the expressions inside may hold strings of their own; the text is done
            if isinstance(value, ast.FormattedValue):
                self.visit(value)
        self.parents.pop()

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        self.parents.append(node)
        self.visit(node.value)  # skip the format spec (":>7"), which is not text
        self.parents.pop()


def _built_text(node: ast.AST) -> bool:
    """An f-string, or text joined with + (a count such as `planned - held` is fine)."""
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.BinOp) and any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                                               for n in ast.walk(node))


INTERNAL_ERRORS = {"AssertionError", "NotImplementedError", "TypeError", "KeyError", "IndexError",
                   "RuntimeError", "AttributeError"}


def _raises_internal(node: ast.Raise) -> bool:
    """Errors that mean a bug, which a user never reads (they are not caught and shown)."""
    exc = node.exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
    return name in INTERNAL_ERRORS


def bypasses(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    finder = _Finder(_marked_lines(source))
    finder.visit(ast.parse(source))
    where = path.relative_to(PACKAGE.parent)
    return [f"{where}:{line}: {text!r}" for line, text in finder.found]


def checked_files(package: Path = PACKAGE) -> list[Path]:
    """Every layer's modules, and the package's own (paths, files, i18n …)."""
    layers = [p for layer in CHECKED for p in (package / layer).rglob("*.py")]
    return sorted(p for p in [*layers, *package.glob("*.py")]
                  if not any(part in p.relative_to(package).as_posix() for part in NOT_CHECKED))


def test_every_user_facing_text_goes_through_the_seam() -> None:
    found = [b for path in checked_files() for b in bypasses(path)]
    assert found == [], f"{len(found)} texts bypass facilitator.i18n:\n" + "\n".join(found)


@pytest.mark.parametrize("source, flagged", [
    ('label = QLabel("Check-in desk")', True),
    ('label = QLabel(_("Check-in desk"))', False),
    ('print(f"Imported {n} people")', True),
    ('print(ngettext("{n} person", "{n} people", n).format(n=n))', False),
    ('KINDS = {"talk": N_("Talk")}', False),
    ('log.warning("camera %s failed", name)', False),
    ('widget.setStyleSheet("color: #b71c1c; font-weight: bold;")', False),
    ('x = data["attendees"]', False),
    ('path = folder / "certificates.pdf"', False),
    ('raise AssertionError("cannot happen")', False),
    ('raise UserError("no such session")', True),
    ('header = "Session report"  # not user text', False),
    ('label = _(f"Hello {name}")', True),
    ('label = _("Hello " + name)', True),
    ('label = _("Hello {name}").format(name=name)', False),
    ('ROW = Template("<p class=\'tick\'>$label</p>")', False),
    ('ROW = Template("<p>Hello $name</p>")', True),
])
def test_the_check_catches_a_bypass_and_only_that(tmp_path: Path, source: str, flagged: bool) -> None:
    """The rule must be able to fail: plant each case in a file of its own."""
    module = tmp_path / "facilitator" / "ui" / "case.py"
    module.parent.mkdir(parents=True)
    module.write_text(source + "\n", encoding="utf-8")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "facilitator"
    try:
        assert bool(bypasses(module)) is flagged, bypasses(module)
    finally:
        PACKAGE = saved
