"""A seed killed with SIGKILL mid-way is finished by a plain `sync --yes`: no --force.

The stage moves and sprint fills it still owes are our own work, not changes from outside,
so the change-ratio guard must not hold them for review."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle
from .test_kill9 import kill_after, roadmap_yaml

ITEMS = 100


def transitions(sandbox: Sandbox) -> int:
    routes = list(sandbox.jira.stats.by_route.items())
    return sum(n for route, n in routes if "transitions" in route)


def test_sync_finishes_a_killed_seed_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(roadmap_yaml(ITEMS))
    sandbox = Sandbox(tmp_path / "sandbox", path, github_options={"writes_per_minute": 600_000})
    with sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        env = {**os.environ, **sandbox.environ}
        config = ["-c", str(sandbox.config_path)]
        seed = [sys.executable, "-m", "tracker_bridge", "seed", str(path), "--yes", *config]
        # Dies among Jira's stage walks: every issue exists, most moves are still owed.
        assert kill_after(seed, env, lambda: transitions(sandbox), 20)
        assert sandbox.counts()[sandbox.jira_tracker] == ITEMS

        sync = [sys.executable, "-m", "tracker_bridge", "sync", "--yes", *config]
        done = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "--force" not in done.stderr
        assert Cycle(sandbox, path).run(apply=False).plan.empty
        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
