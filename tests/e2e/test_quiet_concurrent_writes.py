"""A colleague's command lands in the middle of the nightly full sync: no stamp hides it.

`phase review`, `delivered` (and webhooks under `serve`) write the store without the project
lock. When such a write comes after the full sync read the store and before it stamped, the
stamp would describe a store that no longer exists and the replay would answer the next
nights as if the write never happened. Here the write is made by a real `tracker-bridge`
process, started by the fake GitHub while it answers the full sync's deployments read (its
last request on a quiet night: the stored deployments were read just before it, the phase
reviews are read after it): the sync then stores no stamp, and the next `sync --yes` takes
the full path and acts on the write.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.delivery.test_done_when import expected, stages_on_trackers
from tests.e2e.test_quiet_nights import ITEM, Nights, _sandbox
from tracker_bridge.model import Stage
from tracker_bridge.testing.server import Request, Response

LOCK_BUSY = 75


@pytest.fixture
def nights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nights]:
    yield from _sandbox(tmp_path, monkeypatch)


def during_the_deployments_read(
    nights: Nights, *argv: str
) -> subprocess.CompletedProcess[str]:
    """Runs `tracker-bridge ARGV -c CONFIG` once, in its own process, while the fake GitHub
    answers the full sync's deployments read."""
    fired: list[bool] = []
    done: list[subprocess.CompletedProcess[str]] = []

    def colleague(request: Request, _response: Response) -> None:
        if fired or not request.path.endswith("/deployments"):
            return
        fired.append(True)  # the colleague's own requests come through here too
        done.append(subprocess.run(
            [sys.executable, "-m", "tracker_bridge", *argv, "-c", nights.config],
            capture_output=True, text=True, check=False, timeout=120,
        ))

    remove = nights.sandbox.github.after_request(colleague)
    try:
        nights.sync("--no-quiet")  # a full sync that would otherwise stamp
    finally:
        remove()
    assert len(done) == 1, "the full sync read no deployments to write during"
    return done[0]


def test_a_phase_review_during_the_full_sync_leaves_no_stamp(nights: Nights) -> None:
    review = during_the_deployments_read(
        nights, "phase", "review", "start-up", "--decision", "no-go", "--note", "not yet",
    )
    assert review.returncode == 0, review.stderr
    assert nights.last_kind() == "sync"
    assert nights.sql("SELECT count(*) FROM quiet_stamp") == [(0,)]
    assert nights.sql("SELECT decision FROM phase_reviews") == [("no-go",)]
    nights.full_night()  # reads the no-go; quiet again, so it stamps
    assert nights.sql("SELECT count(*) FROM quiet_stamp") == [(1,)]
    nights.quiet_night()


def test_a_deployment_recorded_during_the_full_sync_moves_its_item_the_next_night(
    nights: Nights,
) -> None:
    """`delivered` stores the deployment, then finds the project locked by the running sync
    (exit 75). The sync had read the stored deployments already, so it does not move the
    item; a stamp would keep it unmoved until a tracker or file change, a sprint boundary
    or a week. The next nightly sync must be a full one, and move it."""
    deployed = during_the_deployments_read(
        nights, "delivered", "-e", "staging", "--items", ITEM
    )
    assert deployed.returncode == LOCK_BUSY, deployed.stderr
    assert nights.sql("SELECT count(*) FROM quiet_stamp") == [(0,)]
    assert stages_on_trackers(nights.sandbox, ITEM) != expected(Stage.IN_STAGING)
    nights.full_night()
    assert stages_on_trackers(nights.sandbox, ITEM) == expected(Stage.IN_STAGING)


def test_without_a_write_the_same_full_sync_stamps(nights: Nights) -> None:
    """The control: the same full sync, the same hook point, a command that reads only."""
    status = during_the_deployments_read(nights, "status")
    assert status.returncode == 0, status.stderr
    assert nights.sql("SELECT count(*) FROM quiet_stamp") == [(1,)]
    nights.quiet_night()
