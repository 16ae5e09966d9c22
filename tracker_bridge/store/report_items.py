"""What a sprint report needs of every item, without reading every item's JSON.

`report sprint` validated every item's JSON into a WorkItem (100,000 at 100k items: most
of a second), for figures that need a few thousand of them, as cards
(`store/report_cards.py`). Everything else it needs of the other items comes from their
card columns: which are current (the roadmap leaves those out), and each track's open
points (the forecast), summed in the database. A row without card columns is read whole
(`read_items`).
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import Connection, func, select

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Kind, Stage, Track, WorkItem, compact
from tracker_bridge.store import schema as s
from tracker_bridge.store.cards import TRACK_OF, is_ended, uncarded_ids
from tracker_bridge.store.event_rows import driver_rows
from tracker_bridge.store.stored_items import stored_item_validator


def read_current_ids(conn: Connection, project: str) -> set[str]:
    """The ids of the project's current items (`Store.get_items`'s): by their card
    columns (off the board's index), and for a row without them (`kind` NULL), by its
    JSON."""
    if conn.dialect.name == "sqlite":
        # 100,000 ids as one JSON array, decoded in one call: a row (a tuple) per id from
        # the driver cost twice as much.
        [(ids,)] = driver_rows(
            conn, "SELECT json_group_array(item_id) FROM items WHERE project = ? "
            "AND kind IS NOT NULL AND NOT coalesce(ended, 0)", [project])
        found = set(json.loads(ids))
    else:  # one array, one row: 100,000 rows through SQLAlchemy cost 0.3 s
        [(ids,)] = driver_rows(
            conn, "SELECT coalesce(array_agg(item_id), '{}') FROM items WHERE project = %s "
            "AND kind IS NOT NULL AND ended IS NOT TRUE", [project])
        found = set(ids)
    unknown = uncarded_ids(conn, project)
    if unknown:
        whole = read_items(conn, project, unknown)
        found.update(item_id for item_id, item in whole.items() if not is_ended(item))
    return found


def read_items(conn: Connection, project: str, item_ids: Collection[str]) -> dict[str, WorkItem]:
    """These items whole, in id order (the rows without card columns: their card is not
    known)."""
    i = s.items
    ids = sorted(set(item_ids))
    validate = stored_item_validator().validate_json
    if conn.dialect.name == "sqlite":  # the JSON text straight into pydantic's parser
        rows = driver_rows(
            conn, "SELECT item_id, data FROM items WHERE project = ? "
            "AND item_id IN (SELECT value FROM json_each(?)) ORDER BY item_id",
            [project, json.dumps(ids)])
        with no_gc_pauses():
            return {item_id: compact(validate(text)) for item_id, text in rows}
    query = select(i.c.item_id, i.c.data).where(
        i.c.project == project, i.c.item_id.in_(ids),
    ).order_by(i.c.item_id.collate("C"))  # bytes, as SQLite's
    stored = conn.execute(query).all()
    with no_gc_pauses():
        check = stored_item_validator().validate_python
        return {item_id: compact(check(data)) for item_id, data in stored}


def read_open_points(conn: Connection, project: str) -> dict[Track, float]:
    """Per track, the points of the current non-epic items not done (the forecast's
    backlog), by their card columns; rows without them are left out (`read_items` gives
    them whole)."""
    i = s.items
    found = dict.fromkeys(Track, 0.0)
    # Read from the board's index (`points` its last column), grouped in its order (stage,
    # track): no row of the table and nothing sorted; the tracks' sums added up here.
    query = (
        select(i.c.stage, i.c.track, func.sum(i.c.points))
        .where(i.c.project == project, i.c.kind.is_not(None), i.c.kind != Kind.EPIC._value_,
               i.c.stage != Stage.DONE._value_, i.c.points.is_not(None),
               i.c.ended.is_not(True))
        .group_by(i.c.stage, i.c.track)
    )
    for _, track, points in conn.execute(query):
        found[TRACK_OF[track]] += float(points or 0)
    return found
