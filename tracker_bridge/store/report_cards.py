"""The items a sprint report reads, as cards: their columns, not their whole JSON.

A sprint report at 100,000 items reads tens of thousands of items (every spike, the items
of the sprints it reports, the items done lately), and validating each one's JSON into a
WorkItem was a sixth of its time (37,500 items: 0.45 s). What its figures read of an item
is its card (`reports.lines.ItemLike`): the board's card columns, its sprint (a column
too), and a spike's time-box, the one nested document validated, for the spikes alone.
A row without card columns (`kind` NULL: written around the store) is read whole.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from pydantic import TypeAdapter
from sqlalchemy import Connection

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Kind, Stage, Timebox, Track, WorkItem
from tracker_bridge.store.cards import (
    CARD_COLUMNS,
    KIND_OF,
    STAGE_OF,
    TRACK_OF,
    CardOrigin,
    card_texts,
    is_ended,
    uncarded_ids,
)
from tracker_bridge.store.event_rows import driver_rows
from tracker_bridge.store.report_items import read_items

_TIMEBOX = TypeAdapter(Timebox)


class ReportCard(NamedTuple):  # a tuple: a report makes tens of thousands
    """An item as a sprint report's figures read it (`reports.lines.ItemLike`)."""

    id: str
    kind: Kind
    title: str
    track: Track
    stage: Stage
    points: float | None
    assignee: str | None
    blocked: bool
    origin: CardOrigin | None
    acceptance_criteria: tuple[str, ...]
    definition_of_done: tuple[str, ...]
    checked: tuple[str, ...]
    sprint: str | None
    timebox: Timebox | None


class ReportCards(NamedTuple):
    current: dict[str, ReportCard | WorkItem]
    """The current items, in id order."""
    ended: dict[str, ReportCard | WorkItem]
    """Tracker-born items that ended (`cards.is_ended`), in id order."""


_COLUMNS = ("item_id", *CARD_COLUMNS, "sprint")
_CHECKLISTS = ("acceptance_criteria", "definition_of_done", "checked")

# The rows `read_report_cards` reads, as SQLite text (the column names are ours; every
# value is bound): a spike's time-box cut out of its JSON by SQLite.
_SQLITE_CARDS = (
    "SELECT " + ", ".join(_COLUMNS)
    + ", CASE WHEN kind = 'spike' THEN json_extract(data, '$.timebox') END"
    " FROM items WHERE project = ? AND kind IS NOT NULL AND ("
    "sprint IN (SELECT value FROM json_each(?)) "
    "OR item_id IN (SELECT value FROM json_each(?)) "
    "OR (? AND kind = 'spike') OR ended) ORDER BY item_id"
)

# The same on PostgreSQL, through psycopg: the checklists and the time-box as JSON text, as
# SQLite gives them (decoded below as there); SQLAlchemy's rows and psycopg's JSON loaders
# took twice the time (30,000 cards at 100k items: 0.26-0.30 s -> 0.12-0.16 s).
_PG_CARDS = (
    "SELECT " + ", ".join(f"{c}::text" if c in _CHECKLISTS else c for c in _COLUMNS)
    + ", CASE WHEN kind = 'spike' THEN data->>'timebox' END"
    " FROM items WHERE project = %s AND kind IS NOT NULL AND ("
    "sprint = ANY(%s) OR item_id = ANY(%s) OR (%s AND kind = 'spike') OR ended IS TRUE)"
    ' ORDER BY item_id COLLATE "C"'  # bytes, as SQLite's
)


def read_report_cards(
    conn: Connection, project: str, *, sprint_ids: Collection[str] = (),
    item_ids: Collection[str] = (), spikes: bool = True,
) -> ReportCards:
    """The cards of the items of these sprints (their `sprint`), of these ids, every spike
    (`spikes`) and every ended item; every row without card columns whole (its card is
    not known): current and ended, each in id order."""
    sprints, ids = sorted(set(sprint_ids)), sorted(set(item_ids))
    rows: Sequence[Any]
    if conn.dialect.name == "sqlite":
        rows = driver_rows(conn, _SQLITE_CARDS,
                           [project, json.dumps(sprints), json.dumps(ids), spikes])
    else:
        rows = driver_rows(conn, _PG_CARDS, [project, sprints, ids, spikes])
    timebox = _TIMEBOX.validate_json
    current: dict[str, ReportCard | WorkItem] = {}
    ended: dict[str, ReportCard | WorkItem] = {}
    with no_gc_pauses():  # tens of thousands of cards, none of them garbage
        for (item_id, kind, title, track, stage, points, assignee, blocked, gone,
             born, key, criteria, done, checked, sprint, box) in rows:
            card = ReportCard(
                item_id, KIND_OF[kind], title, TRACK_OF[track], STAGE_OF[stage], points,
                assignee, bool(blocked), None if born is None else CardOrigin(born, key),
                # Most cards have no checklist: no call for them.
                () if criteria is None else card_texts(criteria),
                () if done is None else card_texts(done),
                () if checked is None else card_texts(checked), sprint,
                None if box is None else timebox(box))
            (ended if gone else current)[item_id] = card
    unknown = uncarded_ids(conn, project)
    if unknown:  # rare: merged into the id order
        whole = read_items(conn, project, unknown)
        for item_id, item in whole.items():
            (ended if is_ended(item) else current)[item_id] = item
        current, ended = dict(sorted(current.items())), dict(sorted(ended.items()))
    return ReportCards(current, ended)
