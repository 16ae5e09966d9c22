"""`sync --yes` says what it decided, not only how many: each conflict and each skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE

SKIPPED_BLOCK = """          - id: ingestion.source-exploration
            title: Initial data source exploration and sample scraping script
            kind: task
            stage: done
            points: 3
            assignee: joao
            sprint: 1
"""


def test_sync_yes_prints_each_conflict_and_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(EXAMPLE.read_text())
    with Sandbox(tmp_path / "sandbox", roadmap) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        config = str(sandbox.config_path)
        assert main(["seed", "--yes", "-c", config]) == 0
        # The team retitles a card on GitHub while the roadmap retitles it too, and an item
        # leaves the roadmap (it stays on the trackers, untouched).
        sandbox.github_edit("infra.terraform-prod", title="Terraform for production (GitHub)")
        text = roadmap.read_text()
        assert SKIPPED_BLOCK in text
        roadmap.write_text(
            text.replace(SKIPPED_BLOCK, "").replace(
                "title: Create Terraform for App Runner production",
                "title: Terraform for production (roadmap)",
            )
        )
        capsys.readouterr()
        assert main(["sync", "--yes", "-c", config]) == 0
    out = capsys.readouterr().out
    conflicts = [line for line in out.splitlines() if line.startswith("! conflict")]
    assert len(conflicts) == 1, out
    (conflict,) = conflicts
    assert "infra.terraform-prod.title" in conflict
    assert "roadmap=Terraform for production (roadmap)" in conflict
    assert f"{sandbox.github_tracker}=Terraform for production (GitHub)" in conflict
    assert "roadmap wins (the roadmap owns title)" in conflict
    skips = [line for line in out.splitlines() if line.startswith("- skipped")]
    assert sorted(skips) == sorted(
        f"- skipped ingestion.source-exploration on {tracker}: no longer in the roadmap; "
        "left untouched"
        for tracker in (sandbox.jira_tracker, sandbox.github_tracker)
    ), out
    assert "Sync summary" in out
