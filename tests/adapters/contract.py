"""The contract every tracker adapter passes, against its fake server over real HTTP.

Subclass `AdapterContract` in `tests/adapters/<name>/test_contract.py` and provide a `fake`
fixture that yields a running fake wrapped in an object implementing `FakeTracker` (build the
adapter through the adapter's own `factory.open`, so the entry-point path is what is tested).
The tests use only the `Adapter` protocol plus the `FakeTracker` helpers that act as a human on
the fake. Adapter-neutral additions are welcome; keep each test small and fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Protocol

import pytest

from tracker_bridge.model import (
    Kind,
    RemoteRef,
    Sprint,
    SprintState,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.tracker import Adapter, AdapterError, NewItem, RemoteItem

SECRET = "s3cr3t-token-never-shown"
"""Subclasses use this as the token of the bad-credentials adapter; no message may show it."""


class FakeTracker(Protocol):
    """A running fake plus the ways a test acts on it as a human would."""

    def open_adapter(self, **options: Any) -> Adapter:
        """A configured adapter against this fake (options go to settings["options"])."""
        ...

    def open_bad_credentials(self) -> Adapter:
        """An adapter whose token (SECRET) the fake rejects; may raise AdapterError itself."""
        ...

    def open_missing_project(self) -> Adapter:
        """An adapter pointed at a project/repository the fake does not have."""
        ...

    def human_edit_title(self, ref: RemoteRef, title: str) -> None: ...

    def human_move(self, ref: RemoteRef, stage: Stage) -> None:
        """Move the issue to the stage's first mapped status/column, as a person would."""
        ...

    def advance_clock(self, seconds: float) -> None:
        """Move the fake's clock on, so later changes have later `updated` times."""
        ...

    def issue_count(self) -> int: ...

    def comments(self, ref: RemoteRef) -> list[str]: ...


PLANNING = ("title", "description", "kind", "track", "points", "labels", "due", "blocked")


def sample_items(prefix: str = "c") -> list[WorkItem]:
    """An epic, a story under it, a research spike and a blocked bug."""
    return [
        WorkItem(id=f"{prefix}.epic", kind=Kind.EPIC, title="Ranking v2", labels=("ranking",)),
        WorkItem(
            id=f"{prefix}.story",
            kind=Kind.STORY,
            title="Serve the ranker",
            description="Behind a flag.",
            parent=f"{prefix}.epic",
            points=5,
            labels=("serving",),
            due=date(2026, 3, 1),
        ),
        WorkItem(
            id=f"{prefix}.spike",
            kind=Kind.SPIKE,
            title="Does a vibe score help?",
            track=Track.RESEARCH,
            points=2,
            due=date(2026, 2, 1),
            timebox=Timebox(length_days=5, hypothesis="it lifts CTR by 1%"),
        ),
        WorkItem(id=f"{prefix}.bug", kind=Kind.BUG, title="NaN in features", blocked=True),
    ]


def expected(item: WorkItem, remote: RemoteItem) -> dict[str, Any]:
    """The item's planning values limited to what the adapter maps."""
    want = item.sync_values()
    return {name: want[name] for name in PLANNING if name in remote.values}


class AdapterContract:
    """Shared behaviour. Subclasses provide the `fake` fixture (see module docstring)."""

    @pytest.fixture
    def fake(self) -> Iterator[FakeTracker]:
        raise NotImplementedError("subclasses provide a running fake")

    @pytest.fixture
    def adapter(self, fake: FakeTracker) -> Iterator[Adapter]:
        adapter = fake.open_adapter()
        yield adapter
        adapter.close()

    # -- helpers ----------------------------------------------------------------------------
    def seed(self, adapter: Adapter, items: list[WorkItem]) -> dict[str, RemoteRef]:
        """Create parents first, then children with their parent refs; all must succeed."""
        refs: dict[str, RemoteRef] = {}
        parents = [item for item in items if item.parent is None]
        children = [item for item in items if item.parent is not None]
        for batch in (parents, children):
            if not batch:
                continue
            news = [NewItem(item, refs.get(item.parent) if item.parent else None) for item in batch]
            for result in adapter.create_items(news, lambda i, r: refs.__setitem__(i, r)):
                assert result.ok, result.error
        return refs

    # -- create and look up -------------------------------------------------------------------
    def test_create_calls_on_created_in_order_once_each(
        self, adapter: Adapter, fake: FakeTracker
    ) -> None:
        items = [item for item in sample_items() if item.parent is None]
        seen: list[str] = []

        def on_created(item_id: str, ref: RemoteRef) -> None:
            # Confirmed means it exists remotely already.
            assert fake.issue_count() >= len(seen) + 1
            assert ref.key and ref.remote_id
            seen.append(item_id)

        results = adapter.create_items([NewItem(item) for item in items], on_created)
        assert seen == [item.id for item in items]
        assert [r.item_id for r in results] == seen
        assert all(r.ok for r in results)
        assert fake.issue_count() == len(items)

    def test_find_by_marker_returns_ours_translated(self, adapter: Adapter) -> None:
        items = sample_items()
        refs = self.seed(adapter, items)
        found = adapter.find_by_marker([item.id for item in items] + ["c.not-there"])
        assert set(found) == {item.id for item in items}
        for item in items:
            remote = found[item.id]
            assert remote.item_id == item.id
            assert remote.ref.key == refs[item.id].key
            assert {k: remote.values[k] for k in expected(item, remote)} == expected(item, remote)
        assert found["c.story"].values.get("parent", "c.epic") == "c.epic"
        assert found["c.epic"].values.get("stage", "backlog") == "backlog"

    # -- pull ---------------------------------------------------------------------------------
    def test_pull_all_then_only_changes(self, adapter: Adapter, fake: FakeTracker) -> None:
        items = sample_items()
        refs = self.seed(adapter, items)
        first = adapter.pull(None)
        assert {r.item_id for r in first.items} >= {item.id for item in items}
        assert first.complete and first.cursor
        fake.advance_clock(600)
        fake.human_edit_title(refs["c.bug"], "NaN in features (again)")
        fake.human_move(refs["c.story"], Stage.IN_PROGRESS)
        second = adapter.pull(first.cursor)
        changed = {r.item_id: r for r in second.items}
        assert set(changed) == {"c.bug", "c.story"}
        assert changed["c.bug"].values["title"] == "NaN in features (again)"
        assert changed["c.story"].values["stage"] == "in_progress"
        moves = [c for c in second.stage_changes if c.remote_key == refs["c.story"].key]
        assert moves and moves[-1].to_stage is Stage.IN_PROGRESS
        third = adapter.pull(second.cursor)
        assert list(third.items) == []

    def test_quiet_pull_is_cheap(self, adapter: Adapter, fake: FakeTracker) -> None:
        self.seed(adapter, sample_items())
        cursor = adapter.pull(None).cursor
        fake.advance_clock(600)
        fresh = fake.open_adapter()
        try:
            before = fresh.requests_sent
            result = fresh.pull(cursor)
            assert list(result.items) == []
            assert fresh.requests_sent - before <= 2
        finally:
            fresh.close()

    # -- writes -------------------------------------------------------------------------------
    def test_update_fields_round_trip(self, adapter: Adapter) -> None:
        refs = self.seed(adapter, sample_items())
        changes: dict[str, Any] = {
            "title": "Serve the ranker v2",
            "description": "Now without the flag.",
            "points": 8.0,
            "labels": ("serving", "latency"),
            "due": "2026-04-01",
            "blocked": True,
        }
        result = adapter.update_fields(refs["c.story"], changes)
        assert result.ok, result.error
        remote = adapter.find_by_marker(["c.story"])["c.story"]
        for name, value in changes.items():
            if name in remote.values:
                want = tuple(sorted(value)) if name == "labels" else value
                assert remote.values[name] == want, name

    def test_move_stage_to_every_stage_and_back(self, adapter: Adapter) -> None:
        refs = self.seed(adapter, sample_items()[:1])
        ref = refs["c.epic"]
        for stage in [*Stage, Stage.IN_PROGRESS, Stage.BACKLOG]:
            result = adapter.move_stage(ref, stage)
            assert result.ok, result.error
            assert result.values.get("stage", stage.value) == stage.value
            remote = adapter.find_by_marker(["c.epic"])["c.epic"]
            assert remote.values["stage"] == stage.value

    def test_link_parent_and_unlink(self, adapter: Adapter) -> None:
        items = sample_items()
        refs = self.seed(adapter, [items[0], items[3]])
        assert adapter.link_parent(refs["c.bug"], refs["c.epic"]).ok
        assert adapter.find_by_marker(["c.bug"])["c.bug"].values.get("parent") == "c.epic"
        assert adapter.link_parent(refs["c.bug"], None).ok
        assert adapter.find_by_marker(["c.bug"])["c.bug"].values.get("parent") is None

    def test_sprint_lifecycle_and_assignment(self, adapter: Adapter) -> None:
        refs = self.seed(adapter, sample_items())
        sprint = Sprint(
            id="s1", name="Sprint 1", start=date(2026, 1, 5), end=date(2026, 1, 19), goal="Ship"
        )
        remote_id = adapter.ensure_sprint(sprint, None)
        assert remote_id
        assert adapter.ensure_sprint(sprint, remote_id) == remote_id
        keys = list(refs.values())
        results = adapter.assign_sprint(remote_id, keys)
        assert all(r.ok for r in results), [r.error for r in results]
        found = adapter.find_by_marker(list(refs))
        assert all(item.values.get("sprint", "s1") == "s1" for item in found.values())
        active = sprint.model_copy(update={"state": SprintState.ACTIVE, "goal": "Ship it"})
        assert adapter.ensure_sprint(active, remote_id) == remote_id
        results = adapter.assign_sprint(None, keys[:2])
        assert all(r.ok for r in results)
        found = adapter.find_by_marker(list(refs))
        unassigned = {ref.key for ref in keys[:2]}
        for remote in found.values():
            want = None if remote.ref.key in unassigned else "s1"
            assert remote.values.get("sprint", want) == want
        closed = active.model_copy(update={"state": SprintState.CLOSED})
        assert adapter.ensure_sprint(closed, remote_id) == remote_id

    def test_comment(self, adapter: Adapter, fake: FakeTracker) -> None:
        refs = self.seed(adapter, sample_items()[:1])
        adapter.comment(refs["c.epic"], "Spike learned: it helps.")
        assert "Spike learned: it helps." in fake.comments(refs["c.epic"])

    # -- errors -------------------------------------------------------------------------------
    def test_bad_credentials_is_one_clear_error(self, fake: FakeTracker) -> None:
        with pytest.raises(AdapterError) as caught:
            adapter = fake.open_bad_credentials()
            adapter.pull(None)
        message = str(caught.value)
        assert SECRET not in message
        assert "\n" not in message
        assert any(word in message.lower() for word in ("credential", "token", "auth"))

    def test_missing_project_names_it(self, fake: FakeTracker) -> None:
        with pytest.raises(AdapterError) as caught:
            adapter = fake.open_missing_project()
            adapter.create_items([NewItem(sample_items()[0])], lambda item_id, ref: None)
        assert "\n" not in str(caught.value)
