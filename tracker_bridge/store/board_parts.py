"""The board from aggregates: counts per stage and track, and the first cards of each list.

`status` used to read every item's card (100k rows) and the flow summary of every card in
progress (50k), to print counts and lists clipped at 50. Here the database counts the
current cards (`ended` left out, epics too) per stage and track, and hands over only the
first `limit` cards of each list in id order (per stage and track, blocked, born in a
tracker); of the cards that can be ageing, only their ids and when they entered their
stage, grouped by that time (`ageing_groups`), so the reports pick the oldest exactly and
read those cards alone (`read_cards`). Rows written without card columns (`kind` NULL) are
not counted: their ids are handed over, to be read in full.

Ids are ordered as Python orders them (code points): SQLite's default collation does; on
PostgreSQL the column is compared byte-wise (`COLLATE "C"`), whatever the database's.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, case, func, select

from tracker_bridge.model import Kind, Stage, Track
from tracker_bridge.store import schema as s
from tracker_bridge.store.cards import (
    CARD_COLUMNS,
    KIND_OF,
    STAGE_OF,
    TRACK_OF,
    Card,
    CardOrigin,
    card_texts,
    uncarded_ids,
)
from tracker_bridge.store.event_rows import ITEM_IDS_PER_QUERY, UTC_SUFFIX, driver_rows, sqlite_time
from tracker_bridge.store.records import as_utc

Pair = tuple[Stage, Track]
_ACTIVE = tuple(stage._value_ for stage in Stage if stage.is_active)


class StoreBoard(NamedTuple):
    counts: dict[Pair, int]
    """Current cards per stage and track (pairs with none left out)."""
    heads: dict[Pair, list[Card]]
    """Per stage and track, its first cards in id order."""
    blocked: list[Card]
    """The first blocked cards not done, in id order."""
    blocked_total: int
    born: list[Card]
    """The first cards born in a tracker, stage by stage (board order), then by id."""
    born_total: int
    in_full: list[str]
    """Rows without card columns: not counted, to be read in full."""


def _current(project: str) -> Any:
    """The current cards with card columns: `kind` NULL is not `!=` anything."""
    t = s.items
    return and_(t.c.project == project, t.c.kind != Kind.EPIC.value, t.c.ended.is_not(True))


def _by_id(conn: Connection) -> Any:
    item_id = s.items.c.item_id
    return item_id.collate("C") if conn.dialect.name == "postgresql" else item_id


def _cards(conn: Connection, where: Any, order: Sequence[Any], limit: int) -> list[Card]:
    t = s.items
    query = (select(t.c.item_id, *(t.c[c] for c in CARD_COLUMNS)).where(where)
             .order_by(*order).limit(limit))
    return [card_of(row) for row in conn.execute(query)]


def read_board_parts(conn: Connection, project: str, limit: int) -> StoreBoard:
    """The counts, and the first `limit` cards of each list (see the module doc)."""
    t = s.items
    current = _current(project)
    blocked = and_(t.c.blocked.is_(True), t.c.stage != Stage.DONE.value)
    born = t.c.origin_tracker.is_not(None)
    # Plain counts: an expression per row (a CASE) cost as much again as the pass over
    # the index. Blocked cards are counted per stage, and those done left out here.
    counted = conn.execute(
        select(t.c.stage, t.c.track, func.count(), func.count(func.nullif(t.c.blocked, False)),
               func.count(t.c.origin_tracker))
        .where(current).group_by(t.c.stage, t.c.track)
    ).all()
    counts: dict[Pair, int] = {}
    blocked_total = born_total = 0
    for stage, track, count, blocked_count, born_count in counted:
        counts[STAGE_OF[stage], TRACK_OF[track]] = count
        if stage != Stage.DONE.value:
            blocked_total += blocked_count
        born_total += born_count
    by_id = _by_id(conn)
    heads = {
        (stage, track): _cards(conn, and_(current, t.c.stage == stage._value_,
                                          t.c.track == track._value_), [by_id], limit)
        for stage, track in counts
    }
    position = case(*((t.c.stage == stage._value_, stage.position) for stage in Stage))
    in_full = uncarded_ids(conn, project)
    return StoreBoard(
        counts, heads,
        _cards(conn, and_(current, blocked), [by_id], limit) if blocked_total else [],
        blocked_total,
        _cards(conn, and_(current, born), [position, by_id], limit) if born_total else [],
        born_total,
        in_full,
    )


def card_of(row: Sequence[Any]) -> Card:
    """A `Card` from `items.item_id` and the `CARD_COLUMNS`, as SQLAlchemy reads them."""
    (item_id, kind, title, track, stage, points, assignee, blocked, _ended, born, key,
     criteria, done, checked) = row
    return Card(item_id, KIND_OF[kind], title, TRACK_OF[track], STAGE_OF[stage], points, assignee,
                bool(blocked), None if born is None else CardOrigin(born, key),
                card_texts(criteria), card_texts(done), card_texts(checked))


def _entered(conn: Connection) -> Any:
    """When a card entered its current (active) stage, as `entered_stage_from` reads its
    flow summary: its last move into it; with moves but none into it, unknown; with no
    move, its creation."""
    t, f = s.items, s.item_flow
    return func.coalesce(
        case(*((t.c.stage == value, f.c[f"entered_{value}"]) for value in _ACTIVE)),
        case((f.c.moved_at.is_(None), f.c.created_at)),
    )


class EnteredTogether(NamedTuple):
    """The current cards in an active stage that entered it at one time (an import moves
    thousands at once): what `ageing_groups` hands over per time."""

    since: datetime
    cards: int
    """How many."""
    ids: Any
    """JSON text of the ids (SQLite's `json_group_array`) or their list (PostgreSQL's
    `array_agg`), in no order: decoded by `item_ids` for the few times whose cards a
    clipped list shows."""

    def item_ids(self) -> list[str]:
        return json.loads(self.ids) if isinstance(self.ids, str) else list(self.ids)


# `ageing_groups` as SQLite text, the rows straight from the driver: the column names are
# ours, every value bound.
_SQLITE_ENTERED = (
    "COALESCE(CASE i.stage "
    + " ".join(f"WHEN '{value}' THEN f.entered_{value}" for value in _ACTIVE)
    + " END, CASE WHEN f.moved_at IS NULL THEN f.created_at END)"
)
_SQLITE_GROUPS = (
    f"SELECT {_SQLITE_ENTERED} AS since, COUNT(*), json_group_array(i.item_id)"
    " FROM items AS i JOIN item_flow AS f ON f.project = i.project AND f.item_id = i.item_id"
    " WHERE i.project = ? AND i.kind != 'epic' AND i.ended IS NOT 1"
    f" AND i.stage IN ({', '.join(repr(value) for value in _ACTIVE)})"
    f" AND {_SQLITE_ENTERED} < ? GROUP BY since"
)


def ageing_groups(
    conn: Connection, project: str, entered_before: datetime
) -> list[EnteredTogether]:
    """The current cards in an active stage (epics left out) that entered it before
    `entered_before`, grouped by when they entered it: tens of thousands of cards at 100k
    items, but few distinct times where cards were imported or moved in bulk (and never
    more rows than cards)."""
    if conn.dialect.name == "sqlite":
        rows = driver_rows(conn, _SQLITE_GROUPS, [project, sqlite_time(entered_before)])
        return [EnteredTogether(datetime.fromisoformat(since + UTC_SUFFIX), count, ids)
                for since, count, ids in rows]
    t, f = s.items, s.item_flow
    entered = _entered(conn).label("since")
    query = (
        select(entered, func.count(), func.array_agg(t.c.item_id))
        .select_from(t.join(f, (f.c.project == t.c.project) & (f.c.item_id == t.c.item_id)))
        .where(_current(project), t.c.stage.in_(_ACTIVE), entered < as_utc(entered_before))
        .group_by(entered)
    )
    return [EnteredTogether(since, count, ids) for since, count, ids in conn.execute(query)]


def read_cards(
    conn: Connection, project: str, item_ids: Collection[str]
) -> dict[str, tuple[Card, datetime | None]]:
    """These items' cards, each with when it was first started (its flow summary's,
    `started_from`; None without one), by id."""
    t, f = s.items, s.item_flow
    wanted = sorted(item_ids)
    found: dict[str, tuple[Card, datetime | None]] = {}
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        query = (
            select(t.c.item_id, *(t.c[c] for c in CARD_COLUMNS), f.c.started_at)
            .select_from(t.outerjoin(f, (f.c.project == t.c.project)
                                     & (f.c.item_id == t.c.item_id)))
            .where(t.c.project == project, t.c.item_id.in_(batch))
        )
        for *row, started in conn.execute(query):
            card = card_of(row)
            found[card.id] = (card, started)
    return found
