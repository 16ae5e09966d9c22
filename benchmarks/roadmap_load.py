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
from tracker_bridge.testing.roadmaps import generate_roadmap


def generate(items: int) -> str:
    return generate_roadmap(items)


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
