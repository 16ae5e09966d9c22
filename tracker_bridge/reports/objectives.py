"""Objectives: each KPI's latest value, progress from baseline to target, and its trend.

Pure: the roadmap's objectives and the stored measurements in, `ObjectiveStatus` values out.

- Direction: the target says it. A target above the baseline is to be raised (accuracy), one
  below it lowered (latency, cost); a target equal to the baseline is to be held.
- Progress: how far the latest value has come from the baseline towards the target, in per
  cent (0 at the baseline, 100 at the target; below 0 when it went the wrong way, above 100
  past the target).
- Trend: the least-squares line through the measurements (value against day). Its value on
  the due date is the projection. With one measurement, or all on one day, there is no trend.
- Status: "met" once the latest value reaches the target; otherwise "missed" after the due
  date, "at risk" when the trend's projection on the due date falls short of the target,
  "on track" when it reaches it, "no trend" with a single day of measurements (one value
  says nothing about pace, so it is not guessed), "no data" before the first measurement.
  "At risk" in a summary means at risk or missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from tracker_bridge.model import Objective
from tracker_bridge.reports.fmt import pts


class ObjectiveState(StrEnum):
    MET = "met"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    MISSED = "missed"
    NO_TREND = "no trend"
    NO_DATA = "no data"


class Reading(Protocol):
    """One measurement as the computation needs it (the store's `Measurement` fits)."""

    @property
    def objective_id(self) -> str: ...
    @property
    def on(self) -> date: ...
    @property
    def value(self) -> float: ...


@dataclass(frozen=True)
class Trend:
    slope_per_day: float
    projected: float
    """The line's value on the due date."""
    reaches_target_on: date | None
    """When the line crosses the target; None if it never does (flat or going away)."""


@dataclass(frozen=True)
class ObjectiveStatus:
    id: str
    kpi: str
    unit: str
    baseline: float
    target: float
    due: date
    direction: str
    """"increase", "decrease" or "hold"."""
    latest: float | None
    latest_on: date | None
    measurements: int
    progress: float | None
    """Per cent of the way from baseline to target (see the module doc)."""
    trend: Trend | None
    state: ObjectiveState
    epics: tuple[str, ...] = ()

    @property
    def at_risk(self) -> bool:
        return self.state in (ObjectiveState.AT_RISK, ObjectiveState.MISSED)


def direction_of(objective: Objective) -> str:
    if objective.target > objective.baseline:
        return "increase"
    return "decrease" if objective.target < objective.baseline else "hold"


def progress(baseline: float, target: float, value: float) -> float:
    """Per cent from baseline (0) to target (100); works for both directions."""
    if target == baseline:
        return 100.0 if value == target else 0.0
    return round((value - baseline) / (target - baseline) * 100, 1)


def reaches(direction: str, value: float, target: float) -> bool:
    if direction == "increase":
        return value >= target
    if direction == "decrease":
        return value <= target
    return value == target


def least_squares(readings: Sequence[Reading]) -> tuple[float, float, date] | None:
    """(slope per day, value at day 0, day 0) of the best-fit line; None without two days."""
    if len({r.on for r in readings}) < 2:
        return None
    origin = min(r.on for r in readings)
    xs = [float((r.on - origin).days) for r in readings]
    ys = [r.value for r in readings]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x, origin


def trend_of(readings: Sequence[Reading], target: float, due: date) -> Trend | None:
    fitted = least_squares(readings)
    if fitted is None:
        return None
    slope, intercept, origin = fitted
    projected = intercept + slope * (due - origin).days
    crossing = None
    if slope != 0:
        days = (target - intercept) / slope
        if days >= 0:
            crossing = origin + timedelta(days=round(days))
    return Trend(round(slope, 6), round(projected, 4), crossing)


def objective_status(objective: Objective, readings: Iterable[Reading], today: date,
                     ) -> ObjectiveStatus:
    ordered = sorted(readings, key=lambda r: r.on)
    direction = direction_of(objective)
    latest = ordered[-1] if ordered else None
    trend = trend_of(ordered, objective.target, objective.due)
    if latest is None:
        state = ObjectiveState.NO_DATA
    elif reaches(direction, latest.value, objective.target):
        state = ObjectiveState.MET
    elif today > objective.due:
        state = ObjectiveState.MISSED
    elif trend is None:
        state = ObjectiveState.NO_TREND
    elif reaches(direction, trend.projected, objective.target):
        state = ObjectiveState.ON_TRACK
    else:
        state = ObjectiveState.AT_RISK
    return ObjectiveStatus(
        id=objective.id, kpi=objective.kpi, unit=objective.unit,
        baseline=objective.baseline, target=objective.target, due=objective.due,
        direction=direction,
        latest=latest.value if latest else None,
        latest_on=latest.on if latest else None,
        measurements=len(ordered),
        progress=progress(objective.baseline, objective.target, latest.value) if latest
        else None,
        trend=trend, state=state, epics=objective.epics,
    )


def objective_statuses(objectives: Iterable[Objective], readings: Iterable[Reading],
                       today: date) -> tuple[ObjectiveStatus, ...]:
    """Readings of objectives no longer in the roadmap are ignored."""
    by_id: dict[str, list[Reading]] = {}
    for reading in readings:
        by_id.setdefault(reading.objective_id, []).append(reading)
    return tuple(objective_status(o, by_id.get(o.id, []), today) for o in objectives)


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    shown = pts(round(value, 4))
    return f"{shown}{unit}" if unit in ("%", "") else f"{shown} {unit}"


def objective_row(status: ObjectiveStatus) -> tuple[str, ...]:
    """Objective, baseline, latest, target, due, progress, status: one table row."""
    return (
        f"{status.id}: {status.kpi}",
        value_text(status.baseline, status.unit),
        value_text(status.latest, status.unit)
        + (f" ({status.latest_on:%d %b})" if status.latest_on else ""),
        value_text(status.target, status.unit),
        f"{status.due:%Y-%m-%d}",
        "-" if status.progress is None else f"{pts(status.progress)}%",
        status.state.value,
    )


OBJECTIVE_HEAD = ("Objective", "Baseline", "Latest", "Target", "Due", "Progress", "Status")


def at_risk_text(status: ObjectiveStatus) -> str:
    """One line for the Slack summary: why the objective is at risk."""
    head = (f"{status.id}: {value_text(status.latest, status.unit)} of "
            f"{value_text(status.target, status.unit)} by {status.due:%Y-%m-%d}")
    if status.state is ObjectiveState.MISSED:
        return f"{head}: missed"
    projected = value_text(status.trend.projected, status.unit) if status.trend else "-"
    return f"{head}: trend reaches {projected} by then"
