"""The research track judged by what it learned: spikes concluded, outcomes, learning
recorded, time-box adherence and hypotheses tested per sprint.

Research delivers learning, not points (see `Track`), so these come first in every report
for research; its points burndown is shown only when the project asks for it
(`research_points_burndown = true` in the project's settings).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker_bridge.model import Kind, Roadmap, SpikeOutcome, Sprint, Stage, Track
from tracker_bridge.reports.history import EventLike, Histories, day_start, grouped
from tracker_bridge.reports.lines import ItemLike
from tracker_bridge.reports.spikes import SpikeStatus, SpikeSummary, spike_statuses

HISTORY_SPRINTS = 4
"""Hypotheses per sprint: this sprint and up to three before it."""


@dataclass(frozen=True)
class Concluded:
    id: str
    title: str
    hypothesis: str
    outcome: SpikeOutcome | None
    learning: str | None
    closed_at: datetime | None
    """None when closed before any recorded event (e.g. in the roadmap)."""
    within_timebox: bool | None
    """Closed by its deadline (extensions included); None when either time is unknown."""
    extended: bool


@dataclass(frozen=True)
class SprintHypotheses:
    sprint: str
    started: int
    """Spikes (hypotheses) whose time-box started within the sprint."""
    concluded: int


@dataclass(frozen=True)
class ResearchLearning:
    sprint: str
    concluded: tuple[Concluded, ...]
    """Research spikes concluded within the sprint."""
    outcomes: Mapping[SpikeOutcome, int]
    learning_recorded: int
    within_timebox: int
    running: int
    """Research spikes started and not concluded at the report's time."""
    per_sprint: tuple[SprintHypotheses, ...]
    """Most recent first, this sprint included."""

    @property
    def adherence(self) -> float | None:
        """Share of concluded spikes (with known times) closed within their time-box."""
        known = [c for c in self.concluded if c.within_timebox is not None]
        return round(len([c for c in known if c.within_timebox]) / len(known), 2) \
            if known else None


def closed_at(history: Sequence[EventLike]) -> datetime | None:
    """The last `spike close`, else the last move to done."""
    for kind in ("spike_closed", "stage_changed"):
        for ev in reversed(history):
            if ev.kind == kind and (kind == "spike_closed" or ev.data.get("to") == "done"):
                return ev.at
    return None


def summary_closed_at(record: SpikeSummary) -> datetime | None:
    """`closed_at` of the spike's whole history, from its `SpikeSummary`."""
    closes = [ev.at for ev in record.events if ev.kind == "spike_closed"]
    return closes[-1] if closes else record.done_at


def _window(sprint: Sprint, roadmap: Roadmap) -> tuple[datetime, datetime]:
    tz = roadmap.cadence.timezone
    return day_start(sprint.start, tz), day_start(sprint.end + timedelta(days=1), tz)


def _concluded_in(
    status: SpikeStatus, item: ItemLike, when: datetime | None, sprint: Sprint,
    window: tuple[datetime, datetime], now: datetime,
) -> bool:
    if not status.closed:
        return False
    if when is None:  # closed with no recorded time: it counts in its own sprint
        return item.sprint == sprint.id
    return window[0] <= when < window[1] and when <= now


def _closed_at(
    spike_id: str, history: Histories, summaries: Mapping[str, SpikeSummary]
) -> datetime | None:
    record = summaries.get(spike_id) if spike_id not in history else None
    return closed_at(history.get(spike_id, [])) if record is None else summary_closed_at(record)


def research_learning(
    sprint: Sprint,
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    *,
    history: Histories | None = None,
    statuses: Mapping[str, SpikeStatus] | None = None,
    summaries: Mapping[str, SpikeSummary] | None = None,
) -> ResearchLearning:
    """`statuses`: every spike's status computed already (`spike_statuses`, by id): the
    research spikes are read from those, not found again among all the items;
    `summaries`: for spikes not in `history`, what stands in for their events."""
    hist = grouped(events, history)
    own = summaries or {}
    if statuses is None:
        research = {i.id: i for i in items.values()
                    if i.kind is Kind.SPIKE and i.timebox is not None
                    and i.track is Track.RESEARCH}
        statuses = {s.id: s for s in spike_statuses(research, (), now, history=hist,
                                                       summaries=own)}
    # One pass over the spikes: when each started, and the closed ones with when they
    # closed (only those can be concluded: a team's running spikes read no history).
    starts: list[datetime] = []
    closed: list[tuple[SpikeStatus, ItemLike, datetime | None]] = []
    running = 0
    for status in statuses.values():
        if status.track is not Track.RESEARCH:
            continue
        began = status.started_at
        if began is not None and began <= now:
            starts.append(began)
            running += not status.closed and status.stage is not Stage.DONE
        if status.closed:
            closed.append((status, items[status.id], _closed_at(status.id, hist, own)))
    starts.sort()
    closed.sort(key=lambda found: found[0].id)
    window = _window(sprint, roadmap)
    concluded = tuple(
        Concluded(
            id=status.id,
            title=status.title,
            hypothesis=status.hypothesis,
            outcome=status.outcome,
            learning=status.learning,
            closed_at=when,
            within_timebox=(when <= status.deadline)
            if when is not None and status.deadline is not None else None,
            extended=bool(status.extensions),
        )
        for status, item, when in closed
        if _concluded_in(status, item, when, sprint, window, now)
    )
    outcomes = dict.fromkeys(SpikeOutcome, 0)
    for c in concluded:
        if c.outcome is not None:
            outcomes[c.outcome] += 1
    earlier = sorted((s for s in roadmap.sprints if s.start < sprint.start),
                     key=lambda s: s.start, reverse=True)[: HISTORY_SPRINTS - 1]
    per_sprint = []
    for past in (sprint, *earlier):
        start, end = _window(past, roadmap)
        per_sprint.append(SprintHypotheses(
            past.id,
            started=bisect_left(starts, end) - bisect_left(starts, start),
            concluded=sum(1 for s, i, w in closed
                          if _concluded_in(s, i, w, past, (start, end), now)),
        ))
    return ResearchLearning(
        sprint=sprint.id,
        concluded=concluded,
        outcomes=outcomes,
        learning_recorded=sum(1 for c in concluded if (c.learning or "").strip()),
        within_timebox=sum(1 for c in concluded if c.within_timebox),
        running=running,
        per_sprint=tuple(per_sprint),
    )
