"""The bundle every sprint renderer takes: sprint health, the board and the spikes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tracker_bridge.model import Roadmap, Sprint, WorkItem
from tracker_bridge.reports.board import DEFAULT_AGEING_DAYS, BoardSnapshot, board_snapshot
from tracker_bridge.reports.history import EventLike
from tracker_bridge.reports.spikes import (
    SpikeStatus,
    SpikeViolation,
    spike_statuses,
    violations_of,
)
from tracker_bridge.reports.sprint import SprintHealth, sprint_health


@dataclass(frozen=True)
class SprintReport:
    health: SprintHealth
    board: BoardSnapshot
    spikes: tuple[SpikeStatus, ...]
    """Every spike of the project that is started and not yet closed."""
    violations: tuple[SpikeViolation, ...]
    """Spike policy violations, all spikes of the project."""


def build_sprint_report(
    sprint: Sprint,
    items: Mapping[str, WorkItem],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    ageing_days: float = DEFAULT_AGEING_DAYS,
    ended: Mapping[str, WorkItem] | None = None,
) -> SprintReport:
    """`ended`: tracker-born items that ended (`Store.ended_items`): off the board, but
    counted in the sprints they were in, as scope removed when they ended."""
    events = list(events)  # read three times below
    statuses = spike_statuses(items, events, now)
    policy = roadmap.board.spikes
    history = {**(ended or {}), **items}
    return SprintReport(
        health=sprint_health(sprint, history, events, roadmap, now, ageing_days),
        board=board_snapshot(items, roadmap, now, events, ageing_days),
        spikes=tuple(s for s in statuses if s.started_at is not None and not s.closed),
        violations=tuple(v for s in statuses for v in violations_of(s, policy)),
    )
