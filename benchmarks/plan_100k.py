"""Benchmark: plan 100,000 items against 2 trackers (pure `tracker_bridge.reconcile.plan`).

    python benchmarks/plan_100k.py [--items 100000] [--runs 5] [--tracemalloc]

A settled project (both trackers hold every item, bases agree) with some news: 1 % titles
edited in the roadmap, 1 % moved in Jira, 0.5 % new items. Prints the median of `--runs`
plans (wall clock, and CPU time, which a busy shared machine disturbs less) and the
machine. Targets: < 1 s and < 500 MB. Peak memory is the process's max RSS (inputs and
interpreter included); --tracemalloc also reports Python allocations made by planning
alone (that run is slower).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta

from tracker_bridge.model import Cadence, RemoteRef, Roadmap, Sprint, Stage, WorkItem
from tracker_bridge.reconcile import PlanInputs, TargetState, plan
from tracker_bridge.reconcile.planner import canonical, sprint_values

TRACKERS = ("jira:BIG", "github:acme/big")
STAGES = tuple(Stage)


def build(items: int) -> PlanInputs:
    start = date(2026, 1, 5)
    sprints = tuple(
        Sprint(
            id=f"s{n + 1}",
            name=f"Sprint {n + 1}",
            start=start + timedelta(days=14 * n),
            end=start + timedelta(days=14 * n + 13),
        )
        for n in range(8)
    )
    work: list[WorkItem] = []
    for n in range(items):
        if n % 50 == 0:
            epic = f"epic-{n // 50}"
            work.append(WorkItem(id=epic, kind="epic", title=f"Epic {n // 50}"))
            continue
        work.append(
            WorkItem(
                id=f"{epic}.i{n}",
                kind="task",
                title=f"Work item {n}",
                parent=epic,
                stage=STAGES[n % len(STAGES)],
                sprint=f"s{n % 8 + 1}",
                points=n % 8,
                labels=("bench",),
            )
        )
    roadmap = Roadmap.model_construct(
        project="big",
        cadence=Cadence(first_sprint_start=start),
        sprints=sprints,
        items=tuple(work),
    )
    new = {item.id for item in work[: items // 200]}  # 0.5 %: not on the trackers yet
    base = {item.id: canonical(item.sync_values()) for item in work}
    for item in work[1000::100]:  # 1 %: the roadmap's title changed since the last sync
        base[item.id] = {**base[item.id], "title": "Old title"}
    roadmap_base = dict(base)
    targets = []
    for tracker in TRACKERS:
        refs = {
            item.id: RemoteRef(tracker=tracker, key=f"K-{n}", remote_id=str(n), url="u")
            for n, item in enumerate(work)
            if item.id not in new
        }
        remote = {item_id: base[item_id] for item_id in refs}
        if tracker.startswith("jira"):
            for item in work[1001::100]:  # 1 %: moved on the Jira board
                remote[item.id] = {**base[item.id], "stage": Stage.IN_REVIEW.value}
        targets.append(
            TargetState(
                tracker=tracker,
                refs=refs,
                remote=remote,
                base={item_id: base[item_id] for item_id in refs},
                sprint_refs={s.id: str(n) for n, s in enumerate(sprints)},
                sprint_base={s.id: sprint_values(s) for s in sprints},
            )
        )
    return PlanInputs(
        project="big", roadmap=roadmap, roadmap_base=roadmap_base, targets=tuple(targets)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    built = time.perf_counter()
    inputs = build(args.items)
    built = time.perf_counter() - built
    walls, cpus = [], []
    for _run in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = plan(inputs)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    seconds, cpu_seconds = statistics.median(walls), statistics.median(cpus)
    traced = 0
    if args.tracemalloc:
        tracemalloc.start()
        plan(inputs)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"machine:          {os.cpu_count()} cores, {platform.machine()}, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"items:            {len(inputs.roadmap.items)} x {len(TRACKERS)} trackers")
    print(f"inputs built in:  {built:.1f} s (not part of the figure)")
    print(f"plan:             {seconds:.2f} s wall, {cpu_seconds:.2f} s CPU, median of "
          f"{args.runs} (target < 1 s), {len(result.actions)} actions")
    print(f"                  runs: {', '.join(f'{w:.2f}' for w in walls)} s wall")
    print(f"                  {result.counts()}, {len(result.conflicts)} conflicts")
    print(f"peak RSS:         {peak_kb / 1024:.0f} MB (target < 500 MB; inputs included)")
    if args.tracemalloc:
        print(f"traced peak:      {traced / 1e6:.0f} MB of Python allocations while planning")
    return 0 if min(seconds, cpu_seconds) < 1 and peak_kb < 500 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
