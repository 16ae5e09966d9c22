"""A sandbox whose roadmap has a sprint running today, and a small CLI runner over it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import clirun
from tests.clirun import running_sandbox
from tracker_bridge.store import Store
from tracker_bridge.testing.sandbox import Sandbox

PROJECT = "trending-now"


def roadmap_text(first_sprint_start: str) -> str:
    return f"""\
project: {PROJECT}
cadence: {{sprint_length_days: 14, first_sprint_start: {first_sprint_start}}}
board:
  wip_limits: {{in_progress: 1}}
phases:
  - name: Start-up
    sprints: 2
    epics:
      - id: infra
        title: Infrastructure
        items:
          - id: infra.ci
            title: CI pipeline
            kind: task
            stage: in_progress
            points: 3
            sprint: 1
          - id: infra.repo
            title: Repository set-up
            kind: task
            stage: sprint_backlog
            points: 2
            sprint: 1
"""


class Runner(clirun.Cli):
    """The shared runner with the sandbox's config added (but to the commands without one)."""

    def __call__(self, *args: str) -> clirun.Result:
        plain = args[0] in ("report", "validate")
        return super().__call__(*args) if plain else super().__call__(*args, "-c", self.config)


@pytest.fixture
def sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Sandbox]:
    """Sandbox options (e.g. scopes) come from indirect parametrization, if any."""
    start = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(roadmap_text(start))
    options: dict[str, Any] = getattr(request, "param", {})
    with running_sandbox(monkeypatch, tmp_path / "sandbox", roadmap, **options) as running:
        yield running


@pytest.fixture
def run(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(sandbox, capsys)


@pytest.fixture
def seeded(run: Runner) -> Runner:
    code, _out, err = run("seed", str(run.sandbox.roadmap), "--yes")
    assert code == 0, err
    return run


def add_to_sprint(sandbox: Sandbox, key: str, sprint_id: str) -> datetime:
    """Put an issue into the board's sprint, as dragging it there does; returns when."""
    store = Store.open(f"sqlite:///{sandbox.directory / 'state.sqlite'}")
    try:
        remote = store.get_sprint_refs(PROJECT, sandbox.jira_tracker)[sprint_id]
    finally:
        store.close()
    jira = sandbox.jira
    with jira.lock:
        jira.data.move_to_sprint([jira.data.issue(key)], jira.data.sprints[int(remote)])
        return jira.data.issue(key).updated
