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

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_PLAIN = "?plain"
"""Tag we give unquoted scalars; `_plain` types them (the resolver's regexes cost ~40%)."""

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

        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _TAG + "str"
            return _TAG + ("seq" if kind is SequenceNode else "map")


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
    try:
        if _CParser is not None and not pure:
            loader = _FastComposer(text)
            try:
                return loader.get_single_node()  # type: ignore[no-any-return]
            finally:
                loader.dispose()
        return YAML(typ="safe", pure=True).compose(text)  # type: ignore[no-any-return]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        started = exc.context_mark
        if exc.context and started is not None and mark is not None and started.line != mark.line:
            context = f" ({exc.context} that starts at line {started.line + 1})"
        raise YamlProblem(line, column, f"YAML syntax error: {problem}{context}") from exc


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


def _data(node: Node) -> Any:
    # Hot path (one call per node of a 10k-item file): no recursion helpers, no path tuples.
    kind = type(node)
    if kind is ScalarNode:
        return _plain(node.value) if node.tag == _PLAIN else _tagged(cast(ScalarNode, node))
    if kind is SequenceNode:
        return [_data(child) for child in node.value]
    if kind is not MappingNode:
        raise YamlProblem(*position(node), "unsupported YAML node", node=node)
    result: dict[Any, Any] = {}
    merged: dict[Any, Any] | None = None  # `<<: *anchor` values; explicit keys win
    for key_node, value_node in node.value:
        if type(key_node) is not ScalarNode:
            raise YamlProblem(*position(key_node), "mapping keys must be plain text", node=node)
        if key_node.tag == _MERGE or (key_node.tag == _PLAIN and key_node.value == "<<"):
            merged = merged if merged is not None else {}
            _merge(merged, _data(value_node))
            continue
        key = _plain(key_node.value) if key_node.tag == _PLAIN else _tagged(key_node)
        if key in result:
            first = next(k for k, _ in node.value if k.value == key_node.value)
            message = f"duplicate key {key!r} (first at line {first.start_mark.line + 1})"
            raise YamlProblem(*position(key_node), message, node=node)
        result[key] = _data(value_node)
    if merged is not None:
        for key, value in merged.items():
            result.setdefault(key, value)
    return result


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
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
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
        return float(value)
    return value


def _tagged(node: ScalarNode) -> Any:
    """A scalar with a resolved or explicit tag (pure-Python composer, or `!!int "3"`)."""
    tag: str = node.tag or ""
    value: str = node.value
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
