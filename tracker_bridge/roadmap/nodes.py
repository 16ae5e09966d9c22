"""YAML text → plain data, keeping the node tree so any field path can be traced to a line.

We compose (parse to nodes with marks) instead of round-trip loading: libyaml's composer via
ruamel.yaml.clib is several times faster than ruamel's round-trip loader on large roadmaps, and
the nodes still carry line and column. The pure-Python composer is the fallback.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_CLoader: Any
try:  # the C extension is optional at runtime; without it loading is just slower
    from ruamel.yaml.cyaml import CSafeLoader as _CLoader
except ImportError:  # pragma: no cover - depends on the installation
    _CLoader = None

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"


class YamlProblem(Exception):
    """A syntax or structure problem found while reading YAML, with its 1-based position."""

    def __init__(self, line: int, column: int, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path


def compose(text: str) -> Node | None:
    """Parse YAML text into a node tree (None for an empty document)."""
    try:
        if _CLoader is not None:
            loader = _CLoader(text)
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
        raise YamlProblem(line, column, f"YAML syntax error: {problem}{context}") from exc


def position(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def to_data(node: Node, path: Path = ()) -> Any:
    """Plain Python data from a node; scalars keep YAML 1.2 core types, dates stay ISO text.

    Dates are left as text on purpose: pydantic parses them, and a date-looking title stays
    a title. Duplicate keys are an error here because YAML loaders silently keep the last.
    """
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [to_data(child, (*path, index)) for index, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        seen: dict[Any, ScalarNode] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                _merge(result, to_data(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode):
                line, col = position(key_node)
                raise YamlProblem(line, col, "mapping keys must be plain text", path)
            key = _scalar(key_node)
            if key in seen:
                line, col = position(key_node)
                first = seen[key].start_mark.line + 1
                raise YamlProblem(line, col, f"duplicate key {key!r} (first at line {first})", path)
            seen[key] = key_node
            result[key] = to_data(value_node, (*path, str(key)))
        return result
    line, col = position(node)  # pragma: no cover - composer only makes the three kinds
    raise YamlProblem(line, col, "unsupported YAML node", path)


def _merge(target: dict[Any, Any], merged: Any) -> None:
    for source in merged if isinstance(merged, list) else [merged]:
        if isinstance(source, dict):
            for key, value in source.items():
                target.setdefault(key, value)


def _scalar(node: ScalarNode) -> Any:
    tag: str = node.tag or ""
    value: str = node.value
    if not tag.startswith(_TAG) or tag == _TAG + "str" or tag == _TAG + "timestamp":
        return value
    kind = tag[len(_TAG) :]
    if kind == "int":
        return _int(value)
    if kind == "float":
        return _float(value)
    if kind == "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if kind == "null":
        return None
    return value


def _int(value: str) -> int | str:
    text = value.replace("_", "")
    try:
        return int(text, 0) if text.lstrip("+-")[:2].lower() in ("0x", "0o", "0b") else int(text)
    except ValueError:
        return value


def _float(value: str) -> float | str:
    text = value.replace("_", "").lower()
    if text.lstrip("+-") in (".inf", "inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text in (".nan", "nan"):
        return math.nan
    try:
        return float(text)
    except ValueError:
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
