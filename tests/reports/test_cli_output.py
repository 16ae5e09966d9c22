"""`spike check --json` for CI, the bounded JSON report and the research burndown setting,
end to end through the CLI (config file, example roadmap, SQLite store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_cli import VIBE, config, run

__all__ = ["config"]  # the fixture, shared with test_cli


def test_spike_check_json_for_ci(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(config, "spike", "check", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["violations"] == [] and data["violation_count"] == 0
    assert data["spikes"] > 0 and data["project"] == "trending"
    assert run(config, "spike", "check", "--json", now="2026-02-13T12:00Z") == 1
    data = json.loads(capsys.readouterr().out)  # stdout is the JSON alone
    assert data["ok"] is False and data["violation_count"] == 1
    [violation] = data["violations"]
    assert violation["item_id"] == VIBE and violation["rule"] == "overdue"
    assert violation["text"].startswith(f"{VIBE}: overdue: time-box of 10 days")


def test_report_json_is_clipped_unless_full(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(config, "report", "sprint", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == 2 and data["lists_clipped_at"] == 50
    assert {"cumulative_flow", "cycle_time", "throughput", "learning"} <= set(data)
    assert data["research_points_burndown"] is False
    assert run(config, "report", "sprint", "--format", "json", "--full") == 0
    assert json.loads(capsys.readouterr().out)["lists_clipped_at"] is None


def test_research_points_burndown_is_a_project_setting(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = config.read_text().replace('roadmap = "roadmap.yaml"\n',
                                      'roadmap = "roadmap.yaml"\nresearch_points_burndown = true\n')
    config.write_text(text)
    assert run(config, "report", "sprint", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["research_points_burndown"] is True
