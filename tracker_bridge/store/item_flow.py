"""The item flow summary: per item, the MIN/MAX of its `created` and `stage_changed` events
(and of its `spike_started` ones).

`status` needs, per card in progress, when it entered its current stage and when it first
started; reading those from the events meant ~460k rows at 100k items. The `item_flow`
table (migration 0008) keeps them per item, and what the sprint report's cycle and lead
times need of an item done (migration 0012, `CycleFacts`). Every column is a MIN or MAX
over the item's events, so folding the events of the items a write touched into their
rows, in the write's transaction, keeps it exact whatever order events arrive in.

A spike started with no `created` or stage event has a row whose flow columns are all
NULL: every reader takes it as no row (no creation, no move).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, and_, case, func, or_, select, true, type_coerce

from tracker_bridge.model import Stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import upsert_earliest_latest
from tracker_bridge.store.event_rows import (
    ITEM_IDS_PER_QUERY,
    UTC_SUFFIX,
    any_of,
    compiled_rows,
    driver_rows,
    sqlite_time,
)
from tracker_bridge.store.records import CycleFacts, ItemFlow, as_utc

FLOW_KINDS = ("created", "stage_changed")
"""The event kinds the flow summary (`ItemFlow`) is made of."""
SUMMED_KINDS = (*FLOW_KINDS, "spike_started")
"""Every event kind a summary column is made of: a write of one refreshes the item's row."""
STARTED = tuple(stage.value for stage in Stage if stage.position >= Stage.IN_PROGRESS.position)
BORN_STARTED = tuple(value for value in STARTED if value != Stage.DONE.value)
"""A creation in one of these stages (`data.stage`) starts the item's cycle time there."""
ENTERED = tuple((stage.value, f"entered_{stage.value}") for stage in Stage)
"""(stage value, its column)."""


def _moved_to(conn: Connection, key: str = "to") -> Any:
    """The `to` (or another key) of an event's data, as text."""
    t = s.events
    if conn.dialect.name == "sqlite":
        return func.json_extract(type_coerce(t.c.data, String()), f"$.{key}")
    from sqlalchemy.dialects.postgresql import JSONB

    return type_coerce(t.c.data, JSONB())[key].astext


EARLIEST = ("created_at", "started_at")
LATEST = ("moved_at", *(column for _, column in ENTERED))
CYCLE_EARLIEST = ("born_started_at", "born_unstarted_at", "start_from_before_at",
                  "start_from_started_at", "spike_started_at")
CYCLE_LATEST = ("moved_elsewhere_at",)
"""The columns only cycle times read (`CycleFacts`): MIN and MAX too."""


def refresh_item_flow(conn: Connection, project: str, item_ids: Iterable[str]) -> None:
    """Fold the events of these items into their summary rows (in the caller's
    transaction: the summary never disagrees with the events).

    The rows are merged, not replaced: each column keeps the earlier (or later) of what it
    held and what the events give. Events are never deleted, so what a row held is still
    true; and a concurrent writer (PostgreSQL, several workers) whose events this
    transaction cannot see yet folds them in itself when it takes the row after this one."""
    t = s.events
    wanted = sorted(set(item_ids))
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        moves = (
            select(t.c.project, t.c.item_id, t.c.kind, t.c.at,
                   case((t.c.kind == "stage_changed", _moved_to(conn))).label("move_to"),
                   case((t.c.kind == "stage_changed", _moved_to(conn, "from"))).label("src"),
                   case((t.c.kind == "created", _moved_to(conn, "stage"))).label("born"))
            .where(t.c.project == project, t.c.kind.in_(SUMMED_KINDS), t.c.item_id.in_(batch))
            .subquery()
        )
        summed = (
            select(
                moves.c.project,
                moves.c.item_id,
                func.min(case((moves.c.kind == "created", moves.c.at))),
                func.min(case((moves.c.move_to.in_(STARTED), moves.c.at))),
                *_cycle_facts(moves.c),
                func.max(case((moves.c.kind == "stage_changed", moves.c.at))),
                *(func.max(case((moves.c.move_to == value, moves.c.at)))
                  for value, _ in ENTERED),
                func.max(case((and_(moves.c.kind == "stage_changed",
                                    _not_in(moves.c.move_to, [Stage.DONE.value])), moves.c.at))),
            )
            .where(true())  # SQLite: INSERT ... SELECT ... ON CONFLICT needs a WHERE
            .group_by(moves.c.project, moves.c.item_id)
        )
        conn.execute(_merge_into_rows(conn, summed))


def _not_in(value: Any, values: list[str]) -> Any:
    """`value` names none of `values` (NULL: a missing key, which names none)."""
    return or_(value.is_(None), value.not_in(values))


def _cycle_facts(moves: Any) -> list[Any]:
    """The `CYCLE_EARLIEST` columns of a `moves` subquery: the first creation born in a
    started stage and the first born otherwise, the first move into a started stage from
    one before it (or an unknown one) and the first from a started one, the first spike
    start. Both of a pair: where they tie, which came first is in the events' order only."""
    created, started = moves.kind == "created", moves.move_to.in_(STARTED)
    return [
        func.min(case((and_(created, moves.born.in_(BORN_STARTED)), moves.at))),
        func.min(case((and_(created, _not_in(moves.born, list(BORN_STARTED))), moves.at))),
        func.min(case((and_(started, _not_in(moves.src, list(STARTED))), moves.at))),
        func.min(case((and_(started, moves.src.in_(STARTED)), moves.at))),
        func.min(case((moves.kind == "spike_started", moves.at))),
    ]


def _merge_into_rows(conn: Connection, summed: Any) -> Any:
    """INSERT the summed rows; where an item has one, keep per column the earlier (first
    times) or later (last times) value, NULL being no value."""
    return upsert_earliest_latest(conn, s.item_flow, ("project", "item_id"),
                                  (*EARLIEST, *CYCLE_EARLIEST), (*LATEST, *CYCLE_LATEST),
                                  rows=summed)


def read_item_flows(
    conn: Connection, project: str, stages: Mapping[str, str]
) -> dict[str, ItemFlow]:
    """The summaries of the items in `stages` (item id -> a stage value, its current one),
    each with `entered` holding that stage's entry only: the columns `status` reads, by
    primary key (items without `created` or stage events left out)."""
    by_stage: dict[str, list[str]] = {}
    for item_id, stage in stages.items():
        by_stage.setdefault(stage, []).append(item_id)
    read = _sqlite_rows if conn.dialect.name == "sqlite" else _typed_rows
    found: dict[str, ItemFlow] = {}
    for stage, item_ids in by_stage.items():
        item_ids.sort()
        for start in range(0, len(item_ids), ITEM_IDS_PER_QUERY):
            batch = item_ids[start:start + ITEM_IDS_PER_QUERY]
            for item_id, created, started, moved, entered in read(conn, project, stage, batch):
                found[item_id] = ItemFlow(
                    created, started, moved, {} if entered is None else {stage: entered}
                )
    return found


_Times = tuple[str, datetime | None, datetime | None, datetime | None, datetime | None]


def _typed_rows(conn: Connection, project: str, stage: str, batch: list[str]) -> list[_Times]:
    f = s.item_flow
    query = select(f.c.item_id, f.c.created_at, f.c.started_at, f.c.moved_at,
                   f.c[f"entered_{stage}"])
    rows = conn.execute(query.where(f.c.project == project, f.c.item_id.in_(batch))).all()
    return [(item_id, *times) for item_id, *times in rows]


def _sqlite_rows(conn: Connection, project: str, stage: str, batch: list[str]) -> list[_Times]:
    """SQLite, straight from the driver: the stored text parsed here (SQLAlchemy's rows
    and its regex per datetime cost more than the query; `status` reads 50k rows)."""
    f = s.item_flow
    entered = f.c[f"entered_{stage}"].name  # a column of the table: never user text
    marks = ", ".join("?" * len(batch))
    rows = driver_rows(
        conn,
        f'SELECT item_id, created_at, started_at, moved_at, "{entered}" FROM item_flow '
        f"WHERE project = ? AND item_id IN ({marks})",
        [project, *batch],
    )
    parse = datetime.fromisoformat
    return [
        (item_id, *(None if t is None else parse(t + UTC_SUFFIX) for t in times))
        for item_id, *times in rows
    ]


def read_done_since(
    conn: Connection, project: str, since: datetime, until: datetime | None = None
) -> set[str]:
    """The items whose last move into done is at or after `since` (one pass over
    `item_flow`, filtered in the database); with `until`, of those only the items first
    started by then (a move into done is a start: done at `until` means started by it)."""
    if conn.dialect.name == "sqlite":  # straight from the driver
        bound = "" if until is None else " AND started_at <= ?"
        params = [project, sqlite_time(since)]
        if until is not None:
            params.append(sqlite_time(until))
        return {item_id for (item_id,) in driver_rows(
            conn,
            f"SELECT item_id FROM item_flow WHERE project = ? AND entered_done >= ?{bound}",
            params)}
    f = s.item_flow
    query = select(f.c.item_id).where(f.c.project == project, f.c.entered_done >= since)
    if until is not None:
        query = query.where(f.c.started_at <= until)
    return set(conn.execute(query).scalars())


def read_last_done(
    conn: Connection, project: str, item_ids: Collection[str]
) -> dict[str, datetime]:
    """Of these items, those with a move into done: the time of their last (by key)."""
    wanted = sorted(set(item_ids))
    if conn.dialect.name == "sqlite":  # straight from the driver, the stored text parsed
        rows = driver_rows(
            conn,
            "SELECT f.item_id, f.entered_done FROM json_each(?) AS j CROSS JOIN item_flow AS f "
            "ON f.project = ? AND f.item_id = j.value WHERE f.entered_done IS NOT NULL",
            [json.dumps(wanted), project])
        return {item_id: datetime.fromisoformat(at + UTC_SUFFIX) for item_id, at in rows}
    f = s.item_flow
    return {item_id: at for item_id, at in conn.execute(
        select(f.c.item_id, f.c.entered_done).where(
            f.c.project == project, any_of(f.c.item_id, wanted), f.c.entered_done.is_not(None)))}


_CYCLE_COLUMNS = ("created_at", *CYCLE_EARLIEST, "moved_at", "entered_done", *CYCLE_LATEST)
"""`CycleFacts`' columns, in its order."""


def read_cycle_facts(
    conn: Connection, project: str, item_ids: Iterable[str]
) -> dict[str, CycleFacts]:
    """Item id -> its `CycleFacts`, for these items, by primary key (items without a
    row left out)."""
    wanted = sorted(set(item_ids))
    columns = ", ".join(f'"{column}"' for column in _CYCLE_COLUMNS)  # ours: never user text
    if conn.dialect.name == "sqlite":  # straight from the driver: 10,000 rows at 100k items
        rows = driver_rows(
            conn,
            f"SELECT f.item_id, {columns} FROM json_each(?) AS j "
            "CROSS JOIN item_flow AS f ON f.project = ? AND f.item_id = j.value",
            [json.dumps(wanted), project],
        )
        convert: Any = _parsed_text
    else:  # psycopg's aware times, in the session's zone
        f = s.item_flow
        rows = compiled_rows(conn, select(f.c.item_id, *(f.c[c] for c in _CYCLE_COLUMNS))
                             .where(f.c.project == project, any_of(f.c.item_id, wanted)))
        convert = as_utc
    # A row repeats its times (its last move is its last move into done, its creation one
    # of the two born ones): each converted once.
    converted: dict[Any, datetime | None] = {None: None}

    def time_of(value: Any) -> datetime | None:
        if value not in converted:
            converted[value] = convert(value)
        return converted[value]

    make = CycleFacts._make
    return {row[0]: make(map(time_of, row[1:])) for row in rows}


def _parsed_text(text: str) -> datetime:
    """A time as SQLite's driver gives it (naive UTC text), aware."""
    return datetime.fromisoformat(f"{text}{UTC_SUFFIX}")
