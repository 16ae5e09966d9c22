"""A compact, render-ready line per item, shared by every report."""

from __future__ import annotations

from dataclasses import dataclass

from tracker_bridge.model import Kind, Stage, Track, WorkItem


@dataclass(frozen=True)
class ItemLine:
    id: str
    title: str
    kind: Kind
    track: Track
    stage: Stage
    points: float | None = None
    assignee: str | None = None
    blocked: bool = False
    days_in_stage: float | None = None
    """Set for ageing items: how long the item has sat in its current stage ("ageing")."""
    age_days: float | None = None
    """Set for ageing items: work item age, days since it was first started (where known)."""
    tracker_born: bool = False
    """Born in a tracker, not in the roadmap (`tracker` and `tracker_key` say where)."""
    tracker: str | None = None
    tracker_key: str | None = None

    @classmethod
    def of(
        cls, item: WorkItem, days_in_stage: float | None = None, age_days: float | None = None
    ) -> ItemLine:
        return cls(
            id=item.id,
            title=item.title,
            kind=item.kind,
            track=item.track,
            stage=item.stage,
            points=item.points,
            assignee=item.assignee,
            blocked=item.blocked,
            days_in_stage=days_in_stage,
            age_days=age_days,
            tracker_born=item.origin is not None,
            tracker=item.origin.tracker if item.origin else None,
            tracker_key=item.origin.key if item.origin else None,
        )


def points_of(item: WorkItem) -> float:
    """Points that count towards sums: epics are containers, so theirs would count twice."""
    if item.kind is Kind.EPIC or item.points is None:
        return 0.0
    return float(item.points)
