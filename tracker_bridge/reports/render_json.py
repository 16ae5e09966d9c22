"""JSON: the report values as plain data with stable, sorted keys (for dashboards and CI)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from tracker_bridge.reports.board import BoardSnapshot, StageColumn
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.spikes import SpikeStatus, SpikeViolation
from tracker_bridge.reports.summary import SprintReport

SCHEMA_VERSION = 1

# Derived values worth having in the output although they are properties, not fields.
_EXTRA: dict[type, tuple[str, ...]] = {
    StageColumn: ("count",),
    SpikeStatus: ("total_days",),
    ItemLine: ("criteria_met",),
}


def plain(value: Any) -> Any:
    """Dataclasses, pydantic models, enums, dates and tuples as JSON-ready values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _EXTRA.get(type(value), ()):
            out[name] = plain(getattr(value, name))
        if isinstance(value, SpikeViolation):
            out["text"] = str(value)
        return out
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def report_dict(report: SprintReport) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **plain(report)}


def board_dict(snapshot: BoardSnapshot) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, **plain(snapshot)}


def to_json(value: SprintReport | BoardSnapshot, indent: int | None = 2) -> str:
    data = report_dict(value) if isinstance(value, SprintReport) else board_dict(value)
    return json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
