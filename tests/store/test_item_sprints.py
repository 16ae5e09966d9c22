"""The sprints events name and where items stood at a time (`store/sprint_facts.py`), against
the replay of every event: on small random projects whose events arrive out of order and in
several writes (items moved into and out of sprints, seed-created, re-estimated, moved into
unknown stages, events at equal times), and a store upgraded from before the table."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from tests.store.alembic_steps import migrate_to, record_as_before, rows_of
from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.model import Kind, Stage, Track, WorkItem
from tracker_bridge.reports.context import ReportContext
from tracker_bridge.reports.history import (
    SPRINT_MOVES,
    member_at,
    points_at,
    sprint_moves,
    sprints_named,
    stage_at,
)
from tracker_bridge.reports.sprint import sprint_health
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store import schema as s
from tracker_bridge.store.sprint_facts import SPRINT_KINDS

from ..reports.scenario import SPRINTS, roadmap
from .test_report_reads import EDGES, NOWS, PROJECT, SPRINT_IDS, _store


def test_the_kinds_kept_are_those_the_replay_reads() -> None:
    assert set(SPRINT_KINDS) == SPRINT_MOVES


@pytest.mark.parametrize("seed", range(3))
def test_sprints_named_are_those_the_events_name(store_url: str, seed: int) -> None:
    with _store(store_url, seed) as store:
        replayed = sprints_named(store.histories(PROJECT))
        asked = [*SPRINT_IDS, "7", "never"]
        assert store.sprints_named(PROJECT, asked) == {
            sprint: replayed.get(sprint, set()) for sprint in asked}
        nothing: dict[str, set[str]] = {sprint: set() for sprint in SPRINT_IDS}
        assert store.sprints_named("elsewhere", SPRINT_IDS) == nothing


@pytest.mark.parametrize("seed", range(3))
def test_where_items_stood_is_where_the_replay_puts_them(store_url: str, seed: int) -> None:
    # At every few events' own times (ties with them) and the sprints' edges: in each
    # sprint or not, done or not, the points, for every item and one never seen.
    with _store(store_url, seed) as store:
        everything = store.histories(PROJECT)
        items = {i.id: i for i in store.current_and_ended_items(PROJECT)[0].values()}
        ids = [*everything, "never_seen"]
        times = sorted({ev.at for past in everything.values() for ev in past})
        settled = {"members": 0, "done": 0, "points": 0}
        for at in [*times[::5], *EDGES]:
            done = store.done_at(PROJECT, ids, at)
            points = store.points_at(PROJECT, ids, at)
            for item_id, past in everything.items():
                item = items.get(item_id) or WorkItem(id=item_id, title="t", kind=Kind.TASK)
                moved = any(ev.kind == "stage_changed" for ev in past)
                assert done.get(item_id) == (
                    stage_at(item, past, at) is Stage.DONE if moved else None), (item_id, at)
                estimated = any(ev.kind == "points_changed" for ev in past)
                plain = item.model_copy(update={"kind": Kind.TASK})  # epics: the caller's
                assert points.get(item_id) == (
                    points_at(plain, past, at) if estimated else None), (item_id, at)
            for sprint_id in SPRINT_IDS:
                members = store.members_at(PROJECT, sprint_id, ids, at)
                for item_id, past in everything.items():
                    moves = sprint_moves(past, sprint_id)
                    if not moves:  # its current sprint holds: the caller's
                        assert item_id not in members, (item_id, sprint_id)
                        continue
                    item = WorkItem(id=item_id, title="t", kind=Kind.TASK)
                    assert members[item_id] == member_at(item, moves, sprint_id, at), (
                        item_id, sprint_id, at)
                settled["members"] += len(members)
            settled["done"] += len(done)
            settled["points"] += len(points)
    assert all(settled.values())


def _pairs(url: str) -> list[tuple[Any, ...]]:
    return rows_of(url, s.item_sprints, "project", "sprint_id", "item_id")


def test_the_migration_fills_it_as_the_writer_keeps_it(store_url: str) -> None:
    """A store whose events were recorded before 0013 (some after a downgrade, by the
    code of then: no pairs kept) gets the rows the writer keeps."""
    with _store(store_url, 4) as store:
        events = [ev for past in store.histories(PROJECT).values() for ev in past]
    kept = _pairs(store_url)
    assert len(kept) > 20
    migrate_to(store_url, "0011_items_without_defaults")
    record_as_before(store_url, "later", events)  # more events, as before 0013
    Store.open(store_url).close()  # back to head: the migration fills the table
    assert _pairs(store_url) == sorted(
        [*kept, *(("later", *row[1:]) for row in kept)], key=lambda row: row[:3])


T = EDGES[1]
"""One time many events share: which came last is in the order they were recorded."""


def _tied() -> list[StoreEvent]:
    """Items whose moves tie at `T`, each pair recorded in the order written here (a
    board moved twice within a second: the tracker's log has them in order)."""
    hour = timedelta(hours=1)
    found = []
    for name, first, then in (("in_then_out", "sprint_added", "sprint_removed"),
                              ("out_then_in", "sprint_removed", "sprint_added")):
        for offset in (hour, -hour):  # the tie last, or first, of the item's moves
            item = name if offset > timedelta() else f"{name}_first"
            found += [StoreEvent("sprint_added", item, T - offset, None, {"sprint": "s1"}),
                      StoreEvent(first, item, T, None, {"sprint": "s1"}),
                      StoreEvent(then, item, T, None, {"sprint": "s1"})]
    for name, first, then in (("done_then_review", "done", "in_review"),
                              ("review_then_done", "in_review", "done"),
                              ("review_then_backlog", "in_review", "backlog")):
        found += [StoreEvent("stage_changed", name, T - hour, None,
                             {"from": "backlog", "to": "in_progress"}),
                  StoreEvent("stage_changed", name, T, None, {"from": "in_progress", "to": first}),
                  StoreEvent("stage_changed", name, T, None, {"from": first, "to": then})]
    return found


def test_moves_at_one_time_count_in_the_order_recorded(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.record_events(PROJECT, _tied())
        everything = store.histories(PROJECT)
        for at in (T - timedelta(hours=2), T - timedelta(minutes=1), T, T + timedelta(days=1)):
            members = store.members_at(PROJECT, "s1", list(everything), at)
            done = store.done_at(PROJECT, list(everything), at)
            for item_id, past in everything.items():
                item = WorkItem(id=item_id, title="t", kind=Kind.TASK)
                moves = sprint_moves(past, "s1")
                if moves:
                    assert members[item_id] == member_at(item, moves, "s1", at), (item_id, at)
                else:
                    assert done[item_id] == (stage_at(item, past, at) is Stage.DONE), (
                        item_id, at)
        after = T + timedelta(days=1)
        assert store.members_at(PROJECT, "s1", ["in_then_out", "out_then_in"], after) == {
            "in_then_out": False, "out_then_in": True}
        assert store.done_at(PROJECT, ["done_then_review", "review_then_done"], after) == {
            "done_then_review": False, "review_then_done": True}


@pytest.mark.parametrize("seed", range(3))
def test_velocity_from_where_members_stood_is_the_replays(store_url: str, seed: int) -> None:
    # Each closed sprint's completed points per track, as of its end, against the replay
    # of every event (the randomized report test compares whole reports; this one also
    # makes sure those points are not all zero).
    plan = roadmap()
    project = ProjectSettings(name=PROJECT, roadmap=Path("roadmap.yaml"))
    points = []
    with _store(store_url, seed) as store:
        everything = store.histories(PROJECT)
        for now in NOWS:
            ctx = ReportContext(Settings(projects=(project,)), project, plan, store, now)
            items = {**ctx.ended_items(), **ctx.items()}
            for sprint in SPRINTS:
                fast = ctx.sprint_reads(sprint).velocity
                full = sprint_health(sprint, items, (), plan, now, history=everything)
                assert {t.track: list(t.velocity_history) for t in full.tracks} == fast
                points += [value for track in Track for _, value in fast[track]]
    assert len(points) == 3 * (0 + 1 + 2) * len(Track) and any(points)


def test_two_writers_at_once_both_count(store_url: str) -> None:
    """A writer whose transaction is still open when another records a move of the same
    item into the same sprint (PostgreSQL, several workers): the row ends with both."""
    import threading
    import time

    from tracker_bridge.store.sprint_facts import refresh_item_sprints

    early, late = T - timedelta(days=2), T + timedelta(days=2)
    out = StoreEvent("sprint_removed", "x", late, None, {"sprint": "s1"})
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(insert(s.events).values(
            project=PROJECT, kind="sprint_added", item_id="x", tracker=None, at=early,
            data={"sprint": "s1"}, dedup_key="first", recorded_at=early))
        refresh_item_sprints(conn, PROJECT, [("x", "sprint_added", {"sprint": "s1"}, early)])
        other = threading.Thread(target=store.record_events, args=(PROJECT, [out]))
        other.start()  # waits for this transaction's row (or, on SQLite, its write lock)
        time.sleep(0.3)
    other.join(timeout=30)
    with Store.open(store_url) as store:
        assert store.sprints_named(PROJECT, ["s1"]) == {"s1": {"x"}}
        assert store.members_at(PROJECT, "s1", ["x"], T) == {"x": True}
        assert store.members_at(PROJECT, "s1", ["x"], late) == {"x": False}
    assert [row[3:] for row in _pairs(store_url)] == [(early, early, late, late)]
