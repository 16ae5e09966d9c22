"""Sprint health per track: commitment, completion, scope change, burndown, velocity.

Pure: items, events and the roadmap in, a `SprintHealth` value out. Membership, stage and
points at any moment are replayed from events (see `history.py`), with Jira Software's sprint
report definitions: commitment is fixed when the sprint starts (the points then); an item
added later, or a re-estimate after the start, is a scope change on its day; completed is
what is done when the sprint ends, at its points then.

A closed sprint's completed points need only where each member stood at its commitment and
end: `velocity_as_of` asks that of an `AsOf` (the store's summaries, `ReportContext`), not
of the members' histories, with the same answers as the replay.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from tracker_bridge.model import (
    Kind,
    Roadmap,
    SpikeOutcome,
    Sprint,
    SprintState,
    Stage,
    Track,
)
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS, ageing_in
from tracker_bridge.reports.history import (
    SPRINT_MOVES,
    EventLike,
    Histories,
    day_start,
    grouped,
    member_at,
    points_at,
    sprint_moves,
    sprints_named,
    stage_at,
)
from tracker_bridge.reports.lines import ItemLike, ItemLine, points_of
from tracker_bridge.reports.spikes import SpikeStatus, outcome_counts, spike_status

VELOCITY_WINDOW = 3
"""Velocity is the mean of this many most recent closed sprints."""

COMMITMENT_GRACE = timedelta(hours=12)
"""A sprint starts when the team starts it (Jira's "Start sprint", after planning), which the
roadmap's dates do not record: what is in the sprint by noon of its first day (the team's time
zone) is its commitment. Later additions and re-estimates are scope change."""


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
    reestimated_points: float
    """Net points change of items re-estimated in the sprint after its commitment: scope
    change on the day it happened, as Jira's sprint report shows it (committed stays fixed)."""
    reestimated: tuple[ItemLine, ...]
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
    commit: datetime
    """When the commitment is taken: the start plus the grace period (or now, if earlier)."""


def _window(sprint: Sprint, roadmap: Roadmap, now: datetime) -> _Window:
    tz = roadmap.cadence.timezone
    start = day_start(sprint.start, tz)
    end = day_start(sprint.end + timedelta(days=1), tz)
    cutoff = min(now, end)
    return _Window(sprint.id, start, end, cutoff, min(start + COMMITMENT_GRACE, cutoff))


def _done(item: ItemLike, history: Sequence[EventLike], at: datetime, w: _Window) -> bool:
    if not any(ev.kind == "stage_changed" for ev in history):
        # Done, but no record of when (e.g. loaded from the roadmap before the first sync):
        # count it as done within the sprint, at its cutoff, so velocity is not lost.
        return item.stage is Stage.DONE and at >= w.cutoff
    return stage_at(item, history, at) is Stage.DONE


@dataclass
class _Scope:
    committed: list[ItemLike]
    completed: list[ItemLike]
    added: list[ItemLike]
    removed: list[ItemLike]
    remaining: list[ItemLike]
    touched: list[ItemLike]
    reestimated: list[tuple[ItemLike, float]]
    """Items re-estimated while in the sprint after its commitment, with the net change."""
    points: dict[str, tuple[float, float]]
    """Item id -> (points at commitment, points at the cutoff)."""

    def at_commit(self, items: Iterable[ItemLike]) -> float:
        return round(sum(self.points[i.id][0] for i in items), 2)

    def at_cutoff(self, items: Iterable[ItemLike]) -> float:
        return round(sum(self.points[i.id][1] for i in items), 2)


@dataclass(slots=True)  # not frozen: made per member and sprint, thousands
class _Replay:
    """One item's events split once by what reads them, each replay reading only its own
    kind, so the answers are those of `in_sprint_at`, `_done` and `points_at` on the whole
    history: a sprint's report asks each item's membership, stage and points many times
    (at its commitment, its cutoff, each day), and thousands of items."""

    item: ItemLike
    moves: list[tuple[datetime, bool]]
    """`sprint_moves` for the sprint replayed."""
    moved: bool
    """Any `stage_changed` on record (`_done`)."""
    stage_times: list[datetime]
    stages: list[Stage]
    """The stage each move reached (those reaching a known one), at `stage_times`."""
    first_stage: Stage
    """Before the first of those: where the first move began (`stage_at`)."""
    points: list[EventLike]
    point_times: list[datetime]

    @classmethod
    def of(cls, item: ItemLike, history: Sequence[EventLike], sprint_id: str) -> _Replay:
        sprints, moves, points = _by_use(history)
        reached = [(ev.at, stage) for ev in moves
                   if (stage := parse_stage(ev.data.get("to"))) is not None]
        first = parse_stage(moves[0].data.get("from")) if moves else None
        return cls(item, sprint_moves(sprints, sprint_id), bool(moves),
                   [at for at, _ in reached], [stage for _, stage in reached],
                   first or Stage.BACKLOG, points, [ev.at for ev in points])

    def member(self, sprint_id: str, at: datetime) -> bool:
        return member_at(self.item, self.moves, sprint_id, at)

    def done(self, at: datetime, w: _Window) -> bool:
        """`_done` of the whole history."""
        if not self.moved:
            return self.item.stage is Stage.DONE and at >= w.cutoff
        index = bisect_right(self.stage_times, at)  # the moves at or before `at`
        return (self.stages[index - 1] if index else self.first_stage) is Stage.DONE

    def open_points(self, w: _Window, times: Sequence[datetime]) -> list[float | None]:
        """At each of `times` (in time order): its `points_at` if it was in the sprint and
        not done (`member` and `done`), else None; one walk through its moves."""
        sprint_moves, stage_times, point_times = self.moves, self.stage_times, self.point_times
        sprint_at = stage_at = point_at = 0  # the moves at or before the time, so far
        found: list[float | None] = []
        for at in times:
            while sprint_at < len(sprint_moves) and sprint_moves[sprint_at][0] <= at:
                sprint_at += 1
            while stage_at < len(stage_times) and stage_times[stage_at] <= at:
                stage_at += 1
            while point_at < len(point_times) and point_times[point_at] <= at:
                point_at += 1
            if not sprint_moves:
                member = self.item.sprint == w.sprint_id
            elif sprint_at:
                member = sprint_moves[sprint_at - 1][1]
            else:
                member = not sprint_moves[0][1]  # first recorded move a removal: it was in
            if not self.moved:
                done = self.item.stage is Stage.DONE and at >= w.cutoff
            else:
                done = (self.stages[stage_at - 1] if stage_at else self.first_stage) is Stage.DONE
            if not member or done:
                found.append(None)
            elif self.item.kind is Kind.EPIC or not self.points:
                found.append(points_at(self.item, (), at))
            else:
                value = (self.points[point_at - 1].data.get("to") if point_at
                         else self.points[0].data.get("from"))
                found.append(float(value) if isinstance(value, int | float) else 0.0)
        return found

    def points_at(self, at: datetime) -> float:
        """`points_at` of the whole history."""
        if self.item.kind is Kind.EPIC or not self.points:
            return points_at(self.item, (), at)
        index = bisect_right(self.point_times, at)
        value = (self.points[index - 1].data.get("to") if index
                 else self.points[0].data.get("from"))
        return float(value) if isinstance(value, int | float) else 0.0


def _reestimate(r: _Replay, w: _Window) -> float:
    """Net points change from re-estimates after the commitment, while in the sprint and open."""
    return round(sum(
        float(ev.data.get("to") or 0) - float(ev.data.get("from") or 0)
        for ev in r.points
        if w.commit < ev.at <= w.cutoff
        and r.member(w.sprint_id, ev.at) and not r.done(ev.at, w)
    ), 2)


def _current(items: Mapping[str, ItemLike], sprint_ids: set[str]) -> dict[str, list[ItemLike]]:
    """Sprint id -> the items whose current sprint it is, for these sprints: one pass over
    100,000 items for every sprint the report replays."""
    found: dict[str, list[ItemLike]] = {sprint_id: [] for sprint_id in sprint_ids}
    for item in items.values():
        if item.sprint in found:
            found[item.sprint].append(item)
    return found


def _members(
    items: Mapping[str, ItemLike], sprint_id: str, named: Mapping[str, set[str]],
    current: Mapping[str, list[ItemLike]],
) -> list[ItemLike]:
    """The items that can have been in the sprint at some time (its `current` items and
    those with an event naming it), by id: no replay finds any other item in it, so the
    rest are skipped (a sprint holds a few thousand of 100,000 items)."""
    found = {i.id for i in current[sprint_id]}
    found.update(i for i in named.get(sprint_id, ()) if i in items)
    return [items[i] for i in sorted(found)]


def _replays(items: Iterable[ItemLike], hist: Histories, sprint_id: str) -> dict[str, _Replay]:
    """Each item's `_Replay` for the sprint, made once for the scope and the burndown."""
    return {i.id: _Replay.of(i, hist.get(i.id, []), sprint_id) for i in items}


def _scope(
    items: Iterable[ItemLike], hist: Histories, w: _Window,
    replays: Mapping[str, _Replay] | None = None,
) -> _Scope:
    scope = _Scope([], [], [], [], [], [], [], {})
    for item in sorted(items, key=lambda i: i.id):
        r = (replays[item.id] if replays is not None
             else _Replay.of(item, hist.get(item.id, []), w.sprint_id))
        at_start = r.member(w.sprint_id, w.commit)
        at_cut = r.member(w.sprint_id, w.cutoff)
        moves = [(when, added) for when, added in r.moves if w.commit < when <= w.cutoff]
        done_at_start = r.done(w.commit, w)
        scope.points[item.id] = (r.points_at(w.commit), r.points_at(w.cutoff))
        if at_start and not done_at_start:
            scope.committed.append(item)
        if not at_start and any(added for _, added in moves):
            scope.added.append(item)
        if not at_cut and any(not added for _, added in moves):
            scope.removed.append(item)
        if at_cut:
            if r.done(w.cutoff, w):
                if not done_at_start:
                    scope.completed.append(item)
            else:
                scope.remaining.append(item)
        if at_start or at_cut or moves:
            scope.touched.append(item)
        # An added item counts at its points at the cutoff already; a committed one keeps
        # its commitment, and its re-estimates are scope change of their own.
        change = _reestimate(r, w) if at_start and not done_at_start else 0.0
        if change:
            scope.reestimated.append((item, change))
    return scope


def _by_use(
    history: Sequence[EventLike],
) -> tuple[list[EventLike], list[EventLike], list[EventLike]]:
    """(sprint moves, stage moves, re-estimates) of one item's events."""
    sprints: list[EventLike] = []
    stages: list[EventLike] = []
    points: list[EventLike] = []
    for ev in history:
        if ev.kind in SPRINT_MOVES:
            sprints.append(ev)
        elif ev.kind == "stage_changed":
            stages.append(ev)
        elif ev.kind == "points_changed":
            points.append(ev)
    return sprints, stages, points


def _burndown(
    items: Sequence[ItemLike], hist: Histories, w: _Window,
    sprint: Sprint, roadmap: Roadmap, committed: float, now: datetime,
    replays: Mapping[str, _Replay] | None = None,
) -> tuple[BurndownPoint, ...]:
    length = (sprint.end - sprint.start).days + 1
    days = [sprint.start + timedelta(days=k) for k in range(length + 1)]
    # Day 1's point is the commitment (taken after planning), the rest each day's start.
    times = [w.commit, *(day_start(day, roadmap.cadence.timezone) for day in days[1:])]
    counted = sorted((k for k, at in enumerate(times) if at <= now), key=lambda k: times[k])
    # Each item's events split by what reads them, once (`_Replay`), then walked once
    # through the times in order, not asked again for each day (thousands of members).
    at = [times[k] for k in counted]
    split = [(replays[i.id] if replays is not None
              else _Replay.of(i, hist.get(i.id, []), w.sprint_id)).open_points(w, at)
             for i in items]
    left: dict[int, float] = {}
    for column, k in enumerate(counted):
        left[k] = sum(points for row in split if (points := row[column]) is not None)
    return tuple(
        BurndownPoint(day, round(left[k], 2) if k in left else None,
                      round(committed * (1 - k / length), 2))
        for k, day in enumerate(days)
    )


def _lines(items: Iterable[ItemLike]) -> tuple[ItemLine, ...]:
    return tuple(ItemLine.of(i) for i in items)


def velocity_sprints(sprint: Sprint, roadmap: Roadmap) -> list[Sprint]:
    """The closed sprints the velocity is the mean of, most recent first."""
    return sorted(
        (s for s in roadmap.sprints
         if s.state is SprintState.CLOSED and s.id != sprint.id and s.end < sprint.start),
        key=lambda s: s.end, reverse=True,
    )[:VELOCITY_WINDOW]


Velocity = Mapping[Track, Sequence[tuple[str, float]]]
"""Per track, (sprint id, completed points) of the `velocity_sprints`, most recent first."""


def _velocity(
    sprint: Sprint, items: Mapping[str, ItemLike], hist: Histories,
    roadmap: Roadmap, now: datetime, named: Mapping[str, set[str]],
    current: Mapping[str, list[ItemLike]],
) -> dict[Track, list[tuple[str, float]]]:
    history: dict[Track, list[tuple[str, float]]] = {t: [] for t in Track}
    for past in velocity_sprints(sprint, roadmap):
        scope = _scope(_members(items, past.id, named, current), hist,
                       _window(past, roadmap, now))
        for track in Track:
            done = [i for i in scope.completed if i.track is track]
            history[track].append((past.id, scope.at_cutoff(done)))
    return history


def open_points_of(items: Iterable[ItemLike]) -> dict[Track, float]:
    """Per track, the points of the open non-epic items: the forecast's backlog."""
    found = dict.fromkeys(Track, 0.0)
    for item in items:
        if item.kind is not Kind.EPIC and item.stage is not Stage.DONE and item.points:
            found[item.track] += item.points
    return found


class AsOf(Protocol):
    """Where items stood at a time, by their events, as the store's summaries give it
    (`Store.members_at`, `done_at` and `points_at`, of one project): each leaves out the
    items whose events say nothing of it (no move in or out of the sprint, no stage move,
    no re-estimate)."""

    def members_at(
        self, sprint_id: str, item_ids: Collection[str], at: datetime
    ) -> Mapping[str, bool]: ...
    def done_at(self, item_ids: Collection[str], at: datetime) -> Mapping[str, bool]: ...
    def points_at(self, item_ids: Collection[str], at: datetime) -> Mapping[str, float]: ...


def velocity_as_of(
    sprint: Sprint, items: Mapping[str, ItemLike], roadmap: Roadmap, now: datetime,
    named: Mapping[str, set[str]], facts: AsOf,
) -> dict[Track, list[tuple[str, float]]]:
    """`_velocity` without the members' histories: a closed sprint's completed points
    are those of the members in it at the cutoff, done then and not at the commitment,
    at their points at the cutoff (`_scope`'s answers, each read for the items the one
    before leaves: a sprint holds thousands of 100,000 items, a few read by index seeks).
    `named`: `sprints_named`, for the `velocity_sprints` at least."""
    history: dict[Track, list[tuple[str, float]]] = {t: [] for t in Track}
    chosen = velocity_sprints(sprint, roadmap)
    current = _current(items, {past.id for past in chosen})
    for past in chosen:
        w = _window(past, roadmap, now)
        # By id until the sum, whose order is `_scope`'s (thousands of members each).
        members = items.keys() & named.get(past.id, set())
        members.update(i.id for i in current[past.id])
        moved = facts.members_at(past.id, members, w.cutoff)
        # No move in or out of it on record: its current sprint holds (`member_at`).
        inside = [i for i in sorted(members)  # in id order: the store's seeks, the sum
                  if (member := moved.get(i)) or (member is None and items[i].sprint == past.id)]
        done = _done_as_of(inside, items, facts, w.cutoff, w)
        before = set(_done_as_of(done, items, facts, w.commit, w))
        completed = [items[i] for i in done if i not in before]
        points = facts.points_at([i.id for i in completed if i.kind is not Kind.EPIC], w.cutoff)
        for track in Track:
            # `points_at`: epics count nothing; an item never re-estimated, its points now.
            history[track].append((past.id, round(sum(
                0.0 if i.kind is Kind.EPIC else points.get(i.id, points_of(i))
                for i in completed if i.track is track
            ), 2)))
    return history


def _done_as_of(
    item_ids: list[str], items: Mapping[str, ItemLike], facts: AsOf, at: datetime, w: _Window
) -> list[str]:
    """The items done at `at` (`_done`), in their order."""
    moved = facts.done_at(item_ids, at)
    # No stage move on record: done, counted at the cutoff (`_done`).
    counted = at >= w.cutoff
    return [i for i in item_ids if (done := moved.get(i))
            or (done is None and counted and items[i].stage is Stage.DONE)]


def sprint_health(
    sprint: Sprint,
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    ageing_days: float = DEFAULT_AGEING_DAYS,
    *,
    history: Histories | None = None,
    named: Mapping[str, set[str]] | None = None,
    velocity: Velocity | None = None,
    open_points: Mapping[Track, float] | None = None,
) -> SprintHealth:
    """`history`: the events already grouped per item (`by_item`), in place of `events`;
    `named`: `sprints_named` of every item's events, for this sprint (and its
    `velocity_sprints`, without `velocity`) at least (`Store.sprints_named`), when
    `history` holds only the events of the items these sprints can hold; `velocity`:
    `velocity_as_of` (the velocity sprints' members' events need not be in `history`);
    `open_points`: per track, the points of every open non-epic item (the forecast's
    backlog, `open_points_of`; summed by the store): then `items` need hold only the
    sprints' items."""
    hist = grouped(events, history)
    w = _window(sprint, roadmap, now)
    over = sprint.state is SprintState.CLOSED or now >= w.end
    named = sprints_named(hist) if named is None else named
    replayed = {sprint.id} if velocity is not None else {
        sprint.id, *(s.id for s in velocity_sprints(sprint, roadmap))}
    # One pass over every item (100,000): the sprints' current items, and each track's
    # open points for the forecast (summed in the items' order).
    current: dict[str, list[ItemLike]] = {sprint_id: [] for sprint_id in replayed}
    for item in items.values():
        if item.sprint in current:
            current[item.sprint].append(item)
    backlog_points = open_points_of(items.values()) if open_points is None else open_points
    if velocity is None:
        velocity = _velocity(sprint, items, hist, roadmap, now, named, current)
    everyone = _members(items, sprint.id, named, current)
    tracks: list[TrackHealth] = []
    for track in Track:
        members = [i for i in everyone if i.track is track and i.kind is not Kind.EPIC]
        replays = _replays(members, hist, sprint.id)  # read by the scope and the burndown
        scope = _scope(members, hist, w, replays)
        committed = scope.at_commit(scope.committed)
        past = velocity[track]
        mean = round(sum(p for _, p in past) / len(past), 2) if past else None
        backlog = round(backlog_points[track], 2)
        spikes = tuple(
            spike_status(i, hist.get(i.id, []), now)
            for i in scope.touched if i.kind is Kind.SPIKE and i.timebox is not None
        )
        tracks.append(TrackHealth(
            track=track,
            capacity=sprint.capacity.get(track),
            committed_points=committed,
            committed=_lines(scope.committed),
            completed_points=scope.at_cutoff(scope.completed),
            completed=_lines(scope.completed),
            added_points=scope.at_cutoff(scope.added),
            added=_lines(scope.added),
            removed_points=scope.at_cutoff(scope.removed),
            removed=_lines(scope.removed),
            reestimated_points=round(sum(change for _, change in scope.reestimated), 2),
            reestimated=tuple(
                replace(ItemLine.of(i), points=scope.points[i.id][1]) for i, _ in scope.reestimated
            ),
            remaining_points=scope.at_cutoff(scope.remaining),
            remaining=_lines(scope.remaining),
            carry_over=_lines(scope.remaining) if over else (),
            burndown=_burndown(members, hist, w, sprint, roadmap, committed, now, replays),
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

