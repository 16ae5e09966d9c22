"""Issue 16: a large, fast seed must not hide later GitHub edits from the nightly sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.model import Stage
from tracker_bridge.testing.roadmaps import generate_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle

ITEMS = 120  # more than one page of 100, all written within GitHub's overlap window


def test_github_edits_after_a_big_fast_seed_reach_jira(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(generate_roadmap(ITEMS, project="trending-now", per_epic=60))
    with Sandbox(tmp_path / "sandbox", roadmap) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        cycle = Cycle(sandbox, roadmap)
        # A brisk seed: every GitHub write lands within the cursor's overlap window.
        sandbox.github.clock.freeze(sandbox.github.clock.now())
        assert cycle.run().ok
        for _ in range(2):  # two quiet nights: our own writes read back, then a 304
            sandbox.github.clock.advance(86_400)
            sandbox.jira.clock.advance(86_400)
            assert cycle.run().plan.empty
        # The team edits the issues GitHub lists last when oldest come first.
        edited = ["e1.i57", "e1.i58", "e1.i59"]
        for item in edited:
            sandbox.github_edit(item, title=f"Renamed {item}")
        sandbox.github_move("e1.i56", Stage.IN_REVIEW)
        assert cycle.run().ok
        summaries = {i["fields"]["summary"] for i in sandbox.jira.issues(sandbox.jira_project)}
        assert {f"Renamed {item}" for item in edited} <= summaries
        key = sandbox.jira_key("e1.i56")
        assert sandbox.jira.issue_json(key)["fields"]["status"]["name"] == "In Review"
