"""The sprints events name, and where an item stood at a time, without reading its history.

`report sprint` needs the items each of its sprints can hold (its own and the closed ones
its velocity is the mean of), and of the closed ones, per item, three facts at the sprint's
end: was it in the sprint, was it done, its points. At 100,000 items that meant scanning
every sprint move (200k rows) and replaying the whole histories of 12,500 items.

The `item_sprints` table (migration 0013) keeps, per (sprint, item) named by an event of
`SPRINT_KINDS`, the first and last moves of the item into and out of that sprint: MIN/MAX
of its events, folded in by `record_events` in the write's transaction (exact whatever
order events arrive in, as `item_flow`). These, and `item_flow`'s last move into each stage,
settle most items; the others are found by index seeks on (project, kind, item_id, at), or
where even those cannot tell (ties, unknown stages), by that item's events of one kind.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from tracker_bridge.model import Stage
from tracker_bridge.store import schema as s
from tracker_bridge.store.engine import upsert_earliest_latest
from tracker_bridge.store.event_rows import (
    ITEM_IDS_PER_QUERY,
    any_of,
    compiled_rows,
    driver_rows,
    read_histories,
    sqlite_time,
)
from tracker_bridge.store.records import StoreEvent, as_utc

SPRINT_KINDS = ("created", "sprint_added", "sprint_removed")
"""The event kinds whose `data["sprint"]` names a sprint an item moved in or out of."""
MOVES = ("first_in", "last_in", "first_out", "last_out")
STAGES = frozenset(stage.value for stage in Stage)
DONE = Stage.DONE.value


def sprint_move(kind: str, data: Any) -> tuple[str, bool | None] | None:
    """(the sprint an event names, True: the item moved in, False: out, None: neither, a
    `created` the first sync found as the roadmap planned it: `seed`), or None."""
    if kind not in SPRINT_KINDS or not isinstance(data, Mapping):
        return None
    sprint = data.get("sprint")
    if not isinstance(sprint, str):
        return None
    if kind == "sprint_removed":
        return sprint, False
    return sprint, None if kind == "created" and data.get("seed") else True


def _fold(events: Iterable[tuple[str, str, Any, datetime]]) -> dict[tuple[str, str], list[Any]]:
    """(sprint id, item id) -> its `MOVES` times, of (item id, kind, data, at) events."""
    found: dict[tuple[str, str], list[Any]] = {}
    for item_id, kind, data, at in events:
        move = sprint_move(kind, data)
        if move is None:
            continue
        sprint, added = move
        times = found.setdefault((sprint, item_id), [None] * len(MOVES))
        if added is not None:
            first = 0 if added else 2
            times[first] = at if times[first] is None else min(times[first], at)
            times[first + 1] = at if times[first + 1] is None else max(times[first + 1], at)
    return found


def refresh_item_sprints(
    conn: Connection, project: str, events: Iterable[tuple[str, str, Any, datetime]]
) -> None:
    """Fold these (item id, kind, data, at) events into their (sprint, item) rows, in the
    caller's transaction; merged as `refresh_item_flow` merges, so a concurrent writer's
    rows and events arriving in any order give the same rows."""
    folded = _fold(events)
    if not folded:
        return
    stmt = upsert_earliest_latest(conn, s.item_sprints, ("project", "sprint_id", "item_id"),
                                  [c for c in MOVES if c.startswith("first")],
                                  [c for c in MOVES if not c.startswith("first")])
    conn.execute(stmt, [  # in key order: concurrent writers lock rows in the same order
        {"project": project, "sprint_id": sprint, "item_id": item_id,
         **dict(zip(MOVES, times, strict=True))}
        for (sprint, item_id), times in sorted(folded.items())
    ])


def read_sprints_named(
    conn: Connection, project: str, sprint_ids: Iterable[str]
) -> dict[str, set[str]]:
    """Sprint id -> the items with an event of `SPRINT_KINDS` whose `data["sprint"]` is
    that id, for these sprints, every one listed: their `item_sprints` rows."""
    wanted = sorted(set(sprint_ids))
    found: dict[str, set[str]] = {sprint_id: set() for sprint_id in wanted}
    p = s.item_sprints
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        if conn.dialect.name == "sqlite":  # a few thousand rows a sprint: no row objects
            rows = driver_rows(
                conn, "SELECT sprint_id, item_id FROM item_sprints WHERE project = ? "
                f"AND sprint_id IN ({', '.join('?' * len(batch))})", [project, *batch])
        else:
            rows = list(conn.execute(select(p.c.sprint_id, p.c.item_id).where(
                p.c.project == project, p.c.sprint_id.in_(batch))))
        for sprint_id, item_id in rows:
            found[sprint_id].add(item_id)
    return found


UNSETTLED = -1
"""A summary cannot tell (of 1: yes, 0: no): the events must."""


def _member(times: list[Any], at: Any) -> int:
    """In the sprint at `at` by its moves' first and last times (`MOVES`; at least one
    move), or `UNSETTLED`. `_SQLITE_MEMBER` is the same rule."""
    first_in, last_in, first_out, last_out = times
    if max(t for t in (last_in, last_out) if t is not None) <= at:
        # Every move by then: the last one says.
        if last_in is None or last_out is None:
            return int(last_out is None)
        if last_in == last_out:
            return UNSETTLED  # which came last is in the events' order only
        return int(last_in > last_out)
    if min(t for t in (first_in, first_out) if t is not None) > at:
        # None by then: a first move out means it was in before.
        if first_in is None or first_out is None:
            return int(first_in is None)
        if first_in == first_out:
            return UNSETTLED
        return int(first_out < first_in)
    return UNSETTLED


_SQLITE_MEMBER = (
    "SELECT item_id, CASE "
    "WHEN max(coalesce(last_in, ''), coalesce(last_out, '')) <= ?1 THEN CASE "
    "WHEN last_in IS NULL THEN 0 WHEN last_out IS NULL THEN 1 "
    "WHEN last_in = last_out THEN -1 ELSE last_in > last_out END "
    "WHEN min(coalesce(first_in, '~'), coalesce(first_out, '~')) > ?1 THEN CASE "
    "WHEN first_in IS NULL THEN 1 WHEN first_out IS NULL THEN 0 "
    "WHEN first_in = first_out THEN -1 ELSE first_out < first_in END "
    "ELSE -1 END FROM item_sprints WHERE project = ?2 AND sprint_id = ?3 "
    "AND (last_in IS NOT NULL OR last_out IS NOT NULL)"
)
"""`_member` of each row of a sprint, on the stored text (one fixed width, whose order is
the time order; '' and '~' sort before and after every time): SQLite decides 4,000 rows
in a fraction of what making and testing them here costs."""


def read_members_at(
    conn: Connection, project: str, sprint_id: str, item_ids: Iterable[str], at: datetime
) -> dict[str, bool]:
    """Item id -> was it in the sprint at `at`, by its moves into and out of it (the last
    at or before `at`, in (at, row id) order; else the opposite of the first), for the
    items an event moves into or out of it (the others are left out)."""
    wanted = set(item_ids)
    p = s.item_sprints
    codes: Iterable[tuple[str, int]]
    if conn.dialect.name == "sqlite":
        codes = driver_rows(conn, _SQLITE_MEMBER, [sqlite_time(at), project, sprint_id])
    else:
        # Aware times in the session's zone: compared only, as instants.
        rows = compiled_rows(conn, select(p.c.item_id, *(p.c[c] for c in MOVES)).where(
            p.c.project == project, p.c.sprint_id == sprint_id))
        codes = [(item_id, _member(times, at)) for item_id, *times in rows
                 if any(t is not None for t in times)]
    found: dict[str, bool] = {}
    unsettled: list[str] = []
    for item_id, code in codes:
        if item_id not in wanted:
            continue
        if code == UNSETTLED:
            unsettled.append(item_id)
        else:
            found[item_id] = bool(code)
    for item_id, history in _histories(conn, project, SPRINT_KINDS, unsettled):
        member: bool | None = None
        first: bool | None = None
        for ev in history:
            move = sprint_move(ev.kind, ev.data)
            if move is None or move[0] != sprint_id or move[1] is None:
                continue
            first = move[1] if first is None else first
            if ev.at <= at:
                member = move[1]
        found[item_id] = member if member is not None else not first
    return found


_ENTERED = [stage.value for stage in Stage]
"""The stages of `item_flow`'s `entered_*` columns, in order."""


def _settled_done(moved_at: datetime, entered: list[Any], at: datetime) -> int:
    """Done at `at`, from the item's last move and its last move into each stage, or
    `UNSETTLED`. `_SQLITE_DONE` is the same rule."""
    done = entered[_DONE]
    others = [t for n, t in enumerate(entered) if n != _DONE and t is not None]
    if done is None:  # a move into a known stage by then, and never one into done
        return 0 if any(t <= at for t in others) else UNSETTLED
    if moved_at > at:
        return UNSETTLED
    # Every move by then: the last into a known stage says.
    last = max(others, default=None)
    if last is None or last < done:
        return 1
    return 0 if last > done else UNSETTLED  # a tie: which came last is in the events' order


_DONE = _ENTERED.index(DONE)
_OTHERS = [f'"entered_{stage}"' for stage in _ENTERED if stage != DONE]  # ours: no user text
_FIRST = ", ".join(f"coalesce(f.{c}, '~')" for c in _OTHERS)  # '~': after every time
_LAST = ", ".join(f"coalesce(f.{c}, '')" for c in _OTHERS)  # '': before every time
_SQLITE_DONE = (
    "SELECT f.item_id, CASE WHEN f.entered_done IS NULL THEN CASE "
    f"WHEN min({_FIRST}) <= ?1 THEN 0 ELSE -1 END WHEN f.moved_at > ?1 THEN -1 "
    "ELSE (SELECT CASE WHEN last < f.entered_done THEN 1 WHEN last > f.entered_done THEN 0 "
    f"ELSE -1 END FROM (SELECT max({_LAST}) AS last)) END "  # the maximum, once
    "FROM json_each(?2) AS j CROSS JOIN item_flow AS f "  # CROSS: the ids outermost
    "ON f.project = ?3 AND f.item_id = j.value WHERE f.moved_at IS NOT NULL"
)
"""`_settled_done` of these items' flow rows, on the stored text (as `_SQLITE_MEMBER`)."""


def read_done_at(
    conn: Connection, project: str, item_ids: Iterable[str], at: datetime
) -> dict[str, bool]:
    """Item id -> was it done at `at` by its stage moves (the stage the last one at or
    before `at` into a known stage reached, in (at, row id) order; else where the first
    move began), for the items with a stage move (the others are left out)."""
    wanted = sorted(set(item_ids))
    codes: Iterable[tuple[str, int]]
    if conn.dialect.name == "sqlite":
        codes = driver_rows(conn, _SQLITE_DONE, [sqlite_time(at), json.dumps(wanted), project])
    else:
        codes = _typed_done(conn, project, wanted, at)
    found: dict[str, bool] = {}
    unsettled: list[str] = []
    for item_id, code in codes:
        if code == UNSETTLED:
            unsettled.append(item_id)
        else:
            found[item_id] = bool(code)
    found.update(_seek_done(conn, project, unsettled, at))
    return found


def _typed_done(
    conn: Connection, project: str, wanted: list[str], at: datetime
) -> Iterator[tuple[str, int]]:
    f = s.item_flow
    entered = [f.c[f"entered_{stage}"] for stage in _ENTERED]
    # Aware times in the session's zone: compared only, as instants.
    for item_id, moved_at, *times in compiled_rows(conn, select(f.c.item_id, f.c.moved_at,
                                                                *entered)
                                                   .where(f.c.project == project,
                                                          any_of(f.c.item_id, wanted),
                                                          f.c.moved_at.is_not(None))):
        yield item_id, _settled_done(moved_at, times, at)


def _seek_done(
    conn: Connection, project: str, item_ids: list[str], at: datetime
) -> dict[str, bool]:
    """`read_done_at` of items with a stage move their flow row cannot settle: each
    item's last stage move at or before `at`, else its first, by an index seek; its
    every move where the last reached no known stage."""
    found: dict[str, bool] = {}
    replay: list[str] = []
    seeks = _sqlite_seeks if conn.dialect.name == "sqlite" else _typed_seeks
    for item_id, last, data in seeks(conn, project, item_ids, at):
        if not last:  # no move at or before `at`: where the first began says
            found[item_id] = _stage(data, "from") == DONE
        elif (reached := _stage(data, "to")) is None:
            replay.append(item_id)  # an earlier move may have reached a known stage
        else:
            found[item_id] = reached == DONE
    for item_id, history in _histories(conn, project, ("stage_changed",), replay):
        known = [stage for ev in history if ev.at <= at
                 if (stage := _stage(ev.data, "to")) is not None]
        found[item_id] = (known[-1] if known else _stage(history[0].data, "from")) == DONE
    return found


_Seek = tuple[str, bool, Any]
"""(item id, True: its last stage move at or before the time, False: its first; its data)."""

_SQLITE_SEEK = (
    "SELECT j.value, coalesce('L' || (SELECT e.data FROM events AS e WHERE e.project = ?1 "
    "AND e.kind = 'stage_changed' AND e.item_id = j.value AND e.at <= ?2 "
    "ORDER BY e.at DESC, e.id DESC LIMIT 1), 'F' || (SELECT e.data FROM events AS e "
    "WHERE e.project = ?1 AND e.kind = 'stage_changed' AND e.item_id = j.value "
    "ORDER BY e.at, e.id LIMIT 1)) FROM json_each(?3) AS j"
)
"""Each item's last stage move at or before the time, else (coalesce: only then) its
first, marked L or F: one statement, an index seek or two per item."""


def _sqlite_seeks(
    conn: Connection, project: str, item_ids: list[str], at: datetime
) -> Iterator[_Seek]:
    decoded: dict[str, Any] = {}  # a project's payloads are a few hundred distinct texts
    for item_id, text in driver_rows(conn, _SQLITE_SEEK,
                                     [project, sqlite_time(at), json.dumps(item_ids)]):
        if text is None:
            continue  # no stage move after all
        if text not in decoded:
            decoded[text] = json.loads(text[1:])
        yield item_id, text[0] == "L", decoded[text]


def _typed_seeks(
    conn: Connection, project: str, item_ids: list[str], at: datetime
) -> Iterator[_Seek]:
    t, f = s.events, s.item_flow

    def seek(*where: Any, newest: bool) -> Any:
        order = (t.c.at.desc(), t.c.id.desc()) if newest else (t.c.at, t.c.id)
        return (select(t.c.data)
                .where(t.c.project == f.c.project, t.c.kind == "stage_changed",
                       t.c.item_id == f.c.item_id, *where)
                .order_by(*order).limit(1).correlate(f).scalar_subquery())

    last, first = seek(t.c.at <= at, newest=True), seek(newest=False)
    for item_id, before, since in compiled_rows(conn, select(f.c.item_id, last, first).where(
            f.c.project == project, any_of(f.c.item_id, item_ids))):
        if before is not None or since is not None:
            yield item_id, before is not None, since if before is None else before


def _stage(data: Any, key: str) -> str | None:
    """The known stage an event's `data[key]` names, else None."""
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, str) and value in STAGES else None


def read_points_at(
    conn: Connection, project: str, item_ids: Iterable[str], at: datetime
) -> dict[str, float]:
    """Item id -> its points at `at` by its re-estimates (the `to` of the last at or before
    `at`, in (at, row id) order, else the `from` of the first; a value not a number is 0),
    for the items re-estimated (the others are left out): their few `points_changed`."""
    found: dict[str, float] = {}
    key = sqlite_time(at) if conn.dialect.name == "sqlite" else at
    for item_id, history in _re_estimates(conn, project, sorted(set(item_ids))):
        value = history[0][1].get("from")
        for when, data in history:
            if when > key:
                break
            value = data.get("to")
        found[item_id] = float(value) if isinstance(value, int | float) else 0.0
    return found


def _re_estimates(
    conn: Connection, project: str, wanted: list[str]
) -> Iterable[tuple[str, list[tuple[Any, Any]]]]:
    """Per item with any: its `points_changed` (time, data), in (at, row id) order; the
    times as stored (SQLite: its text, whose order is the time order)."""
    if conn.dialect.name != "sqlite":
        return ((item_id, [(as_utc(ev.at), ev.data) for ev in history]) for item_id, history
                in _histories(conn, project, ("points_changed",), wanted))
    # Straight from the driver, off the (project, kind, item_id, at) index: most items
    # were never re-estimated, and a statement per 900 of them cost more than the seeks.
    found: dict[str, list[tuple[Any, Any]]] = {}
    decoded: dict[str, Any] = {}
    for item_id, text, _, data in sorted(driver_rows(
        conn, "SELECT e.item_id, e.at, e.id, e.data FROM json_each(?) AS j "
        "CROSS JOIN events AS e ON e.project = ? AND e.kind = 'points_changed' "
        "AND e.item_id = j.value", [json.dumps(wanted), project],
    )):
        if data not in decoded:
            decoded[data] = json.loads(data)
        found.setdefault(item_id, []).append((text, decoded[data]))
    return found.items()


def _histories(
    conn: Connection, project: str, kinds: Collection[str], item_ids: Iterable[str]
) -> Iterator[tuple[str, list[StoreEvent]]]:
    """These items' events of these kinds, in (at, row id) order, by item."""
    t = s.events
    wanted = sorted(set(item_ids))
    for start in range(0, len(wanted), ITEM_IDS_PER_QUERY):
        batch = wanted[start:start + ITEM_IDS_PER_QUERY]
        yield from read_histories(conn, t.c.project == project, t.c.kind.in_(list(kinds)),
                                  t.c.item_id.in_(batch)).items()

