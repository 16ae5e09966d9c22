"""A sandbox (fake Jira + fake GitHub + config) per test, and a runner for reconcile cycles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

EXAMPLE = Path(__file__).parents[2] / "examples" / "trending-now.yaml"


class Cycle:
    """Runs reconcile cycles exactly as `tracker-bridge sync --yes` does."""

    def __init__(self, sandbox: Sandbox, roadmap: Path) -> None:
        self.sandbox = sandbox
        self.roadmap_path = roadmap

    def run(self, *, apply: bool = True, force: bool = True, **options: object) -> SyncReport:
        roadmap = load_roadmap(self.roadmap_path).roadmap
        with open_workspace(self.sandbox.config_path) as workspace:
            project = workspace.project(None)
            adapters = workspace.open_adapters(project)
            reconciler = Reconciler(workspace.store, project.name, adapters)
            return reconciler.run(roadmap, SyncOptions(apply=apply, force=force, **options))  # type: ignore[arg-type]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox", EXAMPLE) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


@pytest.fixture
def cycle(sandbox: Sandbox) -> Cycle:
    return Cycle(sandbox, EXAMPLE)
