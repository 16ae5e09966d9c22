"""Benchmark: load + validate a generated 10,000-item roadmap; print seconds and peak memory.

    python benchmarks/roadmap_load.py [--items 10000] [--tracemalloc]

Targets: < 2 s and < 300 MB. Peak memory is the process's max RSS (interpreter included);
--tracemalloc also reports Python allocations during the load (that run is slower).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from tracker_bridge.model import Kind
from tracker_bridge.roadmap import load_roadmap

STAGES = ("backlog", "sprint_backlog", "in_progress", "in_review", "ready_for_staging", "done")
KINDS = ("story", "task", "task", "bug", "story", "spike")


def generate(items: int) -> str:
    """A roadmap shaped like a real one: 3 phases, epics of 50 items, ~1 spike in 6."""
    per_epic = 50
    epics = -(-items // per_epic)
    lines = [
        "project: bench",
        "cadence: {sprint_length_days: 14, first_sprint_start: 2026-01-05}",
        "board:",
        "  wip_limits: {in_progress: 40, in_review: 20}",
        "  spikes: {max_timebox_days: 10, extensions_allowed: 1}",
        "phases:",
    ]
    made = 0
    for phase in range(3):
        lines += [f"  - name: Phase {phase}", "    sprints: 8", "    epics:"]
        for epic in range(phase * epics // 3, (phase + 1) * epics // 3):
            lines += [f"      - id: epic-{epic}", f"        title: Epic {epic}", "        items:"]
            for _ in range(per_epic):
                if made == items:
                    break
                kind = KINDS[made % len(KINDS)]
                lines += [
                    f"          - title: Work item number {made} for epic {epic}",
                    f"            kind: {kind}",
                    f"            stage: {STAGES[made % len(STAGES)]}",
                    f"            sprint: {made % 8 + 1}",
                    "            labels: [bench, generated]",
                ]
                if kind == "spike":
                    lines += [
                        "            track: research",
                        "            timebox: {days: 5, hypothesis: It works, started: 2026-02-02}",
                    ]
                else:
                    lines += [f"            points: {made % 8}", "            assignee: alice"]
                made += 1
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roadmap.yaml"
        path.write_text(generate(args.items), encoding="utf-8")
        size = path.stat().st_size
        started = time.perf_counter()
        loaded = load_roadmap(path, today=date(2026, 3, 1))
        seconds = time.perf_counter() - started
        traced = 0
        if args.tracemalloc:
            tracemalloc.start()
            load_roadmap(path, today=date(2026, 3, 1))
            traced = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    work = [item for item in loaded.roadmap.items if item.kind is not Kind.EPIC]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"items loaded:     {len(work)} (+{len(loaded.roadmap.items) - len(work)} epics)")
    print(f"file size:        {size / 1e6:.1f} MB, {len(loaded.roadmap.sprints)} sprints")
    print(f"load + validate:  {seconds:.2f} s (target < 2 s)")
    print(f"peak RSS:         {peak_kb / 1024:.0f} MB (target < 300 MB)")
    if args.tracemalloc:
        print(f"traced peak:      {traced / 1e6:.0f} MB of Python allocations during load")
    return 0 if seconds < 2 and peak_kb < 300 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
