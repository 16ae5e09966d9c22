"""The bundle every sprint renderer takes: sprint health, the board, the spikes, flow
metrics, what the research track learned, objectives, risks and the current phase."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker_bridge.model import Kind, Roadmap, Sprint, Track
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS, BoardSnapshot, board_snapshot
from tracker_bridge.reports.flow import (
    CycleSummary,
    CycleTimes,
    StoredFlow,
    TrackFlow,
    WeekThroughput,
    cumulative_flow,
    cycle_times,
    flow_since,
    throughput,
)
from tracker_bridge.reports.history import (
    EventLike,
    FlowLike,
    Histories,
    day_start,
    grouped,
)
from tracker_bridge.reports.learning import ResearchLearning, research_learning
from tracker_bridge.reports.lines import ItemLike
from tracker_bridge.reports.objectives import ObjectiveStatus, Reading, objective_statuses
from tracker_bridge.reports.phases import PhaseStatus, ReviewLike, current_phase, today_in
from tracker_bridge.reports.risks import RiskEntry, risk_register
from tracker_bridge.reports.spikes import (
    SpikeStatus,
    SpikeSummary,
    SpikeViolation,
    spike_statuses,
    violations_of,
)
from tracker_bridge.reports.sprint import (
    SprintHealth,
    Velocity,
    open_points_of,
    sprint_health,
    velocity_sprints,
)


@dataclass(frozen=True)
class SprintReport:
    health: SprintHealth
    board: BoardSnapshot
    spikes: tuple[SpikeStatus, ...]
    """Every spike of the project that is started and not yet closed."""
    violations: tuple[SpikeViolation, ...]
    """Spike policy violations, all spikes of the project."""
    cumulative_flow: tuple[TrackFlow, ...]
    """Per track, items per stage at the end of each of the sprint's days so far."""
    cycle_time: CycleTimes
    """Cycle and lead time of the items done in the last `FLOW_WEEKS` weeks."""
    throughput: tuple[WeekThroughput, ...]
    learning: ResearchLearning
    timezone: str = "UTC"
    """The team's time zone (the cadence's): where a day begins on the charts."""
    research_points_burndown: bool = False
    """Show the research track's points burndown too (the project asked for it)."""
    objectives: tuple[ObjectiveStatus, ...] = ()
    risks: tuple[RiskEntry, ...] = ()
    """The risk register, highest score first."""
    phase: PhaseStatus | None = None
    """The current phase (today, in the team's time zone), with its gate."""


def build_sprint_report(
    sprint: Sprint,
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    ageing_days: float = DEFAULT_AGEING_DAYS,
    research_points_burndown: bool = False,
    measurements: Iterable[Reading] = (),
    reviews: Sequence[ReviewLike] = (),
    ended: Mapping[str, ItemLike] | None = None,
    *,
    history: Histories | None = None,
    named: Mapping[str, set[str]] | None = None,
    flows: Mapping[str, FlowLike] | None = None,
    spikes: Mapping[str, SpikeSummary] | None = None,
    done: Mapping[str, CycleSummary | None] | None = None,
    velocity: Velocity | None = None,
    stored_flow: StoredFlow | None = None,
    board: BoardSnapshot | None = None,
    open_points: Mapping[Track, float] | None = None,
) -> SprintReport:
    """`ended`: tracker-born items that ended (`Store.ended_items`): off the board, but
    counted in the sprints they were in, as scope removed when they ended. `history`: the
    events already grouped per item (`Store.histories`), in place of `events`.

    The events are grouped per item once, here, and every metric replays those groups.
    Given the store's summaries, `history` need only hold the items `replayed_items`
    names: `named` (`Store.sprints_named`, for `reported_sprints`), `velocity`
    (`velocity_as_of`: the velocity sprints' members as of their ends), `flows` (the
    board's cards, `Store.item_flows`), `spikes` (the spikes not in `history`: their own
    events and last move into done), `done` (the items moved into done since the cycle
    times' window began, with their `cycle_summary` at its end: `cycle_times`'), and
    `stored_flow` (the store's cumulative flow of the synced cards, `Store.flow_counts`:
    the others' is replayed). `board`: the board of `items` made already
    (`ReportContext.board`, from the store's counts), in place of `flows`. `open_points`:
    the forecast's backlog per track (`open_points_of` the current items: not the ended
    ones), summed already (then `items` need hold only what the other figures read)."""
    hist = grouped(events, history)
    statuses = spike_statuses(items, (), now, history=hist, summaries=spikes)
    policy = roadmap.board.spikes
    everyone = {**(ended or {}), **items}
    tz = roadmap.cadence.timezone
    since, until = cycle_window(sprint, roadmap, now)
    times = cycle_times(items, (), since, until, history=hist, done=done)
    return SprintReport(
        # The forecast's backlog is the current items' open work: an ended item (its issue
        # deleted or moved away) is scope removed, not work left.
        health=sprint_health(sprint, everyone, (), roadmap, now, ageing_days, history=hist,
                             named=named, velocity=velocity,
                             open_points=open_points_of(items.values()) if open_points is None
                             else open_points),
        board=board if board is not None else board_snapshot(
            items, roadmap, now, (), ageing_days, history=hist, flows=flows),
        spikes=tuple(s for s in statuses if s.started_at is not None and not s.closed),
        violations=tuple(v for s in statuses for v in violations_of(s, policy)),
        cumulative_flow=cumulative_flow(items, (), sprint.start, sprint.end, now, tz,
                                        history=hist, stored=stored_flow),
        cycle_time=times,
        throughput=throughput(times, tz),
        learning=research_learning(sprint, items, (), roadmap, now, history=hist,
                                   statuses={s.id: s for s in statuses},
                                   summaries=spikes),
        timezone=tz,
        research_points_burndown=research_points_burndown,
        objectives=objective_statuses(roadmap.objectives, measurements, today_in(roadmap, now)),
        risks=risk_register(roadmap.risks),
        phase=current_phase(roadmap, now, reviews),
    )


def reported_sprints(sprint: Sprint, roadmap: Roadmap) -> set[str]:
    """The sprints whose members the report reads: this one (replayed) and its velocity's
    (as of their ends, `velocity_as_of`)."""
    return {sprint.id, *(past.id for past in velocity_sprints(sprint, roadmap))}


def cycle_window(sprint: Sprint, roadmap: Roadmap, now: datetime) -> tuple[datetime, datetime]:
    """(since, until) of the report's cycle times: the `FLOW_WEEKS` weeks that end with
    the sprint's end (its last day's end, or now if sooner)."""
    tz = roadmap.cadence.timezone
    until = min(now, day_start(sprint.end + timedelta(days=1), tz))
    return flow_since(until, tz), until


def replayed_items(
    sprint: Sprint,
    items: Mapping[str, ItemLike],
    ended: Mapping[str, ItemLike],
    named: Mapping[str, set[str]],
    done: Iterable[str],
    served: Container[str] = frozenset(),
) -> set[str]:
    """The items whose every event the report replays; for every other item the store's
    summaries give the same figures. `done`: items moved into done since the cycle
    times' window began whose `cycle_summary` cannot tell their cycle time. Also every spike with
    a time-box (statuses, learning) but those `served` by a `SpikeSummary`, and every item
    that can have been in the sprint (its own, or named by an event): not those of the
    velocity sprints (`velocity_as_of`)."""
    wanted = set(done)
    for group in (items, ended):
        wanted.update(i.id for i in group.values()
                      if (i.kind is Kind.SPIKE and i.timebox is not None
                          and i.id not in served)
                      or i.sprint == sprint.id)
    wanted.update(named.get(sprint.id, ()))
    return wanted
