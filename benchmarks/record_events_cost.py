"""What recording a night's changes costs on a large store, summaries included.

    python benchmarks/record_events_cost.py [--keep DIR] [--changed 2000] [--runs 3]

`Store.record_events` writes the events and, in the same transaction, folds them into the
summaries the reports read instead of the events (`item_flow`: flow and cycle facts;
`item_sprints`: the sprints events name and the moves in and out of them; `item_stage_spans`:
each moved item's stage spans, rebuilt from all its events). This measures
that write on a copy of the 100,000-item store of `report_store_scale.py` (`--keep DIR`
reuses one it built; without it one is built first, about a minute): `--changed` items
each get a stage move, a sprint move and a re-estimate, as a busy night brings. It prints
the median seconds (wall and CPU) of `record_events`, and of the floor: the same rows
inserted into `events` alone with the driver's `executemany`, no summary, no dedup check.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # the repository root: benchmarks.*

from benchmarks.report_store_scale import PROJECT, build_workspace, db_time
from tracker_bridge.store import Store, StoreEvent


def night(changed: int, seed: int, now: datetime) -> list[StoreEvent]:
    """A move, a sprint move and a re-estimate for each of `changed` distinct items."""
    rng = random.Random(seed)
    picked = rng.sample([f"e{epic}.i{n}" for epic in range(2000) for n in range(50)], changed)
    events: list[StoreEvent] = []
    for k, item_id in enumerate(picked):
        at = now - timedelta(hours=5) + timedelta(seconds=k)
        events += [
            StoreEvent("stage_changed", item_id, at, "jira",
                       {"from": "in_progress", "to": "in_review"}),
            StoreEvent("sprint_added", item_id, at, "jira", {"sprint": "s17"}),
            StoreEvent("points_changed", item_id, at, "jira", {"from": 3, "to": 5}),
        ]
    return events


def timed_record(folder: Path, events: list[StoreEvent]) -> tuple[float, float]:
    with Store.open(f"sqlite:///{folder / 'state.sqlite'}") as store:
        wall, cpu = time.perf_counter(), time.process_time()
        store.record_events(PROJECT, events)
        return time.perf_counter() - wall, time.process_time() - cpu


def timed_floor(folder: Path, events: list[StoreEvent]) -> tuple[float, float]:
    rows = [(PROJECT, ev.kind, ev.item_id, db_time(ev.at), json.dumps(dict(ev.data)),
             f"floor-{n}", db_time(ev.at)) for n, ev in enumerate(events)]
    with sqlite3.connect(folder / "state.sqlite") as db:
        wall, cpu = time.perf_counter(), time.process_time()
        db.executemany("INSERT INTO events (project, kind, item_id, at, data, dedup_key, "
                       "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.commit()
        return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="the workspace of report_store_scale.py")
    parser.add_argument("--changed", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        source = args.keep or Path(scratch) / "store"
        if not (source / "state.sqlite").exists():
            source.mkdir(parents=True, exist_ok=True)
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                pool.apply(build_workspace, (source, 100_000, 1_000_000, now))
        Store.open(f"sqlite:///{source / 'state.sqlite'}").close()  # migrated once, untimed
        results: dict[str, list[tuple[float, float]]] = {"record_events": [], "floor": []}
        for run in range(args.runs):
            events = night(args.changed, run, now)
            for name, timed in (("record_events", timed_record), ("floor", timed_floor)):
                copy = Path(scratch) / f"copy-{name}-{run}"
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("cache"))
                results[name].append(timed(copy, events))
                shutil.rmtree(copy)
    total = 3 * args.changed
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:<14} {total} events of {args.changed} items: {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU (median of {args.runs})")
    ratio = (statistics.median(c for _, c in results["record_events"])
             / statistics.median(c for _, c in results["floor"]))
    print(f"record_events / floor (CPU): {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
