"""JSON: the report values as plain data with stable, sorted keys (for dashboards and CI).

Bounded by default: a list of items longer than `JSON_LIST_LIMIT` keeps its first entries
and a sibling `<key>_total` gives the full count (the board alone was 13 MB at 20,000
items). `full=True` (`report sprint --format json --full`, `status --json --full`) keeps
every list whole. Series
(burndown, cumulative flow days, weeks, sprints) are bounded by time and never clipped.
Points are always floats (17.0, never 17), so a dashboard reads one type.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

from tracker_bridge.reports.board import BoardSnapshot, StageColumn
from tracker_bridge.reports.learning import ResearchLearning
from tracker_bridge.reports.lines import JSON_LIST_LIMIT, Clipped, ItemLine, Lines
from tracker_bridge.reports.spikes import SpikeStatus, SpikeViolation
from tracker_bridge.reports.summary import SprintReport

SCHEMA_VERSION = 2
"""2: flow metrics, research learning, clipped lists with `<key>_total`, float points."""
BOARD_SCHEMA_VERSION = 2
"""2: lists clipped as a sprint report's (`lists_clipped_at`, `<key>_total`) unless
`--full`, float points; 1 listed the whole board always (a reader of 1 would have taken a
clipped list for the whole)."""
_SERIES = frozenset({"burndown", "days", "throughput", "per_sprint", "velocity_history",
                     "stats", "columns", "tracks", "extensions"})
_POINT_KEYS = frozenset({"points", "remaining", "ideal", "capacity", "velocity"})

# Derived values worth having in the output although they are properties, not fields.
_EXTRA: dict[type, tuple[str, ...]] = {
    StageColumn: ("count",),
    SpikeStatus: ("total_days",),
    ResearchLearning: ("adherence",),
    ItemLine: ("criteria_met",),
}


def plain(value: Any, limit: int | None = None) -> Any:
    """Dataclasses, pydantic models, enums, dates and tuples as JSON-ready values; with a
    `limit`, lists of items are clipped before they are converted (see the module doc)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value) if f.metadata.get("json", True)]
        names += _EXTRA.get(type(value), ())
        out = _fields(((name, getattr(value, name)) for name in names), limit)
        if isinstance(value, SpikeViolation):
            out["text"] = str(value)
        return out
    if isinstance(value, Mapping):
        return _fields(((str(plain(k)), v) for k, v in value.items()), limit)
    if isinstance(value, list | tuple | Lines | Clipped):
        return [plain(v, limit) for v in value]
    return value


def _fields(pairs: Iterable[tuple[str, Any]], limit: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if (key.endswith("_points") or key in _POINT_KEYS) and type(value) is int:
            value = float(value)  # one type for points
        elif key == "velocity_history":
            value = [(sprint, float(points)) for sprint, points in value]
        elif (limit is not None and isinstance(value, list | tuple | Lines | Clipped)
              and key not in _SERIES and len(value) > limit):
            out[f"{key}_total"] = len(value)
            value = value[:limit]
        out[key] = plain(value, limit)
    return out


def report_dict(report: SprintReport, full: bool = False) -> dict[str, Any]:
    limit = None if full else JSON_LIST_LIMIT
    return {"schema_version": SCHEMA_VERSION, "lists_clipped_at": limit,
            **plain(report, limit)}


def board_dict(snapshot: BoardSnapshot, full: bool = False) -> dict[str, Any]:
    """`status --json`: clipped like a sprint report unless `full` (`lists_clipped_at`
    null then)."""
    limit = None if full else JSON_LIST_LIMIT
    return {"schema_version": BOARD_SCHEMA_VERSION, "lists_clipped_at": limit,
            **plain(snapshot, limit)}


def to_json(
    value: SprintReport | BoardSnapshot, indent: int | None = 2, full: bool = False
) -> str:
    """Lists of items clipped unless `full` (see the module doc)."""
    data = (report_dict(value, full) if isinstance(value, SprintReport)
            else board_dict(value, full))
    return json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
