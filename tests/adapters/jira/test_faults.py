"""Seeding under injected faults ends with exactly N issues, none duplicated.

`seed_with_recovery` stands in for the reconciler's journal + marker lookup
(`tracker_bridge.reconcile`); switch to it once that lands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest

from tests.adapters.jira.conftest import PROJECT, JiraFake
from tracker_bridge.adapters.jira import JiraAdapter
from tracker_bridge.model import Kind, RemoteRef, Stage, WorkItem
from tracker_bridge.testing.fake_jira import FakeJira
from tracker_bridge.testing.fake_jira.state import Flavour
from tracker_bridge.testing.server import FaultRule
from tracker_bridge.tracker import AdapterError, NewItem

N = 500


def seed_with_recovery(
    adapter: JiraAdapter, items: Sequence[WorkItem], rounds: int = 30
) -> dict[str, RemoteRef]:
    """Create; an unconfirmed create is looked up by marker before it is ever sent again."""
    refs: dict[str, RemoteRef] = {}
    unconfirmed: set[str] = set()
    for _ in range(rounds):
        try:
            if unconfirmed:
                found = adapter.find_by_marker(unconfirmed)
                refs.update({item_id: remote.ref for item_id, remote in found.items()})
                unconfirmed.clear()
            pending = [item for item in items if item.id not in refs]
            if not pending:
                return refs
            # Mark the whole batch unconfirmed first: a crash mid-call must not lose track.
            unconfirmed.update(item.id for item in pending)
            results = adapter.create_items([NewItem(i) for i in pending], refs.__setitem__)
            unconfirmed = {r.item_id for r in results if r.ref is None}
        except AdapterError:
            continue  # a read ran out of retries: look things up again next round
    raise AssertionError(f"not seeded after {rounds} rounds")


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_seed_under_faults_has_no_duplicates(flavour: Flavour) -> None:
    with FakeJira(flavour, projects=(PROJECT,), seed=11) as fake:
        jf = JiraFake(fake)
        for rule in (
            FaultRule(kind="latency", latency_ms=1),
            # The cases that duplicate: a bulk create that ran but whose answer was lost.
            FaultRule(kind="lost_response", method="POST", path=r"/issue/bulk$", count=2),
            FaultRule(kind="error", status=503, rate=0.10),
            FaultRule(kind="error", status=500, rate=0.03),
            FaultRule(kind="drop", rate=0.05),
            FaultRule(kind="lost_response", rate=0.05),
            FaultRule(kind="rate_limit", status=429, retry_after=1, rate=0.05),
        ):
            fake.faults.add(rule)
        adapter = jf.open_adapter(
            sleep=lambda seconds: None, retry_attempts=8, rate_limit_max_wait=0.0
        )
        items = [WorkItem(id=f"f-{i}", kind=Kind.TASK, title=f"F {i}") for i in range(N)]
        refs = seed_with_recovery(adapter, items)
        # Stage moves survive the same faults (lost transition answers are re-read).
        for item_id in ("f-1", "f-2", "f-3"):
            adapter.move_stage(refs[item_id], Stage.IN_REVIEW)
        fake.faults.clear()

        assert len(refs) == N
        assert jf.issue_count() == N
        markers = Counter(
            label
            for issue in fake.issues(PROJECT)
            for label in issue["fields"]["labels"]
            if label.startswith("tb-id:")
        )
        assert len(markers) == N and max(markers.values()) == 1
        fired = fake.faults.fired
        assert fired.get("lost_response", 0) >= 2 and fired.get("drop", 0) > 0
        check = jf.open_adapter().find_by_marker(["f-1", "f-2", "f-3"])
        assert {remote.values["stage"] for remote in check.values()} == {"in_review"}
