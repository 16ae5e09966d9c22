"""The item flow summary (`item_flow`): what `status` reads instead of the stage events.

It must give exactly what replaying the events gives, whatever order the events arrive in,
and the migration that fills it from stored events must give what the writer keeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select

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
    engine = create_engine(store_url)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(files("tracker_bridge.store") / "migrations"))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0007_quiet_stamp")
    finally:
        engine.dispose()
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
