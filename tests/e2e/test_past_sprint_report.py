"""Issue 12: a sprint that ended before the first sync reports fully from history."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle


def engineering(sandbox: Sandbox, sprint: str, capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    code = main(["report", "sprint", "--sprint", sprint, "--format", "json",
                 "--config", str(sandbox.config_path)])
    assert code == 0
    tracks = json.loads(capsys.readouterr().out)["health"]["tracks"]
    return next(t for t in tracks if t["track"] == "engineering")


def test_past_sprints_report_what_the_roadmap_planned_and_finished(
    sandbox: Sandbox, cycle: Cycle, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example roadmap is seeded long after its first sprints closed (2026).
    s3 (Feb 2-15) holds five engineering items, none done: terraform-prod 3, secrets 1,
    reviews-scraper 5, parquet-storage 3, scraper-blocked 2. By hand (Jira's sprint
    report): committed 14, completed 0, carried over 14, burndown 14 every morning.
    s1 (Jan 5-18) holds three done items, 2 + 3 + 3: committed 8, completed 8 (done before
    the first sync, counted where the roadmap puts them), burndown 8 down to 0 the morning
    after its last day."""
    assert cycle.run().ok
    s3 = engineering(sandbox, "s3", capsys)
    assert len(s3["committed"]) == 5 and s3["committed_points"] == 14
    assert s3["completed_points"] == 0 and s3["added_points"] == 0
    assert sum(line["points"] for line in s3["carry_over"]) == 14
    assert {point["remaining"] for point in s3["burndown"]} == {14}
    s1 = engineering(sandbox, "s1", capsys)
    assert (s1["committed_points"], s1["completed_points"]) == (8, 8)
    assert s1["burndown"][0]["remaining"] == 8 and s1["burndown"][-1]["remaining"] == 0
