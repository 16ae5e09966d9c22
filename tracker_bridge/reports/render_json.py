"""JSON: the report values as plain data with stable, sorted keys (for dashboards and CI).

Bounded by default: a list of items longer than `JSON_LIST_LIMIT` keeps its first entries
and a sibling `<key>_total` gives the full count (the board alone was 13 MB at 20,000
items). `full=True` (`report sprint --format json --full`) keeps every list whole. Series
(burndown, cumulative flow days, weeks, sprints) are bounded by time and never clipped.
Points are always floats (17.0, never 17), so a dashboard reads one type.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from tracker_bridge.reports.board import BoardSnapshot, StageColumn
from tracker_bridge.reports.learning import ResearchLearning
from tracker_bridge.reports.spikes import SpikeStatus, SpikeViolation
from tracker_bridge.reports.summary import SprintReport

SCHEMA_VERSION = 2
"""2: flow metrics, research learning, clipped lists with `<key>_total`, float points."""
BOARD_SCHEMA_VERSION = 1
JSON_LIST_LIMIT = 50
_SERIES = frozenset({"burndown", "days", "throughput", "per_sprint", "velocity_history",
                     "stats", "columns", "tracks", "extensions"})
_POINT_KEYS = frozenset({"points", "remaining", "ideal", "capacity", "velocity"})

# Derived values worth having in the output although they are properties, not fields.
_EXTRA: dict[type, tuple[str, ...]] = {
    StageColumn: ("count",),
    SpikeStatus: ("total_days",),
    ResearchLearning: ("adherence",),
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


def _is_points(key: str, value: Any) -> bool:
    return (key.endswith("_points") or key in _POINT_KEYS) and type(value) is int


def bounded(value: Any, limit: int | None) -> Any:
    """Points as floats; lists of items clipped to `limit` with a `<key>_total` (None: all)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if _is_points(key, item):
                item = float(item)
            elif key == "velocity_history":
                item = [[sprint, float(points)] for sprint, points in item]
            item = bounded(item, limit)
            if (isinstance(item, list) and limit is not None and key not in _SERIES
                    and len(item) > limit):
                out[f"{key}_total"] = len(item)
                item = item[:limit]
            out[key] = item
        return out
    if isinstance(value, list):
        return [bounded(v, limit) for v in value]
    return value


def report_dict(report: SprintReport, full: bool = False) -> dict[str, Any]:
    limit = None if full else JSON_LIST_LIMIT
    return {"schema_version": SCHEMA_VERSION, "lists_clipped_at": limit,
            **bounded(plain(report), limit)}


def board_dict(snapshot: BoardSnapshot) -> dict[str, Any]:
    return {"schema_version": BOARD_SCHEMA_VERSION, **plain(snapshot)}


def to_json(
    value: SprintReport | BoardSnapshot, indent: int | None = 2, full: bool = False
) -> str:
    """A sprint report is clipped unless `full`; the board (`status --json`) is whole."""
    data = report_dict(value, full) if isinstance(value, SprintReport) else board_dict(value)
    return json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
