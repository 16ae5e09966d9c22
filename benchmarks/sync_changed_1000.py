"""Benchmark: sync 1,000 changed items into Jira with 50 ms latency, concurrent vs serial.

    python benchmarks/sync_changed_1000.py [--items 1000] [--concurrency 8]

Seeds the sandbox's fake Jira (Jira target only), then edits every item's title in the
roadmap and syncs it with the adapter's bounded write concurrency (`max_concurrency`), then
edits them all again and syncs with `max_concurrency = 1` (one request at a time). The fake
answers every request 50 ms late. Prints both times, the ratio (target >= 5x) and the 429s
provoked (target 0). GitHub writes stay serial and paced, so GitHub is not part of this.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # the repository root: benchmarks.*

from benchmarks.roadmap_load import generate
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.workspace import open_workspace


def sync(sandbox: Sandbox, roadmap: Path, concurrency: int) -> tuple[SyncReport, float]:
    """`tracker-bridge sync --yes --force -t jira:...` with this `max_concurrency`."""
    sandbox.jira_options["max_concurrency"] = concurrency
    sandbox.config_path.write_text(sandbox.config_text())
    loaded = load_roadmap(roadmap).roadmap
    started = time.perf_counter()
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project, [sandbox.jira_tracker])
        reconciler = Reconciler(workspace.store, project.name, adapters)
        report = reconciler.run(loaded, SyncOptions(apply=True, force=True))
    return report, time.perf_counter() - started


def retitle(roadmap: Path, text: str, version: str) -> None:
    # Generated items have explicit ids: a new title is an edit, not a new item.
    roadmap.write_text(text.replace("title: Item ", f"title: {version} Item "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    text = generate(args.items)
    with tempfile.TemporaryDirectory() as folder:
        roadmap = Path(folder) / "roadmap.yaml"
        roadmap.write_text(text, encoding="utf-8")
        with Sandbox(Path(folder) / "sandbox", roadmap) as sandbox:
            os.environ.update(sandbox.environ)
            seeded, _ = sync(sandbox, roadmap, args.concurrency)
            assert seeded.ok, seeded.summary()["failures"][:5]
            sync(sandbox, roadmap, args.concurrency)  # echoes settle
            sandbox.jira.faults.add(FaultRule("latency", latency_ms=50))
            limited = sandbox.jira.stats.by_status[429]
            times: dict[int, float] = {}
            for version, concurrency in (("v2", args.concurrency), ("v3", 1)):
                retitle(roadmap, text, version)
                report, times[concurrency] = sync(sandbox, roadmap, concurrency)
                updates = report.summary()["updated"]
                assert report.ok, report.summary()["failures"][:5]
                print(
                    f"max_concurrency {concurrency}: {updates} items updated in "
                    f"{times[concurrency]:.1f} s ({report.requests[sandbox.jira_tracker]} requests)"
                )
            limited = sandbox.jira.stats.by_status[429] - limited
    ratio = times[1] / times[args.concurrency]
    print(f"speed-up:         {ratio:.1f}x (target >= 5x), 50 ms latency per request")
    print(f"429s provoked:    {limited} (target 0)")
    return 0 if ratio >= 5 and limited == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
