"""`schema roadmap` is JSON Schema an editor can use, and it agrees with `validate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker_bridge.cli import main
from tracker_bridge.roadmap.nodes import compose, to_data

jsonschema = pytest.importorskip("jsonschema")  # a test extra; untyped, so Any here

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "trending-now.yaml"
BAD = Path(__file__).parent / "bad"
META = jsonschema.Draft202012Validator.META_SCHEMA
# Every keyword the 2020-12 vocabularies define, plus the annotations editors read.
KEYWORDS = set(jsonschema.Draft202012Validator.VALIDATORS) | {
    "$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
    "deprecated", "readOnly", "writeOnly",
}
# Mistakes a schema can say, each in its own file; `validate` refuses all of them too.
SCHEMA_EXPRESSIBLE = [
    "bad-date", "bad-id-pattern", "bad-maturity", "bad-outcome", "blocked-not-bool",
    "empty-title", "empty", "missing-cadence", "negative-points", "no-phases",
    "phase-zero-sprints", "risk-bad-level", "spike-no-hypothesis", "sprint-override-bad-state",
    "top-level-list", "top-level-scalar", "unknown-item-key", "unknown-kind", "unknown-stage",
    "unknown-top-key", "unknown-track", "wip-not-int", "wip-per-track-negative",
    "wip-unknown-stage", "wip-zero", "wrong-type-items", "wrong-type-labels",
    "wrong-type-points",
]


def _schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema", "roadmap"]) == 0
    loaded: dict[str, Any] = json.loads(capsys.readouterr().out)
    return loaded


def _keywords(node: Any, under_names: bool = False) -> set[str]:
    """Keywords used anywhere in a schema (not property names, not default values)."""
    found: set[str] = set()
    if isinstance(node, list):
        for sub in node:
            found |= _keywords(sub)
    elif isinstance(node, dict):
        for key, sub in node.items():
            if under_names:  # a property or $defs name: its value is a schema
                found |= _keywords(sub)
                continue
            found.add(key)
            if key in ("properties", "$defs", "patternProperties", "dependentSchemas"):
                found |= _keywords(sub, under_names=True)
            elif key not in ("default", "examples", "const", "enum"):
                found |= _keywords(sub)
    return found


def _validator(schema: dict[str, Any]) -> Any:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER  # dates, as editors check them
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def _data(path: Path) -> Any:
    node = compose(path.read_text(encoding="utf-8"))
    return None if node is None else to_data(node)


def test_the_schema_is_valid_json_schema_with_only_json_schema_keywords(
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = _schema(capsys)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(META).validate(schema)
    unknown = _keywords(schema) - KEYWORDS
    assert not unknown, f"not JSON Schema keywords: {sorted(unknown)}"


def test_a_zero_wip_limit_is_refused_by_the_schema_as_by_validate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    validator = _validator(_schema(capsys))
    data = _data(EXAMPLE)
    data["board"]["wip_limits"]["in_review"] = 0
    assert list(validator.iter_errors(data))


def test_schema_and_validate_accept_the_shipped_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    validator = _validator(_schema(capsys))
    assert list(validator.iter_errors(_data(EXAMPLE))) == []
    assert main(["validate", str(EXAMPLE)]) == 0


@pytest.mark.parametrize("name", SCHEMA_EXPRESSIBLE)
def test_schema_and_validate_refuse_the_same_bad_files(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    validator = _validator(_schema(capsys))
    path = BAD / f"{name}.yaml"
    assert list(validator.iter_errors(_data(path))), f"the schema accepts {path.name}"
    assert main(["validate", str(path)]) == 2
