"""The item flow summary: per item, the MIN/MAX of its `created` and `stage_changed` events.

`status` needs, per card in progress, when it entered its current stage and when it first
started; reading those from the events meant ~460k rows at 100k items. The `item_flow`
table (migration 0008) keeps them per item. Every column is a MIN or MAX over the item's
events, so folding the events of the items a write touched into their rows, in the write's
transaction, keeps it exact whatever order events arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, case, func, select, true, type_coerce
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker_bridge.model import Stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.event_rows import ITEM_IDS_PER_QUERY, UTC_SUFFIX
from tracker_bridge.store.records import ItemFlow

FLOW_KINDS = ("created", "stage_changed")
"""The only event kinds the summary is made of."""
STARTED = tuple(stage.value for stage in Stage if stage.position >= Stage.IN_PROGRESS.position)
ENTERED = tuple((stage.value, f"entered_{stage.value}") for stage in Stage)
"""(stage value, its column)."""


def _moved_to(conn: Connection) -> Any:
    """The `to` of an event's data, as text."""
    t = s.events
    if conn.dialect.name == "sqlite":
        return func.json_extract(type_coerce(t.c.data, String()), "$.to")
    from sqlalchemy.dialects.postgresql import JSONB

    return type_coerce(t.c.data, JSONB())["to"].astext


EARLIEST = ("created_at", "started_at")
LATEST = ("moved_at", *(column for _, column in ENTERED))


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
                   case((t.c.kind == "stage_changed", _moved_to(conn))).label("move_to"))
            .where(t.c.project == project, t.c.kind.in_(FLOW_KINDS), t.c.item_id.in_(batch))
            .subquery()
        )
        summed = (
            select(
                moves.c.project,
                moves.c.item_id,
                func.min(case((moves.c.kind == "created", moves.c.at))),
                func.min(case((moves.c.move_to.in_(STARTED), moves.c.at))),
                func.max(case((moves.c.kind == "stage_changed", moves.c.at))),
                *(func.max(case((moves.c.move_to == value, moves.c.at)))
                  for value, _ in ENTERED),
            )
            .where(true())  # SQLite: INSERT ... SELECT ... ON CONFLICT needs a WHERE
            .group_by(moves.c.project, moves.c.item_id)
        )
        conn.execute(_merge_into_rows(conn, summed))


def _merge_into_rows(conn: Connection, summed: Any) -> Any:
    """INSERT the summed rows; where an item has one, keep per column the earlier (first
    times) or later (last times) value, NULL being no value."""
    f = s.item_flow
    insert: Any
    if conn.dialect.name == "sqlite":
        insert = sqlite_insert(f)
        earliest: Any = func.min  # with two arguments: SQLite's scalar min and max
        latest: Any = func.max
    else:
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        insert = postgresql_insert(f)
        earliest, latest = func.least, func.greatest

    def merged(column: str, pick: Any) -> Any:
        old, new = f.c[column], insert.excluded[column]
        return pick(func.coalesce(old, new), func.coalesce(new, old))

    rows = insert.from_select(["project", "item_id", *EARLIEST, *LATEST], summed)
    return rows.on_conflict_do_update(
        index_elements=[f.c.project, f.c.item_id],
        set_={**{c: merged(c, earliest) for c in EARLIEST},
              **{c: merged(c, latest) for c in LATEST}},
    )


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
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows = cursor.execute(
            f'SELECT item_id, created_at, started_at, moved_at, "{entered}" FROM item_flow '
            f"WHERE project = ? AND item_id IN ({marks})",
            [project, *batch],
        ).fetchall()
    finally:
        cursor.close()
    parse = datetime.fromisoformat
    return [
        (item_id, *(None if t is None else parse(t + UTC_SUFFIX) for t in times))
        for item_id, *times in rows
    ]
