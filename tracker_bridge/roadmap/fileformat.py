"""The roadmap FILE format: what people write, as pydantic models (and so a JSON Schema).

These differ from the canonical model on purpose: items nest under epics under phases, ids
are optional (derived from titles), sprints are derived from the cadence, and a spike's
time-box is written in days. `build.py` turns a validated `RoadmapFile` into a `Roadmap`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    WithJsonSchema,
)

from tracker_bridge.model import Kind, MaturityLevel, SpikeOutcome, SprintState, Stage, Track
from tracker_bridge.model.planning import TimeZoneName

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
FileId = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
Level = Literal["low", "medium", "high"]


def _positive_int(value: Any) -> Any:
    # A WIP limit of 0, -1, 2.5 or "three" is one mistake, so it gets one message.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"WIP limit must be a positive integer, got {value!r}")
    return value


# The schema is spelled out: pydantic would carry a constraint next to a BeforeValidator
# over as its own `gt`, which is not JSON Schema, so editors would accept `in_review: 0`.
WipLimit = Annotated[
    int, BeforeValidator(_positive_int), WithJsonSchema({"type": "integer", "minimum": 1})
]


def _claims(value: Any) -> Any:
    """`adopt:` takes one claim or a list; each must name a tracker issue."""
    from tracker_bridge.model import parse_claim

    claims = [value] if isinstance(value, str) else value
    if isinstance(claims, list):
        for claim in claims:
            parse_claim(str(claim))
    return claims


Claims = Annotated[list[str], BeforeValidator(_claims)]


def _sprint_claims(value: Any) -> Any:
    """A sprint's `adopt:` takes one claim or a list, each naming a tracker's sprint."""
    from tracker_bridge.model import parse_sprint_claim

    claims = [value] if isinstance(value, str) else value
    if isinstance(claims, list):
        for claim in claims:
            parse_sprint_claim(str(claim))
    return claims


SprintClaims = Annotated[list[str], BeforeValidator(_sprint_claims)]


class _File(BaseModel):
    # Numbers are fine as titles or labels; typos in keys are not.
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class CadenceFile(_File):
    """Sprint length and the first sprint's start; sprints follow back to back."""

    sprint_length_days: PositiveInt = 14
    first_sprint_start: date
    timezone: TimeZoneName = "UTC"


class SpikePolicyFile(_File):
    max_timebox_days: PositiveInt = 10
    extensions_allowed: NonNegativeInt = 1


class BoardFile(_File):
    """WIP limits per stage (and per track, which wins) and the spike policy."""

    wip_limits: dict[Stage, WipLimit] = {}
    wip_limits_per_track: dict[Track, dict[Stage, WipLimit]] = {}
    spikes: SpikePolicyFile = SpikePolicyFile()
    definition_of_done: list[Annotated[str, Field(min_length=1)]] = []
    """Checked on every story, task and bug: a checklist under its acceptance criteria."""


class ExtensionFile(_File):
    days: PositiveInt
    reason: str = Field(min_length=1)
    granted_on: date


class TimeboxFile(_File):
    """A spike's time-box: how many days, the hypothesis it tests, and what it learned."""

    days: PositiveInt
    hypothesis: str = Field(min_length=1)
    started: datetime | date | None = None
    outcome: SpikeOutcome | None = None
    learning: str | None = None
    extensions: list[ExtensionFile] = []


class ItemFile(_File):
    """A story, task, bug or spike under an epic."""

    id: FileId | None = Field(
        default=None, description="Stable id; derived from the title if absent."
    )
    title: str = Field(min_length=1, max_length=255)
    kind: Kind = Kind.STORY
    track: Track | None = Field(default=None, description="Defaults to the epic's track.")
    stage: Stage = Stage.BACKLOG
    parent: str | None = Field(default=None, description="Another item's id; default: the epic.")
    points: float | None = Field(default=None, ge=0)
    labels: list[str] = []
    assignee: str | None = None
    sprint: int | str | None = Field(
        default=None,
        description="Global sprint id like 's3', or a sprint number within the item's phase.",
    )
    due: date | None = None
    blocked: bool = False
    acceptance_criteria: list[str] = []
    description: str = ""
    timebox: TimeboxFile | None = None
    adopt: Claims = Field(
        default=[],
        description="Existing issues to bind instead of creating: jira:KEY-12, "
        "github:OWNER/REPO#12 (one per tracker).",
    )


class EpicFile(_File):
    id: FileId | None = Field(
        default=None, description="Stable id; derived from the title if absent."
    )
    title: str = Field(min_length=1, max_length=255)
    description: str = ""
    track: Track = Track.ENGINEERING
    stage: Stage = Stage.BACKLOG
    labels: list[str] = []
    assignee: str | None = None
    due: date | None = None
    blocked: bool = False
    acceptance_criteria: list[str] = []
    items: list[ItemFile] = []
    adopt: Claims = Field(
        default=[],
        description="Existing issues to bind instead of creating: jira:KEY-12, "
        "github:OWNER/REPO#12 (one per tracker).",
    )


class PhaseFile(_File):
    id: FileId | None = Field(default=None, description="Derived from the name if absent.")
    name: str = Field(min_length=1)
    sprints: PositiveInt = Field(description="How many sprints the phase lasts.")
    maturity_level: MaturityLevel = MaturityLevel.MANUAL
    goal: str = ""
    exit_criteria: list[str] = []
    epics: list[EpicFile] = []
    items: list[ItemFile] = Field(
        default=[], description="Work that belongs to no epic (e.g. imported from a tracker)."
    )


class SprintFile(_File):
    """Overrides for one derived sprint (`s1`, `s2`, ...): goal, state, capacity, dates."""

    id: str
    name: str | None = None
    goal: str | None = None
    state: SprintState | None = None
    start: date | None = None
    end: date | None = None
    capacity: dict[Track, Annotated[float, Field(ge=0)]] = {}
    adopt: SprintClaims = Field(
        default=[],
        description="Existing sprints to bind instead of creating: jira:KEY/sprint/42, "
        "github:OWNER/REPO/milestone/3, github:OWNER/REPO/iteration/ID (one per tracker).",
    )


class ObjectiveFile(_File):
    id: FileId | None = Field(default=None, description="Derived from the KPI if absent.")
    kpi: str = Field(min_length=1)
    baseline: float
    target: float
    unit: str = ""
    due: date
    epics: list[str] = Field(default=[], description="Ids of the epics that move this KPI.")


class RiskFile(_File):
    description: str = Field(min_length=1)
    likelihood: Level
    impact: Level
    mitigation: str = ""
    owner: str | None = None
    epics: list[str] = Field(default=[], description="Ids of the epics the risk threatens.")


class RoadmapFile(_File):
    """A tracker-bridge roadmap: phases of sprints, epics and their items, objectives, risks."""

    model_config = ConfigDict(title="tracker-bridge roadmap")

    project: str = Field(min_length=1)
    cadence: CadenceFile
    board: BoardFile = BoardFile()
    phases: list[PhaseFile] = Field(min_length=1)
    sprints: list[SprintFile] = []
    objectives: list[ObjectiveFile] = []
    risks: list[RiskFile] = []


def json_schema() -> dict[str, Any]:
    """JSON Schema of the file format, for editors (e.g. yaml-language-server)."""
    schema = RoadmapFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
