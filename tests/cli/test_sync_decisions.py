"""`sync --yes` says what it decided, not only how many: each conflict and each skip; and
its summary adds up with the plan (stages a create set itself are counted as such)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.testing.roadmaps import generate_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cli

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


def test_the_summary_counts_stages_set_by_the_create_so_plan_and_summary_add_up(
    cli: Cli,
) -> None:
    planned = json.loads(cli.roadmap("plan", "--json").out)["plan"]["counts"]["move_stage"]
    seeded = cli.roadmap("seed", "--yes", "--json")
    assert seeded.code == 0, seeded.err
    done = json.loads(seeded.out)["summary"]["done"]
    at_create = done["move_stage_at_create"]
    assert at_create > 0  # GitHub takes the stage label in the create
    assert done["move_stage"] + at_create == planned
    again = cli("sync", "-c", cli.config, "--yes")  # the text: nothing moved, nothing folded
    assert "set at create" not in again.out


def test_the_summary_table_says_set_at_create(cli: Cli) -> None:
    seeded = cli.roadmap("seed", "--yes")
    assert seeded.code == 0, seeded.err
    assert re.search(r"\b\d+ \(\+\d+ set at create\)", seeded.out), seeded.out



def test_a_skip_found_while_writing_reads_like_the_plans_and_is_in_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Projects v2 board has iterations for six of the roadmap's seven sprints: the seed
    skips the seventh while writing (nobody added it on the board yet). It is listed as the
    plan's skips are (`- skipped ID on TRACKER: why`), and `--json` has it in
    `summary.skipped`, the one list of every skip (`skips`, deprecated, has the plan's)."""
    text = generate_roadmap(28, project="trending-now", phases=1, sprints_per_phase=7)
    today = date.today()
    start = (today - timedelta(days=today.weekday() + 14)).isoformat()  # the board's first
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(text.replace("first_sprint_start: 2026-01-05",
                                    f"first_sprint_start: {start}"))
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: iteration\n")
    with Sandbox(tmp_path / "sandbox", roadmap, github_mapping=mapping) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        config = str(sandbox.config_path)
        capsys.readouterr()
        assert main(["seed", "--yes", "-c", config]) == 0
        out = capsys.readouterr().out
        github = sandbox.github_tracker
        skips = [line for line in out.splitlines() if "s7" in line and "skipped" in line]
        assert len(skips) == 1, out
        assert skips[0].startswith(f"- skipped s7 on {github}: "), out
        assert "has no iteration starting" in skips[0]
        assert main(["sync", "--yes", "--json", "-c", config]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert [(s["item_id"], s["tracker"]) for s in summary["skipped"]] == [("s7", github)]
    assert summary["skips"] == []  # deprecated: the plan's skips only, as before
