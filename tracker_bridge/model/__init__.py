"""The canonical MLOps work model."""

from __future__ import annotations

from tracker_bridge.model.enums import Kind, MaturityLevel, SpikeOutcome, SprintState, Stage, Track
from tracker_bridge.model.items import (
    DERIVED_FIELDS,
    SYNC_FIELDS,
    Extension,
    FieldValue,
    ItemId,
    Origin,
    Timebox,
    WorkItem,
    compact,
    stored_json,
    stored_json_text,
)
from tracker_bridge.model.origin import (
    BORN_ID_RULE,
    born_id,
    looks_born,
    parse_claim,
    parse_sprint_claim,
)
from tracker_bridge.model.planning import (
    BoardPolicy,
    Cadence,
    Objective,
    Phase,
    Risk,
    Roadmap,
    SpikePolicy,
    Sprint,
)
from tracker_bridge.model.refs import RemoteRef, TrackerId

__all__ = [
    "BORN_ID_RULE",
    "DERIVED_FIELDS",
    "SYNC_FIELDS",
    "BoardPolicy",
    "Cadence",
    "Extension",
    "FieldValue",
    "ItemId",
    "Kind",
    "MaturityLevel",
    "Objective",
    "Origin",
    "Phase",
    "RemoteRef",
    "Risk",
    "Roadmap",
    "SpikeOutcome",
    "SpikePolicy",
    "Sprint",
    "SprintState",
    "Stage",
    "Timebox",
    "Track",
    "TrackerId",
    "WorkItem",
    "born_id",
    "compact",
    "looks_born",
    "parse_claim",
    "parse_sprint_claim",
    "stored_json",
    "stored_json_text",
]
