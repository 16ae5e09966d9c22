"""Sprints derived from the cadence and the phases, then the file's `sprints:` overrides.

Sprint ids are global and 1-based (`s1`, `s2`, ...) across all phases, so `s12` means the
same sprint whatever phase it is in; sprint N starts first_sprint_start + (N-1) * length.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from tracker_bridge.model import Phase, Sprint
from tracker_bridge.model.planning import state_on
from tracker_bridge.roadmap.fileformat import CadenceFile, SprintFile
from tracker_bridge.roadmap.problems import Collector, suggest


def derive(cadence: CadenceFile, phases: tuple[Phase, ...], today: date) -> list[Sprint]:
    length = timedelta(days=cadence.sprint_length_days)
    sprints: list[Sprint] = []
    for phase in phases:
        for _ in range(phase.sprints):
            number = len(sprints) + 1
            start = cadence.first_sprint_start + (number - 1) * length
            end = start + length - timedelta(days=1)
            sprints.append(
                Sprint(
                    id=f"s{number}",
                    name=f"Sprint {number} ({phase.name})",
                    start=start,
                    end=end,
                    state=state_on(start, end, today),
                    phase=phase.id,
                )
            )
    return sprints


def apply_overrides(
    sprints: list[Sprint], overrides: list[SprintFile], today: date, out: Collector
) -> list[Sprint]:
    """Goal, state, capacity and dates from `sprints:`; unknown ids and overlaps are problems."""
    index = {sprint.id: position for position, sprint in enumerate(sprints)}
    seen: dict[str, int] = {}
    explicit_dates: set[str] = set()
    claimed: dict[str, str] = {}
    for number, override in enumerate(overrides):
        path: tuple[str | int, ...] = ("sprints", number)
        if override.id not in index:
            known = f"s1..s{len(sprints)}" if sprints else "none"
            hint = suggest(override.id, index)
            out.add(
                (*path, "id"), f"unknown sprint {override.id!r}{hint} (the phases define {known})"
            )
            continue
        if override.id in seen:
            out.add(
                (*path, "id"),
                f"sprint {override.id!r} is already overridden at sprints[{seen[override.id]}]",
            )
            continue
        seen[override.id] = number
        for claim in override.adopt:
            if claim in claimed:
                out.add((*path, "adopt"), f"{claim} is adopted by sprint {claimed[claim]} already")
            claimed.setdefault(claim, override.id)
        base = sprints[index[override.id]]
        start = override.start or base.start
        end = override.end or base.end
        if end < start:
            out.add((*path, "end"), f"ends ({end}) before it starts ({start})")
            continue
        if override.start or override.end:
            explicit_dates.add(override.id)
        sprints[index[override.id]] = base.model_copy(
            update={
                "name": override.name or base.name,
                "goal": override.goal if override.goal is not None else base.goal,
                "start": start,
                "end": end,
                "state": override.state or state_on(start, end, today),
                "capacity": dict(override.capacity) or base.capacity,
                "adopt": tuple(override.adopt),
            }
        )
    if explicit_dates:
        _check_overlaps(sprints, explicit_dates, seen, out)
    return sprints


def _check_overlaps(
    sprints: list[Sprint], explicit: set[str], rows: dict[str, int], out: Collector
) -> None:
    ordered = sorted(sprints, key=lambda sprint: (sprint.start, sprint.end))
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            culprit = after if after.id in explicit else before
            other = before if culprit is after else after
            out.add(
                ("sprints", rows[culprit.id]),
                f"sprint {culprit.id} ({culprit.start}..{culprit.end}) overlaps "
                f"sprint {other.id} ({other.start}..{other.end})",
            )
