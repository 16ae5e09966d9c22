"""The item flow summary: per item, the MIN/MAX of its `created` and `stage_changed` events.

`status` needs, per card in progress, when it entered its current stage and when it first
started; reading those from the events meant ~460k rows at 100k items. The `item_flow`
table (migration 0008) keeps them per item. Every column is a MIN or MAX over the item's
events, so recomputing the rows of the items a write touched, in the write's transaction,
keeps it exact whatever order events arrive in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, case, func, select, type_coerce

from tracker_bridge.model import Stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.event_rows import ITEM_IDS_PER_QUERY, ITEM_IDS_PER_SCAN, UTC_SUFFIX
from tracker_bridge.store.records import ItemFlow, as_utc

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


def refresh_item_flow(conn: Connection, project: str, item_ids: Iterable[str]) -> None:
    """Recompute the summary rows of these items from their events (in the caller's
    transaction: the summary never disagrees with the events)."""
    t, f = s.events, s.item_flow
    wanted = sorted(set(item_ids))
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        moves = (
            select(t.c.project, t.c.item_id, t.c.kind, t.c.at,
                   case((t.c.kind == "stage_changed", _moved_to(conn))).label("move_to"))
            .where(t.c.project == project, t.c.kind.in_(FLOW_KINDS), t.c.item_id.in_(batch))
            .subquery()
        )
        summed = select(
            moves.c.project,
            moves.c.item_id,
            func.min(case((moves.c.kind == "created", moves.c.at))),
            func.min(case((moves.c.move_to.in_(STARTED), moves.c.at))),
            func.max(case((moves.c.kind == "stage_changed", moves.c.at))),
            *(func.max(case((moves.c.move_to == value, moves.c.at))) for value, _ in ENTERED),
        ).group_by(moves.c.project, moves.c.item_id)
        columns = ["project", "item_id", "created_at", "started_at", "moved_at",
                   *(column for _, column in ENTERED)]
        conn.execute(f.delete().where(f.c.project == project, f.c.item_id.in_(batch)))
        conn.execute(f.insert().from_select(columns, summed))


def read_item_flows(
    conn: Connection, project: str, item_ids: Collection[str]
) -> dict[str, ItemFlow]:
    """The summaries of these items (items without `created` or stage events left out)."""
    f = s.item_flow
    sqlite = conn.dialect.name == "sqlite"
    times = [f.c.created_at, f.c.started_at, f.c.moved_at,
             *(f.c[column] for _, column in ENTERED)]
    # SQLite: the stored text, parsed here (SQLAlchemy's processor is a regex per value).
    query = select(f.c.item_id, *(type_coerce(c, String()) if sqlite else c for c in times))
    where = [f.c.project == project]
    wanted = set(item_ids)
    if len(wanted) > ITEM_IDS_PER_SCAN:  # many items: one pass beats many lookups
        rows = [row for row in conn.execute(query.where(*where)) if row[0] in wanted]
    else:
        ordered = sorted(wanted)
        rows = [
            row
            for start in range(0, len(ordered), ITEM_IDS_PER_QUERY)
            for row in conn.execute(query.where(
                *where, f.c.item_id.in_(ordered[start:start + ITEM_IDS_PER_QUERY])
            ))
        ]

    def when(value: Any) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value + UTC_SUFFIX) if sqlite else as_utc(value)

    found: dict[str, ItemFlow] = {}
    for item_id, created, started, moved, *entered in rows:
        found[item_id] = ItemFlow(
            when(created), when(started), when(moved),
            {stage: at for (stage, _), value in zip(ENTERED, entered, strict=True)
             if (at := when(value)) is not None},
        )
    return found
