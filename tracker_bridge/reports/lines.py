"""A compact, render-ready line per item, shared by every report."""

from __future__ import annotations

from dataclasses import dataclass, fields

from tracker_bridge.model import Kind, Stage, Track, WorkItem
from tracker_bridge.model.checklist import checklist_value, criteria_of


@dataclass(frozen=True)
class Criterion:
    """One acceptance criterion (or definition-of-done entry) and whether it is ticked."""

    text: str
    met: bool


@dataclass(frozen=True, slots=True)  # slots: a third of the memory of one line per card
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
    acceptance: tuple[Criterion, ...] = ()
    """Acceptance criteria and definition of done, each with whether a person ticked it
    on a tracker."""

    @property
    def criteria_met(self) -> str | None:
        """`2/3`, or None without a checklist."""
        if not self.acceptance:
            return None
        return f"{sum(1 for c in self.acceptance if c.met)}/{len(self.acceptance)}"

    @classmethod
    def of(
        cls, item: WorkItem, days_in_stage: float | None = None, age_days: float | None = None
    ) -> ItemLine:
        # The slots filled straight, in field order, instead of through the generated
        # `__init__`'s frozen `object.__setattr__` calls (3x slower; a board of 100,000
        # cards makes one line per card). No `__post_init__` is missed; a test compares.
        # Unrolled: the loop over the setters cost a third of the time.
        line = object.__new__(cls)
        (id_, title, kind, track, stage, points, assignee, blocked, in_stage, age, born,
         tracker, key, acceptance) = _LINE_SLOTS
        origin = item.origin
        id_(line, item.id)
        title(line, item.title)
        kind(line, item.kind)
        track(line, item.track)
        stage(line, item.stage)
        points(line, item.points)
        assignee(line, item.assignee)
        blocked(line, item.blocked)
        in_stage(line, days_in_stage)
        age(line, age_days)
        born(line, origin is not None)
        tracker(line, origin.tracker if origin else None)
        key(line, origin.key if origin else None)
        acceptance(line, acceptance_of(item))
        return line


_LINE_SLOTS = tuple(getattr(ItemLine, f.name).__set__ for f in fields(ItemLine))


def acceptance_of(item: WorkItem) -> tuple[Criterion, ...]:
    if not (item.acceptance_criteria or item.definition_of_done):
        return ()  # most items: no checklist to build (a board of 100,000 lines)
    ticked = set(item.checked)
    value = checklist_value(item.acceptance_criteria, item.definition_of_done)
    return tuple(Criterion(text, text in ticked) for _, text in criteria_of(value))


def points_of(item: WorkItem) -> float:
    """Points that count towards sums: epics are containers, so theirs would count twice."""
    if item.kind is Kind.EPIC or item.points is None:
        return 0.0
    return float(item.points)
