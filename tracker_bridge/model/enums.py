"""The closed vocabularies of the canonical MLOps work model."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Any


class Kind(StrEnum):
    EPIC = "epic"
    STORY = "story"
    TASK = "task"
    BUG = "bug"
    SPIKE = "spike"


class Track(StrEnum):
    """Research work delivers learning; engineering work delivers points."""

    RESEARCH = "research"
    ENGINEERING = "engineering"


class Stage(StrEnum):
    """The Kanban columns, in board order: backlog to production."""

    BACKLOG = "backlog"
    SPRINT_BACKLOG = "sprint_backlog"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    READY_FOR_STAGING = "ready_for_staging"
    IN_STAGING = "in_staging"
    READY_FOR_PROD = "ready_for_prod"
    DONE = "done"

    @property
    def position(self) -> int:
        return _STAGE_ORDER[self]

    @property
    def is_active(self) -> bool:
        """Counted against WIP limits: started, not yet in production."""
        return Stage.IN_PROGRESS.position <= self.position < Stage.DONE.position

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.position < other.position

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.position <= other.position

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.position > other.position

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.position >= other.position


_STAGE_ORDER = {stage: index for index, stage in enumerate(Stage)}
_STAGES: dict[Any, Stage] = {stage.value: stage for stage in Stage}


def parse_stage(value: Any) -> Stage | None:
    """The stage named `value`, else None (a dict lookup: replays call this millions of
    times, and `Stage(value)` costs ten times more)."""
    try:
        return _STAGES.get(value)
    except TypeError:  # unhashable: no stage
        return None


class SprintState(StrEnum):
    FUTURE = "future"
    ACTIVE = "active"
    CLOSED = "closed"


class SpikeOutcome(StrEnum):
    VALIDATED = "validated"
    INVALIDATED = "invalidated"
    INCONCLUSIVE = "inconclusive"
    ABANDONED = "abandoned"
    """Stopped before it could answer (GitHub: closed as not planned)."""


class MaturityLevel(IntEnum):
    """MLOps maturity: 0 manual, 1 automated pipelines, 2 automated CI/CD of pipelines."""

    MANUAL = 0
    PIPELINE_AUTOMATION = 1
    CICD_AUTOMATION = 2
