"""The planner: desired model + remote snapshots + base snapshots → Plan. Pure, no I/O.

Every synced field is merged three ways. The sides are the roadmap and each target tracker
holding the item; a side "changed" when its current value differs from the value recorded
at the last sync (its base). One changed side wins; several that disagree are a conflict,
settled by the policy and reported. Our own writes become the base right after they are
made, so they never come back as external changes (echo suppression).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from tracker_bridge.model import (
    DERIVED_FIELDS,
    SYNC_FIELDS,
    FieldValue,
    RemoteRef,
    Roadmap,
    Sprint,
    Stage,
    WorkItem,
)
from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    Conflict,
    CreateItem,
    EnsureSprint,
    LinkParent,
    MoveStage,
    Plan,
    Skip,
    UpdateFields,
    WriteMarker,
)
from tracker_bridge.reconcile.field_merge import (
    SET_FIELDS,
    TEXT_FIELDS,
    UNMERGED,
    merged_set,
    merged_text,
)

Owner = Literal["roadmap", "tracker"]
ConflictPolicy = Literal["owner", "prefer_tracker", "prefer_roadmap", "hold"]
Values = Mapping[str, FieldValue]

ROADMAP = "roadmap"

DEFAULT_OWNERS: Mapping[str, Owner] = {
    "title": "roadmap",
    "description": "roadmap",
    "kind": "roadmap",
    "track": "roadmap",
    "parent": "roadmap",
    "points": "roadmap",
    "labels": "roadmap",
    "sprint": "roadmap",
    "due": "roadmap",
    "stage": "tracker",
    "assignee": "tracker",
    "blocked": "tracker",
    "spike": "roadmap",
    "acceptance": "roadmap",
    "checked": "tracker",
    "order": "roadmap",
}
"""Planning fields belong to the roadmap, flow fields to the tracker (DESIGN.md)."""


def field_owners(adapters: Iterable[object]) -> dict[str, Owner]:
    """`DEFAULT_OWNERS` with the first adapter's mapping `ownership` (its optional
    `field_owners`) over them."""
    owners: dict[str, Owner] = dict(DEFAULT_OWNERS)
    for adapter in adapters:
        read = getattr(adapter, "field_owners", None)
        if callable(read):
            owners.update(read())
            break
    return owners

# Fields with a dedicated action; the rest travel together in one UpdateFields.
_DEDICATED = frozenset({"stage", "parent", "sprint"})


@dataclass(frozen=True)
class TargetState:
    """What the planner knows about one tracker target."""

    tracker: str
    refs: Mapping[str, RemoteRef]
    remote: Mapping[str, Values]
    """Current remote values per item: the base overlaid with what the pull returned."""
    base: Mapping[str, Values]
    """Values per item as last synced on this target."""
    updated_at: Mapping[str, datetime] = field(default_factory=dict)
    """When each pulled item last changed remotely (breaks ties between trackers)."""
    fields: frozenset[str] = frozenset(SYNC_FIELDS)
    """The fields this target's mapping carries."""
    sprint_refs: Mapping[str, str] = field(default_factory=dict)
    sprint_base: Mapping[str, Values] = field(default_factory=dict)
    markers: Mapping[str, str | None] = field(default_factory=dict)
    """For items whose issue was pulled: the marker that issue carries now (None: none).
    Nothing is written to an issue whose marker is not the item's own."""
    unlinked: frozenset[str] = frozenset()
    """Items whose issue here is gone (deleted, moved, transferred, out of scope)."""
    adopting: frozenset[str] = frozenset()
    """Roadmap items bound to an existing issue (`adopt:`) that does not carry their marker
    yet: the marker is written first, and the marker check waits for it."""


@dataclass(frozen=True)
class PlanInputs:
    project: str
    roadmap: Roadmap
    roadmap_base: Mapping[str, Values]
    targets: Sequence[TargetState]
    policy: ConflictPolicy = "owner"
    owners: Mapping[str, Owner] = field(default_factory=lambda: dict(DEFAULT_OWNERS))
    born: Sequence[WorkItem] = ()
    """Tracker-born items (`reconcile.born`), as currently known; planned like roadmap items
    but their planning fields come from the tracker they were born in."""
    mirror: Literal["roadmap", "all"] = "roadmap"
    """`roadmap`: tracker-born items stay where they were born; `all`: mirrored everywhere."""
    skips: Sequence[Skip] = ()
    """Found while pulling (e.g. an issue type the mapping does not know); reported as is."""
    recreate: bool = False
    """`on_remote_delete = "recreate"`: a roadmap item whose issue is gone is created again."""


def sprint_values(sprint: Sprint) -> dict[str, FieldValue]:
    return {
        "name": sprint.name,
        "start": sprint.start.isoformat(),
        "end": sprint.end.isoformat(),
        "goal": sprint.goal,
        "state": sprint.state.value,
    }


def plan(inputs: PlanInputs) -> Plan:
    actions: list[Action] = []
    conflicts: list[Conflict] = []
    skips: list[Skip] = list(inputs.skips)
    items = (*inputs.roadmap.items, *inputs.born)
    desired_ids = {item.id for item in items}
    targets = tuple(inputs.targets)
    existing = 0
    merged_view: dict[str, Values] = {}
    for rank, item in enumerate(items):
        item_id = item.id
        held = [item_id in t.refs for t in targets]
        holders = [t for t, holds in zip(targets, held, strict=True) if holds]
        existing += bool(holders)
        desired = item.sync_values()
        merged = _settled(item, desired, holders, inputs)
        on_hold: tuple[str, ...] = ()
        if merged is None:
            merged, item_conflicts = _merge_item(item, desired, holders, inputs)
            conflicts.extend(item_conflicts)
            on_hold = tuple(c.field for c in item_conflicts if c.held)
        merged_view[item_id] = merged
        for target, holds in zip(targets, held, strict=True):
            if item_id in target.adopting:
                key = target.refs[item_id].key
                actions.append(WriteMarker(target.tracker, item_id, rank, key))
                actions.extend(_updates(item_id, rank, _held(merged, on_hold, target, item_id),
                                        target))
            elif holds:
                if item_id in target.markers:
                    refusal = _marker_mismatch(item, target)
                    if refusal is not None:
                        skips.append(refusal)
                        continue
                remote = target.remote.get(item_id)
                wanted = _held(merged, on_hold, target, item_id)
                if remote is not wanted and remote != wanted:  # equal: nothing to write here
                    actions.extend(_updates(item_id, rank, wanted, target))
            elif item_id in target.unlinked and not (inputs.recreate and item.origin is None):
                continue  # gone there; reported once, in the run that found it
            elif item.origin is None or inputs.mirror == "all":
                actions.extend(_creation(item, rank, merged, target))
    for target in targets:
        skips.extend(
            Skip(item_id, target.tracker, "no longer in the roadmap; left untouched")
            for item_id in sorted(set(target.refs) - desired_ids)
        )
        actions.extend(_sprint_actions(inputs.roadmap, actions, target))
    return Plan.build(inputs.project, actions, conflicts, skips, existing, merged_view)


def _held(
    merged: Values, on_hold: Sequence[str], target: TargetState, item_id: str
) -> Values:
    """What to write to `target`: `merged`, but a held field keeps the value the target has
    (held means written nowhere, not the first tracker's value copied to the others)."""
    if not on_hold:
        return merged
    remote = target.remote.get(item_id, _NOTHING)
    return {**merged, **{name: remote[name] for name in on_hold if name in remote}}


def _marker_mismatch(item: WorkItem, target: TargetState) -> Skip | None:
    """The pulled issue at the item's ref carries another item's marker, or none where ours
    belongs (a swapped or stale ref, a person's edit): refuse every write to it."""
    if item.id not in target.markers:
        return None  # not pulled this run
    found = target.markers[item.id]
    born_here = item.origin is not None and item.origin.tracker == target.tracker
    expected = None if born_here else item.id
    if found == expected:
        return None
    key = target.refs[item.id].key
    carries = f"the marker of {found!r}" if found else "no marker"
    return Skip(item.id, target.tracker, f"{key} now carries {carries}; not written to")


def _settled(
    item: WorkItem, desired: Values, holders: Sequence[TargetState], inputs: PlanInputs
) -> Values | None:
    """The common case, no side changed anything, without the per-field merge: every field
    keeps the value the trackers hold (`_agreed_value`), no conflicts. None: merge."""
    # A tracker-born item has no roadmap side: its last known values never count as an edit.
    if item.origin is None and inputs.roadmap_base.get(item.id) != desired:
        return None
    for target in holders:
        if target.remote.get(item.id, _NOTHING) != target.base.get(item.id, _NOTHING):
            return None
    return _all_agreed(item.id, desired, holders)


def _merge_item(
    item: WorkItem, desired: Values, holders: Sequence[TargetState], inputs: PlanInputs
) -> tuple[dict[str, FieldValue], list[Conflict]]:
    roadmap_base = desired if item.origin is not None else inputs.roadmap_base.get(item.id)
    merged: dict[str, FieldValue] = {}
    conflicts: list[Conflict] = []
    for name in SYNC_FIELDS:
        if item.origin is not None and inputs.owners.get(name) == "roadmap":
            # Planning fields of a tracker-born item belong to the tracker it was born in
            # (`desired` is what that tracker holds now); its mirrors follow.
            merged[name] = desired[name]
            conflict = _overruled(item, name, desired[name], holders)
            if conflict is not None:
                conflicts.append(conflict)
            continue
        changed: list[tuple[str, FieldValue]] = []
        seen: list[FieldValue] = []  # per entry of `changed`: that side's base
        if roadmap_base is None:
            # No history (first sync, or refs rebuilt by relink): the field's owner decides,
            # except on a target we created the item on but never wrote the field to (a run
            # that died between a create and its stage move): there the roadmap's value is due.
            if (
                not holders
                or inputs.owners.get(name) == "roadmap"
                or _never_written(item.id, name, holders)
            ):
                changed.append((ROADMAP, desired[name]))
                seen.append(None)
        elif roadmap_base.get(name, desired[name]) != desired[name] or (
            name not in roadmap_base and inputs.owners.get(name) == "roadmap"
        ):
            # A field newer than the last sync (a store from an older version) is due too.
            changed.append((ROADMAP, desired[name]))
            seen.append(roadmap_base.get(name))
        for target in holders:
            if name not in target.fields:
                continue
            remote = target.remote.get(item.id, {})
            base = target.base.get(item.id, {})
            if name in remote and name in base and remote[name] != base[name]:
                changed.append((target.tracker, remote[name]))
                seen.append(base[name])
        if changed and (name in SET_FIELDS or name in TEXT_FIELDS):
            changed = _merged(name, _any_base(item.id, name, holders, inputs), changed, seen)
        merged[name], conflict = _resolve(item.id, name, desired[name], changed, holders, inputs)
        if conflict is not None:
            conflicts.append(conflict)
    return merged, conflicts


def _merged(
    name: str,
    agreed: FieldValue,
    changed: list[tuple[str, FieldValue]],
    seen: Sequence[FieldValue],
) -> list[tuple[str, FieldValue]]:
    """`changed` with every side's value replaced by the merge of their changes where they
    merge (`field_merge`). Even one side's change is merged: the roadmap file never learns
    a person's edits, so its whole value would also undo what a person changed on a tracker
    last week. A text that does not merge is left as it was (a conflict, or one side)."""
    changes = list(zip(seen, (value for _, value in changed), strict=True))
    if name in SET_FIELDS:
        value: FieldValue = merged_set(agreed, changes)
        if value is None:  # a base unknown (first sync, relink): nothing to merge against
            return changed
    else:
        value = merged_text(agreed, changes)
        if value == UNMERGED:
            return changed
    return [(side, value) for side, _ in changed]


def _overruled(
    item: WorkItem, name: str, value: FieldValue, holders: Sequence[TargetState]
) -> Conflict | None:
    """A mirror of a tracker-born item changed a planning field: its birth tracker wins,
    and the edit is reported, never silently reverted."""
    assert item.origin is not None
    edits = [
        (t.tracker, remote[name])
        for t in holders
        if t.tracker != item.origin.tracker
        and name in t.fields
        and name in (remote := t.remote.get(item.id, {}))
        and name in (seen := t.base.get(item.id, {}))
        and remote[name] != seen[name]
        and remote[name] != value
    ]
    if not edits:
        return None
    mirror = next(t for t in holders if t.tracker == edits[0][0])
    base = mirror.base.get(item.id, {}).get(name)
    values = ((item.origin.tracker, value), *edits)
    return Conflict(item.id, name, base, values, "tracker", item.origin.tracker)


def _never_written(item_id: str, name: str, holders: Sequence[TargetState]) -> bool:
    """A holder has a base for the item (we created it) without this field: never synced."""
    for target in holders:
        base = target.base.get(item_id)
        if base and name in target.fields and name not in base:
            return True
    return False


def _resolve(
    item_id: str,
    name: str,
    current: FieldValue,
    changed: list[tuple[str, FieldValue]],
    holders: Sequence[TargetState],
    inputs: PlanInputs,
) -> tuple[FieldValue, Conflict | None]:
    """The value a field should have everywhere, and the conflict when sides disagree."""
    if not changed:
        return _agreed_value(item_id, name, current, holders), None
    distinct = {value for _side, value in changed}
    if len(distinct) == 1:
        return changed[0][1], None
    base = _any_base(item_id, name, holders, inputs)
    trackers = [(side, value) for side, value in changed if side != ROADMAP]
    roadmap = [(side, value) for side, value in changed if side == ROADMAP]
    # The most recently updated tracker speaks for the trackers.
    trackers.sort(key=lambda sv: _updated(sv[0], item_id, holders), reverse=True)
    prefer = inputs.policy
    if prefer == "owner":
        prefer = "prefer_roadmap" if inputs.owners.get(name) == "roadmap" else "prefer_tracker"
    if prefer == "hold":
        return _agreed_value(item_id, name, current, holders), Conflict(
            item_id, name, base, tuple(changed), "hold", None
        )
    winners = (roadmap + trackers) if prefer == "prefer_roadmap" else (trackers + roadmap)
    side, value = winners[0]
    resolution: Literal["roadmap", "tracker"] = "roadmap" if side == ROADMAP else "tracker"
    return value, Conflict(item_id, name, base, tuple(changed), resolution, side)


_NOTHING: Values = {}
_SYNC_FIELD_SET = frozenset(SYNC_FIELDS)


def _all_agreed(item_id: str, desired: Values, holders: Sequence[TargetState]) -> Values:
    """`_agreed_value` for every field at once: the first holder carrying a field gives its
    value, else the roadmap's (the holders overlaid last to first, so the first wins)."""
    if holders:
        first = holders[0]
        remote = first.remote.get(item_id, _NOTHING)
        if remote.keys() == _SYNC_FIELD_SET and first.fields >= _SYNC_FIELD_SET:
            # It carries every field, so every value is its own: the same values, not a copy
            # (a settled night of 100,000 items would otherwise build 100,000 equal dicts).
            return remote
    merged = {name: desired[name] for name in SYNC_FIELDS}
    for target in reversed(holders):
        remote = target.remote.get(item_id, _NOTHING)
        if remote.keys() <= target.fields and remote.keys() <= _SYNC_FIELD_SET:
            merged.update(remote)  # the usual case: the mapping carries all it pulled
            continue
        for name, value in remote.items():
            if name in target.fields and name in _SYNC_FIELD_SET:
                merged[name] = value
    return merged


def _agreed_value(
    item_id: str, name: str, roadmap_value: FieldValue, holders: Sequence[TargetState]
) -> FieldValue:
    """No side changed: keep what the trackers hold (the roadmap is not written back)."""
    for target in holders:
        remote = target.remote.get(item_id, {})
        if name in target.fields and name in remote:
            return remote[name]
    return roadmap_value


def _any_base(
    item_id: str, name: str, holders: Sequence[TargetState], inputs: PlanInputs
) -> FieldValue:
    for target in holders:
        base = target.base.get(item_id, {})
        if name in base:
            return base[name]
    return inputs.roadmap_base.get(item_id, {}).get(name)


def _updated(side: str, item_id: str, holders: Sequence[TargetState]) -> float:
    for target in holders:
        if target.tracker == side and item_id in target.updated_at:
            return target.updated_at[item_id].timestamp()
    return 0.0


def _updates(item_id: str, rank: int, merged: Values, target: TargetState) -> list[Action]:
    remote = target.remote.get(item_id, {})
    plain: list[tuple[str, FieldValue, FieldValue]] = []
    actions: list[Action] = []
    for name in SYNC_FIELDS:
        if name not in target.fields or remote.get(name, merged[name]) == merged[name]:
            continue
        old, new = remote.get(name), merged[name]
        if name == "stage":
            actions.append(MoveStage(target.tracker, item_id, rank, _stage(old), Stage(str(new))))
        elif name == "parent":
            actions.append(LinkParent(target.tracker, item_id, rank, _text(new)))
        elif name == "sprint":
            actions.append(AssignSprint(target.tracker, item_id, rank, _text(new), _text(old)))
        else:
            plain.append((name, old, new))
    if plain:
        actions.append(UpdateFields(target.tracker, item_id, rank, tuple(plain)))
    return actions


def _creation(item: WorkItem, rank: int, merged: Values, target: TargetState) -> list[Action]:
    """A create carries planning fields; stage and sprint follow as their own actions."""
    shaped = WorkItem.model_validate({**item.model_dump(), **_model_fields(merged)})
    actions: list[Action] = [CreateItem(target.tracker, item.id, rank, shaped)]
    if "stage" in target.fields and shaped.stage is not Stage.BACKLOG:
        actions.append(MoveStage(target.tracker, item.id, rank, None, shaped.stage))
    if "sprint" in target.fields and shaped.sprint is not None:
        actions.append(AssignSprint(target.tracker, item.id, rank, shaped.sprint, None))
    return actions


def _sprint_actions(
    roadmap: Roadmap, actions: Sequence[Action], target: TargetState
) -> list[Action]:
    """Sprints that items on this target will sit in, created or brought up to date."""
    wanted = {
        a.sprint_id for a in actions if isinstance(a, AssignSprint) and a.tracker == target.tracker
    }
    wanted |= {sprint_id for sprint_id in target.sprint_refs}
    result: list[Action] = []
    for rank, sprint in enumerate(roadmap.sprints):
        if sprint.id not in wanted:
            continue
        exists = sprint.id in target.sprint_refs
        if exists and target.sprint_base.get(sprint.id) == sprint_values(sprint):
            continue
        result.append(EnsureSprint(target.tracker, sprint.id, rank, sprint, exists))
    return result


def _model_fields(merged: Values) -> dict[str, object]:
    """Canonical plain values back into WorkItem field input (validated by the caller)."""
    return {
        name: (list(value) if isinstance(value, tuple) else value)
        for name, value in merged.items()
        if name not in DERIVED_FIELDS
    }


def canonical(values: Mapping[str, object]) -> dict[str, FieldValue]:
    """Normalise values from an adapter or the store so equal things compare equal."""
    result: dict[str, FieldValue] = {}
    for name, value in values.items():
        if isinstance(value, list | tuple | set | frozenset):
            result[name] = tuple(sorted(str(v) for v in value))
        elif isinstance(value, float) and value.is_integer():
            result[name] = int(value)
        elif value is None or isinstance(value, str | int | float | bool):
            result[name] = value
        else:
            result[name] = str(value)
    return result


def _stage(value: FieldValue) -> Stage | None:
    return Stage(str(value)) if value is not None else None


def _text(value: FieldValue) -> str | None:
    return None if value is None else str(value)
