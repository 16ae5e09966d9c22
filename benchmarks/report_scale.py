"""How long the sprint report takes for a large project (pure computation and rendering).

    python benchmarks/report_scale.py [ITEMS]

Prints one line per step: items, events, seconds. No store or network involved.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from tracker_bridge.model import (
    Cadence,
    Kind,
    Roadmap,
    Sprint,
    SprintState,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.reports import (
    build_sprint_report,
    check_spikes,
    render_html,
    render_markdown,
    render_slack,
    to_json,
)
from tracker_bridge.store import StoreEvent


def build(n: int, seed: int = 7) -> tuple[Roadmap, dict[str, WorkItem], list[StoreEvent]]:
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    sprints = tuple(
        Sprint(id=f"s{k}", name=f"Sprint {k}", start=start + timedelta(days=14 * k),
               end=start + timedelta(days=14 * k + 13),
               state=SprintState.CLOSED if k < 9 else SprintState.ACTIVE)
        for k in range(10)
    )
    roadmap = Roadmap(project="bench", cadence=Cadence(first_sprint_start=start),
                      sprints=sprints)
    items: dict[str, WorkItem] = {}
    events: list[StoreEvent] = []
    stages = list(Stage)
    for i in range(n):
        sprint = sprints[rng.randrange(10)]
        spike = i % 10 == 0
        stage = rng.choice(stages)
        t0 = datetime.combine(sprint.start, datetime.min.time(), tzinfo=UTC)
        items[f"i{i}"] = WorkItem(
            id=f"i{i}", kind=Kind.SPIKE if spike else Kind.STORY, title=f"Item {i}",
            track=Track.RESEARCH if spike else Track.ENGINEERING, stage=stage,
            points=None if spike else rng.choice([1, 2, 3, 5, 8]), sprint=sprint.id,
            timebox=Timebox(length_days=5, hypothesis="h") if spike else None,
        )
        events.append(StoreEvent("sprint_added", f"i{i}", t0 - timedelta(days=1),
                                 data={"sprint": sprint.id}))
        at = t0
        for before, after in pairwise(stages[: stages.index(stage) + 1]):
            at += timedelta(hours=rng.randrange(4, 48))
            events.append(StoreEvent("stage_changed", f"i{i}", at,
                                     data={"from": before.value, "to": after.value}))
        if spike:
            events.append(StoreEvent("spike_started", f"i{i}", t0))
    return roadmap, items, events


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    roadmap, items, events = build(n)
    now = datetime.combine(roadmap.sprints[-1].start, datetime.min.time(),
                           tzinfo=UTC) + timedelta(days=6)
    sprint = roadmap.sprints[-1]
    print(f"items={len(items)} events={len(events)}")
    t = time.perf_counter()
    report = build_sprint_report(sprint, items, events, roadmap, now)
    print(f"build_sprint_report  {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    check_spikes(items, events, roadmap.board.spikes, now)
    print(f"check_spikes         {time.perf_counter() - t:.3f} s")
    for name, render in (("markdown", render_markdown), ("json", to_json),
                         ("html", render_html), ("slack", render_slack)):
        t = time.perf_counter()
        render(report)  # type: ignore[operator]
        print(f"render {name:<13} {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
