"""The store's public API, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tracker_bridge.model import FieldValue, Kind, RemoteRef, Stage, Timebox, WorkItem
from tracker_bridge.store import Store, StoreEvent

P = "trending-now"
JIRA = "jira:TREND"
GH = "github:acme/trending-now"


def ref(remote_id: str, tracker: str = JIRA, version: str = "v1") -> RemoteRef:
    return RemoteRef(
        tracker=tracker,
        key=f"TREND-{remote_id}",
        remote_id=remote_id,
        url=f"https://acme.example/{remote_id}",
        version=version,
    )


def test_refs_upsert_per_tracker_and_delete(store: Store) -> None:
    store.save_ref(P, "feature-store", ref("100"))
    store.save_ref(P, "drift-alerts", ref("101"))
    store.save_ref(P, "feature-store", ref("7", tracker=GH))
    store.save_ref(P, "feature-store", ref("100", version="v2"))

    assert store.get_refs(P, JIRA) == {
        "feature-store": ref("100", version="v2"),
        "drift-alerts": ref("101"),
    }
    assert store.get_refs(P, GH) == {"feature-store": ref("7", tracker=GH)}
    assert store.get_refs("other", JIRA) == {}

    store.delete_ref(P, JIRA, "drift-alerts")
    assert set(store.get_refs(P, JIRA)) == {"feature-store"}


def test_a_remote_issue_belongs_to_one_item(store: Store) -> None:
    store.save_ref(P, "old-id", ref("100"))
    store.save_ref(P, "new-id", ref("100"))  # relink: the marker says it is new-id's
    assert store.get_refs(P, JIRA) == {"new-id": ref("100")}


def test_base_snapshots_merge_and_restore_tuples(store: Store) -> None:
    store.save_base(P, "roadmap", "a", {"title": "A", "labels": ("ml", "x"), "points": 3.0})
    store.save_base(P, "roadmap", "a", {"stage": "in_progress", "points": None})
    store.save_base(P, JIRA, "a", {"title": "remote A"})

    assert store.get_base(P, "roadmap") == {
        "a": {"title": "A", "labels": ("ml", "x"), "points": None, "stage": "in_progress"}
    }
    assert isinstance(store.get_base(P, "roadmap")["a"]["labels"], tuple)
    assert store.get_base(P, JIRA) == {"a": {"title": "remote A"}}
    assert store.get_base(P, GH) == {}


def test_save_bases_bulk_merges(store: Store) -> None:
    store.save_base(P, JIRA, "a", {"title": "A", "blocked": False})
    store.save_bases(P, JIRA, {"a": {"blocked": True}, "b": {"title": "B", "labels": ()}})
    assert store.get_base(P, JIRA) == {
        "a": {"title": "A", "blocked": True},
        "b": {"title": "B", "labels": ()},
    }
    store.save_bases(P, JIRA, {})


def test_bulk_bases_10k(store: Store) -> None:
    first: dict[str, dict[str, FieldValue]] = {
        f"item-{n}": {"title": f"T{n}", "labels": ("a",)} for n in range(10_000)
    }
    store.save_bases(P, JIRA, first)
    store.save_bases(P, JIRA, {f"item-{n}": {"stage": "done"} for n in range(0, 10_000, 2)})
    base = store.get_base(P, JIRA)
    assert len(base) == 10_000
    assert base["item-0"] == {"title": "T0", "labels": ("a",), "stage": "done"}
    assert base["item-9999"] == {"title": "T9999", "labels": ("a",)}


def test_items_round_trip(store: Store) -> None:
    spike = WorkItem(
        id="try-transformers",
        kind=Kind.SPIKE,
        title="Try a transformer ranker",
        labels=("research", "ranking"),
        stage=Stage.IN_PROGRESS,
        timebox=Timebox(
            length_days=5,
            hypothesis="beats GBDT by 2% NDCG",
            started_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ),
    )
    story = WorkItem(id="feature-store", kind=Kind.STORY, title="Feature store", points=5)
    store.save_items(P, [spike, story])
    store.save_items(P, [story.model_copy(update={"stage": Stage.DONE})])

    items = store.get_items(P)
    assert items["try-transformers"] == spike
    assert items["feature-store"].stage is Stage.DONE
    assert store.get_items("other") == {}
    store.save_items(P, [])


def test_sprint_refs_and_cursors(store: Store) -> None:
    store.save_sprint_ref(P, JIRA, "s1", "11")
    store.save_sprint_ref(P, JIRA, "s1", "12")
    store.save_sprint_ref(P, GH, "s1", "milestone-3")
    assert store.get_sprint_refs(P, JIRA) == {"s1": "12"}
    assert store.get_sprint_refs(P, GH) == {"s1": "milestone-3"}

    assert store.get_cursor(P, JIRA) is None
    store.set_cursor(P, JIRA, "2026-03-01T10:00:00Z")
    store.set_cursor(P, JIRA, "2026-03-02T10:00:00Z")
    assert store.get_cursor(P, JIRA) == "2026-03-02T10:00:00Z"
    store.set_cursor(P, JIRA, None)
    assert store.get_cursor(P, JIRA) is None


def test_journal_intent_confirm_fail_unconfirmed(store: Store) -> None:
    run = store.start_run(P, "sync")
    created = store.journal_intent(run, P, JIRA, "a", "create", {"title": "A", "labels": ("x",)})
    failed = store.journal_intent(run, P, JIRA, "b", "update", {"stage": Stage.DONE})
    lost = store.journal_intent(run, P, JIRA, "c", "create", {"due": datetime(2026, 1, 1).date()})
    other = store.journal_intent(run, P, GH, "c", "create", {})

    store.journal_confirm(created, ref=ref("100"), result={"values": {"title": "A"}})
    store.journal_fail(failed, "transition not allowed")

    pending = store.unconfirmed(P, JIRA)
    assert [e.id for e in pending] == [lost]
    entry = pending[0]
    assert (entry.run_id, entry.project, entry.tracker, entry.item_id, entry.action) == (
        run,
        P,
        JIRA,
        "c",
        "create",
    )
    assert entry.payload == {"due": "2026-01-01"}
    assert entry.status == "intent" and entry.ref is None
    assert entry.created_at.tzinfo is not None
    assert [e.id for e in store.unconfirmed(P, GH)] == [other]

    by_id = {e.id: e for e in store.journal(run)}
    assert by_id[created].status == "confirmed" and by_id[created].ref == ref("100")
    assert by_id[failed].status == "failed" and by_id[failed].error == "transition not allowed"
    with pytest.raises(KeyError):
        store.journal_confirm(999_999)


def test_events_dedup_filter_and_order(store: Store) -> None:
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    moves = [
        StoreEvent("stage_changed", "a", t0 + timedelta(hours=2), JIRA, {"from": "x", "to": "y"}),
        StoreEvent("stage_changed", "a", t0, JIRA, {"from": "backlog", "to": "in_progress"}),
        StoreEvent("sprint_added", "b", t0 + timedelta(hours=1), JIRA, {"sprint": "s1"}),
    ]
    assert store.record_events(P, moves) == 3
    # An overlapping pull sees two of them again, plus one new; the same event twice in one
    # batch counts once.
    again = [*moves[:2], StoreEvent("created", "c", t0 + timedelta(hours=3))]
    assert store.record_events(P, [*again, again[-1]]) == 1
    assert store.record_events(P, []) == 0

    everything = store.events(P)
    assert [e.at for e in everything] == sorted(e.at for e in everything)
    assert len(everything) == 4
    assert everything[0] == moves[1]
    assert all(e.at.tzinfo is UTC for e in everything)

    assert [e.item_id for e in store.events(P, kinds={"sprint_added", "created"})] == ["b", "c"]
    assert len(store.events(P, since=t0 + timedelta(hours=1))) == 3
    assert len(store.events(P, item_id="a")) == 2
    assert store.events("other") == []
    assert store.events(P, kinds=[]) == []


def test_event_times_are_normalised_to_utc(store: Store) -> None:
    amsterdam = timezone(timedelta(hours=1))
    local = StoreEvent("created", "a", datetime(2026, 3, 2, 10, 0, tzinfo=amsterdam))
    naive = StoreEvent("created", "a", datetime(2026, 3, 2, 9, 0))
    assert local == naive  # the same instant, so also the same dedup key
    assert store.record_events(P, [local, naive]) == 1
    [stored] = store.events(P)
    assert stored.at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_runs(store: Store) -> None:
    first = store.start_run(P, "sync")
    second = store.start_run(P, "seed")
    store.start_run("other", "sync")
    store.finish_run(first, "ok", {"created": 3, "conflicts": []})

    runs = store.last_runs(P)
    assert [r.id for r in runs] == [second, first]
    assert runs[0].status == "running" and runs[0].finished_at is None and runs[0].summary == {}
    assert runs[1].status == "ok" and runs[1].summary == {"created": 3, "conflicts": []}
    finished = runs[1].finished_at
    assert finished is not None and finished >= runs[1].started_at
    assert len(store.last_runs(P, limit=1)) == 1
    with pytest.raises(KeyError):
        store.finish_run(999_999, "ok", {})


def test_data_survives_reopen(store_url: str) -> None:
    with Store.open(store_url) as first:
        first.save_ref(P, "a", ref("100"))
    with Store.open(store_url) as second:  # migrations already at head: a no-op
        assert second.get_refs(P, JIRA) == {"a": ref("100")}


def test_in_memory_sqlite() -> None:
    with Store.open("sqlite://") as store:
        store.save_ref(P, "a", ref("100"))
        store.save_items(P, [WorkItem(id="a", kind=Kind.TASK, title="A")])
        assert store.get_refs(P, JIRA) == {"a": ref("100")}
        assert set(store.get_items(P)) == {"a"}


def test_saving_the_same_bases_again_rewrites_no_row(store: Store) -> None:
    """A quiet night hands the store every item's bases again: nothing to write."""
    from sqlalchemy import select

    from tracker_bridge.store import schema

    values: dict[str, dict[str, FieldValue]] = {
        f"item-{n}": {"title": f"Item {n}", "labels": ("a", "b"), "points": 3} for n in range(5)
    }
    store.save_bases("p", "roadmap", values)
    table = schema.base_snapshots

    def stamps() -> dict[str, datetime]:
        with store.engine.connect() as conn:
            rows = conn.execute(select(table.c.item_id, table.c.updated_at))
            return {row.item_id: row.updated_at for row in rows}

    before = stamps()
    store.save_bases("p", "roadmap", values)
    assert stamps() == before
    store.save_bases("p", "roadmap", {"item-1": {"title": "Renamed"}})
    after = stamps()
    assert after["item-1"] > before["item-1"]
    assert {k: v for k, v in after.items() if k != "item-1"} == {
        k: v for k, v in before.items() if k != "item-1"
    }
    assert store.get_base("p", "roadmap")["item-1"] == {
        "title": "Renamed", "labels": ("a", "b"), "points": 3
    }


def test_events_of_chosen_items_read_in_batches_keep_the_full_order(store: Store) -> None:
    # A board of 1,200 cards, moved in waves: many moves share a time (a bulk transition in
    # Jira), so the order among equal times is the order they were recorded in.
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    waves = [
        StoreEvent("stage_changed", f"card-{n:04d}", t0 + timedelta(hours=wave), JIRA,
                   {"from": f"stage{wave}", "to": f"stage{wave + 1}"})
        for wave in range(3)
        for n in reversed(range(1200))
    ]
    assert store.record_events(P, waves) == len(waves)
    store.record_events(P, [StoreEvent("sprint_added", "card-0006", t0, JIRA, {"sprint": "s1"})])
    chosen = {f"card-{n:04d}" for n in range(1200) if n % 5} | {"not-a-card"}  # 960

    picked = store.events(P, item_ids=chosen)
    assert picked == [e for e in store.events(P) if e.item_id in chosen]
    assert len(picked) == 3 * 960 + 1
    moves_only = store.events(P, kinds={"stage_changed"}, item_ids=["card-0006"])
    assert [e.data["to"] for e in moves_only] == ["stage1", "stage2", "stage3"]
    assert store.events(P, item_ids=[]) == []
    # Asked for more items than the project has cards (a whole board's worth): one pass.
    many = chosen | {f"ghost-{n}" for n in range(10_000)}
    assert store.events(P, item_ids=many) == picked


def test_histories_are_the_events_grouped_per_item_in_the_same_order(store: Store) -> None:
    # Recorded out of time order, with equal times (a bulk transition): each item's list is
    # its slice of `events()`, in time order and, among equal times, in recording order.
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    recorded = [
        StoreEvent("stage_changed", f"card-{n:04d}", t0 + timedelta(hours=wave % 2), JIRA,
                   {"from": f"stage{wave}", "to": f"stage{wave + 1}"})
        for wave in reversed(range(4))
        for n in reversed(range(1200))
    ]
    recorded.append(StoreEvent("created", "card-0003", t0 - timedelta(days=1)))
    assert store.record_events(P, recorded) == len(recorded)

    def grouped(events: list[StoreEvent]) -> dict[str, list[StoreEvent]]:
        found: dict[str, list[StoreEvent]] = {}
        for event in events:
            found.setdefault(event.item_id, []).append(event)
        return found

    assert store.histories(P) == grouped(store.events(P))
    assert [e.data["to"] for e in store.histories(P)["card-0007"]] == [
        "stage3", "stage1", "stage4", "stage2"]  # recorded 3, 2, 1, 0; waves 2, 0 at t0
    few = {"card-0003", "card-0500", "not-a-card"}
    assert store.histories(P, item_ids=few) == grouped(store.events(P, item_ids=few))
    many = {f"card-{n:04d}" for n in range(0, 1200, 2)} | {f"ghost-{n}" for n in range(10_000)}
    assert store.histories(P, kinds={"created"}, item_ids=many) == {}
    assert store.histories(P, kinds={"stage_changed"}, item_ids=many) == grouped(
        store.events(P, kinds={"stage_changed"}, item_ids=many))
    assert store.histories(P, item_ids=[]) == {}
    assert store.histories("other") == {}
    # A batch of ids and a time, all bound values (over two batches: each compiled
    # statement's values in its own order): the events later than it, as filtered here.
    some = {f"card-{n:04d}" for n in range(0, 1200, 3)} | {"card-0003", "ghost"}
    later = grouped([e for e in store.events(P, item_ids=some) if e.at > t0])
    assert later and store.histories(P, item_ids=some, after=t0) == later
    assert store.histories(P, kinds={"stage_changed"}, item_ids=some, after=t0) == later
