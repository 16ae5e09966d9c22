"""The board as counts and clipped lists (`BoardParts`): what `status` and `report sprint`
build their board from instead of walking every card.

A board of 100,000 cards is shown as counts and a few lists clipped at `CLIPPED_AT`
(JSON's 50; the terminal shows 15). The store counts the cards per stage and track and
reads the first cards of each list (`Store.board_parts`); the cards the store has not
summed up (the roadmap's items it has not synced, rows written without card columns) are
summed up here from the whole cards (`parts_of`, the same walk as `board_snapshot`), and
the two are merged (`merge_parts`). `clipped_snapshot` makes the `BoardSnapshot`: each
renderer prints from it what it prints from `board_snapshot`'s, but `--full` JSON, which
lists every card (that takes `board_snapshot`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice
from operator import attrgetter, itemgetter
from typing import Any, Protocol, TypeVar

from tracker_bridge.model import Kind, Roadmap, Stage, Track
from tracker_bridge.reports.board import (
    BoardSnapshot,
    Found,
    StageColumn,
    WipBreach,
    active_sprint,
    days_since,
    flow_found,
)
from tracker_bridge.reports.history import FlowLike
from tracker_bridge.reports.lines import CLIPPED_AT, CardLike, Clipped, ClippedLines

Pair = tuple[Stage, Track]
T = TypeVar("T")


@dataclass(frozen=True)
class BoardParts:
    """A board's current cards (epics left out) as counts and the head of each list: at
    most `limit` cards, in the order the board shows them."""

    limit: int
    counts: Mapping[Pair, int]
    """Cards per stage and track (a pair with none may be missing)."""
    heads: Mapping[Pair, Sequence[CardLike]]
    """Per stage and track, its first cards in id order."""
    blocked: Sequence[CardLike]
    """Blocked and not done, in id order."""
    blocked_total: int
    born: Sequence[CardLike]
    """Born in a tracker, in board order: stage by stage, each in id order."""
    born_total: int
    ageing: Sequence[Found]
    """Longest in their stage first (the days as shown), then by id."""
    ageing_total: int


_id = attrgetter("id")


def _born_order(card: CardLike) -> tuple[int, str]:
    return card.stage.position, card.id


def _ageing_order(found: Found) -> tuple[float, str]:
    return found[0], found[1].id


def parts_of(
    items: Mapping[str, CardLike], flows: Mapping[str, FlowLike], now: datetime,
    ageing_days: float, limit: int = CLIPPED_AT,
) -> BoardParts:
    """The parts of a board of these cards, as `board_snapshot(items, ..., flows=flows)`
    lists them."""
    counts: dict[Pair, int] = {}
    heads: dict[Pair, list[CardLike]] = {}
    blocked: list[CardLike] = []
    born: list[CardLike] = []
    for card in sorted(items.values(), key=_id):
        if card.kind is Kind.EPIC:
            continue
        pair = (card.stage, card.track)
        counts[pair] = counts.get(pair, 0) + 1
        heads.setdefault(pair, []).append(card)
        if card.blocked and card.stage is not Stage.DONE:
            blocked.append(card)
        if card.origin is not None:
            born.append(card)
    born.sort(key=_born_order)
    ageing = flow_found(items, flows, now, ageing_days)
    return BoardParts(
        limit, counts, {pair: cards[:limit] for pair, cards in heads.items()},
        blocked[:limit], len(blocked), born[:limit], len(born), ageing[:limit], len(ageing))


def _merged(a: Sequence[T], b: Sequence[T], key: Callable[[T], Any], limit: int) -> list[T]:
    return list(islice(heapq.merge(a, b, key=key), limit))


def merge_parts(a: BoardParts, b: BoardParts) -> BoardParts:
    """The parts of the board of both boards' cards (no card on both): counts added, each
    list merged in its order and clipped again."""
    limit = min(a.limit, b.limit)
    counts = dict(a.counts)
    for pair, count in b.counts.items():
        counts[pair] = counts.get(pair, 0) + count
    heads = {pair: _merged(a.heads.get(pair, ()), b.heads.get(pair, ()), _id, limit)
             for pair in {*a.heads, *b.heads}}
    return BoardParts(
        limit, counts, heads,
        _merged(a.blocked, b.blocked, _id, limit), a.blocked_total + b.blocked_total,
        _merged(a.born, b.born, _born_order, limit), a.born_total + b.born_total,
        _merged(a.ageing, b.ageing, _ageing_order, limit), a.ageing_total + b.ageing_total,
    )


class EnteredLike(Protocol):
    """Cards that entered their stage at one time (`store.board_parts.EnteredTogether`)."""

    @property
    def since(self) -> datetime: ...
    @property
    def cards(self) -> int: ...
    def item_ids(self) -> Sequence[str]: ...


def ageing_head(
    groups: Iterable[EnteredLike], now: datetime, ageing_days: float, limit: int = CLIPPED_AT,
) -> tuple[list[tuple[str, float]], int]:
    """(the first `limit` ageing cards, oldest first, each with its days in stage; how
    many age) of cards grouped by when they entered their stage: every card that can age
    (the store picks them with a margin). Exactly `board_snapshot`'s test and order: days
    in stage over `ageing_days`, then the days as shown (rounded) and the id. Only the
    ids of the times the head reaches are read."""
    ageing: list[tuple[float, float, EnteredLike]] = []
    total = 0
    for group in groups:
        in_stage = days_since(group.since, now)
        if in_stage > ageing_days:
            ageing.append((-round(in_stage, 1), in_stage, group))
            total += group.cards
    ageing.sort(key=itemgetter(0))
    head: list[tuple[str, float]] = []
    # Each run of times shown as the same days holds cards shown in id order.
    for _, shown_alike in groupby(ageing, key=itemgetter(0)):
        if len(head) >= limit:
            break
        cards = sorted((item_id, in_stage) for _, in_stage, group in shown_alike
                       for item_id in group.item_ids())
        head.extend(cards[:limit - len(head)])
    return head, total


def clipped_snapshot(
    parts: BoardParts, roadmap: Roadmap, now: datetime, ageing_days: float
) -> BoardSnapshot:
    """The board of these parts: `board_snapshot`'s, with each list clipped at the parts'
    `limit` (`ClippedLines`, `Clipped`: their length is the whole list's)."""
    policy = roadmap.board
    limit = parts.limit
    columns: list[StageColumn] = []
    breaches: list[WipBreach] = []
    for stage in Stage:
        per_track = {track: parts.counts.get((stage, track), 0) for track in Track}
        total = sum(per_track.values())
        heads = [parts.heads.get((stage, track), ()) for track in Track]
        head = list(islice(heapq.merge(*heads, key=_id), limit))
        track_limits = {t: limits[stage] for t, limits in policy.wip_limits_per_track.items()
                        if stage in limits}
        stage_limit = policy.wip_limits.get(stage)
        columns.append(StageColumn(stage, ClippedLines(head, total), per_track, stage_limit,
                                   track_limits))
        if stage_limit is not None and total > stage_limit:
            breaches.append(WipBreach(stage, None, total, stage_limit,
                                      Clipped([card.id for card in head], total)))
        for track, cards in zip(Track, heads, strict=True):
            track_limit = policy.wip_limits_per_track.get(track, {}).get(stage)
            if track_limit is not None and per_track[track] > track_limit:
                breaches.append(WipBreach(stage, track, per_track[track], track_limit,
                                          Clipped([c.id for c in cards], per_track[track])))
    ageing = parts.ageing
    return BoardSnapshot(
        project=roadmap.project,
        at=now,
        columns=tuple(columns),
        breaches=tuple(breaches),
        blocked=ClippedLines(parts.blocked, parts.blocked_total),
        ageing=ClippedLines([card for _, card, _ in ageing], parts.ageing_total,
                            [line for _, _, line in ageing], now),
        ageing_days=ageing_days,
        active_sprint=active_sprint(roadmap, now),
        born=ClippedLines(parts.born, parts.born_total),
    )
