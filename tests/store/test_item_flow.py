"""The item flow summary (`item_flow`): what `status` reads instead of the stage events.

It must give exactly what replaying the events gives, whatever order the events arrive in,
and the migration that fills it from stored events must give what the writer keeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, select

from tests.store.alembic_steps import migrate_to
from tracker_bridge.model import Kind, Stage, WorkItem
from tracker_bridge.reports.history import (
    entered_stage_at,
    entered_stage_from,
    started_at,
    started_from,
)
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store import schema as s

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _move(item: str, hours: float, before: Any, after: Any) -> StoreEvent:
    return StoreEvent("stage_changed", item, _at(hours), "jira", {"from": before, "to": after})


# Each item: its events, recorded in two writes (the second holds older events too).
EVENTS = {
    "plain": [StoreEvent("created", "plain", _at(0)),
              _move("plain", 5, "backlog", "in_progress"),
              _move("plain", 9, "in_progress", "in_review")],
    "back_and_forth": [StoreEvent("created", "back_and_forth", _at(1)),
                       _move("back_and_forth", 2, "backlog", "in_progress"),
                       _move("back_and_forth", 4, "in_progress", "in_review"),
                       _move("back_and_forth", 6, "in_review", "in_progress"),
                       _move("back_and_forth", 8, "in_progress", "in_review")],
    "created_only": [StoreEvent("created", "created_only", _at(3)),
                     StoreEvent("created", "created_only", _at(2), "github")],
    "odd_data": [_move("odd_data", 1, "backlog", 7), _move("odd_data", 2, None, None),
                 _move("odd_data", 3, "backlog", "not_a_stage"),
                 StoreEvent("stage_changed", "odd_data", _at(4), None, {})],
    "other_kinds": [StoreEvent("sprint_added", "other_kinds", _at(1), None, {"sprint": "s1"}),
                    StoreEvent("points_changed", "other_kinds", _at(2), None,
                               {"from": 1, "to": "in_progress"})],
    "same_time": [_move("same_time", 5, "in_progress", "done"),
                  _move("same_time", 5, "done", "in_progress"),
                  StoreEvent("created", "same_time", _at(0))],
}


def _record(store: Store) -> None:
    every = [ev for events in EVENTS.values() for ev in events]
    store.record_events("p", every[1::2])
    store.record_events("p", every[::2])
    store.record_events("p", every)  # all known already: nothing changes
    store.record_events("q", [_move("plain", 1, "backlog", "done")])  # another project


def test_the_summary_gives_what_replaying_the_events_gives(store_url: str) -> None:
    with Store.open(store_url) as store:
        _record(store)
        history = store.histories("p")
        # Whatever stage the item holds now.
        flows = {stage: store.item_flows("p", dict.fromkeys([*EVENTS, "never_seen"], stage))
                 for stage in Stage}
    for found in flows.values():
        assert set(found) == set(EVENTS) - {"other_kinds"}
    for item_id in [*EVENTS, "never_seen"]:
        for stage in Stage:
            item = WorkItem(id=item_id, title="t", kind=Kind.STORY, stage=stage)
            events = history.get(item_id, [])
            flow = flows[stage].get(item_id)
            assert entered_stage_from(item, flow) == entered_stage_at(item, events), (
                item_id, stage)
            assert started_from(item, flow) == started_at(item, events), (item_id, stage)
    # The cases above reach every branch: a last move into the stage, a creation, unknown.
    review = WorkItem(id="back_and_forth", title="t", kind=Kind.STORY, stage=Stage.IN_REVIEW)
    in_review, in_backlog = flows[Stage.IN_REVIEW], flows[Stage.BACKLOG]
    assert entered_stage_from(review, in_review["back_and_forth"]) == _at(8)
    assert started_from(review, in_review["back_and_forth"]) == _at(2)
    backlog = WorkItem(id="created_only", title="t", kind=Kind.STORY, stage=Stage.BACKLOG)
    assert entered_stage_from(backlog, in_backlog["created_only"]) == _at(2)
    assert entered_stage_from(review, in_review["plain"]) == _at(9)
    assert entered_stage_from(backlog, in_backlog["plain"]) is None


def _rows(url: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            f = s.item_flow
            return [tuple(row) for row in conn.execute(
                select(f).order_by(f.c.project, f.c.item_id))]
    finally:
        engine.dispose()


def test_the_migration_fills_it_as_the_writer_keeps_it(store_url: str) -> None:
    """A store upgraded from 0007 gets the rows the writer would have kept."""
    with Store.open(store_url) as store:
        _record(store)
    kept = _rows(store_url)
    assert len(kept) == 6  # five items of p with stage or creation events, one of q
    migrate_to(store_url, "0007_quiet_stamp")
    Store.open(store_url).close()  # back to head: the migration fills the table
    assert _rows(store_url) == kept


def test_two_writers_at_once_both_count(store_url: str) -> None:
    """A writer whose transaction is still open when another records events of the same
    item (PostgreSQL, several workers): the summary ends with both writers' moves."""
    import threading
    import time

    from tracker_bridge.store.item_flow import refresh_item_flow

    late = _move("x", 9, "in_progress", "in_review")
    with Store.open(store_url) as store, store.engine.begin() as conn:
        conn.execute(s.events.insert().values(
            project="p", kind="stage_changed", item_id="x", tracker="jira", at=_at(2),
            data={"from": "backlog", "to": "in_progress"}, dedup_key="first",
            recorded_at=_at(10),
        ))
        refresh_item_flow(conn, "p", ["x"])
        other = threading.Thread(target=store.record_events, args=("p", [late]))
        other.start()  # waits for this transaction's row (or, on SQLite, its write lock)
        time.sleep(0.3)
    other.join(timeout=30)
    with Store.open(store_url) as store:
        flows = store.item_flows("p", {"x": "in_review"})
        started = store.item_flows("p", {"x": "in_progress"})
    assert flows["x"].entered == {"in_review": _at(9)}
    assert started["x"].entered == {"in_progress": _at(2)}
    assert flows["x"].started_at == _at(2) and flows["x"].moved_at == _at(9)


# The sprint report's reads (`Store.done_marks`, `Store.sprints_named`, many items'
# `histories`) against what replaying every event gives.
DAY = timedelta(days=1)
REPORT_EVENTS = [
    *(ev for events in EVENTS.values() for ev in events),  # all on day 0, hours 0-9
    StoreEvent("created", "late", _at(30)),
    _move("late", 50, "backlog", "in_progress"),
    _move("plain", 40, "in_review", "done"),
    _move("tied", 3, "backlog", "in_review"), _move("tied", 3, "backlog", "done"),
    StoreEvent("created", "sprinted", _at(1), None, {"sprint": "s1", "seed": True}),
    StoreEvent("sprint_added", "sprinted", _at(2), None, {"sprint": "s2"}),
    StoreEvent("sprint_removed", "moved_out", _at(60), None, {"sprint": "s2"}),
    StoreEvent("sprint_added", "numbered", _at(2), None, {"sprint": 7}),
    StoreEvent("points_changed", "pointed", _at(2), None, {"sprint": "s1"}),
]
REPORT_ITEMS = sorted({ev.item_id for ev in REPORT_EVENTS} | {"never_seen"})


def test_done_since_and_last_done_are_the_last_moves_into_done(store_url: str) -> None:
    # Done since a time: the items whose last move into done is then or later (an item
    # moved out of done again still counts: its cycle time is the replay's to tell); the
    # last move into done of the items asked for, and of no other.
    with Store.open(store_url) as store:
        store.record_events("r", [*REPORT_EVENTS,
                                  _move("started_late", 60, "backlog", "in_progress"),
                                  _move("started_late", 70, "in_progress", "done")])
        history = store.histories("r")
        last_done = {i: max(ev.at for ev in past
                            if ev.kind == "stage_changed" and ev.data.get("to") == "done")
                     for i, past in history.items()
                     if any(ev.kind == "stage_changed" and ev.data.get("to") == "done"
                            for ev in past)}
        assert len(last_done) >= 2
        # A move into done is a start: with `until`, the items first started by then.
        started = {"in_progress", "in_review", "ready_for_staging", "in_staging",
                   "ready_for_prod", "done"}
        first_start = {i: min(ev.at for ev in history[i]
                              if ev.kind == "stage_changed" and ev.data.get("to") in started)
                       for i in last_done}
        for since in (T0 - DAY, T0 + 3 * timedelta(hours=1), T0 + DAY, T0 + 3 * DAY):
            assert store.done_since("r", since) == {i for i, at in last_done.items()
                                                   if at >= since}
            for until in (T0 + 3 * timedelta(hours=1), T0 + DAY, T0 + 3 * DAY):
                assert store.done_since("r", since, until) == {
                    i for i, at in last_done.items() if at >= since and first_start[i] <= until}
        assert "started_late" in store.done_since("r", T0 - DAY)
        assert "started_late" not in store.done_since("r", T0 - DAY, T0 + DAY)
        asked = [*REPORT_ITEMS[::2], "started_late"]
        assert store.last_done("r", asked) == {i: at for i, at in last_done.items()
                                               if i in asked}
        assert store.done_since("elsewhere", T0 - DAY) == set()
        assert store.last_done("elsewhere", REPORT_ITEMS) == {}


def test_sprints_named_finds_what_the_events_name(store_url: str) -> None:
    from tracker_bridge.reports.history import sprints_named

    with Store.open(store_url) as store:
        store.record_events("r", REPORT_EVENTS)
        store.record_events("q", [StoreEvent("sprint_added", "elsewhere", _at(1), None,
                                             {"sprint": "s1"})])
        named = store.sprints_named("r", ["s1", "s2", "7", "s9"])
        replayed = sprints_named(store.histories("r"))
    assert named == {sprint: replayed.get(sprint, set()) for sprint in ("s1", "s2", "7", "s9")}
    assert named["s2"] == {"sprinted", "moved_out"} and named["7"] == set()
    assert store.sprints_named("r", []) == {}


def test_histories_of_many_items_are_those_of_the_whole_read(store_url: str) -> None:
    from tracker_bridge.store.event_rows import ITEM_IDS_PER_SCAN

    with Store.open(store_url) as store:
        store.record_events("r", REPORT_EVENTS)
        store.record_events("q", [_move("plain", 1, "backlog", "done")])
        everything = store.histories("r")
        wanted = ["plain", "tied", "late", *(f"none-{n}" for n in range(ITEM_IDS_PER_SCAN))]
        some = store.histories("r", item_ids=wanted)
    assert some == {i: everything[i] for i in ("plain", "tied", "late")}
    assert [ev.at for ev in some["plain"]] == sorted(ev.at for ev in some["plain"])


CYCLE_COLUMNS = ("born_started_at", "born_unstarted_at", "start_from_before_at",
                 "start_from_started_at", "spike_started_at", "moved_elsewhere_at")


def test_the_cycle_facts_migration_fills_them_as_the_writer_keeps_them(store_url: str) -> None:
    """A store upgraded from 0011 (its rows without the cycle facts, no row for a spike
    started with no other flow event) gets the rows the writer would have kept: a backlog
    imported at once (more items than one batch of the migration), spikes started in
    two projects, items born in progress, moves into unknown stages."""
    from sqlalchemy import inspect

    backlog = [StoreEvent("created", f"bulk-{n:04}", _at(n % 5), "jira",
                          {"stage": "in_progress"} if n % 3 else {})
               for n in range(5_100)]
    spikes = [StoreEvent("spike_started", "a-spike", _at(1)),  # before every other id
              StoreEvent("spike_started", "zz-spike", _at(2)),  # after
              StoreEvent("created", "spike", _at(0), "jira", {"stage": "in_review"}),
              StoreEvent("spike_started", "spike", _at(4)),
              StoreEvent("spike_started", "spike", _at(3)),
              _move("spike", 5, "in_review", "limbo"), _move("spike", 6, "limbo", "done")]
    with Store.open(store_url) as store:
        _record(store)
        store.record_events("p", [*REPORT_EVENTS, *spikes, *backlog])
        store.record_events("q", [StoreEvent("spike_started", "m-spike", _at(1))])
    kept = _rows(store_url)
    names = [column.name for column in s.item_flow.columns]
    facts = {name: {row[names.index(name)] for row in kept} - {None} for name in CYCLE_COLUMNS}
    assert all(facts.values())  # every column holds a time somewhere
    migrate_to(store_url, "0011_items_without_defaults")
    engine = create_engine(store_url)
    try:
        assert not set(CYCLE_COLUMNS) & {c["name"] for c in inspect(engine).get_columns(
            "item_flow")}
        with engine.connect() as conn:
            before = {(row.project, row.item_id) for row in conn.execute(
                select(s.item_flow.c.project, s.item_flow.c.item_id))}
    finally:
        engine.dispose()
    assert ("p", "a-spike") not in before and ("q", "m-spike") not in before
    assert len(before) == len(kept) - 3
    Store.open(store_url).close()  # back to head: the migration fills the columns
    assert _rows(store_url) == kept
