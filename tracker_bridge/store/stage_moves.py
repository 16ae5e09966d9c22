"""Items' stage moves straight from the events: (time, stage reached), nothing else.

The sprint report's cumulative flow replays the cards moved after the sprint's first day
from their stage then and their moves since (28,000 cards and 112,000 moves at 100,000
items). Read as `StoreEvent`s, each move cost an object and its payload a dict lookup per
question; here each distinct payload is decoded once into the stages it names, and a move
is a (time, stage) pair.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Stage
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.event_rows import (
    ITEM_IDS_PER_QUERY,
    ROWS_PER_FETCH,
    UTC_SUFFIX,
    sqlite_time,
)
from tracker_bridge.store.records import as_utc


class StageMoves(NamedTuple):
    """One item's `stage_changed` events into a known stage, in (time, row id) order."""

    moves: list[tuple[datetime, Stage]]
    """(time, stage reached) of each; a move into an unknown stage is left out."""
    first: Stage | None
    """Where the first of them began (its `from`; None: not a known stage)."""


def _named(data: Any) -> tuple[Stage | None, Stage | None]:
    """(the stage a move's payload reached, the one it began in)."""
    if not isinstance(data, dict):
        return None, None
    return parse_stage(data.get("to")), parse_stage(data.get("from"))


def read_stage_moves(
    conn: Connection, project: str, item_ids: Collection[str], after: datetime
) -> dict[str, StageMoves]:
    """Per item of `item_ids` with a move into a known stage later than `after`, its
    `StageMoves` of those moves."""
    wanted = sorted(set(item_ids))
    found: dict[str, StageMoves] = {}
    if not wanted:
        return found
    named: dict[str, tuple[Stage | None, Stage | None]] = {}  # payload -> (to, from)
    with no_gc_pauses():  # tens of thousands of pairs, none of them garbage
        for item_id, at, data in _rows(conn, project, wanted, as_utc(after)):
            if isinstance(data, str):  # SQLite's text: a few hundred distinct payloads
                stages = named.get(data)
                if stages is None:
                    stages = named[data] = _named(json.loads(data))
            else:
                stages = _named(data)
            reached, began = stages
            if reached is None:
                continue
            if isinstance(at, str):
                at = datetime.fromisoformat(at + UTC_SUFFIX)
            mine = found.get(item_id)
            if mine is None:
                found[item_id] = StageMoves([(at, reached)], began)
            else:
                mine.moves.append((at, reached))
    return found


def _rows(conn: Connection, project: str, wanted: list[str], after: datetime) -> Any:
    """(item id, time, payload) of the moves, each item's in (at, id) order: on SQLite
    the stored texts straight from the driver, the ids looked up by SQLite itself."""
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                "SELECT item_id, at, data FROM events WHERE project = ? "
                "AND kind = 'stage_changed' AND at > ? "
                "AND item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id, at, id",
                [project, sqlite_time(after), json.dumps(wanted)],
            )
            while rows := cursor.fetchmany(ROWS_PER_FETCH):
                yield from rows
        finally:
            cursor.close()
        return
    t = s.events
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        query = (
            select(t.c.item_id, t.c.at, t.c.data)
            .where(t.c.project == project, t.c.kind == "stage_changed", t.c.at > after,
                   t.c.item_id.in_(wanted[start:start + ITEM_IDS_PER_QUERY]))
            .order_by(t.c.item_id, t.c.at, t.c.id)
        )
        for item_id, at, data in conn.execute(query):
            yield item_id, as_utc(at), data
