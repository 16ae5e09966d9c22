"""The research track judged by what it learned: spikes concluded, outcomes, learning
recorded, time-box adherence and hypotheses tested per sprint.

Research delivers learning, not points (see `Track`), so these come first in every report
for research; its points burndown is shown only when the project asks for it
(`research_points_burndown = true` in the project's settings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker_bridge.model import Kind, Roadmap, SpikeOutcome, Sprint, Stage, Track, WorkItem
from tracker_bridge.reports.history import EventLike, Histories, day_start, grouped
from tracker_bridge.reports.spikes import SpikeStatus, SpikeSummary, spike_status

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
    status: SpikeStatus, item: WorkItem, when: datetime | None, sprint: Sprint,
    window: tuple[datetime, datetime], now: datetime,
) -> bool:
    if not status.closed:
        return False
    if when is None:  # closed with no recorded time: it counts in its own sprint
        return item.sprint == sprint.id
    return window[0] <= when < window[1] and when <= now


def research_learning(
    sprint: Sprint,
    items: Mapping[str, WorkItem],
    events: Iterable[EventLike],
    roadmap: Roadmap,
    now: datetime,
    *,
    history: Histories | None = None,
    statuses: Mapping[str, SpikeStatus] | None = None,
    summaries: Mapping[str, SpikeSummary] | None = None,
) -> ResearchLearning:
    """`statuses`: the spikes' statuses computed already (`spike_statuses`, by id);
    `summaries`: for spikes not in `history`, what stands in for their events."""
    hist = grouped(events, history)
    known = statuses or {}
    own = summaries or {}

    def summary_of(item_id: str) -> SpikeSummary | None:
        return own.get(item_id) if item_id not in hist else None

    def status(item: WorkItem) -> SpikeStatus:
        record = summary_of(item.id)
        events = hist.get(item.id, []) if record is None else record.events
        return known.get(item.id) or spike_status(item, events, now)

    def closed(item_id: str) -> datetime | None:
        record = summary_of(item_id)
        return closed_at(hist.get(item_id, [])) if record is None else summary_closed_at(record)

    spikes = [
        (item, status(item), closed(item.id))
        for item in sorted(
            (i for i in items.values()
             if i.kind is Kind.SPIKE and i.timebox is not None and i.track is Track.RESEARCH),
            key=lambda i: i.id,
        )
    ]
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
        for item, status, when in spikes
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
            started=sum(1 for _, s, _ in spikes
                        if s.started_at is not None and start <= s.started_at < end
                        and s.started_at <= now),
            concluded=sum(1 for i, s, w in spikes
                          if _concluded_in(s, i, w, past, (start, end), now)),
        ))
    return ResearchLearning(
        sprint=sprint.id,
        concluded=concluded,
        outcomes=outcomes,
        learning_recorded=sum(1 for c in concluded if (c.learning or "").strip()),
        within_timebox=sum(1 for c in concluded if c.within_timebox),
        running=sum(1 for _, s, _ in spikes
                    if s.started_at is not None and not s.closed and s.started_at <= now
                    and s.stage is not Stage.DONE),
        per_sprint=tuple(per_sprint),
    )
