"""A sprint the tracker cannot hold until a person acts is one skip, and the rest syncs.

A Projects v2 board's Iteration field is never rewritten by us (that wipes assignments), so
a roadmap sprint without a matching iteration waits for someone to add it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker_bridge.testing.roadmaps import generate_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle

BOARD_ITERATIONS = 6  # the fake board's Sprint field: last sprint, this one and four more


def first_iteration_start(today: date) -> date:
    """Where the fake board's iterations begin: the Monday two weeks before this week's."""
    return today - timedelta(days=today.weekday() + 14)


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    """Seven sprints on the board's dates: the board lacks the seventh iteration."""
    text = generate_roadmap(28, project="trending-now", phases=1, sprints_per_phase=7)
    start = first_iteration_start(date.today()).isoformat()
    path = tmp_path / "roadmap.yaml"
    path.write_text(text.replace("first_sprint_start: 2026-01-05", f"first_sprint_start: {start}"))
    return path


@pytest.fixture
def sandbox(tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: iteration\n")
    with Sandbox(tmp_path / "sandbox", roadmap, github_mapping=mapping) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def test_a_missing_iteration_is_one_skip_and_everything_else_syncs(
    sandbox: Sandbox, roadmap: Path
) -> None:
    cycle = Cycle(sandbox, roadmap)
    seeded = cycle.run()
    assert seeded.ok, seeded.summary()["failures"]
    github = sandbox.github_tracker
    skipped = [s for s in seeded.summary()["skipped"] if s["tracker"] == github]
    assert [s["item_id"] for s in skipped] == ["s7"]
    assert "no iteration starting" in skipped[0]["reason"]
    assert "add it in the project settings" in skipped[0]["reason"]
    assert "4 item(s) wait to join it" in skipped[0]["reason"]
    assert sandbox.counts() == {sandbox.jira_tracker: 28 + 1, github: 28 + 1}

    again = cycle.run(force=False)  # the change guard must not hold the waiting items
    assert again.ok, again.summary()["failures"]
    assert [s["item_id"] for s in again.summary()["skipped"] if s["tracker"] == github] == ["s7"]
    planned = {(a.op, a.tracker) for a in again.plan.actions}
    assert planned <= {("assign_sprint", github), ("ensure_sprint", github)}, planned
