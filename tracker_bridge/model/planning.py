"""Roadmap structure: cadence, sprints, phases, objectives, risks and board policy."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PositiveInt

from tracker_bridge.model.enums import MaturityLevel, SprintState, Stage, Track
from tracker_bridge.model.items import WorkItem


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _known_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use e.g. Europe/Amsterdam") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_known_timezone)]
"""An IANA time zone name, checked on validation."""


class Cadence(_Frozen):
    sprint_length_days: PositiveInt = 14
    first_sprint_start: date
    timezone: TimeZoneName = "UTC"


def state_on(start: date, end: date, today: date) -> SprintState:
    """A sprint's state on `today` (the team's date) by its dates alone."""
    if today < start:
        return SprintState.FUTURE
    return SprintState.ACTIVE if today <= end else SprintState.CLOSED


class Sprint(_Frozen):
    id: str
    name: str
    start: date
    end: date
    goal: str = ""
    state: SprintState = SprintState.FUTURE
    phase: str | None = None
    capacity: dict[Track, float] = Field(default_factory=dict)
    adopt: tuple[str, ...] = ()
    """Existing tracker sprints it is (`jira:TREND/sprint/42`): bound, never created."""


class Phase(_Frozen):
    name: str
    id: str | None = None
    """Slug used by items and sprints to name their phase (`WorkItem.phase`, `Sprint.phase`)."""
    sprints: PositiveInt
    maturity_level: MaturityLevel = MaturityLevel.MANUAL
    goal: str = ""
    exit_criteria: tuple[str, ...] = ()


class Objective(_Frozen):
    id: str
    kpi: str
    baseline: float
    target: float
    unit: str = ""
    due: date
    epics: tuple[str, ...] = ()


class Risk(_Frozen):
    description: str
    likelihood: Literal["low", "medium", "high"]
    impact: Literal["low", "medium", "high"]
    mitigation: str = ""
    owner: str | None = None
    epics: tuple[str, ...] = ()
    """Ids of the epics the risk threatens."""


class SpikePolicy(_Frozen):
    max_timebox_days: PositiveInt = 10
    extensions_allowed: int = Field(default=1, ge=0)


class BoardPolicy(_Frozen):
    """WIP limits per stage (optionally per track) and the spike policy."""

    wip_limits: dict[Stage, PositiveInt] = Field(default_factory=dict)
    wip_limits_per_track: dict[Track, dict[Stage, PositiveInt]] = Field(default_factory=dict)
    spikes: SpikePolicy = SpikePolicy()
    definition_of_done: tuple[str, ...] = ()
    """What every story, task and bug must meet to be done (a checklist on each issue)."""

    def limit_for(self, stage: Stage, track: Track | None = None) -> int | None:
        if track is not None and stage in self.wip_limits_per_track.get(track, {}):
            return self.wip_limits_per_track[track][stage]
        return self.wip_limits.get(stage)


class Roadmap(_Frozen):
    """A project's plan: cadence, phases of sprints, objectives, risks and the items."""

    project: str
    cadence: Cadence
    board: BoardPolicy = BoardPolicy()
    phases: tuple[Phase, ...] = ()
    sprints: tuple[Sprint, ...] = ()
    objectives: tuple[Objective, ...] = ()
    risks: tuple[Risk, ...] = ()
    items: tuple[WorkItem, ...] = ()

    def item_by_id(self) -> dict[str, WorkItem]:
        return {item.id: item for item in self.items}

    def sprint_by_id(self) -> dict[str, Sprint]:
        return {sprint.id: sprint for sprint in self.sprints}
