"""Benchmark: one quiet sync of a settled 5,000-item project; requests per tracker.

    python benchmarks/sync_quiet.py [--items 5000]

Seeds the sandbox's fake Jira and GitHub through the normal path (a real seed, GitHub pacing
lifted), syncs twice more a night apart (the fakes' clocks moved) so our own writes come
back as echoes and the cursors settle, then times the next night's sync: nothing to do.
Requests are counted by the fakes, adapter open included. Target: <= 3 per tracker.
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
from tracker_bridge.workspace import open_workspace


def sync(sandbox: Sandbox, roadmap: Path) -> SyncReport:
    """What `tracker-bridge sync --yes --force` does, adapter open included."""
    loaded = load_roadmap(roadmap).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project)
        reconciler = Reconciler(workspace.store, project.name, adapters)
        return reconciler.run(loaded, SyncOptions(apply=True, force=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        roadmap = Path(folder) / "roadmap.yaml"
        roadmap.write_text(generate(args.items), encoding="utf-8")
        sandbox = Sandbox(
            Path(folder) / "sandbox", roadmap, github_options={"writes_per_minute": 600_000}
        )
        # Seeding 5,000 issues needs more than GitHub's 5,000 requests an hour: a real seed
        # would span hours; here the fake's hourly budget is lifted (setup, not the figure).
        sandbox.github.limits.primary_limit = 1_000_000
        with sandbox:
            os.environ.update(sandbox.environ)
            started = time.perf_counter()
            seeded = sync(sandbox, roadmap)
            seed_seconds = time.perf_counter() - started
            assert seeded.ok, seeded.summary()["failures"][:5]
            for _night in range(2):
                # A night later: past the pulls' overlap windows, as nightly syncs are. Two
                # syncs read back our own writes (echoes, not news) and settle the cursors.
                sandbox.jira.clock.advance(12 * 3600)
                sandbox.github.clock.advance(12 * 3600)
                sync(sandbox, roadmap)
            sandbox.jira.clock.advance(12 * 3600)
            sandbox.github.clock.advance(12 * 3600)
            jira, github = sandbox.jira.stats.total, sandbox.github.stats.total
            started = time.perf_counter()
            quiet = sync(sandbox, roadmap)
            seconds = time.perf_counter() - started
            jira = sandbox.jira.stats.total - jira
            github = sandbox.github.stats.total - github
            counts = sandbox.counts()
    print(f"project:          {sum(counts.values()) // 2} items per tracker {counts}")
    print(f"seed:             {seed_seconds:.1f} s (setup, not the figure)")
    print(f"quiet sync:       {seconds:.2f} s, plan empty: {quiet.plan.empty}")
    print(f"requests:         jira {jira}, github {github} (target <= 3 each, open included)")
    return 0 if quiet.plan.empty and jira <= 3 and github <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
