"""A hand-built project: three sprints, engineering stories and research spikes, with events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tracker_bridge.model import (
    BoardPolicy,
    Cadence,
    Kind,
    Roadmap,
    SpikePolicy,
    Sprint,
    SprintState,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.store import StoreEvent

NOW = datetime(2026, 11, 9, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def ev(kind: str, item: str, when: datetime, **data: Any) -> StoreEvent:
    return StoreEvent(kind, item, when, data=data)


def move(item: str, when: datetime, src: str, dst: str) -> StoreEvent:
    return StoreEvent("stage_changed", item, when, data={"from": src, "to": dst})


def story(id: str, points: float, stage: Stage = Stage.BACKLOG, **kw: Any) -> WorkItem:
    kw.setdefault("title", f"Story {id}")
    return WorkItem(id=id, kind=Kind.STORY, points=points, stage=stage, **kw)


def spike(id: str, length: int = 5, **kw: Any) -> WorkItem:
    timebox = kw.pop("timebox", None) or Timebox(length_days=length, hypothesis="it helps")
    return WorkItem(id=id, kind=Kind.SPIKE, title=f"Spike {id}", track=Track.RESEARCH,
                    timebox=timebox, **kw)


SPRINTS = (
    Sprint(id="s0", name="Sprint 0", start=date(2026, 10, 5), end=date(2026, 10, 16),
           state=SprintState.CLOSED),
    Sprint(id="s1", name="Sprint 1", start=date(2026, 10, 19), end=date(2026, 10, 30),
           state=SprintState.CLOSED),
    Sprint(id="s2", name="Sprint 2", start=date(2026, 11, 2), end=date(2026, 11, 13),
           state=SprintState.ACTIVE, goal="Ship the ranking model",
           capacity={Track.ENGINEERING: 20, Track.RESEARCH: 5}),
)


def roadmap(board: BoardPolicy | None = None) -> Roadmap:
    return Roadmap(
        project="trending",
        cadence=Cadence(first_sprint_start=date(2026, 10, 5)),
        board=board or BoardPolicy(spikes=SpikePolicy(max_timebox_days=10,
                                                      extensions_allowed=1)),
        sprints=SPRINTS,
    )


def items() -> dict[str, WorkItem]:
    found = [
        story("a", 3, Stage.DONE, sprint="s2"),
        story("b", 5, Stage.IN_PROGRESS, sprint="s2", blocked=True),
        story("c", 2, Stage.DONE, sprint="s2"),
        story("d", 8, Stage.BACKLOG),
        story("e", 1, Stage.BACKLOG, sprint="s2"),
        story("f", 5, Stage.DONE, sprint="s1"),
        story("g", 3, Stage.DONE, sprint="s1"),
        story("h", 4, Stage.DONE, sprint="s0"),
        WorkItem(id="epic", kind=Kind.EPIC, title="Ranking", points=40, sprint="s2"),
        spike("sp1", stage=Stage.DONE, sprint="s2"),
        spike("sp2", length=3, stage=Stage.IN_PROGRESS, sprint="s2"),
    ]
    return {item.id: item for item in found}


def events() -> list[StoreEvent]:
    return [
        ev("sprint_added", "h", at(1, month=10), sprint="s0"),
        move("h", at(10, month=10), "in_progress", "done"),
        ev("sprint_added", "f", at(16, month=10), sprint="s1"),
        ev("sprint_added", "g", at(16, month=10), sprint="s1"),
        move("f", at(25, month=10), "in_progress", "done"),
        move("g", at(28, month=10), "in_review", "done"),
        ev("sprint_added", "a", at(30, month=10), sprint="s2"),
        ev("sprint_added", "b", at(31, month=10), sprint="s2"),
        ev("sprint_added", "d", at(30, month=10), sprint="s2"),
        ev("sprint_added", "sp1", at(30, month=10), sprint="s2"),
        ev("sprint_added", "sp2", at(30, month=10), sprint="s2"),
        move("a", at(2), "sprint_backlog", "in_progress"),
        move("b", at(2), "sprint_backlog", "in_progress"),
        ev("sprint_removed", "d", at(3), sprint="s2"),
        move("a", at(4), "in_progress", "done"),
        ev("sprint_added", "c", at(5), sprint="s2"),
        move("c", at(5, 11), "backlog", "in_progress"),
        move("c", at(6), "in_progress", "done"),
        ev("spike_started", "sp1", at(2)),
        ev("spike_closed", "sp1", at(5), outcome="validated", learning="recall +4%"),
        move("sp1", at(5), "in_progress", "done"),
        ev("spike_started", "sp2", at(2, 9)),
        ev("spike_extended", "sp2", at(4), days=2, reason="data late"),
        move("sp2", at(2, 9), "sprint_backlog", "in_progress"),
    ]
