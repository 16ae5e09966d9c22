"""A sandbox (fake Jira + fake GitHub + config) per test, and a runner for reconcile cycles."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker_bridge.cli import main
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


@pytest.fixture
def own_roadmap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A sandbox over a copy of the example roadmap that the test edits, as a scrum master
    edits the project's file (`sandbox.roadmap`)."""
    roadmap = tmp_path / "roadmap.yaml"
    shutil.copy(EXAMPLE, roadmap)
    with Sandbox(tmp_path / "sandbox", roadmap) as running:
        for name, value in running.environ.items():
            monkeypatch.setenv(name, value)
        yield running


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """`tracker-bridge ARGS` in this process: its output, after checking it exited 0."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def seed_and_sync(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """The backlog seeded from the sandbox's roadmap, then one nightly sync: settled."""
    run_cli(capsys, "seed", str(sandbox.roadmap), "-c", str(sandbox.config_path), "--yes")
    sync_plan(sandbox, capsys)


def sync_plan(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """One `sync --yes --json`: the plan it applied (actions, conflicts, skips)."""
    out = run_cli(capsys, "sync", "-c", str(sandbox.config_path), "--yes", "--json")
    plan: dict[str, Any] = json.loads(out)["plan"]
    return plan
