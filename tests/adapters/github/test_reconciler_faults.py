"""The real reconciler (journal + marker recovery) seeding GitHub through injected faults."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tracker_bridge.adapters.github.body import parse
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.workspace import open_workspace

EXAMPLE = Path(__file__).parents[3] / "examples" / "trending-now.yaml"


def run(sandbox: Sandbox) -> SyncReport:
    roadmap = load_roadmap(EXAMPLE).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project)
        reconciler = Reconciler(workspace.store, project.name, adapters)
        return reconciler.run(roadmap, SyncOptions(apply=True, force=True))


def github_failures(report: SyncReport) -> list[dict[str, str]]:
    """Failures on GitHub only (this test injects faults there; Jira is another suite's)."""
    return [f for f in report.summary()["failures"] if f["tracker"].startswith("github:")]


def test_seed_under_faults_converges_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roadmap = load_roadmap(EXAMPLE).roadmap
    with Sandbox(tmp_path / "sandbox", EXAMPLE, seed=4) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        for rule in (FaultRule("error", rate=0.05, status=502),
                     FaultRule("drop", rate=0.03),
                     FaultRule("lost_response", rate=0.08, method="POST"),
                     FaultRule("lost_response", rate=0.05, method="PATCH")):
            sandbox.github.faults.add(rule)
        for _ in range(6):
            try:
                if not github_failures(run(sandbox)):
                    break
            except Exception:  # a cycle may give up on reads; the next one resumes
                continue
        fired = sandbox.github.faults.fired
        sandbox.github.faults.clear()
        assert not github_failures(run(sandbox))
        settled = run(sandbox)
        assert not github_failures(settled)
        assert [a for a in settled.plan.actions if a.tracker == sandbox.github_tracker] == []
        issues = sandbox.github.issues(sandbox.github_repo)
    assert fired.get("lost_response", 0) > 0
    markers = Counter(parse(issue["body"]).item_id for issue in issues)
    assert set(markers) == {item.id for item in roadmap.items}
    assert max(markers.values()) == 1
