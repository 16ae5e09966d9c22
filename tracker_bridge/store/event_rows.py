"""Reading event rows fast: a report may read a million of them, so every microsecond counts.

SQLite hands back text for `at` and `data`; SQLAlchemy's generic processors (a regex per
datetime, `json.loads` per row, then `as_utc` twice) cost more than the query. Here SQLite
rows are read as raw text: `datetime.fromisoformat` for the time, and each distinct JSON text
decoded once (a project's event payloads are a few hundred distinct small objects:
`{"from": …, "to": …}`, `{"sprint": …}`). PostgreSQL's driver already returns typed values.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Select,
    String,
    Text,
    any_,
    bindparam,
    cast,
    select,
    type_coerce,
)

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.store import schema as s
from tracker_bridge.store.records import StoreEvent, as_utc

ITEM_IDS_PER_QUERY = 900
"""Item ids per `IN (…)` list: well under every backend's limit on bound parameters."""
ROWS_PER_FETCH = 20_000
"""Rows fetched at a time: the raw rows of a whole million would double the peak memory."""
UTC_SUFFIX = "+00:00"
"""SQLite holds naive UTC text; parsing it with this suffix gives the aware time in one
call, 6x faster than `fromisoformat(text).replace(tzinfo=UTC)` (a million rows: 0.6 s)."""
ITEM_IDS_PER_SCAN = 10 * ITEM_IDS_PER_QUERY
"""Above this many items, one pass over the project's events (filtered in Python) is
faster than the index lookups (measured on 1M events: 458k wanted, 2x faster)."""


def any_of(column: Any, ids: list[str]) -> Any:
    """`column` is one of `ids`, as one array parameter (PostgreSQL's `= ANY`): a single
    statement for tens of thousands of ids, where `IN` lists of `ITEM_IDS_PER_QUERY` bound
    values took a statement each (20,000 flow rows by key: 0.26-0.31 s -> 0.11-0.16 s)."""
    return column == any_(bindparam(None, ids, type_=ARRAY(String())))


def compiled_rows(conn: Connection, query: Any) -> list[Any]:
    """A SQLAlchemy statement's rows straight from psycopg (`driver_rows`), its parameters
    as compiled: the driver's typed values (a time aware, in the session's zone), without
    SQLAlchemy's row objects and result processors (a time zone test per time: most of the
    read of 20,000 flow rows). PostgreSQL only: SQLite's driver would bind a time in
    another form than the stored text (its statements bind `sqlite_time`)."""
    if conn.dialect.name == "sqlite":
        raise ValueError("compiled_rows is for PostgreSQL; on SQLite bind sqlite_time")
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    return driver_rows(conn, str(compiled), compiled.params)


def driver_rows(
    conn: Connection, statement: str, params: Sequence[Any] | Mapping[str, Any]
) -> list[Any]:
    """Every row of a statement sent straight to the driver (SQLite's, `?` parameters;
    psycopg, `%s`): no SQLAlchemy row object or result processor per row (they cost more
    than the query at 100k rows). The statement's text is ours; every value is a bound
    parameter."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        rows: list[Any] = cursor.execute(statement, params).fetchall()
        return rows
    finally:
        cursor.close()


def sqlite_time(at: datetime) -> str:
    """A time as SQLite holds it (`UtcDateTime`: naive UTC text of one fixed width, whose
    order is the time order): for statements sent straight to the driver."""
    return as_utc(at).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


_SLOTS = tuple(
    getattr(StoreEvent, name).__set__ for name in ("kind", "item_id", "at", "tracker", "data")
)


def trusted_event(
    kind: str, item_id: str, at: datetime, tracker: str | None, data: Any
) -> StoreEvent:
    """A `StoreEvent` from a stored row, whose time is already aware UTC: fills the slots
    directly instead of the frozen dataclass's `__init__` and `__post_init__` (a third of
    the per-row cost)."""
    event = object.__new__(StoreEvent)
    set_kind, set_item, set_at, set_tracker, set_data = _SLOTS
    set_kind(event, kind)
    set_item(event, item_id)
    set_at(event, at)
    set_tracker(event, tracker)
    set_data(event, data)
    return event


def _select(at: Any, data: Any) -> Select[Any]:
    t = s.events
    return select(t.c.id, t.c.kind, t.c.item_id, at, t.c.tracker, data)


def read_events(
    conn: Connection, *conditions: Any, order: bool = True, keep: Container[str] | None = None
) -> list[tuple[int, StoreEvent]]:
    """(row id, event) for the rows matching `conditions`, in (at, id) order if `order`.

    Without `order` the database picks the best index for the conditions (SQLite would walk
    the (project, at) index for the order and scan every event of the project instead of
    looking a few items up); the caller sorts. `keep`: only these items' rows are decoded
    (cheaper than a long `IN` list when many of the project's items are wanted)."""
    t = s.events
    if conn.dialect.name != "sqlite":
        query = _select(t.c.at, t.c.data).where(*conditions)
        if order:
            query = query.order_by(t.c.at, t.c.id)
        typed: list[tuple[int, StoreEvent]] = []
        with no_gc_pauses():
            for rows in conn.execute(query).partitions(ROWS_PER_FETCH):
                typed.extend(
                    (row_id, trusted_event(kind, item_id, as_utc(at), tracker, data))
                    for row_id, kind, item_id, at, tracker, data in rows
                    if keep is None or item_id in keep
                )
        return typed
    query = _select(type_coerce(t.c.at, String()), type_coerce(t.c.data, Text())).where(
        *conditions
    )
    if order:
        query = query.order_by(t.c.at, t.c.id)
    decoded: dict[str, Any] = {}
    names: dict[str, str] = {}  # kinds and item ids repeat: one string each, not one a row
    found: list[tuple[int, StoreEvent]] = []
    with no_gc_pauses():
        for rows in conn.execute(query).partitions(ROWS_PER_FETCH):
            for row_id, kind, item_id, at_text, tracker, data_text in rows:
                if keep is not None and item_id not in keep:
                    continue
                at = datetime.fromisoformat(at_text + UTC_SUFFIX)
                data = decoded.get(data_text)
                if data is None:
                    data = decoded[data_text] = json.loads(data_text)
                found.append((row_id, trusted_event(
                    names.setdefault(kind, kind), names.setdefault(item_id, item_id), at,
                    tracker, data,
                )))
    return found


def read_histories(
    conn: Connection, *conditions: Any, keep: Container[str] | None = None
) -> dict[str, list[StoreEvent]]:
    """Each item's events matching `conditions`, in time order (then row id): one query
    ordered by (item_id, at, id), which the (project, item_id, at) index serves as it is
    stored (no sort, and no regrouping afterwards). `keep`: only these items are decoded
    (cheaper than a long `IN` list when many of the project's items are wanted).

    Straight from the driver's cursor: SQLAlchemy's row objects cost a third of the read
    (half a million rows) on SQLite, and its result processors (a time zone per time, a
    JSON document per row) half of it on PostgreSQL. The statement is SQLAlchemy's,
    compiled with its parameters; `data` comes as JSON text, each distinct text decoded
    once."""
    t = s.events
    sqlite = conn.dialect.name == "sqlite"
    # SQLite holds the JSON as text already; PostgreSQL's jsonb is cast to it.
    text_data = type_coerce(t.c.data, Text()) if sqlite else cast(t.c.data, Text())
    query = (
        select(t.c.item_id, t.c.kind, type_coerce(t.c.at, String()) if sqlite else t.c.at,
               t.c.tracker, text_data)
        .where(*conditions)
        .order_by(t.c.item_id, t.c.at, t.c.id)
        .compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    )
    # `params` builds the whole mapping at each access: once, not once per bound value
    # (900 ids a batch made that a fifth of the read).
    named = query.params
    params: Sequence[Any] | dict[str, Any]
    if sqlite:  # the driver gets the values as they are: a time as the column stores it
        params = [sqlite_time(p) if isinstance(p, datetime) else p
                  for p in (named[name] for name in query.positiontup or ())]
    else:
        params = named
    found: dict[str, list[StoreEvent]] = {}
    decoded: dict[str, Any] = {}
    kinds: dict[str, str] = {}  # one string per kind, not one per row
    parse = datetime.fromisoformat
    new = object.__new__
    set_kind, set_item, set_at, set_tracker, set_data = _SLOTS
    current: str | None = None
    bucket: list[StoreEvent] | None = None
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(query), params)
        with no_gc_pauses():
            while rows := cursor.fetchmany(ROWS_PER_FETCH):
                for item_id, kind, at, tracker, text in rows:
                    if item_id != current:
                        current = item_id
                        wanted = keep is None or item_id in keep
                        bucket = found.setdefault(item_id, []) if wanted else None
                    if bucket is None:
                        continue
                    data = decoded.get(text)
                    if data is None:
                        data = decoded[text] = json.loads(text)
                    # `trusted_event` inlined: a call per row is a tenth of the read.
                    event = new(StoreEvent)
                    set_kind(event, kinds.setdefault(kind, kind))
                    set_item(event, item_id)
                    # SQLite: naive UTC text; psycopg: an aware time in the session's zone.
                    set_at(event, parse(at + UTC_SUFFIX) if sqlite else as_utc(at))
                    set_tracker(event, tracker)
                    set_data(event, data)
                    bucket.append(event)
    finally:
        cursor.close()
    return found
