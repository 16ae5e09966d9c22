"""Reading event rows fast: a report may read a million of them, so every microsecond counts.

SQLite hands back text for `at` and `data`; SQLAlchemy's generic processors (a regex per
datetime, `json.loads` per row, then `as_utc` twice) cost more than the query. Here SQLite
rows are read as raw text: `datetime.fromisoformat` for the time, and each distinct JSON text
decoded once (a project's event payloads are a few hundred distinct small objects:
`{"from": …, "to": …}`, `{"sprint": …}`). PostgreSQL's driver already returns typed values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, String, Text, select, type_coerce

from tracker_bridge.store import schema as s
from tracker_bridge.store.records import StoreEvent

ITEM_IDS_PER_QUERY = 900
"""Item ids per `IN (…)` list: well under every backend's limit on bound parameters."""


def _select(at: Any, data: Any) -> Select[Any]:
    t = s.events
    return select(t.c.id, t.c.kind, t.c.item_id, at, t.c.tracker, data)


def read_events(
    conn: Connection, *conditions: Any, order: bool = True
) -> list[tuple[int, StoreEvent]]:
    """(row id, event) for the rows matching `conditions`, in (at, id) order if `order`.

    Without `order` the database picks the best index for the conditions (SQLite would walk
    the (project, at) index for the order and scan every event of the project instead of
    looking a few items up); the caller sorts."""
    t = s.events
    if conn.dialect.name != "sqlite":
        query = _select(t.c.at, t.c.data).where(*conditions)
        if order:
            query = query.order_by(t.c.at, t.c.id)
        return [(row_id, StoreEvent(kind, item_id, at, tracker, data))
                for row_id, kind, item_id, at, tracker, data in conn.execute(query).tuples()]
    query = _select(type_coerce(t.c.at, String()), type_coerce(t.c.data, Text())).where(
        *conditions
    )
    if order:
        query = query.order_by(t.c.at, t.c.id)
    decoded: dict[str, Any] = {}
    found: list[tuple[int, StoreEvent]] = []
    for row_id, kind, item_id, at_text, tracker, data_text in conn.execute(query).tuples():
        at = datetime.fromisoformat(at_text).replace(tzinfo=UTC)
        data = decoded.get(data_text)
        if data is None:
            data = decoded[data_text] = json.loads(data_text)
        found.append((row_id, StoreEvent(kind, item_id, at, tracker, data)))
    return found
