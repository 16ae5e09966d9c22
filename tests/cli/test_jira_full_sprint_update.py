"""A Jira Data Center that refuses partial sprint updates (405): sprints are still started,
closed and edited, by full updates built from each sprint as read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

OLD_GOAL = "Reviews in S3 and a decision on the vibe score"
NEW_GOAL = "Reviews in S3, and go or no-go on the vibe score"


def test_sprints_sync_where_partial_updates_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(EXAMPLE.read_text())
    assert OLD_GOAL in roadmap.read_text()
    with Sandbox(tmp_path / "sandbox", roadmap, jira_flavour="datacenter") as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        sandbox.jira.partial_sprint_updates = False
        config = str(sandbox.config_path)
        seeded = main(["seed", "--yes", "-c", config, "-t", "jira"])
        assert seeded == 0, capsys.readouterr()
        sprints = {s.name: s for s in sandbox.jira.data.sprints.values()}
        states = {name.split(" (")[0]: s.state for name, s in sprints.items()}
        assert states["Sprint 1"] == "closed" and states["Sprint 3"] == "closed"
        assert all(s.start is not None and s.end is not None for s in sprints.values())
        assert sandbox.jira.stats.by_status[405] > 0  # it did refuse, and we did not give up
        roadmap.write_text(roadmap.read_text().replace(OLD_GOAL, NEW_GOAL))
        capsys.readouterr()
        assert main(["sync", "--yes", "-c", config, "-t", "jira"]) == 0, capsys.readouterr()
        goals = {s.goal for s in sandbox.jira.data.sprints.values()}
        assert NEW_GOAL in goals and OLD_GOAL not in goals
        closed = next(s for s in sandbox.jira.data.sprints.values() if s.goal == NEW_GOAL)
        assert closed.state == "closed" and closed.start is not None
