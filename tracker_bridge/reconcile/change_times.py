"""When each change a run records happened, on the tracker where it happened.

A changed field of the view (stage, sprint, points) came from somewhere: a tracker where a
person changed it since the last sync (its pulled value is the new one and its base is not),
or the roadmap. Its event is dated from that tracker's own history: `RemoteItem.changed_at`
(Jira's changelog, free with the pull), else the adapter's `change_times` extension (GitHub's
issue events: one request per such issue, only for these), else a stage move the pull reported,
else the issue's `updated_at`. A mirror that only received our write is never a source, so our
own write time never dates a change; a change from the roadmap has no time of its own and is
dated by the sync. When two trackers changed the same field to the same value, the earlier
wins: the other one is most likely a person copying it across.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import pairwise
from typing import Any

from tracker_bridge.model import FieldValue, WorkItem
from tracker_bridge.reconcile.planner import TargetState
from tracker_bridge.tracker import Adapter, PullResult, RemoteItem

TIMED_FIELDS = ("stage", "sprint", "points")

Times = dict[tuple[str, str], datetime]
"""(item id, field) -> when the change happened."""


def changed_fields(
    previous: Mapping[str, WorkItem], current: Mapping[str, WorkItem]
) -> dict[str, dict[str, FieldValue]]:
    """Item id -> {field: new value} for the timed fields that changed in the view."""
    out: dict[str, dict[str, FieldValue]] = {}
    for item_id, item in current.items():
        before = previous.get(item_id)
        if before is None:
            continue
        old, new = _timed(before), _timed(item)
        moved = {f: new[f] for f in TIMED_FIELDS if old[f] != new[f]}
        if moved:
            out[item_id] = moved
    return out


def _timed(item: WorkItem) -> dict[str, FieldValue]:
    """The timed fields as `sync_values()` has them (cheaper than all of them, per item)."""
    return {"stage": item.stage.value, "sprint": item.sprint, "points": item.points}


def _is_source(state: TargetState, item_id: str, field: str, value: FieldValue) -> bool:
    if item_id not in state.updated_at:
        return False  # not pulled this run: nothing changed there
    remote = state.remote.get(item_id, {})
    return field in remote and remote[field] == value and (
        state.base.get(item_id, {}).get(field, _UNSET) != value
    )


_UNSET: Any = object()


def change_times(
    previous: Mapping[str, WorkItem],
    current: Mapping[str, WorkItem],
    pulls: Mapping[str, tuple[TargetState, PullResult]],
    adapters: Mapping[str, Adapter],
    now: datetime,
) -> Times:
    """See the module docstring. Asks `change_times` of an adapter only for source issues."""
    changed = changed_fields(previous, current)
    times: Times = {}
    for tracker, (state, result) in pulls.items():
        by_key = {ref.key: item_id for item_id, ref in state.refs.items()}
        pulled = {
            item_id: remote for remote in result.items
            if (item_id := by_key.get(remote.ref.key) or remote.item_id)
        }
        sources = {
            (item_id, f)
            for item_id, fields in changed.items()
            for f, value in fields.items()
            if _is_source(state, item_id, f, value)
        }
        if not sources:
            continue
        asked = _ask(adapters.get(tracker), pulled, sources)
        moves = _stage_moves(result, by_key, changed)
        for item_id, f in sources:
            remote = pulled.get(item_id)
            when = (
                (remote.changed_at.get(f) if remote else None)
                or asked.get(item_id, {}).get(f)
                or (moves.get(item_id) if f == "stage" else None)
                or (remote.updated_at if remote else None)
            )
            if when is None:
                continue
            when = min(when, now)
            key = (item_id, f)
            times[key] = min(times.get(key, when), when)
    return times


def _ask(
    adapter: Adapter | None, pulled: Mapping[str, RemoteItem], sources: Iterable[tuple[str, str]]
) -> dict[str, dict[str, datetime]]:
    """The adapter's `change_times` for source issues the pull could not date itself."""
    ask = getattr(adapter, "change_times", None)
    if not callable(ask):
        return {}
    keys = {
        pulled[item_id].ref.key: item_id
        for item_id, f in sources
        if item_id in pulled and f not in pulled[item_id].changed_at
    }
    if not keys:
        return {}
    answer: Mapping[str, Mapping[str, datetime]] = ask(set(keys))
    return {keys[key]: dict(found) for key, found in answer.items() if key in keys}


def _stage_moves(
    result: PullResult, by_key: Mapping[str, str], changed: Mapping[str, Mapping[str, FieldValue]]
) -> dict[str, datetime]:
    """The last reported move of each item into its new stage."""
    found: dict[str, datetime] = {}
    latest: dict[str, list[datetime]] = defaultdict(list)
    for move in result.stage_changes:
        item_id = move.item_id or by_key.get(move.remote_key)
        if item_id and changed.get(item_id, {}).get("stage") == move.to_stage.value:
            latest[item_id].append(move.at)
    for item_id, times in latest.items():
        found[item_id] = max(times)
    return found


def born_sprint_times(
    born: Mapping[str, Mapping[str, RemoteItem]], adapters: Mapping[str, Adapter]
) -> dict[str, datetime]:
    """Tracker-born items first seen this run in a sprint the pull could not date (GitHub's
    listing has no milestone time): when they joined it, from the adapter's `change_times`
    (one request per such issue). By tracker -> {item id: remote}; returns item id -> time."""
    found: dict[str, datetime] = {}
    for tracker, remotes in born.items():
        ask = getattr(adapters.get(tracker), "change_times", None)
        keys = {
            remote.ref.key: item_id
            for item_id, remote in remotes.items()
            if remote.values.get("sprint") and remote.sprint_since is None
        }
        if not keys or not callable(ask):
            continue
        answer: Mapping[str, Mapping[str, datetime]] = ask(set(keys))
        for key, times in answer.items():
            if key in keys and "sprint" in times:
                found[keys[key]] = times["sprint"]
    return found


Path = list[tuple[str, str, datetime]]
"""(from stage, to stage, when) moves, oldest first."""


def stage_paths(
    previous: Mapping[str, WorkItem],
    current: Mapping[str, WorkItem],
    pulls: Mapping[str, tuple[TargetState, PullResult]],
    times: Times,
) -> dict[str, Path]:
    """Every move an item made between two syncs, where a tracker's own history has them
    (Jira's changelog: in progress at 10:00, in review at 15:00, not one jump to in review):
    the moves that tracker reported for the item, from its stage in the last view to its new
    stage, ending at the time `times` dated the change with. Cumulative flow and cycle time
    need each one; an item without such a path gets one move, as before."""
    paths: dict[str, Path] = {}
    for state, result in pulls.values():
        by_key = {ref.key: item_id for item_id, ref in state.refs.items()}
        moves: dict[str, Path] = defaultdict(list)
        for move in result.stage_changes:
            item_id = move.item_id or by_key.get(move.remote_key)
            if item_id and move.from_stage is not None:
                moves[item_id].append((move.from_stage.value, move.to_stage.value, move.at))
        for item_id, found in moves.items():
            before, after = previous.get(item_id), current.get(item_id)
            when = times.get((item_id, "stage"))
            if before is None or after is None or when is None or item_id in paths:
                continue
            path = _chain(sorted(found, key=lambda m: m[2]), before.stage.value,
                          after.stage.value)
            if path and path[-1][2] == when:
                paths[item_id] = path
    return paths


def _chain(moves: Path, start: str, end: str) -> Path | None:
    """The longest run of linked moves that leaves `start` and ends the list at `end`."""
    for first, move in enumerate(moves):
        if move[0] != start:
            continue
        chain = moves[first:]
        if all(a[1] == b[0] for a, b in pairwise(chain)) and chain[-1][1] == end:
            return chain
    return None
