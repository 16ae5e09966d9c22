"""Seeding 300 items under injected faults ends with exactly 300 issues, in the right stages.

`seed_with_recovery` is a stand-in for the reconciler's journal + marker recovery; switch it to
`tracker_bridge.reconcile` once that lands.
"""

from __future__ import annotations

import contextlib
from collections import Counter

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.model import Kind, RemoteRef, Stage, Track, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.tracker import Adapter, AdapterError, NewItem


def seed_with_recovery(
    adapter: Adapter, items: list[WorkItem], rounds: int = 8
) -> dict[str, RemoteRef]:
    """Create; a create not confirmed is looked up by marker, and created only if absent."""
    refs: dict[str, RemoteRef] = {}
    pending = list(items)
    for _ in range(rounds):
        if not pending:
            break
        # Reads may give up (rare at these rates): recover below, then go on.
        with contextlib.suppress(AdapterError):
            adapter.create_items([NewItem(i) for i in pending], refs.__setitem__)
        unconfirmed = [i.id for i in pending if i.id not in refs]
        if unconfirmed:
            try:
                for item_id, remote in adapter.find_by_marker(unconfirmed).items():
                    refs[item_id] = remote.ref
            except AdapterError:
                continue
        pending = [i for i in pending if i.id not in refs]
    assert not pending, f"{len(pending)} items never confirmed"
    by_id = {item.id: item for item in items}
    for item_id, ref in refs.items():
        for _ in range(rounds):  # move_stage reads the issue first, so re-trying converges
            try:
                if adapter.move_stage(ref, by_id[item_id].stage).ok:
                    break
            except AdapterError:
                continue
        else:
            raise AssertionError(f"{item_id} never reached its stage")
    return refs


def test_300_items_under_faults_no_duplicates_right_stages() -> None:
    stages = list(Stage)
    items = [
        WorkItem(
            id=f"f.item-{n:03d}",
            kind=Kind.TASK,
            title=f"Item {n}",
            track=Track.RESEARCH if n % 3 == 0 else Track.ENGINEERING,
            stage=stages[n % len(stages)],
        )
        for n in range(300)
    ]
    with FakeGitHub(seed=11) as gh:
        fake = GitHubFakeTracker(gh)
        for rule in (
            FaultRule("error", rate=0.04, status=502),
            FaultRule("drop", rate=0.03),
            FaultRule("lost_response", rate=0.04, method="POST"),
            FaultRule("lost_response", rate=0.03, method="PATCH"),
        ):
            gh.faults.add(rule)
        adapter = fake.open_adapter(read_retries=6)
        try:
            refs = seed_with_recovery(adapter, items)
        finally:
            adapter.close()
        fired = gh.faults.fired
        gh.faults.clear()
        issues = gh.issues(REPO)
    assert fired.get("lost_response", 0) > 0 and fired.get("drop", 0) > 0
    assert len(refs) == 300
    assert len(issues) == 300
    markers = Counter(
        issue["body"].rsplit("tracker-bridge:id=", 1)[1].split(" ")[0] for issue in issues
    )
    assert set(markers) == {item.id for item in items}
    assert max(markers.values()) == 1
    labels_by_stage = {s: fake.mapping.labels.stages[s] for s in Stage}
    by_number = {int(issue["number"]): issue for issue in issues}
    for item in items:
        issue = by_number[int(refs[item.id].key)]
        names = {label["name"] for label in issue["labels"]}
        if item.stage is Stage.DONE:
            assert issue["state"] == "closed" and issue["state_reason"] == "completed", item.id
        else:
            assert issue["state"] == "open" and labels_by_stage[item.stage] in names, item.id
        other = {labels_by_stage[s] for s in Stage if s is not item.stage}
        assert not names & other, item.id
