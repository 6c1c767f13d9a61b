"""Read YAML while remembering where every value came from, so errors can name a line.

PyYAML's composer gives a node tree with line marks; we construct plain data from it and keep the tree
to map a validation error's location (``("segments", 3, "minutes")``) back to a line in the file.

A file is read whole only up to MAX_BYTES, and its tree is measured before anything walks it: an alias (``*a``)
repeats what its anchor (``&a``) names without copying it, so a few lines can stand for billions of values (an
"alias bomb"). Counting each node once (with what it stands for) finds that in a moment; more than MAX_VALUES
values in all, an alias inside its own anchor, or nesting deeper than MAX_DEPTH is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from facilitator.content.problems import ContentError, ContentProblem
from facilitator.files import FileTooLarge, NotARegularFile, read_bounded, size_text
from facilitator.i18n import N_, _

Loc = tuple[str | int, ...]
# libyaml's loader is ten times faster and keeps the same line marks; PyYAML falls back when it is absent.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 2 * 1024 * 1024  # the largest built-in workshop is 70 KB
MAX_VALUES = 100_000  # every value (keys too), aliases expanded: the largest built-in workshop has 700
MAX_DEPTH = 100  # lists and mappings inside each other: a workshop needs 8


class YamlDocument:
    """Parsed YAML data together with its node tree."""

    def __init__(self, path: Path, data: Any, root: yaml.Node | None) -> None:
        self.path = path
        self.data = data
        self.root = root

    def line_of(self, loc: Loc) -> int | None:
        """The 1-based line of the value at `loc`, or of the nearest enclosing value that exists."""
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            node = _child(node, part)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def problem(self, loc: Loc, message: str, fix: str) -> ContentProblem:
        return ContentProblem(self.path, self.line_of(loc), format_loc(loc), message, fix)

    def problems_from(self, error: ValidationError, skip: frozenset[str] = frozenset()) -> list[ContentProblem]:
        """Turn pydantic's errors into problems; `skip` names union tags pydantic adds to locations."""
        found = []
        for err in error.errors():
            loc = tuple(p for p in err["loc"] if p not in skip)
            if err["type"] == "union_tag_invalid":  # the fault is in the tag field itself
                loc = (*loc, "type")
            found.append(self.problem(loc, _message(err), _fix(err)))
        return found


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next((v for k, v in node.value if getattr(k, "value", None) == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


def format_loc(loc: Loc) -> str:
    """("segments", 3, "minutes") -> "segments[3].minutes"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_FIXES = {
    "missing": N_("add this field"),
    "extra_forbidden": N_("remove this field or correct its spelling"),
    "int_parsing": N_("give a whole number"),
    "int_type": N_("give a whole number"),
    "string_type": N_("write text here; put it in quotes if it looks like a number, date or yes/no"),
    "list_type": N_("give a list (one '- item' per line)"),
    "model_type": N_("give a mapping of 'field: value' lines"),
    "dict_type": N_("give a mapping of 'field: value' lines"),
    "bool_type": N_("write true or false"),
    "literal_error": N_("use one of the values listed"),
    "enum": N_("use one of the values listed"),
    "union_tag_invalid": N_("use one of the values listed"),
    "union_tag_not_found": N_("add a 'type' field"),
    "too_short": N_("add more entries"),
    "too_long": N_("remove some entries"),
    "greater_than_equal": N_("use a larger number"),
    "less_than_equal": N_("use a smaller number"),
    "string_pattern_mismatch": N_("follow the pattern shown"),
    "string_too_short": N_("write something here; it cannot be empty"),
    "string_too_long": N_("shorten the text"),
    "value_error": N_("correct the text as described"),
}


def _message(err: dict[str, Any]) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return _("unknown field")
    if err["type"] == "missing":
        return _("required field is missing")
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    if err["type"] == "string_pattern_mismatch":
        return _("{message} (got {value})").format(message=msg, value=repr(err["input"]))
    return msg[0].lower() + msg[1:] if msg else msg


def _fix(err: dict[str, Any]) -> str:
    return _(_FIXES.get(err["type"], N_("correct the value")))


def read_yaml(path: Path, *, max_bytes: int = MAX_BYTES, too_large: str | None = None) -> YamlDocument:
    """Parse `path`, raising ContentError (with the line) if it is not readable, valid YAML. A file of another
    kind than a workshop may set a smaller `max_bytes`, and `too_large`, the message (translated) that says so."""
    try:
        data = read_bounded(path, max_bytes)
    except NotARegularFile as exc:
        raise _error(path, None, _("cannot be read ({reason})").format(reason=exc.strerror),
                     _("give the path of a .yaml file")) from None
    except FileTooLarge:
        message = too_large or _("cannot be read (it is larger than {size}, far more than a workshop)").format(
            size=size_text(max_bytes))
        raise _error(path, None, message, _("check that this is the right file")) from None
    except OSError as exc:
        raise _error(path, None, _("cannot be read ({reason})").format(reason=exc.strerror),
                     _("check the path and permissions")) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, None, _("not UTF-8 text ({reason} at byte {byte})").format(reason=exc.reason,
                                                                                     byte=exc.start),
                     _("save the file as UTF-8")) from exc
    return parse_yaml(text.replace("\r\n", "\n").replace("\r", "\n"), path)  # line ends as read_text gives them


def parse_yaml(text: str, path: Path) -> YamlDocument:
    """Parse YAML `text`; `path` names it in messages."""
    try:
        loader = Loader(text)  # the pure-Python reader checks every character here, before parsing
    except yaml.reader.ReaderError as exc:
        raise _forbidden_character(path, text, exc) from exc
    try:
        root = loader.get_single_node()
        _refuse_expansion(path, root)
        _reject_duplicate_keys(path, root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.reader.ReaderError as exc:  # libyaml finds them while parsing
        raise _forbidden_character(path, text, exc) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise _error(path, line, _("not valid YAML: {problem}").format(problem=exc.problem or exc.context),
                     _("check the indentation and quoting near this line")) from exc
    except yaml.YAMLError as exc:
        raise _error(path, None, _("not valid YAML: {problem}").format(problem=exc),
                     _("check the file's syntax")) from exc
    finally:
        loader.dispose()
    return YamlDocument(path, data, root)


def _forbidden_character(path: Path, text: str, exc: yaml.reader.ReaderError) -> ContentError:
    line = text.count("\n", 0, exc.position) + 1
    return _error(path, line, _("holds a control character YAML does not allow (code {code})").format(
        code=repr(exc.character)), _("delete the character and save the file again as plain UTF-8 text"))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse_expansion(path: Path, root: yaml.Node | None) -> None:
    """Refuse a tree that stands for more than MAX_VALUES values once its aliases are expanded, that holds an
    alias inside its own anchor, or that nests deeper than MAX_DEPTH. Each node is visited once, however many
    aliases name it, so this takes as long as the file is, never as long as what it expands to."""
    if root is None:
        return
    values: dict[int, int] = {}  # a node's id -> the values it stands for, itself included
    open_nodes: set[int] = set()  # the nodes whose children are being counted: an alias to one is a loop
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, counted = stack.pop()
        if counted:
            open_nodes.discard(id(node))
            values[id(node)] = 1 + sum(values[id(child)] for child in _children(node))
            if values[id(node)] > MAX_VALUES:
                raise _error(path, node.start_mark.line + 1, _(
                    "stands for more than {count} values once its aliases (*name) are expanded").format(
                    count=f"{MAX_VALUES:,}"), _("write the values out, or use fewer aliases"))
            continue
        if id(node) in values:
            continue
        if id(node) in open_nodes:
            raise _error(path, node.start_mark.line + 1, _("an alias (*name) refers to a value that contains it"),
                         _("remove the alias, or point it at another anchor"))
        if depth > MAX_DEPTH:
            raise _error(path, node.start_mark.line + 1, _("lists and mappings are nested more than {depth} deep"
                                                           ).format(depth=MAX_DEPTH),
                         _("check the indentation near this line"))
        open_nodes.add(id(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node) if id(child) not in values)


def _reject_duplicate_keys(path: Path, node: yaml.Node | None) -> None:
    """PyYAML keeps the last of two equal keys silently; an author almost never means that."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            name = getattr(key, "value", None)
            if name in seen:
                twice = _("the key '{key}' appears twice (first on line {line})").format(key=name, line=seen[name])
                raise _error(path, key.start_mark.line + 1, twice, _("keep one of them"))
            seen[name] = key.start_mark.line + 1
            _reject_duplicate_keys(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(path, item)


def _error(path: Path, line: int | None, message: str, fix: str) -> ContentError:
    return ContentError([ContentProblem(path, line, "", message, fix)])
