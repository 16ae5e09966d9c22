"""The Jira mapping file: a frozen model of mappings/jira.yaml, loaded with file:line errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker_bridge.mappings import default_mapping
from tracker_bridge.model import SYNC_FIELDS, Kind, Stage, Track
from tracker_bridge.yamlfile import field_error, load_yaml_model, parse_yaml_model

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
    "order": "roadmap",  # the rank / board position; not a synced field (see sync._rank)
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


class Refinement(_Frozen):
    """How a stage that shares its status with other stages is kept on the issue: a label
    `<label_prefix><stage>` (e.g. `stage:ready-for-staging`). Labels work on every Jira,
    need no admin rights, are visible on the card and searchable by JQL."""

    as_: Literal["label"] = Field("label", alias="as")
    label_prefix: str = Field("stage:", min_length=1)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def label(self, stage: Stage) -> str:
        return f"{self.label_prefix}{stage.value.replace('_', '-')}"


class TransitionValue(_Frozen):
    """A transition screen value other than a fixed option name.

    `{keep: current}` sends the value the issue already has (a required Assignee keeps the
    real assignee, never a bot), falling back to `default` when the issue has none.
    `{log_work: 1m}` sends a work log through `update`, as Jira expects for "Log Work".
    """

    keep: Literal["current"] | None = None
    default: str | None = None
    log_work: str | None = None
    comment: str = "Moved by tracker-bridge"

    @field_validator("log_work")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\s*(\d+\s*[wdhm]\s*)+", value):
            raise ValueError(f"{value!r} is not a Jira duration such as 30m, 1h or 1d 2h")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> TransitionValue:
        if (self.keep is None) == (self.log_work is None):
            raise ValueError(
                "give either `keep: current` (with an optional `default`) or `log_work`"
            )
        return self


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
    refinement: Refinement = Refinement()
    transition_fields: dict[str, str | TransitionValue] = Field(
        default_factory=lambda: dict[str, str | TransitionValue](resolution="Done")
    )
    fields: Fields = Fields()
    blocked: Blocked = Blocked()
    marker: Marker = Marker()
    ownership: dict[str, Owner] = Field(default_factory=lambda: dict(DEFAULT_OWNERS))
    conflict_policy: ConflictPolicy = "owner"
    board_id: int | None = None

    @field_validator("transition_fields", mode="before")
    @classmethod
    def _transition_values(cls, value: Any) -> Any:
        """Check mapping values here, so an error names the entry, not a union branch."""
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] = {}
        for key, entry in value.items():
            if isinstance(entry, Mapping):
                try:
                    entry = TransitionValue.model_validate(entry)
                except ValidationError as exc:
                    error = exc.errors()[0]
                    loc = (str(key), *error["loc"])  # pydantic adds "transition_fields"
                    message = str(error["msg"]).removeprefix("Value error, ")
                    raise field_error("JiraMapping", loc, message, entry) from None
            out[str(key)] = entry
        return out

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
        return value

    @model_validator(mode="after")
    def _unambiguous(self) -> JiraMapping:
        """Refuse mappings that read one thing two ways (they would flip items every night)."""
        _check_shared_statuses(self.stages)
        _check_labels(self)
        return self

    @field_validator("ownership")
    @classmethod
    def _known_fields(cls, value: dict[str, Owner]) -> dict[str, Owner]:
        known = (*SYNC_FIELDS, "order")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {', '.join(known)}")
        return {**DEFAULT_OWNERS, **value}

    def stages_on(self, status_name: str) -> tuple[Stage, ...]:
        """The stages a status carries, in board order (the first is what the status means)."""
        folded = status_name.casefold()
        return tuple(
            stage
            for stage in Stage
            if any(name.casefold() == folded for name in self.stages[stage])
        )

    def stage_for_status(self, status_name: str) -> Stage | None:
        """The first stage a status carries (its meaning when no refinement says more)."""
        stages = self.stages_on(status_name)
        return stages[0] if stages else None

    def shares_status(self, stage: Stage) -> bool:
        """True when the stage's status carries other stages too: a refinement tells them apart."""
        return len(self.stages_on(self.target_status(stage))) > 1

    @property
    def coarse(self) -> bool:
        """Some status carries several stages (fewer statuses than stages)."""
        return any(self.shares_status(stage) for stage in Stage)

    def refinement_labels(self) -> dict[str, Stage]:
        """Refinement label -> stage, for every stage (all are reserved, shared or not)."""
        return {self.refinement.label(stage): stage for stage in Stage}

    def target_status(self, stage: Stage) -> str:
        return self.stages[stage][0]


def _check_shared_statuses(stages: Mapping[Stage, tuple[str, ...]]) -> None:
    """Several stages may share a status (a coarse workflow), as long as each of them moves
    to it: a shared status listed second under one stage would make a move to that stage land
    elsewhere while reading back as it."""
    sharing: dict[str, list[Stage]] = {}
    for stage in Stage:
        for name in dict.fromkeys(n.casefold() for n in stages[stage]):
            sharing.setdefault(name, []).append(stage)
    for stage in Stage:
        for index, name in enumerate(stages[stage][1:], start=1):
            others = [s.value for s in sharing[name.casefold()] if s is not stage]
            if others:
                raise field_error(
                    "JiraMapping",
                    ("stages", stage.value, index),
                    f"status {name!r} is shared with {', '.join(others)} but is not the first "
                    f"status of {stage.value}: a shared status must be the one each sharing "
                    "stage moves to",
                    name,
                )


def _check_labels(mapping: JiraMapping) -> None:
    """Every label the tool reads must mean one thing: a track, the spike fallback, blocked,
    a stage refinement, or a marker, never two of them."""
    claimed: dict[str, tuple[str, ...]] = {}

    def claim(label: str, loc: tuple[str, ...]) -> None:
        other = claimed.setdefault(label.casefold(), loc)
        if other != loc:
            raise field_error(
                "JiraMapping",
                loc,
                f"label {label!r} is also {'.'.join(other)}: each label may mean one thing",
                label,
            )

    for label in mapping.refinement_labels():  # first: usually defaults, so the error
        claim(label, ("refinement", "label_prefix"))  # lands on the line a person wrote
    if mapping.tracks.as_ == "label":
        claim(mapping.tracks.research, ("tracks", "research"))
        claim(mapping.tracks.engineering, ("tracks", "engineering"))
    elif mapping.tracks.research.casefold() == mapping.tracks.engineering.casefold():
        raise field_error(
            "JiraMapping",
            ("tracks", "engineering"),
            f"component {mapping.tracks.engineering!r} is also tracks.research",
            mapping.tracks.engineering,
        )
    claim(mapping.spike_fallback.label, ("spike_fallback", "label"))
    if mapping.blocked.as_ == "label":
        claim(mapping.blocked.label, ("blocked", "label"))
    marker, prefix = mapping.marker.label_prefix.casefold(), mapping.refinement.label_prefix
    if prefix.casefold().startswith(marker) or marker.startswith(prefix.casefold()):
        raise field_error(
            "JiraMapping",
            ("refinement", "label_prefix"),
            f"refinement labels {prefix!r}… would read as markers ({marker!r}…)",
            prefix,
        )
    for label, loc in claimed.items():
        if label.startswith(marker):
            raise field_error(
                "JiraMapping", loc, f"label {label!r} would read as a marker ({marker!r}…)", label
            )


def load_mapping(path: Path | None = None) -> JiraMapping:
    """Load and validate a mapping file (the shipped default when None)."""
    return load_yaml_model(path, default_mapping("jira"), JiraMapping, "Jira mapping")


def parse_mapping(text: str, filename: str) -> JiraMapping:
    return parse_yaml_model(text, filename, JiraMapping, "Jira mapping")
