"""Flow metrics as Jira defines them: cumulative flow, cycle and lead time, throughput.

Pure: items and store events in, values out. Every time comes from the recorded events
(`stage_changed`, `created`), replayed per item in one pass over the sample times.

- Cumulative flow (Jira's CFD): for each day, how many items sit in each stage at the end of
  that day (today: now), per track. Epics are containers, not cards, and are left out.
- Cycle time (Jira's control chart, columns In progress to Done): from the first time the item
  entered in_progress or any later stage, to the last time it entered done.
- Lead time: from the item's creation to the last time it entered done.
- Percentiles use the nearest-rank method: the p-th of n sorted values is the value at rank
  ceil(p/100 * n), so every figure is one of the measured times.
- Throughput: items that entered done (and are still done) per week, weeks starting Monday
  in the team's time zone.
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

from tracker_bridge.model import Kind, Stage, Track
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.reports.history import EventLike, Histories, day_start, grouped
from tracker_bridge.reports.lines import ItemLike

PERCENTILES = (50, 85, 95)
_DONE_THEN_ID = attrgetter("done_at", "id")
FLOW_WEEKS = 12
"""Cycle times and throughput look back this many weeks (Jira's control chart default
time frame is of this order); the cumulative flow covers the sprint's days."""


@dataclass(frozen=True)
class FlowDay:
    day: date
    counts: Mapping[Stage, int]
    """Items in each stage at the end of the day (for today: now), every stage listed."""


@dataclass(frozen=True)
class TrackFlow:
    track: Track
    days: tuple[FlowDay, ...]


@dataclass(frozen=True)
class CycleItem:
    id: str
    title: str
    track: Track
    kind: Kind
    created_at: datetime | None
    started_at: datetime | None
    done_at: datetime
    cycle_days: float | None
    """None when the start is not on record (the first recorded move leaves a started stage);
    moved straight from the backlog to done counts 0."""
    lead_days: float | None
    """None when the creation was not recorded."""


@dataclass(frozen=True)
class Quantiles:
    count: int
    p50: float
    p85: float
    p95: float


@dataclass(frozen=True)
class CycleStats:
    track: Track
    kind: Kind | None
    """None: every kind of the track together."""
    cycle: Quantiles | None
    lead: Quantiles | None


@dataclass(frozen=True)
class CycleTimes:
    since: datetime
    until: datetime
    items: tuple[CycleItem, ...]
    """Items that reached done within [since, until], by the time they did."""
    stats: tuple[CycleStats, ...]


@dataclass(frozen=True)
class WeekThroughput:
    week: date
    """The Monday the week starts on."""
    counts: Mapping[Track, int]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the value at rank ceil(p/100 * n) of the sorted values."""
    if not values:
        raise ValueError("no values")
    return _ranked(sorted(values), p)


def _ranked(ordered: Sequence[float], p: float) -> float:
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def quantiles(values: Sequence[float]) -> Quantiles | None:
    if not values:
        return None
    ordered = sorted(values)  # once for the three (23,700 done items of a team's window)
    p50, p85, p95 = (_ranked(ordered, p) for p in PERCENTILES)
    return Quantiles(len(values), p50, p85, p95)


def _settled_stage(item: ItemLike, history: Sequence[EventLike]) -> Stage:
    """The stage after every event of `history` (its last move's, found from the end): an
    item's stage on every day after its last event."""
    for ev in reversed(history):
        if ev.kind == "stage_changed" and (reached := parse_stage(ev.data.get("to"))):
            return reached
    return item.stage  # no move recorded: where it is now (`_stages_at`'s `first`)


class StoredFlow(NamedTuple):
    """The store's cumulative flow of some items at the times `flow_times` gives
    (`Store.flow_counts`: from their stage spans, the same counts as their replay)."""

    counts: Mapping[tuple[Track, Stage], Sequence[int]]
    """(track, stage) -> the items of `items` in that stage at each time."""
    items: Container[str]
    """The items those counts cover: `cumulative_flow` replays only the others."""


def _moves(
    item: ItemLike, history: Sequence[EventLike]
) -> tuple[list[tuple[datetime, Stage]], datetime | None, Stage | None]:
    """One pass: the moves (time, stage reached), the creation, and where the first move
    began (with no move: where the item is now)."""
    moves: list[tuple[datetime, Stage]] = []
    created: datetime | None = None
    first: Stage | None = item.stage
    for ev in history:
        if ev.kind == "stage_changed":
            reached = parse_stage(ev.data.get("to"))
            if reached is not None:
                if not moves:  # before the first recorded move: where that move began
                    first = parse_stage(ev.data.get("from"))
                moves.append((ev.at, reached))
        elif ev.kind == "created" and created is None:
            created = ev.at
    return moves, created, first


def _stages_at(
    item: ItemLike, history: Sequence[EventLike], times: Sequence[datetime]
) -> list[Stage | None]:
    """The item's stage at each (sorted) time; None before it was created."""
    moves, created, first = _moves(item, history)
    current = first or Stage.BACKLOG
    out: list[Stage | None] = []
    index, count = 0, len(moves)
    for at in times:
        while index < count and moves[index][0] <= at:
            current = moves[index][1]
            index += 1
        out.append(None if created is not None and created > at else current)
    return out


def flow_times(
    first_day: date, last_day: date, now: datetime, timezone: str = "UTC"
) -> tuple[list[date], list[datetime]]:
    """The cumulative flow's days (from `first_day` to `last_day`, those begun by `now`)
    and the time each is counted at: its end, today's now."""
    days: list[date] = []
    times: list[datetime] = []
    day = first_day
    while day <= last_day and day_start(day, timezone) <= now:
        days.append(day)
        times.append(min(day_start(day + timedelta(days=1), timezone), now))
        day += timedelta(days=1)
    return days, times


def cumulative_flow(
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    first_day: date,
    last_day: date,
    now: datetime,
    timezone: str = "UTC",
    *,
    history: Histories | None = None,
    stored: StoredFlow | None = None,
) -> tuple[TrackFlow, ...]:
    """Per track, one `FlowDay` per day from `first_day` to `last_day` that has begun.

    The items are replayed from `history`; `stored`: the counts of the items it covers,
    added as they are (`Store.flow_counts`: the synced cards), those items left out of
    the replay."""
    days, times = flow_times(first_day, last_day, now, timezone)
    hist = grouped(events, history)
    counts = {t: [dict.fromkeys(Stage, 0) for _ in days] for t in Track}
    # Items with nothing recorded since the first time (most of a long history) sit in one
    # stage on every day: counted once here, added to every day below.
    still = {t: dict.fromkeys(Stage, 0) for t in Track}
    counted: Container[str] = () if stored is None else stored.items
    for item in items.values():  # counts: any order
        if item.kind is Kind.EPIC or item.id in counted:
            continue
        past = hist.get(item.id, [])
        if times and (not past or past[-1].at <= times[0]):
            still[item.track][_settled_stage(item, past)] += 1
            continue
        for column, stage in zip(counts[item.track], _stages_at(item, past, times),
                                 strict=True):
            if stage is not None:
                column[stage] += 1
    for track, steady in still.items():
        for column in counts[track]:
            for stage, count in steady.items():
                column[stage] += count
    if stored is not None:
        for (track, stage), per_time in stored.counts.items():
            for column, count in zip(counts[track], per_time, strict=True):
                column[stage] += count
    return tuple(
        TrackFlow(track, tuple(FlowDay(d, c) for d, c in zip(days, counts[track], strict=True)))
        for track in Track
    )


def _days(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 86400, 2)


def _started_at(
    history: Sequence[EventLike], moves: Sequence[EventLike], created: EventLike | None
) -> datetime | None:
    """The first start on record: born in a started stage, `spike start`, or the first move
    from before in_progress to in_progress or later. A first such move that comes from a
    started stage means the start happened before our records: unknown."""
    if created is not None:
        born = parse_stage(created.data.get("stage"))
        if born is not None and Stage.IN_PROGRESS <= born < Stage.DONE:
            return created.at  # born started (e.g. work begun in a tracker)
    found = [ev.at for ev in history if ev.kind == "spike_started" and ev.at <= moves[-1].at]
    for ev in moves:
        to, src = parse_stage(ev.data.get("to")), parse_stage(ev.data.get("from"))
        if to is None or to < Stage.IN_PROGRESS:
            continue
        if src is None or src < Stage.IN_PROGRESS:
            found.append(ev.at)
        break
    return min(found) if found else None


def cycle_item(item: ItemLike, history: Sequence[EventLike], until: datetime) -> CycleItem | None:
    """The item's cycle and lead time, if it was done at `until` with a recorded done move."""
    for ev in reversed(history):  # most items were not done then: found from the end
        if ev.kind == "stage_changed" and ev.at <= until:
            if parse_stage(ev.data.get("to")) is not Stage.DONE:
                return None
            break
    else:
        return None
    moves = [ev for ev in history if ev.kind == "stage_changed" and ev.at <= until]
    done = next((ev for ev in reversed(moves)), None)
    if done is None or parse_stage(done.data.get("to")) is not Stage.DONE:
        return None
    created = next((ev for ev in history if ev.kind == "created"), None)
    started = _started_at(history, moves, created)
    return _cycle_entry(item, created.at if created else None, started, done.at)


def _cycle_entry(
    item: ItemLike, created: datetime | None, started: datetime | None, done: datetime
) -> CycleItem:
    return CycleItem(
        id=item.id,
        title=item.title,
        track=item.track,
        kind=item.kind,
        created_at=created,
        started_at=started,
        done_at=done,
        cycle_days=_days(started, done) if started is not None else None,
        lead_days=_days(created, done) if created is not None else None,
    )


class CycleFactsLike(Protocol):
    """The shape of `tracker_bridge.store.records.CycleFacts` (what an item's cycle and
    lead time need of its events, summed up by the store) that `cycle_summary` reads."""

    @property
    def created_at(self) -> datetime | None: ...
    @property
    def born_started_at(self) -> datetime | None: ...
    @property
    def born_unstarted_at(self) -> datetime | None: ...
    @property
    def start_from_before_at(self) -> datetime | None: ...
    @property
    def start_from_started_at(self) -> datetime | None: ...
    @property
    def spike_started_at(self) -> datetime | None: ...
    @property
    def moved_at(self) -> datetime | None: ...
    @property
    def done_at(self) -> datetime | None: ...
    @property
    def moved_elsewhere_at(self) -> datetime | None: ...


class CycleSummary(NamedTuple):
    """The times an item's `CycleItem` is made of, as `cycle_item` finds them."""

    created_at: datetime | None
    started_at: datetime | None
    done_at: datetime | None
    """None: not done at the time asked for (no cycle time)."""


def cycle_summary(facts: CycleFactsLike, until: datetime) -> CycleSummary | None:
    """What `cycle_item` finds at `until` from the item's events, from their summary
    instead; None where only the events' order tells: a move after `until` (the last
    move at or before it is unknown), or one of the times that decide tied with another
    whose event says otherwise (a replay in (time, id) order takes the one recorded last,
    or first)."""
    moved = facts.moved_at
    if moved is None:
        return CycleSummary(facts.created_at, None, None)  # never moved: never done
    if moved > until:
        return None
    if facts.done_at != moved:
        return CycleSummary(facts.created_at, None, None)  # its last move left done
    if facts.moved_elsewhere_at == moved:
        return None  # moved into done and elsewhere at once: which came last?
    created = facts.created_at
    if created is not None and facts.born_started_at == created:
        if facts.born_unstarted_at == created:
            return None  # created twice at once, started and not: which came first?
        return CycleSummary(created, created, moved)  # born started
    found = []
    if facts.spike_started_at is not None and facts.spike_started_at <= moved:
        found.append(facts.spike_started_at)
    before, restarted = facts.start_from_before_at, facts.start_from_started_at
    if before is not None and (restarted is None or before < restarted):
        found.append(before)  # the first start on record came from before in_progress
    elif before is not None and before == restarted:
        return None  # first started from before and from a started stage at once
    return CycleSummary(created, min(found) if found else None, moved)


def flow_since(until: datetime, timezone: str = "UTC", weeks: int = FLOW_WEEKS) -> datetime:
    """Monday 00:00 (team time zone) of the first of `weeks` weeks ending with `until`'s."""
    today = until.astimezone(ZoneInfo(timezone)).date()
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    return day_start(monday, timezone)


def cycle_times(
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    since: datetime,
    until: datetime,
    *,
    history: Histories | None = None,
    done: Mapping[str, CycleSummary | None] | None = None,
) -> CycleTimes:
    """`done`: the items that can have a cycle time (moved into done since `since`; no
    other item has one), each with its `cycle_summary` at `until` (None: replayed from
    `history`)."""
    hist = grouped(events, history)
    if done is None:
        found = [
            entry for item in items.values()
            if item.kind is not Kind.EPIC
            and (past := hist.get(item.id))  # no events: no cycle time (often most items)
            and (entry := cycle_item(item, past, until)) is not None
            and since <= entry.done_at
        ]
    else:
        found = []
        for item_id, summary in done.items():
            item = items.get(item_id)
            if item is None or item.kind is Kind.EPIC:
                continue
            if summary is None:
                entry = cycle_item(item, hist.get(item_id, ()), until)
            elif summary.done_at is None:
                continue  # not done at `until`
            else:
                entry = _cycle_entry(item, summary.created_at, summary.started_at,
                                     summary.done_at)
            if entry is not None and since <= entry.done_at:
                found.append(entry)
    found.sort(key=_DONE_THEN_ID)  # ids are unique: the order is total
    stats: list[CycleStats] = []
    by_track: dict[Track, list[CycleItem]] = {track: [] for track in Track}
    for entry in found:  # one pass, in the order found (each group keeps it)
        by_track[entry.track].append(entry)
    for track, mine in by_track.items():
        by_kind: dict[Kind, list[CycleItem]] = {}
        for entry in mine:
            by_kind.setdefault(entry.kind, []).append(entry)
        for kind in (None, *sorted(by_kind, key=list(Kind).index)):
            group = mine if kind is None else by_kind[kind]
            stats.append(CycleStats(
                track, kind,
                quantiles([e.cycle_days for e in group if e.cycle_days is not None]),
                quantiles([e.lead_days for e in group if e.lead_days is not None]),
            ))
    return CycleTimes(since, until, tuple(found), tuple(stats))


def throughput(times: CycleTimes, timezone: str = "UTC") -> tuple[WeekThroughput, ...]:
    """Items done per week of [since, until], every week listed (zero weeks too)."""
    zone = ZoneInfo(timezone)
    first = times.since.astimezone(zone).date()
    first -= timedelta(days=first.weekday())
    last = times.until.astimezone(zone).date()
    weeks: dict[date, dict[Track, int]] = {}
    week = first
    while week <= last:
        weeks[week] = dict.fromkeys(Track, 0)
        week += timedelta(weeks=1)
    for entry in times.items:
        local = entry.done_at.astimezone(zone).date()
        monday = local - timedelta(days=local.weekday())
        if monday in weeks:
            weeks[monday][entry.track] += 1
    return tuple(WeekThroughput(w, c) for w, c in weeks.items())
