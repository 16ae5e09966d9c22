"""Small YAML files (mappings) into frozen pydantic models, with errors at FILE:LINE:COL.

They are read by the roadmap's composer (`tracker_bridge.roadmap.nodes`), so a mapping gets
the same YAML 1.2 scalars and the same refusals as a roadmap: alias bombs, nesting past 100
levels, non-finite numbers and control characters, each at its line.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from ruamel.yaml.nodes import Node

from tracker_bridge.errors import Problem, UserError
from tracker_bridge.roadmap.nodes import YamlProblem, compose, locate, to_data
from tracker_bridge.roadmap.problems import format_path

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_yaml_model(
    path: Path | None, default: Traversable, model: type[ModelT], what: str
) -> ModelT:
    """Load a file, or the shipped `default` (read through importlib, so it works from a
    wheel and an editable install alike) when no path is given."""
    if path is None:
        return parse_yaml_model(default.read_text(encoding="utf-8"), default.name, model, what)
    try:
        # utf-8-sig: a byte-order mark (some Windows editors write one) is not content.
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(str(path), 1, 1, "", f"not a UTF-8 text {what} file ({exc.reason})")
        raise UserError(str(problem), [problem]) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the {what} file ({exc.strerror})") from exc
    return parse_yaml_model(text, str(path), model, what)


def parse_yaml_model(text: str, filename: str, model: type[ModelT], what: str) -> ModelT:
    """Validate YAML text as `model`; every problem names the file, line, column and field."""
    try:
        root = compose(text)
        data = to_data(root) if root is not None else None
    except YamlProblem as exc:
        message = exc.message.replace("YAML syntax error: ", "not valid YAML: ", 1)
        problem = Problem(filename, exc.line, exc.column, format_path(exc.path), message)
        raise UserError(str(problem), [problem]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problem = Problem(filename, 1, 1, "", f"the {what} must be a YAML mapping")
        raise UserError(str(problem), [problem])
    try:
        return model.model_validate(_plain(data))
    except ValidationError as exc:
        problems = [_problem(filename, root, err) for err in exc.errors()]
        raise UserError(f"{filename}: invalid {what}", problems) from None


def _plain(node: Any) -> Any:
    """Keys as text, as the models name them (YAML may read `1:` as a number)."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def _problem(filename: str, root: Node | None, error: Any) -> Problem:
    loc = [part for part in error["loc"] if not str(part).startswith("function-")]
    line, col = locate(root, loc, key=True)  # the key of a bad entry, as editors show it
    dotted = ".".join(str(part) for part in loc)
    return Problem(filename, line, col, dotted, str(error["msg"]).removeprefix("Value error, "))


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
