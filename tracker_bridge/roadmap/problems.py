"""Pydantic's validation errors, rewritten for people and pinned to file lines."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.nodes import Node

from tracker_bridge.errors import Problem
from tracker_bridge.model import Kind, SpikeOutcome, SprintState, Stage, Track
from tracker_bridge.roadmap.nodes import locate

# Which vocabulary a rejected enum value belonged to, so the message can name it.
_VOCABULARIES: dict[frozenset[str], str] = {
    frozenset(v.value for v in Stage): "stage",
    frozenset(v.value for v in Kind): "kind",
    frozenset(v.value for v in Track): "track",
    frozenset(v.value for v in SprintState): "sprint state",
    frozenset(v.value for v in SpikeOutcome): "outcome",
    frozenset(("low", "medium", "high")): "level",
}


def format_path(path: Sequence[str | int]) -> str:
    """`('phases', 0, 'epics', 1, 'title')` → `phases[0].epics[1].title`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def suggest(value: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the nearest choice, or nothing."""
    nearest = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {nearest[0]!r}?)" if nearest else ""


def unknown(noun: str, value: str, choices: Iterable[str]) -> str:
    return f"unknown {noun} {value!r}{suggest(value, choices)}"


def from_validation_error(
    error: ValidationError, root: Node | None, file: Path | str, model: type[BaseModel]
) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        loc = list(detail["loc"])
        is_key = bool(loc) and loc[-1] == "[key]"
        if is_key:
            loc = loc[:-1]
        message = _message(detail, loc, model, is_key)
        on_key = is_key or detail["type"] == "extra_forbidden"
        line, col = locate(root, loc, key=on_key)
        problems.append(Problem(file, line, col, format_path(loc), message))
    return problems


def _message(
    detail: ErrorDetails, loc: list[str | int], model: type[BaseModel], is_key: bool
) -> str:
    kind = detail["type"]
    value = detail.get("input")
    ctx: dict[str, Any] = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        fields = _model_at(model, loc[:-1])
        choices = list(fields.model_fields) if fields is not None else []
        return unknown("key", str(loc[-1]), choices)
    if kind in ("enum", "literal_error"):
        expected = [
            part.strip(" '")
            for part in str(ctx.get("expected", "")).replace(" or ", ",").split(",")
        ]
        noun = _VOCABULARIES.get(frozenset(expected))
        if noun is None:
            return f"expected one of {', '.join(expected)}; got {value!r}"
        return unknown(noun, str(value), expected)
    if kind == "missing":
        return "required, but missing"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {value!r}"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {value!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {value!r}"
    if kind in ("string_type",):
        return f"expected text, got {_type_name(value)}"
    if kind in ("list_type",):
        return f"expected a list, got {_type_name(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {_type_name(value)}"
    if kind.startswith(("date", "datetime")):
        return f"expected a date like 2026-01-31, got {value!r}"
    if kind == "string_pattern_mismatch":
        return (
            f"{value!r} is not a valid id: use lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if kind == "greater_than":
        return f"must be greater than {_number(ctx.get('gt'))}, got {value!r}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))}, got {value!r}"
    if kind == "too_short" and isinstance(value, list):
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters (this has {len(str(value))})"
    if kind == "string_too_short":
        return "must not be empty"
    return str(detail["msg"])


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {value!r}"


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The file-format model that sits at `loc`, found by walking field annotations."""
    current: Any = model
    for step in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(step, str) or step not in current.model_fields:
                return None
            current = current.model_fields[step].annotation
        else:
            current = _unwrap(current)
        current = _unwrap_optional(current)
    current = _unwrap_optional(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap_optional(annotation: Any) -> Any:
    args = [arg for arg in get_args(annotation) if arg is not type(None)]
    if (
        get_origin(annotation) is not None
        and len(args) == 1
        and get_origin(annotation) not in (list, dict)
    ):
        return args[0]
    return annotation


def _unwrap(annotation: Any) -> Any:
    # list[X] → X, dict[K, V] → V: one step into a container.
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return annotation


class Collector:
    """Gathers every problem of one file, each pinned to the line of its field path."""

    def __init__(self, file: Path | str, root: Node | None) -> None:
        self.file = file
        self.root = root
        self.problems: list[Problem] = []

    def add(self, path: Sequence[str | int], message: str, *, key: bool = False) -> None:
        line, col = locate(self.root, path, key=key)
        self.problems.append(Problem(self.file, line, col, format_path(path), message))
