"""kill -9 at random points of a 500-item seed, 20 times, then run it out: nothing twice.

The seed runs as the real CLI in a subprocess against the sandbox's fakes (threads in this
process), so a SIGKILL can land anywhere: mid pull, between a create and its journal
confirm, inside a bulk create, mid stage walk, mid sprint fill.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.roadmaps import generate_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle

ITEMS = 500  # 490 work items in 10 epics
KILLS = 20
SEED = 9


def roadmap_yaml(items: int = ITEMS) -> str:
    """`items` in all: epics of 49 work items over 2 phases of 4 sprints."""
    epics = items // 50
    return generate_roadmap(
        items - epics, project="trending-now", phases=2, sprints_per_phase=4, per_epic=49
    )


def requests(sandbox: Sandbox) -> int:
    return sandbox.jira.stats.total + sandbox.github.stats.total


def jira_bulk_creates(sandbox: Sandbox) -> int:
    return sum(n for route, n in list(sandbox.jira.stats.by_route.items()) if "bulk" in route)


def kill_after(cmd: list[str], env: dict[str, str], counter: Callable[[], int], more: int) -> bool:
    """Start a seed; SIGKILL it once `counter` has grown by `more`. False if it finished first.

    The fakes count a request just before sending its answer, so a kill right then leaves a
    write done on the tracker but never confirmed here: the case that duplicates."""
    start = counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while counter() - start < more:
            if process.poll() is not None:
                return False
            time.sleep(0.0005)
        os.kill(process.pid, signal.SIGKILL)
        return True
    finally:
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


def kill_points(rng: random.Random) -> list[tuple[str, int]]:
    """Per run: which counter and how far. A full seed is ~3,400 requests, GitHub's part
    first; each re-run pulls what exists first. Two early kills (labels, first creates),
    GitHub creates and stage walks, three inside Jira's bulk creates (11 requests of 50
    issues: too narrow for a random request count), then Jira's stage walks and sprints."""
    points = [("all", rng.randint(5, 40)) for _ in range(2)]
    points += [("all", rng.randint(1, 300)) for _ in range(6)]
    points += [("jira-bulk", rng.randint(1, 3)) for _ in range(3)]
    points += [("all", rng.randint(1, 300)) for _ in range(KILLS - len(points))]
    return points


@pytest.mark.slow
def test_kill9_twenty_times_then_complete_creates_each_item_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(roadmap_yaml())
    stages = {item.id: item.stage.value for item in load_roadmap(path).roadmap.items}
    wanted = set(stages)
    assert len(wanted) == ITEMS
    rng = random.Random(SEED)
    sandbox = Sandbox(tmp_path / "sandbox", path, github_options={"writes_per_minute": 600_000})
    with sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        env = {**os.environ, **sandbox.environ}
        # No --force: finishing a killed seed's own work is never held by the change guard.
        cmd = [sys.executable, "-m", "tracker_bridge", "seed", str(path), "--yes"]
        cmd += ["--json", "-c", str(sandbox.config_path)]
        during_creates = {sandbox.jira_tracker: 0, sandbox.github_tracker: 0}
        killed = 0
        counters = {
            "all": lambda: requests(sandbox),
            "jira-bulk": lambda: jira_bulk_creates(sandbox),
        }
        for which, more in kill_points(rng):
            killed += kill_after(cmd, env, counters[which], more)
            for tracker, count in sandbox.counts().items():
                during_creates[tracker] += 0 < count < ITEMS
        assert killed >= KILLS - 2, "most runs must die mid-way, not finish"
        assert all(during_creates.values()), f"no kill while creating: {during_creates}"

        for _ in range(2):  # run it out, then once more (quiet)
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        final = Cycle(sandbox, path).run(apply=False).plan
        assert final.empty, final.counts()
        # An empty plan means both trackers hold the merged values: the roadmap's stages,
        # even for items whose run died between their create and their stage move.
        misplaced = {i: final.merged[i]["stage"] for i, stage in stages.items()}
        assert {i: s for i, s in misplaced.items() if s != stages[i]} == {}

        assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
        found = sandbox.markers()
    for name, markers in found.items():
        assert set(markers) == wanted, f"{name}: missing {sorted(wanted - set(markers))[:5]}"
        twice = sorted(item for item, n in markers.items() if n > 1)
        assert not twice, f"{name}: duplicated markers {twice[:10]}"
