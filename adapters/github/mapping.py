"""The GitHub mapping file: a frozen model of mappings/github.yaml, loaded with file:line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tracker_bridge.adapters.github.delivery_mapping import DeliverySection
from tracker_bridge.mappings import default_mapping
from tracker_bridge.model import SYNC_FIELDS, Kind, Stage, Track
from tracker_bridge.yamlfile import field_error, load_yaml_model, parse_yaml_model

Owner = Literal["roadmap", "tracker"]
ConflictPolicy = Literal["owner", "prefer_tracker", "prefer_roadmap", "hold"]

DEFAULT_OWNERS: dict[str, Owner] = {
    **dict.fromkeys(
        ("title", "description", "kind", "parent", "track", "points", "sprint", "labels", "due"),
        "roadmap",
    ),
    **dict.fromkeys(("stage", "assignee", "blocked"), "tracker"),
    "order": "roadmap",  # the rank / board position; not a synced field (see sync._rank)
}
STAGE_OPTION_NAMES: dict[Stage, str] = {
    Stage.BACKLOG: "Backlog",
    Stage.SPRINT_BACKLOG: "Sprint Backlog",
    Stage.IN_PROGRESS: "In Progress",
    Stage.IN_REVIEW: "In Review",
    Stage.READY_FOR_STAGING: "Ready for Staging",
    Stage.IN_STAGING: "In Staging",
    Stage.READY_FOR_PROD: "Ready for Prod",
    Stage.DONE: "Done",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


StyleGroup = Literal["kind", "track", "stage", "points", "blocked"]


class LabelStyle(_Frozen):
    """Colour (6 hex digits) and description used when we create a missing label."""

    color: str = Field("ededed", pattern=r"^[0-9a-fA-F]{6}$")
    description: str = ""


class Labels(_Frozen):
    """Label names per canonical value (labels mode; kind/track/blocked in both modes)."""

    kinds: dict[Kind, str] = Field(default_factory=lambda: {k: f"type:{k.value}" for k in Kind})
    tracks: dict[Track, str] = Field(
        default_factory=lambda: {t: f"track:{t.value}" for t in Track}
    )
    stages: dict[Stage, str] = Field(
        default_factory=lambda: {s: "stage:" + s.value.replace("_", "-") for s in Stage}
    )
    points_prefix: str | None = "points:"
    """`points:3`; null keeps points off the labels (projects mode uses the Number field)."""
    blocked: str = "blocked"
    styles: dict[StyleGroup, LabelStyle] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]
            "kind": LabelStyle(color="1d76db", description="tracker-bridge: work item kind"),
            "track": LabelStyle(color="5319e7", description="tracker-bridge: research/engineering"),
            "stage": LabelStyle(color="fbca04", description="tracker-bridge: Kanban stage"),
            "points": LabelStyle(color="c2e0c6", description="tracker-bridge: story points"),
            "blocked": LabelStyle(color="b60205", description="tracker-bridge: blocked"),
        }
    )

    @field_validator("kinds", "tracks", "stages")
    @classmethod
    def _complete(cls, value: dict[Any, str]) -> dict[Any, str]:
        names = [name.casefold() for name in value.values()]
        if len(set(names)) != len(names):
            raise ValueError("two entries share one label name")
        return value


class Project(_Frozen):
    """Projects v2 mode: which project, and which of its fields hold stage, sprint and points."""

    owner: str | None = None
    """Organisation or user login; defaults to the repository owner (options may override)."""
    number: int | None = Field(None, gt=0)
    owner_kind: Literal["organization", "user"] = "organization"
    status_field: str = "Status"
    status_options: dict[Stage, str] = Field(default_factory=lambda: dict(STAGE_OPTION_NAMES))
    iteration_field: str | None = "Sprint"
    points_field: str | None = "Points"
    scan: Literal["every_pull", "when_issues_changed"] = "every_pull"
    """every_pull: board-only moves are seen at once, one GraphQL page per 100 items each pull;
    when_issues_changed: a quiet pull is one REST 304 at any size, but a board-only move waits
    for the next pull in which some issue changed."""


class Pacing(_Frozen):
    writes_per_minute: float = Field(60.0, gt=0)
    """Content-creating requests per minute; GitHub's secondary limit is about 80."""
    seconds_between_reads: float = Field(0.0, ge=0)
    rate_limit_reserve: int = Field(100, ge=0)
    """A pull stops (resumable) when fewer primary-limit requests than this remain."""
    read_retries: int = Field(4, ge=0)
    max_wait_seconds: float = Field(120.0, gt=0)
    """Longest Retry-After we honour before giving up with an error."""
    overlap_seconds: int = Field(2, ge=0)


class GitHubMapping(_Frozen):
    """What mappings/github.yaml says; see the shipped file for the meaning of each entry."""

    version: Literal[1] = 1
    mode: Literal["labels", "projects"] = "labels"
    labels: Labels = Labels()
    issue_types: dict[Kind, str] = Field(default_factory=dict)
    """Kind -> repository issue type, used only where the repository has issue types."""
    sprints_as: Literal["milestone", "iteration"] | None = None
    """Default: milestone in labels mode, iteration in projects mode."""
    project: Project = Project()
    pacing: Pacing = Pacing()
    ownership: dict[str, Owner] = Field(default_factory=lambda: dict(DEFAULT_OWNERS))
    conflict_policy: ConflictPolicy = "owner"
    delivery: DeliverySection = DeliverySection()

    @field_validator("ownership")
    @classmethod
    def _known_fields(cls, value: dict[str, Owner]) -> dict[str, Owner]:
        known = (*SYNC_FIELDS, "order")
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown fields {unknown}; known: {', '.join(known)}")
        return {**DEFAULT_OWNERS, **value}

    @model_validator(mode="after")
    def _complete_for_mode(self) -> GitHubMapping:
        need: dict[str, dict[Any, str]] = {"labels.kinds": dict(self.labels.kinds)}
        need["labels.tracks"] = dict(self.labels.tracks)
        if self.mode == "labels" or self.coarse:  # coarse: the labels refine shared options
            need["labels.stages"] = dict(self.labels.stages)
        if self.mode == "projects":
            need["project.status_options"] = dict(self.project.status_options)
        enums: dict[str, type[Kind] | type[Track] | type[Stage]] = {
            "labels.kinds": Kind, "labels.tracks": Track,
            "labels.stages": Stage, "project.status_options": Stage,
        }
        for where, table in need.items():
            missing = [v.value for v in enums[where] if v not in table]
            if missing:
                raise ValueError(f"{where} misses {', '.join(missing)}")
        if self.sprint_mode == "iteration" and self.mode != "projects":
            raise ValueError("sprints_as: iteration needs mode: projects")
        _check_labels(self)
        return self

    @property
    def sprint_mode(self) -> Literal["milestone", "iteration"]:
        if self.sprints_as is not None:
            return self.sprints_as
        return "iteration" if self.mode == "projects" else "milestone"

    def field_owners(self) -> dict[str, Owner]:
        return dict(self.ownership)

    # -- several stages on one Status option (projects mode) -------------------------------
    def stages_on(self, option: str | None) -> tuple[Stage, ...]:
        """The stages a Status option carries, in board order (the first is what the
        option means on its own)."""
        if option is None:
            return ()
        folded = option.casefold()
        options = self.project.status_options
        return tuple(s for s in Stage if s in options and options[s].casefold() == folded)

    def shares_option(self, stage: Stage) -> bool:
        return self.mode == "projects" and len(self.stages_on(self.project.status_options.get(
            stage))) > 1

    @property
    def coarse(self) -> bool:
        """Projects mode with fewer Status options than stages: labels refine them."""
        options = self.project.status_options
        return self.mode == "projects" and len({o.casefold() for o in options.values()}) < len(
            options)

    def stage_label(self, stage: Stage) -> str | None:
        """The label that keeps `stage` on the issue: labels mode, every stage but done (a
        closed issue); a coarse board, a stage that shares its option and is not the
        option's first (the option alone means its first stage)."""
        if self.mode == "labels":
            return None if stage is Stage.DONE else self.labels.stages[stage]
        if self.coarse and self.shares_option(stage):
            first = self.stages_on(self.project.status_options[stage])[0]
            return None if stage is first else self.labels.stages[stage]
        return None

    def refinement_stages(self, folded_labels: set[str]) -> set[Stage]:
        """The stages whose refinement label the issue carries (coarse boards)."""
        return {s for s, name in self.labels.stages.items() if name.casefold() in folded_labels}


def _check_labels(mapping: GitHubMapping) -> None:
    """Every label the tool reads must mean one thing: a stage label equal to a kind label
    (or a track, blocked or points label) would flip items every night."""
    labels = mapping.labels
    claims: list[tuple[str, tuple[str, ...]]] = [
        (name, ("labels", "kinds", kind.value)) for kind, name in labels.kinds.items()
    ]
    claims += [(name, ("labels", "tracks", track.value)) for track, name in labels.tracks.items()]
    if mapping.mode == "labels" or mapping.coarse:
        claims += [
            (name, ("labels", "stages", stage.value)) for stage, name in labels.stages.items()
        ]
    claims.append((labels.blocked, ("labels", "blocked")))
    seen: dict[str, tuple[str, ...]] = {}
    for name, loc in claims:
        other = seen.setdefault(name.casefold(), loc)
        if other != loc:
            raise field_error(
                "GitHubMapping",
                loc,
                f"label {name!r} is also {'.'.join(other)}: each label may mean one thing",
                name,
            )
        prefix = labels.points_prefix
        if prefix and name.casefold().startswith(prefix.casefold()):
            raise field_error(
                "GitHubMapping",
                loc,
                f"label {name!r} would read as points (labels.points_prefix {prefix!r})",
                name,
            )


def load_mapping(path: Path | None = None) -> GitHubMapping:
    """Load and validate a mapping file (the shipped default when None)."""
    return load_yaml_model(path, default_mapping("github"), GitHubMapping, "GitHub mapping")


def parse_mapping(text: str, filename: str) -> GitHubMapping:
    return parse_yaml_model(text, filename, GitHubMapping, "GitHub mapping")
