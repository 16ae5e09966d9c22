"""Concurrent writers share one workflow cache: a transitions list is read once, not per thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.adapters.jira.conftest import PROJECT, JiraFake
from tracker_bridge.model import Kind, RemoteRef, Stage, WorkItem
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.tracker import NewItem

WRITERS = 8


def _reads_moving_16_issues(flavour: str, writers: int) -> dict[str, int]:
    """GETs sent while `writers` threads move 16 fresh Tasks to In Progress, 40 ms away."""
    with FakeJira(flavour, projects=(PROJECT,)) as fake:  # type: ignore[arg-type]
        adapter = JiraFake(fake).open_adapter(max_concurrency=writers)
        refs: dict[str, RemoteRef] = {}
        items = [WorkItem(id=f"w{n}", kind=Kind.TASK, title=f"W{n}") for n in range(16)]
        created = adapter.create_items([NewItem(i) for i in items], refs.__setitem__)
        assert all(r.ok for r in created)
        fake.faults.add(FaultRule("latency", latency_ms=40, method="GET"))  # a distant server
        fake.stats.reset()
        with ThreadPoolExecutor(writers) as pool:  # as apply runs moves for this adapter
            list(pool.map(lambda ref: adapter.move_stage(ref, Stage.IN_PROGRESS), refs.values()))
        statuses = {fake.issue_json(ref.key)["fields"]["status"]["name"] for ref in refs.values()}
        assert statuses == {"In Progress"}
        return {route: n for route, n in fake.stats.by_route.items() if route.startswith("GET")}


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_eight_writers_read_each_transitions_list_once(flavour: str) -> None:
    alone = _reads_moving_16_issues(flavour, 1)
    together = _reads_moving_16_issues(flavour, WRITERS)
    # One writer learns each status once: the status new Tasks start in (with the transitions
    # out of it), the project's statuses, the transitions of the status on the way.
    assert sum(alone.values()) <= 4, alone
    # Eight share what is learned. A waiting writer may learn a status from a sibling that
    # already stands there instead of from its transitions list: at most one read more.
    # (Before the shared cache: 21 reads.)
    assert sum(together.values()) <= sum(alone.values()) + 1, (alone, together)
