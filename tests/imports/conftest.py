"""A team's existing projects on the fakes, and the CLI runner over a sandbox for them.

The sandbox's own roadmap only names the team (alice) so the people map has her; the
trackers hold the team's work, created as people do, before `import` is run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.born.conftest import Runner
from tests.clirun import running_sandbox
from tracker_bridge.testing.sandbox import Sandbox

ROADMAP = """\
project: trending-now
cadence: {sprint_length_days: 14, first_sprint_start: 2026-01-05}
phases:
  - name: Team
    sprints: 1
    epics:
      - id: team
        title: The team
        items:
          - {id: team.alice, title: Alice, kind: task, assignee: alice}
"""


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    roadmap = tmp_path / "team.yaml"
    roadmap.write_text(ROADMAP)
    with running_sandbox(monkeypatch, tmp_path / "sandbox", roadmap) as running:
        yield running


@pytest.fixture
def run(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(sandbox, capsys)
