"""The Kanban board right now: load per stage and track, WIP-limit breaches, blocked, ageing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter, itemgetter

from tracker_bridge.model import Kind, Roadmap, Sprint, SprintState, Stage, Track
from tracker_bridge.reports.history import (
    EventLike,
    FlowLike,
    by_item,
    entered_stage_at,
    entered_stage_from,
    local_date,
    started_at,
    started_from,
)
from tracker_bridge.reports.lines import Ageing, CardLike, ItemLine, Lines

DEFAULT_AGEING_DAYS = 5.0
"""An item idle longer than this in an active stage is flagged as ageing."""

_ACTIVE = frozenset(stage for stage in Stage if stage.is_active)

BOARD_EVENT_KINDS = ("stage_changed", "created")
"""The only events `board_snapshot` reads (when an item entered its stage)."""


def board_event_items(items: Mapping[str, CardLike]) -> list[str]:
    """The items whose events `board_snapshot` reads: cards in an active stage (ageing).
    A store can hand over just their `BOARD_EVENT_KINDS` events, or their flow summaries
    (`Store.item_flows`), instead of the whole log."""
    return [i.id for i in items.values() if i.stage.is_active and i.kind is not Kind.EPIC]


def board_flow_stages(items: Mapping[str, CardLike]) -> dict[str, str]:
    """`board_event_items` with each card's current stage: the flow summaries
    (`Store.item_flows`) `board_snapshot` reads in place of their events."""
    # `_value_`: the enum property's lookup costs more than the set test (100k cards).
    return {i.id: i.stage._value_ for i in items.values()
            if i.stage in _ACTIVE and i.kind is not Kind.EPIC}


@dataclass(frozen=True)
class StageColumn:
    stage: Stage
    items: Lines
    """In id order, each line made when read (`Lines`)."""
    per_track: Mapping[Track, int]
    limit: int | None
    track_limits: Mapping[Track, int]

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class WipBreach:
    stage: Stage
    track: Track | None
    """None: the stage-wide limit; else that track's own limit for the stage."""
    count: int
    limit: int
    items: Sequence[str]
    """In id order: a tuple, or the first ids and their count (`Clipped`)."""

    def __str__(self) -> str:
        scope = f"{self.stage.value}" + (f" ({self.track.value})" if self.track else "")
        return f"WIP limit breached in {scope}: {self.count} > {self.limit}"


@dataclass(frozen=True)
class BoardSnapshot:
    project: str
    at: datetime
    columns: tuple[StageColumn, ...]
    breaches: tuple[WipBreach, ...]
    blocked: Lines
    ageing: Lines
    ageing_days: float
    active_sprint: Sprint | None
    born: Lines | None = field(default=None, compare=False, repr=False,
                               metadata={"json": False})
    """`tracker_born()` when the columns hold only their first cards (`ClippedLines`,
    `store_board`); not part of the JSON."""

    def column(self, stage: Stage) -> StageColumn:
        return next(col for col in self.columns if col.stage is stage)

    def tracker_born(self) -> Lines:
        """The cards born in a tracker, not in the roadmap, column by column."""
        if self.born is not None:
            return self.born
        return Lines([card for col in self.columns for card in col.items.cards
                      if card.origin is not None])

    @property
    def per_track(self) -> dict[Track, int]:
        totals = dict.fromkeys(Track, 0)
        for col in self.columns:
            for track, count in col.per_track.items():
                totals[track] += count
        return totals


def active_sprint(roadmap: Roadmap, now: datetime) -> Sprint | None:
    """The sprint marked active, else the one whose dates contain today (the team's time zone:
    `status` and `report sprint` agree around midnight)."""
    marked = [s for s in roadmap.sprints if s.state is SprintState.ACTIVE]
    if marked:
        return max(marked, key=lambda s: s.start)
    today = local_date(now, roadmap.cadence.timezone)  # the team's day, as `report sprint`
    return next((s for s in roadmap.sprints if s.start <= today <= s.end), None)


def ageing_items(
    items: Iterable[CardLike],
    events: Iterable[EventLike],
    now: datetime,
    days: float = DEFAULT_AGEING_DAYS,
) -> list[ItemLine]:
    """Items in an active stage for more than `days`, oldest first."""
    return ageing_in(items, by_item(events), now, days)


def ageing_in(
    items: Iterable[CardLike],
    history: Mapping[str, Sequence[EventLike]],
    now: datetime,
    days: float = DEFAULT_AGEING_DAYS,
) -> list[ItemLine]:
    """`ageing_items` over events already grouped with `by_item`."""
    return list(_history_ageing(sorted(items, key=_card_id), history, now, days))


def _history_ageing(
    items: Iterable[CardLike], history: Mapping[str, Sequence[EventLike]], now: datetime,
    days: float,
) -> Lines:
    """The ageing lines of `items`, given in id order."""
    found: list[Found] = []
    for item in items:
        if item.stage in _ACTIVE and item.kind is not Kind.EPIC:
            past = history.get(item.id, ())
            since = entered_stage_at(item, past)
            if since is not None and (in_stage := days_since(since, now)) > days:
                found.append(found_ageing(item, in_stage, started_at(item, past)))
    return _oldest_first(found, now)


def ageing_from_flows(
    items: Iterable[CardLike],
    flows: Mapping[str, FlowLike],
    now: datetime,
    days: float = DEFAULT_AGEING_DAYS,
) -> list[ItemLine]:
    """`ageing_items` from the items' flow summaries (`Store.item_flows`): the same
    lines, with no event read."""
    return list(_flow_ageing(sorted(items, key=_card_id), flows, now, days))


def _flow_ageing(
    items: Iterable[CardLike], flows: Mapping[str, FlowLike], now: datetime, days: float
) -> Lines:
    """`_history_ageing` over summaries: 50,000 cards in progress at 100k items."""
    return _oldest_first(_flow_found(items, flows, now, days), now)


def flow_found(
    items: Mapping[str, CardLike], flows: Mapping[str, FlowLike], now: datetime, days: float
) -> list[Found]:
    """The ageing cards of `items` as `ageing_from_flows` finds them, oldest first."""
    found = _flow_found(sorted(items.values(), key=_card_id), flows, now, days)
    found.sort(key=_days_first)
    return found


def _flow_found(
    items: Iterable[CardLike], flows: Mapping[str, FlowLike], now: datetime, days: float
) -> list[Found]:
    found: list[Found] = []
    for item in items:
        if item.stage in _ACTIVE and item.kind is not Kind.EPIC:
            flow = flows.get(item.id)
            since = entered_stage_from(item, flow)
            if since is not None and (in_stage := days_since(since, now)) > days:
                found.append(found_ageing(item, in_stage, started_from(item, flow)))
    return found


Found = tuple[float, CardLike, Ageing]
"""An ageing card: its days in stage, rounded as shown and negated (to sort it by), the
card and its line's `Ageing`. Oldest first is (that, id) order."""


def days_since(since: datetime, now: datetime) -> float:
    """Days in stage, unrounded: a card ages when this exceeds the ageing days."""
    return (now - since).total_seconds() / 86400


def found_ageing(item: CardLike, in_stage: float, began: datetime | None) -> Found:
    shown = round(in_stage, 1)
    return -shown, item, (shown, began)


def _oldest_first(found: list[Found], now: datetime) -> Lines:
    """The ageing cards' lines, longest in their stage first, then in the order found (by
    id): a stable sort on the days alone, not on (days, id) (most cards tie on the days,
    and comparing their ids cost more than the rest of the sort)."""
    found.sort(key=_days_first)
    return Lines([card for _, card, _ in found], [ageing for _, _, ageing in found], now)


_days_first = itemgetter(0)
_card_id = attrgetter("id")


def _breaches(stage: Stage, cards: list[CardLike], roadmap: Roadmap) -> list[WipBreach]:
    policy = roadmap.board
    found: list[WipBreach] = []
    limit = policy.wip_limits.get(stage)
    if limit is not None and len(cards) > limit:
        found.append(WipBreach(stage, None, len(cards), limit, tuple(x.id for x in cards)))
    for track in Track:
        track_limit = policy.wip_limits_per_track.get(track, {}).get(stage)
        if track_limit is None:
            continue  # no list of the track's cards (50,000 in progress at 100k items)
        mine = [x.id for x in cards if x.track is track]
        if len(mine) > track_limit:
            found.append(WipBreach(stage, track, len(mine), track_limit, tuple(mine)))
    return found


def board_snapshot(
    items: Mapping[str, CardLike],
    roadmap: Roadmap,
    now: datetime,
    events: Iterable[EventLike] = (),
    ageing_days: float = DEFAULT_AGEING_DAYS,
    history: Mapping[str, Sequence[EventLike]] | None = None,
    flows: Mapping[str, FlowLike] | None = None,
) -> BoardSnapshot:
    """Epics are containers, not cards: they are left off the board and out of WIP.
    `items`: WorkItems, or anything with what a line shows (`CardLike`: `status` reads
    the store's light cards). `history`: the events already grouped per item (`by_item`,
    `Store.histories`), in place of `events`; `flows`: the cards' flow summaries
    (`Store.item_flows`), in place of both. The lines are made as they are read (`Lines`):
    a board of 100,000 cards is mostly counted, not listed."""
    by_stage: dict[Stage, list[CardLike]] = {stage: [] for stage in Stage}
    per_track = {stage: dict.fromkeys(Track, 0) for stage in Stage}
    blocked: list[CardLike] = []
    active: list[CardLike] = []
    # One pass, each list in id order; the epics are left out here, not by a pass of
    # their own (each pass over 100,000 items reads memory all over again).
    for card in sorted(items.values(), key=_card_id):
        if card.kind is Kind.EPIC:
            continue
        stage = card.stage
        by_stage[stage].append(card)
        per_track[stage][card.track] += 1
        if card.blocked and stage is not Stage.DONE:
            blocked.append(card)
        if stage in _ACTIVE:
            active.append(card)
    if flows is not None:
        ageing = _flow_ageing(active, flows, now, ageing_days)
    else:
        ageing = _history_ageing(active, by_item(events) if history is None else history, now,
                                 ageing_days)
    columns: list[StageColumn] = []
    breaches: list[WipBreach] = []
    for stage in Stage:
        in_stage = by_stage[stage]
        track_limits = {
            t: limits[stage]
            for t, limits in roadmap.board.wip_limits_per_track.items()
            if stage in limits
        }
        columns.append(
            StageColumn(stage, Lines(in_stage), per_track[stage],
                        roadmap.board.wip_limits.get(stage), track_limits)
        )
        breaches.extend(_breaches(stage, in_stage, roadmap))
    return BoardSnapshot(
        project=roadmap.project,
        at=now,
        columns=tuple(columns),
        breaches=tuple(breaches),
        blocked=Lines(blocked),
        ageing=ageing,
        ageing_days=ageing_days,
        active_sprint=active_sprint(roadmap, now),
    )
