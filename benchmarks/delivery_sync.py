"""Benchmark: the delivery read of a nightly sync over 5,000 items with 200 merged pull
requests and 50 deployments, in requests per 100 deliveries.

    python benchmarks/delivery_sync.py [--items 5000] [--pulls 200] [--deployments 50]

Seeds the fake GitHub directly (no HTTP): `--items` issues, then `--pulls` pull requests
that each fix one issue and are merged, with a deployment (staging and production in turn)
after every few merges. Then runs the sync's delivery step (the REST read of pull requests,
deployments and their statuses, the commit history that says which merges each deployment
contains, the rules and the planner's delivery side) against a SQLite store, three nights:
the first sees everything, the second nothing new, the third a tenth of the load again.
Prints requests, seconds, items moved and requests per 100 deliveries (pull requests +
deployments read that night).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).parents[1]))

from tracker_bridge.adapters.github import factory
from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.reconcile.delivery_step import DeliveryStep, delivery_sources
from tracker_bridge.reconcile.planner import TargetState
from tracker_bridge.store import Store
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"
TRACKER = f"github:{REPO}"


def deliver(gh: FakeGitHub, numbers: list[int], pulls: int, deployments: int) -> None:
    """`pulls` merged pull requests fixing the next issues, `deployments` deployments spread
    over them (staging, then production, in turn)."""
    every = max(pulls // max(deployments, 1), 1)
    made = 0
    for n in range(pulls):
        gh.clock.advance(60)
        issue = numbers.pop(0)
        pull = gh.open_pull_request(REPO, f"Work on #{issue}", body=f"Fixes #{issue}")
        gh.clock.advance(60)
        gh.merge_pull_request(REPO, pull)
        if (n + 1) % every == 0 and made < deployments:
            gh.clock.advance(60)
            gh.deploy(REPO, "staging" if made % 2 == 0 else "production")
            made += 1


def night(store: Store, adapter: object, targets: list[TargetState], label: str) -> None:
    step = DeliveryStep(store, "bench", delivery_sources({TRACKER: adapter}))  # type: ignore[dict-item]
    before = adapter.requests_sent  # type: ignore[attr-defined]
    started = time.perf_counter()
    side = step.prepare(targets, list(targets[0].refs))
    step.settle(set())
    seconds = time.perf_counter() - started
    sent = adapter.requests_sent - before  # type: ignore[attr-defined]
    read = len(step._changed)  # facts new or changed this night (pulls + deployments)
    moved = len(side.moves) if side else 0
    per_100 = f"{100 * sent / read:5.1f}" if read else "    -"
    print(
        f"{label:<28} {sent:>4} requests  {read:>4} deliveries  {moved:>4} items moved  "
        f"{per_100} requests/100 deliveries  {seconds:5.1f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--pulls", type=int, default=200)
    parser.add_argument("--deployments", type=int, default=50)
    args = parser.parse_args()
    with FakeGitHub(seed=14, pull_requests_per_repo=0) as gh, tempfile.TemporaryDirectory() as tmp:
        numbers = []
        for n in range(args.items):
            made = gh.human_create_issue(REPO, f"Item {n}", labels=["stage:in-progress"])
            numbers.append(int(made["number"]))
        refs = {
            f"item.{n}": RemoteRef(tracker=TRACKER, key=str(n), remote_id=str(n))
            for n in numbers
        }
        remote = {item: {"stage": Stage.IN_PROGRESS.value} for item in refs}
        targets = [TargetState(TRACKER, refs=refs, remote=remote, base=remote)]
        settings = {
            "url": gh.url,
            "username": None,
            "token": SecretStr(gh.token),
            "options": {"writes_per_minute": 6000},
        }
        adapter = factory.open(TRACKER, settings=settings, mapping_path=None)
        with Store.open(f"sqlite:///{Path(tmp) / 'state.sqlite'}") as store:
            deliver(gh, numbers, args.pulls, args.deployments)
            print(f"{args.items} items, {args.pulls} merged pull requests, "
                  f"{args.deployments} deployments")
            night(store, adapter, targets, "first night (all new)")
            gh.clock.advance(3600)
            night(store, adapter, targets, "quiet night")
            deliver(gh, numbers, args.pulls // 10, args.deployments // 10)
            gh.clock.advance(3600)
            night(store, adapter, targets, "night with a tenth again")
        adapter.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
