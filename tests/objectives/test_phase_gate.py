"""A no-go at the start-up phase's gate on the fakes: phase-1's first sprint is created on
Jira but not started, each run says why and how to lift it, and a later go starts it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

ROADMAP = """\
project: gated
cadence: {sprint_length_days: 14, first_sprint_start: 2026-01-05, timezone: Europe/Amsterdam}
phases:
  - id: start-up
    name: "Start-up: platform foundations"
    sprints: 3
    exit_criteria: [A frozen evaluation set]
    epics:
      - id: infra
        title: Infrastructure
        items:
          - {id: infra.ci, title: CI pipeline, kind: task, stage: done, points: 3, sprint: 3}
  - id: phase-1
    name: "Phase 1: First model results"
    sprints: 2
    maturity_level: 1
    epics:
      - id: model
        title: First model
        items:
          - {id: model.baseline, title: Baseline model, kind: story, points: 5, sprint: 1}
"""
TODAY = date(2026, 2, 20)  # s4, phase-1's first sprint (16 Feb to 1 Mar), is running
NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def roadmap(tmp_path: Path) -> Path:
    path = tmp_path / "roadmap.yaml"
    path.write_text(ROADMAP)
    return path


@pytest.fixture
def sandbox(tmp_path: Path, roadmap: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox", roadmap) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def sync(sandbox: Sandbox) -> SyncReport:
    roadmap = load_roadmap(sandbox.roadmap, today=TODAY).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project)
        reconciler = Reconciler(workspace.store, project.name, adapters, now=lambda: NOW)
        report = reconciler.run(roadmap, SyncOptions(apply=True, force=True))
    assert report.ok, report.summary()["failures"]
    return report


def review(sandbox: Sandbox, decision: str, at: str) -> None:
    assert main(["phase", "review", "start-up", "--decision", decision, "--note",
                 "eval set frozen?", "--by", "aisha", "--config", str(sandbox.config_path),
                 "--now", at]) == 0


def jira_sprints(sandbox: Sandbox) -> dict[str, str]:
    return {s.name: s.state for s in sandbox.jira.data.sprints.values()}


def gate_skips(report: SyncReport) -> list[dict[str, str]]:
    return [s for s in report.summary()["skipped"] if "is no-go" in s["reason"]]


def test_no_go_holds_the_next_phase_until_a_go(sandbox: Sandbox) -> None:
    review(sandbox, "no-go", "2026-02-13T16:00Z")
    first = sync(sandbox)
    sprints = jira_sprints(sandbox)
    assert sprints["Sprint 4 (Phase 1: First model results)"] == "future"  # created, waiting
    assert sprints["Sprint 3 (Start-up: platform foundations)"] == "closed"
    skips = gate_skips(first)
    assert {(s["item_id"], s["tracker"]) for s in skips} == {
        ("s4", sandbox.jira_tracker), ("s4", sandbox.github_tracker)}
    reason = skips[0]["reason"]
    assert "phase start-up is no-go (no-go by aisha on 2026-02-13: eval set frozen?)" in reason
    assert "tracker-bridge phase review start-up --decision go --note" in reason
    # Items still join the waiting sprint: the team plans it, it just does not start.
    s4 = next(s for s in sandbox.jira.data.sprints.values() if s.name.startswith("Sprint 4"))
    assert [i.key for i in sandbox.jira.data.issues.values() if s4.id in i.sprints] == [
        sandbox.jira_key("model.baseline")]

    again = sync(sandbox)  # still held: said again, nothing written to the sprint
    assert len(gate_skips(again)) == 2
    assert not [a for a in again.plan.actions if a.op == "ensure_sprint"]
    assert jira_sprints(sandbox)["Sprint 4 (Phase 1: First model results)"] == "future"

    review(sandbox, "go", "2026-02-20T08:00Z")
    lifted = sync(sandbox)
    assert gate_skips(lifted) == []
    assert jira_sprints(sandbox)["Sprint 4 (Phase 1: First model results)"] == "active"
