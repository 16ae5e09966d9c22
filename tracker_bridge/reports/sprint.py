"""Sprint health per track: commitment, completion, scope change, burndown, velocity.

Pure: items, events and the roadmap in, a `SprintHealth` value out. Membership and stage at
any moment are replayed from events (see `history.py`); points are the items' current points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker_bridge.model import (
    Kind,
    Roadmap,
    SpikeOutcome,
    Sprint,
    SprintState,
    Stage,
    Track,
    WorkItem,
)
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS, ageing_in
from tracker_bridge.reports.history import (
    EventLike,
    by_item,
    day_start,
    in_sprint_at,
    sprint_changes,
    stage_at,
)
from tracker_bridge.reports.lines import ItemLine, points_of
from tracker_bridge.reports.spikes import SpikeStatus, outcome_counts, spike_status

VELOCITY_WINDOW = 3
"""Velocity is the mean of this many most recent closed sprints."""


@dataclass(frozen=True)
class BurndownPoint:
    day: date
    """The value is taken at the start of this day (the last point is the morning after)."""
    remaining: float | None
    """None for days still ahead."""
    ideal: float


@dataclass(frozen=True)
class TrackHealth:
    track: Track
    capacity: float | None
    committed_points: float
    committed: tuple[ItemLine, ...]
    completed_points: float
    completed: tuple[ItemLine, ...]
    added_points: float
    added: tuple[ItemLine, ...]
    removed_points: float
    removed: tuple[ItemLine, ...]
    remaining_points: float
    remaining: tuple[ItemLine, ...]
    carry_over: tuple[ItemLine, ...]
    """Not done when the sprint ended (empty while it runs)."""
    burndown: tuple[BurndownPoint, ...]
    velocity: float | None
    velocity_history: tuple[tuple[str, float], ...]
    """(sprint id, completed points), most recent first."""
    backlog_points: float
    """All open work in the track, for the forecast."""
    sprints_needed: int | None
    blocked: tuple[ItemLine, ...]
    ageing: tuple[ItemLine, ...]
    spikes: tuple[SpikeStatus, ...]
    spike_outcomes: Mapping[SpikeOutcome, int]

    @property
    def is_empty(self) -> bool:
        return not (self.committed or self.added or self.removed or self.remaining
                    or self.completed or self.spikes)


@dataclass(frozen=True)
class SprintHealth:
    project: str
    sprint: Sprint
    at: datetime
    over: bool
    day: int
    """Day of the sprint `at` falls on (1-based; 0 before it starts)."""
    days: int
    tracks: tuple[TrackHealth, ...]

    def track(self, track: Track) -> TrackHealth:
        return next(t for t in self.tracks if t.track is track)


@dataclass(frozen=True)
class _Window:
    sprint_id: str
    start: datetime
    end: datetime
    cutoff: datetime


def _window(sprint: Sprint, roadmap: Roadmap, now: datetime) -> _Window:
    tz = roadmap.cadence.timezone
    start = day_start(sprint.start, tz)
    end = day_start(sprint.end + timedelta(days=1), tz)
    return _Window(sprint.id, start, end, min(now, end))


def _done(item: WorkItem, history: Sequence[EventLike], at: datetime, w: _Window) -> bool:
    if not any(ev.kind == "stage_changed" for ev in history):
        # Done, but no record of when (e.g. loaded from the roadmap before the first sync):
        # count it as done within the sprint, at its cutoff, so velocity is not lost.
        return item.stage is Stage.DONE and at >= w.cutoff
    return stage_at(item, history, at) is Stage.DONE


@dataclass
class _Scope:
    committed: list[WorkItem]
    completed: list[WorkItem]
    added: list[WorkItem]
    removed: list[WorkItem]
    remaining: list[WorkItem]
    touched: list[WorkItem]


def _scope(items: Iterable[WorkItem], hist: Mapping[str, list[EventLike]], w: _Window) -> _Scope:
    scope = _Scope([], [], [], [], [], [])
    for item in sorted(items, key=lambda i: i.id):
        h = hist.get(item.id, [])
        at_start = in_sprint_at(item, h, w.sprint_id, w.start)
        at_cut = in_sprint_at(item, h, w.sprint_id, w.cutoff)
        moves = sprint_changes(h, w.sprint_id, w.start, w.cutoff)
        done_at_start = _done(item, h, w.start, w)
        if at_start and not done_at_start:
            scope.committed.append(item)
        if not at_start and any(added for _, added in moves):
            scope.added.append(item)
        if not at_cut and any(not added for _, added in moves):
            scope.removed.append(item)
        if at_cut:
            if _done(item, h, w.cutoff, w):
                if not done_at_start:
                    scope.completed.append(item)
            else:
                scope.remaining.append(item)
        if at_start or at_cut or moves:
            scope.touched.append(item)
    return scope


def _burndown(
    items: Sequence[WorkItem], hist: Mapping[str, list[EventLike]], w: _Window,
    sprint: Sprint, roadmap: Roadmap, committed: float, now: datetime,
) -> tuple[BurndownPoint, ...]:
    length = (sprint.end - sprint.start).days + 1
    series: list[BurndownPoint] = []
    for k in range(length + 1):
        day = sprint.start + timedelta(days=k)
        at = day_start(day, roadmap.cadence.timezone)
        ideal = round(committed * (1 - k / length), 2)
        if at > now:
            series.append(BurndownPoint(day, None, ideal))
            continue
        left = sum(
            points_of(i) for i in items
            if in_sprint_at(i, hist.get(i.id, []), w.sprint_id, at)
            and not _done(i, hist.get(i.id, []), at, w)
        )
        series.append(BurndownPoint(day, round(left, 2), ideal))
    return tuple(series)


def _total(items: Iterable[WorkItem]) -> float:
    return round(sum(points_of(i) for i in items), 2)


def _lines(items: Iterable[WorkItem]) -> tuple[ItemLine, ...]:
    return tuple(ItemLine.of(i) for i in items)


def _velocity(
    sprint: Sprint, items: Mapping[str, WorkItem], hist: Mapping[str, list[EventLike]],
    roadmap: Roadmap, now: datetime,
) -> dict[Track, list[tuple[str, float]]]:
    closed = sorted(
        (s for s in roadmap.sprints
         if s.state is SprintState.CLOSED and s.id != sprint.id and s.end < sprint.start),
        key=lambda s: s.end, reverse=True,
    )[:VELOCITY_WINDOW]
    history: dict[Track, list[tuple[str, float]]] = {t: [] for t in Track}
    for past in closed:
        scope = _scope(items.values(), hist, _window(past, roadmap, now))
        for track in Track:
            done = [i for i in scope.completed if i.track is track]
            history[track].append((past.id, _total(done)))
    return history


def sprint_health(
    sprint: Sprint,
    items: Mapping[str, WorkItem],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    ageing_days: float = DEFAULT_AGEING_DAYS,
) -> SprintHealth:
    hist = by_item(events)
    w = _window(sprint, roadmap, now)
    over = sprint.state is SprintState.CLOSED or now >= w.end
    velocity = _velocity(sprint, items, hist, roadmap, now)
    tracks: list[TrackHealth] = []
    for track in Track:
        mine = [i for i in items.values() if i.track is track and i.kind is not Kind.EPIC]
        scope = _scope(mine, hist, w)
        committed = _total(scope.committed)
        past = velocity[track]
        mean = round(sum(p for _, p in past) / len(past), 2) if past else None
        backlog = _total(i for i in mine if i.stage is not Stage.DONE)
        spikes = tuple(
            spike_status(i, hist.get(i.id, []), now)
            for i in scope.touched if i.kind is Kind.SPIKE and i.timebox is not None
        )
        tracks.append(TrackHealth(
            track=track,
            capacity=sprint.capacity.get(track),
            committed_points=committed,
            committed=_lines(scope.committed),
            completed_points=_total(scope.completed),
            completed=_lines(scope.completed),
            added_points=_total(scope.added),
            added=_lines(scope.added),
            removed_points=_total(scope.removed),
            removed=_lines(scope.removed),
            remaining_points=_total(scope.remaining),
            remaining=_lines(scope.remaining),
            carry_over=_lines(scope.remaining) if over else (),
            burndown=_burndown(mine, hist, w, sprint, roadmap, committed, now),
            velocity=mean,
            velocity_history=tuple(past),
            backlog_points=backlog,
            sprints_needed=math.ceil(backlog / mean) if mean else None,
            blocked=_lines(i for i in scope.remaining if i.blocked),
            ageing=tuple(ageing_in(scope.remaining, hist, now, ageing_days)),
            spikes=spikes,
            spike_outcomes=outcome_counts(spikes),
        ))
    days = (sprint.end - sprint.start).days + 1
    elapsed = min((now - w.start).days + 1, days) if now >= w.start else 0
    return SprintHealth(
        project=roadmap.project,
        sprint=sprint,
        at=now,
        over=over,
        day=elapsed,
        days=days,
        tracks=tuple(tracks),
    )

