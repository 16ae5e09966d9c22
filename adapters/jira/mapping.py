"""The Jira mapping file: a frozen model of mappings/jira.yaml, loaded with file:line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tracker_bridge.mappings import default_mapping
from tracker_bridge.model import SYNC_FIELDS, Kind, Stage, Track
from tracker_bridge.yamlfile import load_yaml_model, parse_yaml_model

Owner = Literal["roadmap", "tracker"]
ConflictPolicy = Literal["owner", "prefer_tracker", "prefer_roadmap", "hold"]

DEFAULT_STATUSES: dict[Stage, tuple[str, ...]] = {
    Stage.BACKLOG: ("Backlog",),
    Stage.SPRINT_BACKLOG: ("Selected for Development",),
    Stage.IN_PROGRESS: ("In Progress",),
    Stage.IN_REVIEW: ("In Review",),
    Stage.READY_FOR_STAGING: ("Ready for Staging",),
    Stage.IN_STAGING: ("In Staging",),
    Stage.READY_FOR_PROD: ("Ready for Prod",),
    Stage.DONE: ("Done",),
}

DEFAULT_OWNERS: dict[str, Owner] = {
    **dict.fromkeys(
        ("title", "description", "kind", "parent", "track", "points", "sprint", "labels", "due"),
        "roadmap",
    ),
    **dict.fromkeys(("stage", "assignee", "blocked"), "tracker"),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SpikeFallback(_Frozen):
    issue_type: str = "Task"
    label: str = "spike"


class Tracks(_Frozen):
    as_: Literal["label", "component"] = Field("label", alias="as")
    research: str = "track-research"
    engineering: str = "track-engineering"

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def name_for(self, track: Track) -> str:
        return self.research if track is Track.RESEARCH else self.engineering


class Fields(_Frozen):
    story_points: str = "auto"
    epic_link: Literal["auto", "parent", "epic_link"] = "auto"
    spike_due_from_timebox: bool = True


class Blocked(_Frozen):
    as_: Literal["label", "flag"] = Field("label", alias="as")
    label: str = "blocked"

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Marker(_Frozen):
    label_prefix: str = Field("tb-id:", min_length=1)
    issue_property: bool = False


class JiraMapping(_Frozen):
    """What mappings/jira.yaml says; see the shipped file for the meaning of each entry."""

    version: Literal[1] = 1
    kinds: dict[Kind, str] = Field(
        default_factory=lambda: {
            Kind.EPIC: "Epic",
            Kind.STORY: "Story",
            Kind.TASK: "Task",
            Kind.BUG: "Bug",
            Kind.SPIKE: "Spike",
        }
    )
    spike_fallback: SpikeFallback = SpikeFallback()
    tracks: Tracks = Tracks()
    stages: dict[Stage, tuple[str, ...]] = Field(default_factory=lambda: dict(DEFAULT_STATUSES))
    transition_fields: dict[str, str] = Field(default_factory=lambda: {"resolution": "Done"})
    fields: Fields = Fields()
    blocked: Blocked = Blocked()
    marker: Marker = Marker()
    ownership: dict[str, Owner] = Field(default_factory=lambda: dict(DEFAULT_OWNERS))
    conflict_policy: ConflictPolicy = "owner"
    board_id: int | None = None

    @field_validator("kinds")
    @classmethod
    def _every_kind(cls, value: dict[Kind, str]) -> dict[Kind, str]:
        missing = [kind.value for kind in Kind if kind not in value]
        if missing:
            raise ValueError(f"missing kinds: {', '.join(missing)}")
        return value

    @field_validator("stages")
    @classmethod
    def _every_stage(cls, value: dict[Stage, tuple[str, ...]]) -> dict[Stage, tuple[str, ...]]:
        missing = [stage.value for stage in Stage if stage not in value]
        if missing:
            raise ValueError(f"missing stages: {', '.join(missing)}")
        empty = [stage.value for stage, names in value.items() if not names]
        if empty:
            raise ValueError(f"stages need at least one status name: {', '.join(empty)}")
        seen: dict[str, Stage] = {}
        for stage, names in value.items():
            for name in names:
                other = seen.setdefault(name.casefold(), stage)
                if other is not stage:
                    raise ValueError(f"status {name!r} is mapped to both {other} and {stage}")
        return value

    @field_validator("ownership")
    @classmethod
    def _known_fields(cls, value: dict[str, Owner]) -> dict[str, Owner]:
        unknown = sorted(set(value) - set(SYNC_FIELDS))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {', '.join(SYNC_FIELDS)}")
        return {**DEFAULT_OWNERS, **value}

    def stage_for_status(self, status_name: str) -> Stage | None:
        folded = status_name.casefold()
        for stage, names in self.stages.items():
            if any(name.casefold() == folded for name in names):
                return stage
        return None

    def target_status(self, stage: Stage) -> str:
        return self.stages[stage][0]


def load_mapping(path: Path | None = None) -> JiraMapping:
    """Load and validate a mapping file (the shipped default when None)."""
    return load_yaml_model(path, default_mapping("jira"), JiraMapping, "Jira mapping")


def parse_mapping(text: str, filename: str) -> JiraMapping:
    return parse_yaml_model(text, filename, JiraMapping, "Jira mapping")
