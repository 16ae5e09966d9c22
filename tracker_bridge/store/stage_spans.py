"""Stage spans: per item, the stage it was in over each stretch of time, as its events tell.

The sprint report's cumulative flow counts, per track, the cards in each stage at the end
of each of the sprint's days. Replaying it read the later moves of every card moved since
the sprint's first day (28,000 cards, 112,000 moves at 100,000 items) and walked every item
in Python. Here each item's `created` and `stage_changed` events are reduced, when they are
written, to a few rows (`item_stage_spans`, migration 0015): its stage from `since` until
`until` (as whole microseconds since 1970 UTC), visible from its creation; the flow is
then counted in the database, per track and stage, from ranges of two indexes
(`read_flow_counts`, migration 0016): a hundred rows whatever the project's size.

The rule is the replay's (`reports.flow._stages_at` over the whole history): at a time, an
item created later is not counted; else it is in the stage its last move at or before that
time reached (moves into an unknown stage are not moves); before its first move, in the
stage that move began in (backlog if not a known one); with no move at all, in its current
stage (a span whose `stage` is NULL: the card's `stage` column says which).

A span is rebuilt from all of the item's events whenever one of them is written, in the
write's transaction (`refresh_stage_spans`), after `refresh_item_flow` has taken the item's
summary row: on PostgreSQL a concurrent writer of the same item waits there for this one to
commit, then rebuilds from every event, this one's included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    String,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
    update,
)

from tracker_bridge.model import Kind, Stage, Track
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.cards import STAGE_OF, TRACK_OF, uncarded_ids
from tracker_bridge.store.event_rows import ITEM_IDS_PER_QUERY, driver_rows
from tracker_bridge.store.records import as_utc

When = TypeVar("When", datetime, int)
"""A time: a datetime, or whole microseconds since 1970 UTC (`micros`)."""

SPAN_KINDS = ("created", "stage_changed")
"""The event kinds an item's spans are made of."""


class Span(NamedTuple, Generic[When]):
    """The item's stage from `since` (inclusive) until `until` (exclusive)."""

    stage: str | None
    """A stage value; None: the item's current stage (it has no move on record)."""
    since: When | None
    """None: from always (no creation on record before it)."""
    until: When | None
    """None: still."""


def spans_of(history: Iterable[tuple[str, When, Any]]) -> list[Span[When]]:
    """One item's spans from its (kind, time, data) events in (time, row id) order: the
    stretches of time it was in one stage, from its first creation on, in time order.
    The times are compared only: datetimes, or microseconds as the spans hold them."""
    moves: list[tuple[When, str]] = []
    created: When | None = None
    began: Stage | None = None
    for kind, at, data in history:
        if kind == "stage_changed":
            to = parse_stage(data.get("to")) if isinstance(data, Mapping) else None
            if to is None:
                continue  # into no known stage: not a move
            if not moves:
                began = parse_stage(data.get("from"))
            moves.append((at, to._value_))
        elif kind == "created" and created is None:
            created = at
    pieces: list[Span[When]]
    if not moves:
        pieces = [Span(None, None, None)]
    else:
        first = (began or Stage.BACKLOG)._value_
        ends: list[When | None] = [at for at, _ in moves[1:]]
        ends.append(None)
        pieces = [Span(first, None, moves[0][0])]
        pieces.extend(Span(stage, at, end)
                      for (at, stage), end in zip(moves, ends, strict=True))
    found: list[Span[When]] = []
    for stage, since, until in pieces:
        if created is not None:
            if until is not None and until <= created:
                continue  # before its creation: never counted
            if since is None or since < created:
                since = created
        if since is not None and until is not None and until <= since:
            continue  # moves at one time: only the last one's stage is ever counted
        if found and found[-1].stage == stage and found[-1].until == since:
            found[-1] = Span(stage, found[-1].since, until)  # moved back into where it was
        else:
            found.append(Span(stage, since, until))
    return found


def refresh_stage_spans(conn: Connection, project: str, item_ids: Iterable[str]) -> None:
    """Rebuild these items' spans from all of their events (in the caller's transaction),
    with their cards as `items` holds them now."""
    t, sp = s.events, s.item_stage_spans
    wanted = sorted(set(item_ids))
    sqlite = conn.dialect.name == "sqlite"
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        if sqlite:
            _sqlite_refresh(conn, project, batch)
            continue
        events = conn.execute(
            select(t.c.item_id, t.c.kind, t.c.at, t.c.data)
            .where(t.c.project == project, t.c.item_id.in_(batch), t.c.kind.in_(SPAN_KINDS))
            .order_by(t.c.item_id, t.c.at, t.c.id)
        ).all()
        histories: dict[str, list[tuple[str, datetime, Any]]] = {}
        for item_id, kind, at, data in events:
            histories.setdefault(item_id, []).append((kind, at, data))
        cards = _cards(conn, project, list(histories))
        conn.execute(delete(sp).where(sp.c.project == project, sp.c.item_id.in_(batch)))
        rows = [_row(project, item_id, seq, span, cards.get(item_id))
                for item_id, history in histories.items()
                for seq, span in enumerate(spans_of(history))]
        if rows:
            conn.execute(sp.insert(), rows)


def _sqlite_refresh(conn: Connection, project: str, batch: list[str]) -> None:
    """`refresh_stage_spans` of one batch on SQLite, straight from the driver: a night's
    sync rebuilds thousands of items' spans from tens of thousands of events, and
    SQLAlchemy's rows and parameters cost several times the statements."""
    ids = json.dumps(batch)
    chosen = "project = ? AND item_id IN (SELECT value FROM json_each(?))"
    # Each time as the spans hold it, worked out by SQLite from the stored text (naive UTC,
    # microseconds always written): no datetime made per event. The seconds from the text
    # cut before its fraction: SQLite's own times are in milliseconds, so `strftime('%s')`
    # of a time 999,500 microseconds or more past a second gave the next second.
    events = driver_rows(
        conn, "SELECT item_id, kind, CAST(strftime('%s', substr(at, 1, 19)) AS INTEGER) "
        "* 1000000 "
        f"+ CAST(substr(at, 21, 6) AS INTEGER), data FROM events WHERE {chosen} "
        "AND kind IN ('created', 'stage_changed') ORDER BY item_id, at, id", [project, ids])
    payloads: dict[str, Any] = {}  # a few hundred distinct payloads
    histories: dict[str, list[tuple[str, int, Any]]] = {}
    for item_id, kind, at, text in events:
        data = payloads.get(text)
        if data is None:
            data = payloads[text] = json.loads(text)
        histories.setdefault(item_id, []).append((kind, at, data))
    cards = {item_id: (kind, track, stage, bool(ended) if ended is not None else None)
             for item_id, kind, track, stage, ended in driver_rows(
                 conn, f"SELECT item_id, kind, track, stage, ended FROM items WHERE {chosen}",
                 [project, ids])}
    # Only the rows that change: a new move changes an item's last span and adds one,
    # and every row written or deleted also fires the quiet-night triggers.
    kept: dict[str, list[tuple[Any, ...]]] = {}
    for item_id, *row in driver_rows(
            conn, "SELECT item_id, seq, stage, current, since, until, track, counted "
            f"FROM item_stage_spans WHERE {chosen} ORDER BY item_id, seq", [project, ids]):
        kept.setdefault(item_id, []).append(tuple(row))
    gone: list[tuple[str, str, int]] = []
    added: list[tuple[Any, ...]] = []
    for item_id in batch:
        old = kept.get(item_id, [])
        history = histories.get(item_id)  # None: no event of these kinds to rebuild from
        new = [] if history is None else [
            tuple(_row(project, item_id, seq, span, cards.get(item_id)).values())[2:]
            for seq, span in enumerate(spans_of(history))]
        same = 0  # rows compare equal to SQLite's stored ones (its 0/1 == False/True)
        while same < min(len(old), len(new)) and old[same] == new[same]:
            same += 1
        gone.extend((project, item_id, seq) for seq, *_ in old[same:])
        added.extend((project, item_id, *row) for row in new[same:])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany("DELETE FROM item_stage_spans WHERE project = ? AND item_id = ? "
                           "AND seq = ?", gone)
        cursor.executemany(
            "INSERT INTO item_stage_spans (project, item_id, seq, stage, current, since, until, "
            "track, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", added)
    finally:
        cursor.close()


_Card = tuple[str | None, str | None, str | None, bool | None]
"""(kind, track, stage, ended) of an item's card columns (all None: none)."""


def _cards(conn: Connection, project: str, item_ids: list[str]) -> dict[str, _Card]:
    i = s.items
    rows = conn.execute(select(i.c.item_id, i.c.kind, i.c.track, i.c.stage, i.c.ended)
                        .where(i.c.project == project, i.c.item_id.in_(item_ids)))
    return {item_id: (kind, track, stage, ended) for item_id, kind, track, stage, ended in rows}


def _counted(card: _Card | None) -> bool:
    """A current card the flow counts: a row of `items` with card columns, no epic, not
    ended (`read_board`'s cards)."""
    return (card is not None and card[0] is not None and card[0] != Kind.EPIC._value_
            and not card[3])


def _row(
    project: str, item_id: str, seq: int, span: Span[Any], card: _Card | None
) -> dict[str, Any]:
    now = None if card is None else card[2]
    return {"project": project, "item_id": item_id, "seq": seq,
            "stage": span.stage or now or Stage.BACKLOG._value_, "current": span.stage is None,
            "since": _stamp(span.since), "until": _stamp(span.until),
            "track": None if card is None else card[1], "counted": _counted(card)}


def refresh_span_cards(conn: Connection, project: str, item_ids: Iterable[str]) -> None:
    """Copy these items' cards (as `items` holds them now, or none) into their spans, and
    give an item with none (no event of `SPAN_KINDS`) its one: in its current stage,
    always (`spans_of` of no event). After their rows are written or dropped
    (`save_items`, `drop_items`), in that transaction. A sync holds its project's lock,
    so no write of events races it."""
    sp, i = s.item_stage_spans, s.items
    wanted = sorted(set(item_ids))
    if conn.dialect.name == "sqlite":
        _sqlite_span_cards(conn, project, wanted)
        return

    def card(column: Any) -> Any:
        return (select(column).where(i.c.project == sp.c.project, i.c.item_id == sp.c.item_id)
                .scalar_subquery())

    counted = and_(i.c.kind.is_not(None), i.c.kind != Kind.EPIC._value_, i.c.ended.is_not(True))
    spanned = select(sp.c.item_id).where(sp.c.project == i.c.project,
                                         sp.c.item_id == i.c.item_id).exists()
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        track, counts = card(i.c.track), func.coalesce(card(counted), False)
        stage = case((sp.c.current, func.coalesce(card(i.c.stage), sp.c.stage)),
                     else_=sp.c.stage)
        conn.execute(
            update(sp)
            # Only the rows whose card changed: most saves change a title or a stage of
            # an item that has moved (its spans hold no card stage), and every row
            # written fires the quiet-night triggers.
            .where(sp.c.project == project, sp.c.item_id.in_(batch),
                   or_(sp.c.track.is_distinct_from(track), sp.c.counted != counts,
                       sp.c.stage != stage))
            .values(track=track, counted=counts, stage=stage)
        )
        conn.execute(insert(sp).from_select(
            ["project", "item_id", "seq", "stage", "current", "since", "until", "track",
             "counted"],
            select(i.c.project, i.c.item_id, literal(0),
                   func.coalesce(i.c.stage, Stage.BACKLOG._value_), true(), null(), null(),
                   i.c.track, func.coalesce(counted, False))
            .where(i.c.project == project, i.c.item_id.in_(batch), ~spanned),
        ))


_SQLITE_COUNTED = "(i.kind IS NOT NULL AND i.kind != 'epic' AND NOT coalesce(i.ended, 0))"


def _sqlite_span_cards(conn: Connection, project: str, wanted: list[str]) -> None:
    """`refresh_span_cards` on SQLite: three statements over every id at once (a first
    sync saves 100,000 items), each row written only if its card changed."""
    ids = json.dumps(wanted)
    chosen = "sp.project = ? AND sp.item_id IN (SELECT value FROM json_each(?))"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(  # the items saved
            "UPDATE item_stage_spans AS sp SET track = i.track, "
            f"counted = {_SQLITE_COUNTED}, "
            "stage = CASE WHEN sp.current THEN coalesce(i.stage, sp.stage) ELSE sp.stage END "
            f"FROM items AS i WHERE {chosen} AND i.project = sp.project "
            "AND i.item_id = sp.item_id AND (sp.track IS NOT i.track "
            f"OR sp.counted != {_SQLITE_COUNTED} "
            "OR (sp.current AND sp.stage != coalesce(i.stage, sp.stage)))", [project, ids])
        cursor.execute(  # the items dropped
            "UPDATE item_stage_spans AS sp SET track = NULL, counted = 0 "
            f"WHERE {chosen} AND (sp.track IS NOT NULL OR sp.counted) AND NOT EXISTS "
            "(SELECT 1 FROM items AS i WHERE i.project = sp.project "
            "AND i.item_id = sp.item_id)", [project, ids])
        cursor.execute(  # the items with no span yet
            "INSERT INTO item_stage_spans (project, item_id, seq, stage, current, since, until, "
            f"track, counted) SELECT i.project, i.item_id, 0, coalesce(i.stage, 'backlog'), 1, "
            f"NULL, NULL, i.track, {_SQLITE_COUNTED} FROM items AS i "
            "WHERE i.project = ? AND i.item_id IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM item_stage_spans AS sp "
            "WHERE sp.project = i.project AND sp.item_id = i.item_id)", [project, ids])
    finally:
        cursor.close()


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(at: datetime | int | None) -> int | None:
    return micros(at) if isinstance(at, datetime) else at


def micros(at: datetime) -> int:
    """A time as the spans hold it: whole microseconds since 1970 UTC (an integer compares
    in a third less time than SQLite's text times, hundreds of thousands a report)."""
    return (as_utc(at) - EPOCH) // timedelta(microseconds=1)


FlowCounts = dict[tuple[Track, Stage], list[int]]
"""(track, stage) -> the number of cards in that stage at each of the times asked for."""


class FlowRead(NamedTuple):
    counts: FlowCounts
    """Of the current cards of the project with card columns (epics left out)."""
    unread: set[str]
    """The items whose rows have no card columns (`store/cards.py`): not counted."""


def read_flow_counts(conn: Connection, project: str, times: Sequence[datetime]) -> FlowRead:
    """The cumulative flow of the project's current cards at `times` (ascending), as the
    replay of their events counts it (see the module doc), from their spans: each span
    counts at the times from its `since` to before its `until`; a card with no span (no
    `created` or stage move on record) at every time, in its stage. Pairs counted at no
    time are left out."""
    counts: FlowCounts = {}
    unread = set(uncarded_ids(conn, project))
    if not times:  # a sprint not begun: no count, but `unread` all the same
        return FlowRead(counts, unread)
    stamps = [micros(at) for at in times]
    width = len(stamps)
    rows = (_sqlite_span_rows if conn.dialect.name == "sqlite" else _typed_span_rows)(
        conn, project, stamps)
    for track, stage, end, count in rows:
        if count:
            row = counts.setdefault((TRACK_OF[track], STAGE_OF[stage]), [0] * width)
            for k in range(end):
                row[k] += count
    return FlowRead({pair: row for pair, row in counts.items() if any(row)}, unread)


# The flow without a sort: at time k a card is in the stage of its span that has ended
# after it (or not at all) and had begun by it, so the count of a (track, stage) at time k
# is the number of its spans ending after time k (or never) less the number of those
# beginning after it. Both are counts of ranges of one index each, per (track, stage) and
# per stretch between two times: the spans ending (or beginning) in stretch k, after time
# k - 1 and by time k, count (or are taken off) at times 0 to k - 1; the open spans at
# every time. Each span is stepped over once or twice, in index order, and nothing is
# grouped: a GROUP BY over the spans ended or begun since the first time sorted 140,000 of
# them (0.2 s at 100k items).
_BEYOND = 2 ** 63 - 1
"""The end of the last stretch: after the last time, whenever (the largest integer)."""


def _stretches(stamps: list[int]) -> list[tuple[int, int, int]]:
    """(k, after, by) of each stretch of time: after time k - 1 and by time k, the last
    one after the last time."""
    ends = [*stamps[1:], _BEYOND]
    return [(k, after, by) for k, (after, by) in enumerate(zip(stamps, ends, strict=True),
                                                          start=1)]


def _pairs() -> list[tuple[str, str]]:
    return [(track._value_, stage._value_) for track in Track for stage in Stage]


def _sqlite_span_rows(conn: Connection, project: str, stamps: list[int]) -> list[Any]:
    """(track, stage, k, cards) to count at the times before k: straight from the driver,
    the pairs and the stretches bound as JSON."""
    spans = ("(SELECT count(*) FROM item_stage_spans WHERE project = ?1 AND counted = 1 "
             "AND track = json_extract(p.value, '$[0]') "
             "AND stage = json_extract(p.value, '$[1]') AND {})")
    within = "{0} > json_extract(e.value, '$[1]') AND {0} <= json_extract(e.value, '$[2]')"
    return driver_rows(
        conn,
        "SELECT json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]'), "
        f"json_extract(e.value, '$[0]'), {spans.format(within.format('until'))} - "
        f"{spans.format(within.format('since'))} FROM json_each(?2) AS p, json_each(?3) AS e "
        "UNION ALL SELECT json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]'), ?4, "
        f"{spans.format('until IS NULL')} FROM json_each(?2) AS p",
        [project, json.dumps(_pairs()), json.dumps(_stretches(stamps)), len(stamps)],
    )


def _typed_span_rows(conn: Connection, project: str, stamps: list[int]) -> list[Any]:
    """`_sqlite_span_rows` with SQLAlchemy (on PostgreSQL)."""
    sp = s.item_stage_spans
    pair = union_all(*(select(literal(track, String).label("track"),
                              literal(stage, String).label("stage"))
                       for track, stage in _pairs())).subquery("pair")
    stretch = union_all(*(select(literal(k, Integer).label("k"),
                                 literal(after, BigInteger).label("after"),
                                 literal(by, BigInteger).label("by"))
                          for k, after, by in _stretches(stamps))).subquery("stretch")

    def spans(*where: Any) -> Any:
        return (select(func.count()).select_from(sp)
                .where(sp.c.project == project, sp.c.counted.is_(True),
                       sp.c.track == pair.c.track, sp.c.stage == pair.c.stage, *where)
                .scalar_subquery())

    ending = spans(sp.c.until > stretch.c.after, sp.c.until <= stretch.c.by)
    beginning = spans(sp.c.since > stretch.c.after, sp.c.since <= stretch.c.by)
    return list(conn.execute(union_all(
        select(pair.c.track, pair.c.stage, stretch.c.k, ending - beginning)
        .select_from(pair.join(stretch, true())),  # every pair at every stretch
        select(pair.c.track, pair.c.stage, literal(len(stamps), Integer),
               spans(sp.c.until.is_(None))),
    )))
