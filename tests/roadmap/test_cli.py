"""`validate`, `show` and `schema` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.roadmap.nodes import compose, to_data

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"


def test_validate_clean_file_prints_one_ok_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    [line] = out.out.splitlines()
    assert line.startswith(f"{EXAMPLE}: OK: ") and "19 sprints" in line and "3 phases" in line


def test_validate_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/nonexistent/roadmap.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_show_renders_tree_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(EXAMPLE), "--today", "2026-02-10"]) == 0
    out = capsys.readouterr().out
    for text in (
        "trending-now",
        "Start-up: platform foundations",
        "Sprint 3 (Start-up: platform foundations)",
        "[active]",
        "Implement LLM-powered content enrichment",
        "Vibe score per movie",
        "time-box 8+2 days",
        "Objectives",
        "Risks",
        "Pilot users who",
    ):
        assert text in out


def test_show_rejects_a_bad_today(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(EXAMPLE), "--today", "tomorrow"]) == 2
    assert "--today" in capsys.readouterr().err


def test_schema_roadmap_is_a_json_schema_that_accepts_the_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    jsonschema = pytest.importorskip("jsonschema")  # a test extra; untyped, so Any here
    assert main(["schema", "roadmap"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {
        "project",
        "cadence",
        "board",
        "phases",
        "sprints",
        "objectives",
        "risks",
    }
    assert set(schema["required"]) == {"project", "cadence", "phases"}
    assert schema["additionalProperties"] is False
    validator = jsonschema.Draft202012Validator(schema)
    node = compose(EXAMPLE.read_text(encoding="utf-8"))
    assert node is not None
    data = to_data(node)
    assert list(validator.iter_errors(data)) == []
    data["phases"][0]["epics"][0]["items"][0]["stage"] = "in_reveiw"
    assert list(validator.iter_errors(data))


def test_schema_unknown_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "nonsense"]) == 2
    assert "Traceback" not in capsys.readouterr().err
