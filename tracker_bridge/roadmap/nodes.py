"""YAML text → plain data, keeping the node tree so any field path can be traced to a line.

We compose (parse to nodes with marks) instead of round-trip loading: libyaml's composer via
ruamel.yaml.clib is several times faster than ruamel's round-trip loader on large roadmaps, and
the nodes still carry line and column. The pure-Python composer is the fallback.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Sequence
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.tag import Tag

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_PLAIN = "?plain"
"""Tag we give unquoted scalars; `_plain` types them (the resolver's regexes cost ~40%)."""


def _shared_tag(text: str) -> Tag:
    # One Tag object per kind, its text decoded once: ruamel wraps a plain string in a new
    # Tag per node and URI-decodes it on every `node.tag` read (a third of a large load).
    tag = Tag(suffix=text)
    _ = tag.trval
    return tag


_PLAIN_TAG = _shared_tag(_PLAIN)
_RESOLVED: dict[type, Tag] = {
    ScalarNode: _shared_tag(_TAG + "str"),
    SequenceNode: _shared_tag(_TAG + "seq"),
    MappingNode: _shared_tag(_TAG + "map"),
}

MAX_DEPTH = 100
"""Deeper nesting than any real file has: refused with its line, before Python's stack is."""
MAX_ALIAS_EXPANSION = 1_000_000
"""Values that YAML aliases may add once expanded; beyond is an alias bomb, not a roadmap."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (tab, newline and carriage return are text)."""

_CParser: Any
try:  # the C extension is optional at runtime; without it loading is just slower
    _CParser = importlib.import_module("_ruamel_yaml").CParser
except ImportError:  # pragma: no cover - depends on the installation
    _CParser = None


if _CParser is not None:

    class _FastComposer(_CParser):  # type: ignore[misc]
        """libyaml parser + composer with a trivial resolver: tags only say plain or not."""

        def descend_resolver(self, *_: Any) -> None:
            pass

        def ascend_resolver(self, *_: Any) -> None:
            pass

        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> Tag:
            if kind is ScalarNode and implicit[0]:
                return _PLAIN_TAG
            return _RESOLVED[kind]


class YamlProblem(Exception):
    """A syntax or structure problem found while reading YAML, with its 1-based position."""

    def __init__(
        self, line: int, column: int, message: str, path: Path = (), node: Node | None = None
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path
        self.node = node


def compose(text: str, *, pure: bool = False) -> Node | None:
    """Parse YAML text into a node tree (None for an empty document).

    `pure` forces ruamel's pure-Python composer (what runs without ruamel.yaml.clib).
    """
    too_deep = _flow_too_deep(text)
    if too_deep is not None:  # the parser takes quadratic time on deep flow nesting
        raise YamlProblem(*too_deep, _TOO_DEEP)
    try:
        if _CParser is not None and not pure:
            loader = _FastComposer(text)
            try:
                root: Node | None = loader.get_single_node()
            finally:
                loader.dispose()
        else:
            root = YAML(typ="safe", pure=True).compose(text)
    except ReaderError as exc:
        line, column = _line_col(text, exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML: remove it"
        raise YamlProblem(line, column, message) from None
    except RecursionError:  # the pure-Python composer recurses per level
        raise YamlProblem(*_block_too_deep(text), _TOO_DEEP) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        started = exc.context_mark
        if exc.context and started is not None and mark is not None and started.line != mark.line:
            context = f" ({exc.context} that starts at line {started.line + 1})"
        raise YamlProblem(line, column, f"YAML syntax error: {problem}{context}") from exc
    if root is not None and "*" in text:  # aliases (`*name`) may be present: bound them
        _measure(root)
    return root


_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: not a file this tool reads"


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


_FLOW_TOKENS = re.compile(r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|(?<=\s)#[^\n]*""")
"""Flow brackets, and the quoted strings and comments whose brackets do not count."""


def _flow_too_deep(text: str) -> tuple[int, int] | None:
    """Where flow nesting (`[[[…` or `{{{…`) first goes past MAX_DEPTH, if it does."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for token in _FLOW_TOKENS.finditer(text):
        char = token.group()
        if char in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return _line_col(text, token.start())
        elif char in ("]", "}"):
            depth = max(0, depth - 1)
    return None


_BLOCK_LEVEL = re.compile(r"(?: *- +)*")


def _block_too_deep(text: str) -> tuple[int, int]:
    """The first line whose indentation and `- ` entries nest past MAX_DEPTH (a guess good
    enough to point at the place: the composer gave up before it could say)."""
    for number, line in enumerate(text.splitlines(), start=1):
        lead = _BLOCK_LEVEL.match(line)
        indent = (len(line) - len(line.lstrip())) // 2
        levels = line[: lead.end() if lead else 0].count("-") + indent
        if levels > MAX_DEPTH:
            return number, 1
    return 1, 1


def _measure(root: Node) -> None:
    """Refuse nesting past MAX_DEPTH and aliases that expand past MAX_ALIAS_EXPANSION.

    Walks each distinct node once (iteratively: no recursion to exhaust), adding up what a
    reused (aliased) node would expand to, so a "billion laughs" file is refused in
    milliseconds instead of being expanded."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    extra = 0
    stack: list[tuple[Node, Any, int]] = [(root, iter(_children(root)), 1)]
    on_path.add(id(root))
    while stack:
        node, children, size = stack[-1]
        child_node = next(children, None)
        if child_node is None:
            stack.pop()
            on_path.discard(id(node))
            sizes[id(node)] = size
            if stack:
                parent, rest, parent_size = stack[-1]
                stack[-1] = (parent, rest, parent_size + size)
            continue
        key = id(child_node)
        if type(child_node) is ScalarNode:
            stack[-1] = (node, children, size + 1)
        elif key in sizes:
            extra += sizes[key]
            if extra > MAX_ALIAS_EXPANSION:
                message = (
                    f"YAML aliases here expand to more than {MAX_ALIAS_EXPANSION:,} values: "
                    "write the values out"
                )
                raise YamlProblem(*position(child_node), message)
            stack[-1] = (node, children, size + sizes[key])
        elif key in on_path:
            raise YamlProblem(*position(child_node), "a YAML alias refers to itself")
        else:
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(*position(child_node), _TOO_DEEP)
            on_path.add(key)
            stack.append((child_node, iter(_children(child_node)), 1))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def position(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def to_data(node: Node) -> Any:
    """Plain Python data from a node; scalars follow YAML 1.2's core schema, dates stay text.

    Dates are left as text on purpose: pydantic parses them, and a date-looking title stays
    a title. Duplicate keys are an error here because YAML loaders silently keep the last.
    """
    try:
        return _data(node)
    except YamlProblem as exc:
        exc.path = _path_to(node, exc.node) or ()
        raise
    except RecursionError:
        _measure(node)  # raises with the position of the first node too deep
        raise YamlProblem(1, 1, _TOO_DEEP) from None


def _data(node: Node) -> Any:
    # Hot path (one call per node of a 10k-item file): no recursion helpers, no path tuples.
    kind = type(node)
    if kind is ScalarNode:
        try:
            return _plain(node.value) if _is_plain(node) else _tagged(cast(ScalarNode, node))
        except _Refused as exc:
            raise YamlProblem(*position(node), str(exc), node=node) from None
    if kind is SequenceNode:
        return [_data(child) for child in node.value]
    if kind is not MappingNode:
        raise YamlProblem(*position(node), "unsupported YAML node", node=node)
    result: dict[Any, Any] = {}
    merged: dict[Any, Any] | None = None  # `<<: *anchor` values; explicit keys win
    for key_node, value_node in node.value:
        if type(key_node) is not ScalarNode:
            raise YamlProblem(*position(key_node), "mapping keys must be plain text", node=node)
        plain = _is_plain(key_node)
        if (plain and key_node.value == "<<") or (not plain and key_node.tag == _MERGE):
            merged = merged if merged is not None else {}
            _merge(merged, _data(value_node))
            continue
        key = _plain(key_node.value) if plain else _tagged(key_node)
        if key in result:
            first = next(k for k, _ in node.value if k.value == key_node.value)
            message = f"duplicate key {key!r} (first at line {first.start_mark.line + 1})"
            raise YamlProblem(*position(key_node), message, node=node)
        result[key] = _data(value_node)
    if merged is not None:
        for key, value in merged.items():
            result.setdefault(key, value)
    return result


def _is_plain(node: Node) -> bool:
    return node.ctag is _PLAIN_TAG or node.tag == _PLAIN


def _path_to(root: Node, target: Node | None) -> Path | None:
    """The field path of `target` under `root` (only used to word an error)."""
    if root is target:
        return ()
    if isinstance(root, SequenceNode):
        for index, item in enumerate(root.value):
            found = _path_to(item, target)
            if found is not None:
                return (index, *found)
    if isinstance(root, MappingNode):
        for key_node, value_node in root.value:
            found = _path_to(value_node, target)
            if found is not None:
                return (str(key_node.value), *found)
    return None


def _merge(target: dict[Any, Any], merged: Any) -> None:
    for source in merged if isinstance(merged, list) else [merged]:
        if isinstance(source, dict):
            for key, value in source.items():
                target.setdefault(key, value)


_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NOT_FINITE = frozenset(
    {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"}
    | {".nan", ".NaN", ".NAN"}
)


class _Refused(ValueError):
    """A scalar no roadmap or mapping may hold; `_data` adds its position."""
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_NUMERIC_START = frozenset("0123456789+-.")


def _plain(value: str) -> Any:
    """An unquoted scalar typed by YAML 1.2's core schema (so `2026-01-05` stays text)."""
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if value[0] not in _NUMERIC_START:
        return value
    if _INT.fullmatch(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _FLOAT.fullmatch(value):
        number = float(value)
        if math.isinf(number):
            raise _Refused(f"{value} is too large a number (it would be infinite)")
        return number
    if value in _NOT_FINITE:
        raise _Refused(f"{value} is not a finite number")
    return value


def _tagged(node: ScalarNode) -> Any:
    """A scalar with a resolved or explicit tag (pure-Python composer, or `!!int "3"`)."""
    tag: str = node.tag or ""
    value: str = node.value
    bad = _CONTROL.search(value)
    if bad is not None:  # a quoted "\0" or "\x1b": breaks stores (PostgreSQL) and terminals
        raise _Refused(f"control character U+{ord(bad.group()):04X} in text: remove it")
    if tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
        typed = _plain(value)
        return typed if typed is not value or tag == _TAG + "null" else value
    return value


def child(node: Node | None, key: str | int) -> Node | None:
    """The child node at one path step, or None if it is not there."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and str(key_node.value) == key:
                return value_node  # type: ignore[no-any-return]
        return None
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def locate(root: Node | None, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
    """Line and column of the deepest node on `path` (of its key when `key` is set).

    A missing field points at the mapping that lacks it; an unknown key at the key itself.
    """
    node = root
    found: tuple[int, int] = position(root) if root is not None else (1, 1)
    last = len(path) - 1
    for index, step in enumerate(path):
        if key and index == last and isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode) and str(key_node.value) == step:
                    return position(key_node)
        node = child(node, step)
        if node is None:
            break
        found = position(node)
    return found
