"""A sandbox (fake Jira + fake GitHub + config) and a sync runner, as `sync --yes` runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

ROADMAP = Path(__file__).parent / "roadmap.yaml"  # small: a seed takes a second, not ten


def sync(sandbox: Sandbox) -> SyncReport:
    roadmap = load_roadmap(ROADMAP).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project)
        reconciler = Reconciler(workspace.store, project.name, adapters)
        return reconciler.run(roadmap, SyncOptions(apply=True, force=True))


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox", ROADMAP) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running
