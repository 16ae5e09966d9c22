"""Small YAML files (mappings) into frozen pydantic models, with errors at FILE:LINE:COL.

Roadmaps have their own faster loader (`tracker_bridge.roadmap`); mapping files are small,
so ruamel's round-trip mode, which keeps every node's position, is the simple choice here.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from io import StringIO
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from tracker_bridge.errors import Problem, UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(
    path: Path | None, default: Traversable, model: type[ModelT], what: str
) -> ModelT:
    """Load a file, or the shipped `default` (read through importlib, so it works from a
    wheel and an editable install alike) when no path is given."""
    if path is None:
        return parse_yaml_model(default.read_text(encoding="utf-8"), default.name, model, what)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read the {what} file ({exc.strerror})") from exc
    return parse_yaml_model(text, str(path), model, what)


def parse_yaml_model(text: str, filename: str, model: type[ModelT], what: str) -> ModelT:
    """Validate YAML text as `model`; every problem names the file, line, column and field."""
    try:
        data = YAML(typ="rt").load(StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = Problem(filename, line, col, "", f"not valid YAML: {exc.problem}")
        raise UserError(str(problem), [problem]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problem = Problem(filename, 1, 1, "", f"the {what} must be a YAML mapping")
        raise UserError(str(problem), [problem])
    try:
        return model.model_validate(_plain(data))
    except ValidationError as exc:
        problems = [_problem(filename, data, err) for err in exc.errors()]
        raise UserError(f"{filename}: invalid {what}", problems) from None


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts/lists (pydantic wants plain types)."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def _problem(filename: str, root: Any, error: Any) -> Problem:
    loc = [part for part in error["loc"] if not str(part).startswith("function-")]
    line, col = _position(root, loc)
    dotted = ".".join(str(part) for part in loc)
    return Problem(filename, line, col, dotted, str(error["msg"]).removeprefix("Value error, "))


def _position(root: Any, loc: list[Any]) -> tuple[int, int]:
    """Line and column (1-based) of the deepest YAML node that `loc` reaches."""
    node, line, col = root, 1, 1
    for part in loc:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and part in node:
            if lc is not None:
                line, col = lc.key(part)[0] + 1, lc.key(part)[1] + 1
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            if lc is not None:
                line, col = lc.item(part)[0] + 1, lc.item(part)[1] + 1
            node = node[part]
        else:
            # A missing key: point at the mapping that lacks it.
            if lc is not None and line == 1:
                line, col = lc.line + 1, lc.col + 1
            break
    return line, col


def field_error(
    model: str, loc: tuple[str | int, ...], message: str, value: Any
) -> ValidationError:
    """A validation error at a nested `loc` (e.g. `("stages", "in_review", 1)`), for checks
    across fields that a model validator makes: the loader then names that entry's line."""
    return ValidationError.from_exception_data(
        model,
        [
            InitErrorDetails(
                type=PydanticCustomError("mapping", "{message}", {"message": message}),
                loc=loc,
                input=value,
            )
        ],
    )
