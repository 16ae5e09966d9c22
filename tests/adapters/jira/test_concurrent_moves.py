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


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_eight_writers_read_each_transitions_list_once(flavour: str) -> None:
    with FakeJira(flavour, projects=(PROJECT,)) as fake:  # type: ignore[arg-type]
        adapter = JiraFake(fake).open_adapter(max_concurrency=WRITERS)
        refs: dict[str, RemoteRef] = {}
        items = [WorkItem(id=f"w{n}", kind=Kind.TASK, title=f"W{n}") for n in range(16)]
        created = adapter.create_items([NewItem(i) for i in items], refs.__setitem__)
        assert all(r.ok for r in created)
        fake.faults.add(FaultRule("latency", latency_ms=40, method="GET"))  # a distant server
        fake.stats.reset()
        with ThreadPoolExecutor(WRITERS) as pool:  # as apply runs moves for this adapter
            list(pool.map(lambda ref: adapter.move_stage(ref, Stage.IN_PROGRESS), refs.values()))
        reads = {route: n for route, n in fake.stats.by_route.items() if route.startswith("GET")}
        # What one writer reads (checked below): the status new Tasks start in, then the
        # transitions out of each status on the way (Backlog, Selected for Development).
        assert reads == {
            "GET /rest/api/2/issue/{key}": 1,
            "GET /rest/api/2/issue/{key}/transitions": 2,
        }
        statuses = {fake.issue_json(ref.key)["fields"]["status"]["name"] for ref in refs.values()}
        assert statuses == {"In Progress"}
