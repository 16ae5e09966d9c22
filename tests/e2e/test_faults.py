"""Seeding 300 items through the reconciler while both fakes misbehave: 5xx, dropped
connections, answers lost after the write was done, 429 bursts. At most four runs end
with every item once per tracker, in its roadmap stage. (About one write in eight fails on
GitHub here, and the delivery read's requests shift where the seeded faults land: the last
few sprint writes can need a fourth night.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tracker_bridge.reconcile import SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FaultRule

from .conftest import Cycle
from .test_kill9 import roadmap_yaml

ITEMS = 300
RUNS = 4

JIRA_FAULTS = (
    FaultRule("error", rate=0.05, status=503),
    FaultRule("error", rate=0.05, status=500),
    FaultRule("drop", rate=0.03),
    # Done on the server, answer never arrives: the case that duplicates creates.
    FaultRule("lost_response", rate=0.05),
    FaultRule("lost_response", method="POST", path=r"/issue/bulk$", count=2),
    FaultRule("lost_response", method="POST", path=r"^/rest/agile/1\.0/sprint$", count=2),
    FaultRule("rate_limit", status=429, retry_after=0, rate=0.05),
    FaultRule("rate_limit", status=429, retry_after=1, rate=0.5, count=4),  # a short burst
)
GITHUB_FAULTS = (
    FaultRule("error", rate=0.05, status=502),
    FaultRule("error", rate=0.05, status=500),
    FaultRule("drop", rate=0.03),
    FaultRule("lost_response", rate=0.05, method="POST"),
    FaultRule("lost_response", rate=0.05, method="PATCH"),
    FaultRule("rate_limit", status=429, retry_after=0, rate=0.03),
    FaultRule("rate_limit", status=429, retry_after=1, rate=0.5, count=2),
)


@pytest.mark.slow
def test_seed_under_faults_converges_within_four_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(roadmap_yaml(ITEMS))
    stages = {item.id: item.stage.value for item in load_roadmap(path).roadmap.items}
    assert len(stages) == ITEMS
    sandbox = Sandbox(
        tmp_path / "sandbox",
        path,
        seed=3,
        # Backoff shortened so the test stays fast; Retry-After is honoured in full.
        jira_options={"backoff_seconds": 0.02, "max_backoff_seconds": 0.2, "retry_attempts": 8},
        github_options={"writes_per_minute": 600_000},
    )
    with sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        for rule in JIRA_FAULTS:
            sandbox.jira.faults.add(rule)
        for rule in GITHUB_FAULTS:
            sandbox.github.faults.add(rule)
        cycle = Cycle(sandbox, path)
        reports: list[SyncReport | Exception] = []
        for _ in range(RUNS):
            try:
                report = cycle.run()
            except Exception as exc:  # a read out of retries ends a run; the next resumes
                reports.append(exc)
                continue
            reports.append(report)
            if report.ok and sandbox.counts() == {t: ITEMS for t in sandbox.counts()}:
                break
        fired = {"jira": sandbox.jira.faults.fired, "github": sandbox.github.faults.fired}
        sandbox.jira.faults.clear()
        sandbox.github.faults.clear()

        final = cycle.run(apply=False).plan
        assert final.empty, (final.counts(), reports)
        misplaced = {i: final.merged[i]["stage"] for i in stages}
        assert {i: s for i, s in misplaced.items() if s != stages[i]} == {}
        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
        found = sandbox.markers()
        # A sprint create whose answer was lost is found by name, not made twice.
        sprints = Counter(sprint.name for sprint in sandbox.jira.data.sprints.values())
        milestones = Counter(
            m.title for r in sandbox.github.state.repos.values() for m in r.milestones.values()
        )
    for name, counted in (("jira sprints", sprints), ("github milestones", milestones)):
        assert len(counted) == 8 and max(counted.values()) == 1, (name, counted)
    for side in ("jira", "github"):
        assert fired[side].get("lost_response", 0) > 0, fired
        assert fired[side].get("rate_limit", 0) > 0, fired
        assert fired[side].get("error", 0) > 0, fired
    for tracker, counted in found.items():
        assert set(counted) == set(stages), f"{tracker}: missing {set(stages) - set(counted)}"
        twice = sorted(item for item, n in counted.items() if n > 1)
        assert not twice, f"{tracker}: duplicated {twice[:10]}"
