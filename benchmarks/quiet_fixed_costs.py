"""Benchmark: the fixed costs of a quiet night, through the real command line.

    python benchmarks/quiet_fixed_costs.py [--items 500 5000] [--runs 5]

For each size, seeds a sandbox (fake Jira and GitHub on loopback, a SQLite store), settles
it (two more nights read back our own writes), then runs `tracker-bridge sync --yes`,
`sync --yes --no-quiet` (the full sync, which also renews the quiet-night stamp), `status`
and `spike check` as subprocesses, a night apart, `--runs` times each. It prints how many of
the `sync --yes` runs the quiet-night fast path answered (the run kind the store recorded).
The floor is `python -c "import jira, github, httpx"`: the client libraries any tool of this
kind loads. Prints medians, wall clock and CPU (user + system, which a busy shared machine
disturbs less), and each command's ratio to the floor. Children run as an installed
package does: with compiled bytecode (PYTHONDONTWRITEBYTECODE is dropped, and one warm-up
run of each command writes it) and a roadmap cache of their own (TB_CACHE_DIR).
Targets: within 2x the floor at 500 items and within 3x at 5,000.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # the repository root: benchmarks.*

from benchmarks.roadmap_load import generate
from tracker_bridge.reconcile import Reconciler, SyncOptions
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

FLOOR = [sys.executable, "-c", "import jira, github, httpx"]
TARGETS = {500: 2.0, 5_000: 3.0}
NIGHT = 12 * 3600


def timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def settle(sandbox: Sandbox) -> None:
    """A seed, then two nights that read back our own writes and settle the cursors."""
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        for night in range(3):
            if night:
                sandbox.jira.clock.advance(NIGHT)
                sandbox.github.clock.advance(NIGHT)
            loaded = load_roadmap(sandbox.roadmap).roadmap
            adapters = workspace.open_adapters(project)
            report = Reconciler(workspace.store, project.name, adapters).run(
                loaded, SyncOptions(apply=True, force=True)
            )
            assert report.ok, report.summary()["failures"][:5]
            for adapter in adapters.values():
                adapter.close()


def measure(items: int, runs: int, folder: Path) -> dict[str, tuple[list[float], list[float]]]:
    roadmap = folder / f"roadmap-{items}.yaml"
    roadmap.write_text(generate(items), encoding="utf-8")
    sandbox = Sandbox(
        folder / f"sandbox-{items}", roadmap, github_options={"writes_per_minute": 600_000}
    )
    sandbox.github.limits.primary_limit = 1_000_000  # setup only: a real seed spans hours
    cli = [sys.executable, "-m", "tracker_bridge"]
    config = ["--config", str(sandbox.config_path)]
    commands = {
        "sync --yes": [*cli, "sync", "--yes", *config],
        "--no-quiet": [*cli, "sync", "--yes", "--no-quiet", *config],
        "status": [*cli, "status", *config],
        "spike check": [*cli, "spike", "check", *config],
    }
    results: dict[str, tuple[list[float], list[float]]] = {
        name: ([], []) for name in ("floor", *commands)
    }
    with sandbox:
        env = {**os.environ, **sandbox.environ, "TB_CACHE_DIR": str(folder / f"cache-{items}")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ.update(sandbox.environ)  # the settling syncs run in this process
        started = time.perf_counter()
        settle(sandbox)
        print(f"  {items} items seeded and settled in {time.perf_counter() - started:.0f} s")
        for command in (FLOOR, *commands.values()):  # warm-up: bytecode, the roadmap cache
            timed(command, env)
        fast = 0
        requests = (0, 0)
        for _run in range(runs):
            sandbox.jira.clock.advance(NIGHT)
            sandbox.github.clock.advance(NIGHT)
            jira, github = sandbox.jira.stats.total, sandbox.github.stats.total
            for name, command in {"floor": FLOOR, **commands}.items():
                wall, cpu, code = timed(command, env)
                if name in ("sync --yes", "--no-quiet") and code != 0:
                    raise SystemExit(f"{name}: quiet sync failed with exit code {code}")
                if name == "sync --yes":
                    fast += last_run_kind(sandbox) == "quiet"
                    requests = (
                        sandbox.jira.stats.total - jira, sandbox.github.stats.total - github
                    )
                results[name][0].append(wall)
                results[name][1].append(cpu)
        print(f"  last quiet sync: {requests[0]} Jira and {requests[1]} GitHub requests")
        print(f"  quiet-night fast path: {fast} of {runs} `sync --yes` runs")
    return results


def last_run_kind(sandbox: Sandbox) -> str:
    """"quiet" when the fast path answered, "sync" for the full sync."""
    with sqlite3.connect(sandbox.directory / "state.sqlite") as conn:
        row = conn.execute("SELECT kind FROM sync_runs ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, nargs="+", default=[500, 5_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for items in args.items:
            results = measure(items, args.runs, Path(folder))
            floor_wall = statistics.median(results["floor"][0])
            floor_cpu = statistics.median(results["floor"][1])
            target = TARGETS.get(items, 3.0)
            print(f"{items} items, median of {args.runs} (target: within {target:g}x the floor)")
            for name, (walls, cpus) in results.items():
                wall, cpu = statistics.median(walls), statistics.median(cpus)
                ratio_wall, ratio_cpu = wall / floor_wall, cpu / floor_cpu
                print(f"  {name:<12} {wall:5.2f} s wall ({ratio_wall:.2f}x)  "
                      f"{cpu:5.2f} s CPU ({ratio_cpu:.2f}x)")
                if name != "--no-quiet":  # the full sync, for comparison: no target
                    ok = ok and min(ratio_wall, ratio_cpu) <= target
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
