"""Benchmark: what dating each change where it happened costs (issue 12).

    python benchmarks/event_times.py [--items 300] [--moved 20] [--touched 50]

Seeds both fakes, settles, then with frozen clocks: on GitHub `moved` issues change stage
(their labels) and `touched` others only get a comment; in Jira `moved` other items change
stage. One sync at 02:00 next night. Prints the issue-events requests GitHub answered (target:
exactly `moved`, one per issue whose change came from GitHub; none for Jira's moves, which
the pull's changelog dates, nor for the mirrored or merely touched issues), the requests per
tracker, and how many stage events carry the moment of the move (target: all).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))  # the repository root: benchmarks.*

from tracker_bridge.model import Stage
from tracker_bridge.reconcile import Reconciler, SyncOptions
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.roadmaps import generate_roadmap
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

EVENTS_ROUTE = "GET /repos/{owner}/{repo}/issues/{number}/events"
MOVED_AT = datetime(2026, 2, 3, 10, 1, tzinfo=UTC)
SYNC_AT = datetime(2026, 2, 4, 2, 0, tzinfo=UTC)


def sync(sandbox: Sandbox, roadmap: Path, at: datetime) -> dict[str, int]:
    sandbox.jira.clock.freeze(at)
    sandbox.github.clock.freeze(at)
    loaded = load_roadmap(roadmap, today=at).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        project = workspace.project(None)
        adapters = workspace.open_adapters(project)
        report = Reconciler(workspace.store, project.name, adapters, now=lambda: at).run(
            loaded, SyncOptions(apply=True, force=True)
        )
    assert report.ok, report.summary()["failures"][:5]
    return report.requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--moved", type=int, default=20)
    parser.add_argument("--touched", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        roadmap = Path(folder) / "roadmap.yaml"
        roadmap.write_text(generate_roadmap(args.items, project="trending-now"))
        with Sandbox(Path(folder) / "sandbox", roadmap) as sandbox:
            os.environ.update(sandbox.environ)
            sync(sandbox, roadmap, datetime(2026, 2, 1, 20, tzinfo=UTC))
            sync(sandbox, roadmap, datetime(2026, 2, 2, 2, tzinfo=UTC))  # echoes settle
            items = load_roadmap(roadmap).roadmap.items
            open_items = [i.id for i in items if i.stage in (Stage.BACKLOG, Stage.IN_PROGRESS)
                          and i.kind.value != "epic"]
            on_github = open_items[: args.moved]
            in_jira = open_items[args.moved : 2 * args.moved]
            touched = open_items[2 * args.moved : 2 * args.moved + args.touched]
            sandbox.jira.clock.freeze(MOVED_AT)
            sandbox.github.clock.freeze(MOVED_AT)
            for item in on_github:
                sandbox.github_move(item, Stage.IN_REVIEW)
            for item in in_jira:
                sandbox.jira_move(item, Stage.IN_REVIEW)
            for item in touched:
                number = sandbox.github_number(item)
                sandbox.github.human_comment(sandbox.github_repo, number, "later")
            sandbox.github.stats.reset()
            requests = sync(sandbox, roadmap, SYNC_AT)
            asked = sandbox.github.stats.by_route[EVENTS_ROUTE]
            with open_workspace(sandbox.config_path) as workspace:
                moves = workspace.store.events("trending-now", kinds=["stage_changed"],
                                               since=datetime(2026, 2, 3, tzinfo=UTC))
    dated = sum(1 for e in moves if e.at == MOVED_AT)
    print(f"items {args.items}, moved on GitHub {args.moved}, moved in Jira {args.moved}, "
          f"only commented on GitHub {args.touched}")
    print(f"GitHub issue-events requests: {asked} (target {args.moved})")
    print(f"requests per tracker:        {requests}")
    print(f"stage events at the move:    {dated} of {len(moves)} (target {2 * args.moved})")
    return 0 if asked == args.moved and dated == len(moves) == 2 * args.moved else 1


if __name__ == "__main__":
    sys.exit(main())
