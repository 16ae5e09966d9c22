"""Seed 500 items into the fake GitHub under a 600-writes-a-minute secondary limit.

Like a roadmap: epics of `--per-epic` items (children are sub-issues of their epic) spread
over four sprints (milestones, made first, as apply does). Prints the requests sent, the
writes per item (labels mode; target <= 1.05), the rate-limit refusals provoked (target 0)
and the pacing efficiency: the ideal time at the limit divided by the actual time
(target >= 0.9).

    python benchmarks/github_seed.py [--items 500] [--per-epic 50] [--limit 600] [--margin 0.05]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date, timedelta

from pydantic import SecretStr

from tracker_bridge.adapters.github import factory
from tracker_bridge.model import Kind, RemoteRef, Sprint, Stage, Track, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.fake_github.graphql_api import is_mutation
from tracker_bridge.testing.server import Request, Response
from tracker_bridge.tracker import NewItem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--per-epic", type=int, default=50, help="items per epic (parent)")
    parser.add_argument("--limit", type=int, default=600, help="fake's writes per minute")
    parser.add_argument("--margin", type=float, default=0.05, help="pace this far under it")
    args = parser.parse_args()
    kinds = [Kind.STORY, Kind.TASK, Kind.BUG]
    stages = [Stage.BACKLOG, Stage.SPRINT_BACKLOG, Stage.IN_PROGRESS, Stage.IN_REVIEW]
    sprints = [Sprint(id=f"s{n}", name=f"Sprint {n}", start=date(2026, 1, 5) + timedelta(14 * n),
                      end=date(2026, 1, 18) + timedelta(14 * n)) for n in range(1, 5)]
    epics, children = [], []
    for n in range(args.items):
        epic = n % args.per_epic == 0
        item = WorkItem(id=f"bench.item-{n:04d}", title=f"Benchmark item {n}",
                        kind=Kind.EPIC if epic else kinds[n % len(kinds)],
                        track=Track.RESEARCH if n % 5 == 0 else Track.ENGINEERING,
                        stage=stages[n % len(stages)], points=float(n % 8) or None,
                        sprint=None if epic else sprints[n % len(sprints)].id,
                        parent=None if epic else f"bench.item-{n - n % args.per_epic:04d}")
        (epics if epic else children).append(item)
    pace = args.limit * (1 - args.margin)
    with FakeGitHub(secondary_limit_per_minute=args.limit, seed=3) as gh:
        settings = {"url": gh.url, "username": None, "token": SecretStr(gh.token),
                    "options": {"writes_per_minute": pace}}
        adapter = factory.open("github:acme/trending-now", settings=settings)
        gh.stats.reset()
        writes_seen: Counter[str] = Counter()

        def count_writes(request: Request, response: Response) -> None:
            graphql = request.path.endswith("/graphql")
            if request.method != "GET" and (not graphql or is_mutation(request)):
                name = "GraphQL mutation" if graphql else f"{request.method} {request.route}"
                writes_seen[name] += 1

        gh.after_request(count_writes)
        started = time.monotonic()
        for sprint in sprints:
            adapter.ensure_sprint(sprint, None)
        refs: dict[str, RemoteRef] = {}
        results = adapter.create_items([NewItem(item) for item in epics], refs.__setitem__)
        results += adapter.create_items(
            [NewItem(item, parent_ref=refs.get(str(item.parent))) for item in children],
            refs.__setitem__,
        )
        elapsed = time.monotonic() - started
        adapter.close()
        by_method = dict(gh.stats.by_method)
        by_route = writes_seen
        by_status = {str(k): v for k, v in gh.stats.by_status.items()}
        refused = by_status.get("403", 0) + by_status.get("429", 0)
        hits = gh.rate_limit_hits
        count = gh.issue_count("acme/trending-now")
    writes = sum(writes_seen.values())  # REST writes and GraphQL mutations, not queries
    ideal = writes / args.limit * 60
    print(f"items created            {sum(r.ok for r in results)} / {args.items} (issues: {count})")
    print(f"requests sent            {adapter.requests_sent} ({by_method})")
    print(f"responses by status      {by_status}")
    print(f"writes per item          {writes / args.items:.3f}  target <= 1.05 (labels mode)")
    for route, n in by_route.most_common():
        print(f"  {route:<45} {n}")
    print(f"429/403 provoked         {refused} (fake's limiter: {hits or 'none'})  target 0")
    print(f"writes / limit           {writes} at {args.limit}/min, paced at {pace:.0f}/min")
    print(f"ideal time at the limit  {ideal:.1f} s")
    print(f"actual time              {elapsed:.1f} s")
    print(f"pacing efficiency        {ideal / elapsed:.3f}  target >= 0.9")


if __name__ == "__main__":
    main()
