"""Seed 1,000 items through the Jira adapter into the fake Jira; print requests vs the minimum.

    python benchmarks/jira_seed.py [cloud|datacenter] [N]

The fake's default workflow (`mlops`) moves one step at a time: one status per stage, six
hops from Backlog to Ready for Prod. Minimum possible = the bulk creates (epics first, their
children after: ceil(epics/50) + ceil(children/50)) + one POST per workflow hop (shortest
paths) + ceil(k/50) sprint moves per sprint + the sprint creates/starts. Prints requests per
item, and seeds N/5 items too: the requests beyond the minimum (adapter open, one
transitions list per issue type and status) are the same at both sizes, i.e. fixed, none
per item. Target: at most 1.2x the minimum.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import Counter
from datetime import date
from typing import Any

from pydantic import SecretStr

from tracker_bridge.adapters.jira import factory, load_mapping
from tracker_bridge.model import (
    Kind,
    RemoteRef,
    Sprint,
    SprintState,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.testing.fake_jira import FakeJira, Workflow
from tracker_bridge.testing.fake_jira.state import Flavour
from tracker_bridge.tracker import NewItem

STAGE_WEIGHTS = {
    Stage.BACKLOG: 40,
    Stage.SPRINT_BACKLOG: 20,
    Stage.IN_PROGRESS: 12,
    Stage.IN_REVIEW: 8,
    Stage.READY_FOR_STAGING: 5,
    Stage.IN_STAGING: 5,
    Stage.READY_FOR_PROD: 5,
    Stage.DONE: 5,
}


def build_items(n: int, seed: int = 7) -> list[WorkItem]:
    rng = random.Random(seed)
    epics = max(1, n // 50)
    items = [WorkItem(id=f"epic-{e}", kind=Kind.EPIC, title=f"Epic {e}") for e in range(epics)]
    kinds = (Kind.STORY, Kind.TASK, Kind.BUG, Kind.SPIKE)
    stages, weights = zip(*STAGE_WEIGHTS.items(), strict=True)
    for i in range(n - epics):
        kind = kinds[i % len(kinds)]
        items.append(
            WorkItem(
                id=f"item-{i}",
                kind=kind,
                title=f"Item {i}",
                parent=f"epic-{i % epics}",
                track=Track.RESEARCH if kind is Kind.SPIKE else Track.ENGINEERING,
                points=float(rng.choice((1, 2, 3, 5, 8))),
                labels=("bench",),
                stage=rng.choices(stages, weights)[0],
                timebox=Timebox(length_days=5, hypothesis="h") if kind is Kind.SPIKE else None,
            )
        )
    return items


def seed(flavour: Flavour, n: int) -> dict[str, Any]:
    """Seed `n` items; the requests sent, the minimum, and where they went."""
    items = build_items(n)
    sprints = [
        Sprint(
            id="s1",
            name="Sprint 1",
            start=date(2026, 1, 5),
            end=date(2026, 1, 19),
            goal="Ship the ranker",
            state=SprintState.ACTIVE,
        ),
        Sprint(id="s2", name="Sprint 2", start=date(2026, 1, 19), end=date(2026, 2, 2)),
    ]
    with FakeJira(flavour, projects=("TREND",)) as fake:
        cloud = flavour == "cloud"
        settings: dict[str, Any] = {
            "url": fake.url,
            "username": fake.email if cloud else None,
            "token": SecretStr(fake.api_token if cloud else fake.pat),
            "options": {},
        }
        started = time.perf_counter()
        adapter = factory.open("jira:TREND", settings=settings)
        refs: dict[str, RemoteRef] = {}
        record = refs.__setitem__
        epics = [NewItem(item) for item in items if item.kind is Kind.EPIC]
        adapter.create_items(epics, lambda i, r: record(i, r))
        children = [NewItem(i, refs[i.parent]) for i in items if i.parent is not None]
        results = adapter.create_items(children, lambda i, r: record(i, r))
        assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
        remote_sprints = [adapter.ensure_sprint(sprint, None) for sprint in sprints]
        in_sprint = [item for item in items if item.stage is not Stage.BACKLOG]
        groups = {
            rid: [refs[i.id] for i in in_sprint[k::2]] for k, rid in enumerate(remote_sprints)
        }
        for rid, group in groups.items():
            adapter.assign_sprint(rid, group)
        for item in items:
            if item.stage is not Stage.BACKLOG:
                adapter.move_stage(refs[item.id], item.stage)
        elapsed = time.perf_counter() - started
        sent = adapter.requests_sent
        server = fake.stats.total
        routes = fake.stats.by_route
        adapter.close()

    mapping = load_mapping()
    workflow = Workflow()
    hops = sum(
        len(workflow.path(workflow.initial.id, workflow.status(mapping.target_status(i.stage)).id))
        for i in items
    )
    epic_count = sum(1 for i in items if i.kind is Kind.EPIC)
    creates = math.ceil(epic_count / 50) + math.ceil((n - epic_count) / 50)
    moves = sum(math.ceil(len(g) / 50) for g in groups.values())
    sprint_writes = len(sprints) + sum(1 for s in sprints if s.state is not SprintState.FUTURE)
    return {
        "sent": sent,
        "server": server,
        "seconds": elapsed,
        "creates": creates,
        "hops": hops,
        "moves": moves,
        "sprint_writes": sprint_writes,
        "minimum": creates + hops + moves + sprint_writes,
        "routes": Counter(dict(routes)),
    }


def main() -> None:
    flavour: Flavour = "datacenter" if sys.argv[1:2] == ["datacenter"] else "cloud"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    run = seed(flavour, n)
    small = seed(flavour, max(50, n // 5))
    sent, minimum, hops = run["sent"], run["minimum"], run["hops"]
    transitions = run["routes"]["POST /rest/api/2/issue/{key}/transitions"]
    print(f"flavour: {flavour}, workflow: mlops (one step at a time), items: {n}, "
          f"seconds: {run['seconds']:.1f}")
    print(f"requests sent (adapter count): {sent}  (server saw {run['server']})")
    print(
        f"minimum possible: {minimum} = {run['creates']} bulk creates + {hops} transitions"
        f" + {run['moves']} sprint moves + {run['sprint_writes']} sprint creates/starts"
    )
    print(f"ratio: {sent / minimum:.3f} (target <= 1.2)")
    print(f"per item: {sent / n:.3f} requests = {run['creates'] / n:.3f} creates + "
          f"{transitions / n:.3f} transitions ({hops / n:.3f} workflow hops) + the rest")
    print(f"beyond the minimum: {sent - minimum} at {n} items, "
          f"{small['sent'] - small['minimum']} at {max(50, n // 5)} items "
          "(the same: fixed costs, none per item)")
    print("routes:", run["routes"].most_common(30))


if __name__ == "__main__":
    main()
