"""Board cards: the fields of an item the board shows, kept as columns of `items`.

`status` shows, per card, its id, kind, title, track, stage, points, assignee, blocked flag,
tracker of birth and checklist. Validating every stored JSON document into a WorkItem for
that was most of its time at 100k items (1 s); the columns (migration 0009) are read as
plain rows. `card_columns` gives them from a WorkItem, for every write of the JSON
(`Store.save_items`) and for anything that fills `items` by other means (the benchmark's
bulk insert). A row without card columns (`kind` NULL) is read in full.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, case, select

from tracker_bridge.gc_pause import no_gc_pauses
from tracker_bridge.model import Kind, Stage, Track, WorkItem
from tracker_bridge.store import schema as s
from tracker_bridge.store.event_rows import UTC_SUFFIX, driver_rows
from tracker_bridge.store.records import ItemFlow

CARD_COLUMNS = ("kind", "title", "track", "stage", "points", "assignee", "blocked", "ended",
                "origin_tracker", "origin_key", "acceptance_criteria", "definition_of_done",
                "checked")


def is_ended(item: WorkItem) -> bool:
    """A tracker-born item that ended (its issue deleted, moved away, out of scope): off
    the board (its `ended` card column)."""
    return item.origin is not None and item.origin.ended is not None


def card_columns(item: WorkItem) -> dict[str, Any]:
    """The card columns of `items` for this item (what migration 0009 fills from JSON)."""
    origin = item.origin
    return {
        "kind": item.kind._value_,
        "title": item.title,
        "track": item.track._value_,
        "stage": item.stage._value_,
        "points": item.points,
        "assignee": item.assignee,
        "blocked": item.blocked,
        "ended": is_ended(item),
        "origin_tracker": origin.tracker if origin else None,
        "origin_key": origin.key if origin else None,
        # JSON arrays, NULL when empty (most items): nothing to parse for them.
        "acceptance_criteria": list(item.acceptance_criteria) or None,
        "definition_of_done": list(item.definition_of_done) or None,
        "checked": list(item.checked) or None,
    }


class CardOrigin(NamedTuple):
    """Where a tracker-born card was born (the part of `Origin` its line shows)."""

    tracker: str
    key: str


class Card(NamedTuple):  # a tuple: `status` makes one per item (100k)
    """An item as the board shows it (`reports.lines.CardLike`)."""

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


class BoardRead(NamedTuple):
    cards: dict[str, Card]
    """The current items (ended ones left out), by id."""
    in_full: list[str]
    """The items to read in full (rows without card columns; ended ones among them)."""
    flows: dict[str, ItemFlow]
    """The flow summaries of the cards in an active stage (epics left out), as
    `Store.item_flows` gives them with each card's current stage."""


_ACTIVE = tuple(stage._value_ for stage in Stage if stage.is_active)


def read_board(conn: Connection, project: str) -> BoardRead:
    """Every item's card with its flow summary, in one pass over `items` and `item_flow`."""
    rows: Iterable[Any]
    if conn.dialect.name == "sqlite":
        # Straight from the driver: SQLAlchemy's result rows and its regex per datetime
        # cost more than the query (100k rows); the stored text is parsed here.
        rows = driver_rows(conn, _SQLITE_BOARD, [project])
        parse: Any = _parse_stored
    else:
        rows = conn.execute(_board_query(project)).all()
        parse = _as_is
    with no_gc_pauses():  # 100k cards and 50k flows, none of them garbage
        return _board(rows, parse)


def _board_query(project: str) -> Any:
    t, f = s.items, s.item_flow
    # When the card entered its current stage: that stage's column of its flow row, for
    # the active stages only (the board reads no other).
    entered = case(*((t.c.stage == value, f.c[f"entered_{value}"]) for value in _ACTIVE))
    return (
        select(t.c.item_id, *(t.c[c] for c in CARD_COLUMNS),
               f.c.item_id, f.c.created_at, f.c.started_at, f.c.moved_at, entered)
        .select_from(t.outerjoin(f, (f.c.project == t.c.project) & (f.c.item_id == t.c.item_id)))
        .where(t.c.project == project)
    )


# The same query as `_board_query`, as SQLite text (the column names are ours, not user text).
_SQLITE_BOARD = (
    "SELECT i.item_id, " + ", ".join(f"i.{c}" for c in CARD_COLUMNS)
    + ", f.item_id, f.created_at, f.started_at, f.moved_at, CASE i.stage "
    + " ".join(f"WHEN '{value}' THEN f.entered_{value}" for value in _ACTIVE)
    + " END FROM items AS i LEFT JOIN item_flow AS f"
    " ON f.project = i.project AND f.item_id = i.item_id WHERE i.project = ?"
)


def _parse_stored(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text + UTC_SUFFIX)


def _as_is(at: datetime | None) -> datetime | None:
    return at


def uncarded_ids(conn: Connection, project: str) -> list[str]:
    """The ids of the project's rows without card columns (`kind` NULL: written around the
    store), to be read in full: none in a store written since 0009, found off the partial
    index of those rows alone (migration 0016)."""
    t = s.items
    return list(conn.execute(
        select(t.c.item_id).where(t.c.project == project, t.c.kind.is_(None))).scalars())


KIND_OF = {kind._value_: kind for kind in Kind}
"""A `kind` column's value -> its Kind: a dict lookup per row, not an enum call."""
TRACK_OF = {track._value_: track for track in Track}
STAGE_OF = {stage._value_: stage for stage in Stage}


def card_texts(stored: str | list[str] | None) -> tuple[str, ...]:
    """A checklist column: JSON text from SQLite's driver, a list through SQLAlchemy, NULL
    (most items) none."""
    if stored is None:
        return ()
    return tuple(json.loads(stored) if isinstance(stored, str) else stored)


def _board(rows: Iterable[Any], parse: Any) -> BoardRead:
    kinds, tracks, stages = KIND_OF, TRACK_OF, STAGE_OF
    epic = Kind.EPIC._value_
    board = BoardRead({}, [], {})
    cards, in_full, flows = board
    for (item_id, kind, title, track, stage, points, assignee, blocked, ended, born, key,
         criteria, done, checked, flow_id, created, started, moved, entered) in rows:
        if kind is None:
            in_full.append(item_id)  # written without card columns: ended is not known
            continue
        if ended:
            continue
        cards[item_id] = Card(
            item_id, kinds[kind], title, tracks[track], stages[stage], points, assignee,
            bool(blocked), None if born is None else CardOrigin(born, key),
            # Most cards have no checklist: no call for them.
            () if criteria is None else card_texts(criteria),
            () if done is None else card_texts(done),
            () if checked is None else card_texts(checked),
        )
        if flow_id is not None and stage in _ACTIVE and kind != epic:
            flows[item_id] = ItemFlow(parse(created), parse(started), parse(moved),
                                      {} if entered is None else {stage: parse(entered)})
    return board
