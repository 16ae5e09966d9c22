"""A pure model of what applying a plan does to a tracker, for planner property tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tracker_bridge.model import FieldValue, RemoteRef
from tracker_bridge.reconcile.actions import (
    AssignSprint,
    CreateItem,
    EnsureSprint,
    LinkParent,
    MoveStage,
    Plan,
    UpdateFields,
)
from tracker_bridge.reconcile.planner import PlanInputs, sprint_values


def applied(inputs: PlanInputs, plan: Plan) -> PlanInputs:
    """The inputs of the next run after `plan` was applied without failures."""
    targets = []
    for target in inputs.targets:
        refs = dict(target.refs)
        remote = {key: dict(values) for key, values in target.remote.items()}
        sprint_refs = dict(target.sprint_refs)
        sprint_base = dict(target.sprint_base)
        for action in plan.for_tracker(target.tracker):
            values = remote.setdefault(action.item_id, {})
            if isinstance(action, CreateItem):
                assert action.item is not None
                refs[action.item_id] = RemoteRef(
                    tracker=target.tracker, key=f"K-{len(refs) + 1}", remote_id=str(len(refs) + 1)
                )
                created: dict[str, FieldValue] = dict(action.item.sync_values())
                created["stage"] = "backlog"
                created["sprint"] = None
                values.update(created)
            elif isinstance(action, UpdateFields):
                values.update(action.new_values())
            elif isinstance(action, MoveStage):
                values["stage"] = action.to_stage.value
            elif isinstance(action, LinkParent):
                values["parent"] = action.parent_id
            elif isinstance(action, AssignSprint):
                values["sprint"] = action.sprint_id
            elif isinstance(action, EnsureSprint):
                assert action.sprint is not None
                sprint_refs[action.sprint.id] = f"S{action.sprint.id}"
                sprint_base[action.sprint.id] = sprint_values(action.sprint)
        remote = {
            key: {k: v for k, v in vals.items() if k in target.fields}
            for key, vals in remote.items()
        }
        targets.append(
            replace(
                target,
                refs=refs,
                remote=remote,
                base={key: dict(vals) for key, vals in remote.items()},
                sprint_refs=sprint_refs,
                sprint_base=sprint_base,
            )
        )
    roadmap_base = {item.id: item.sync_values() for item in inputs.roadmap.items}
    return replace(inputs, targets=tuple(targets), roadmap_base=roadmap_base)


def human_edit(inputs: PlanInputs, tracker: str, item_id: str, **values: FieldValue) -> PlanInputs:
    """Somebody changes an issue on the tracker (the next pull sees it)."""
    targets = []
    for target in inputs.targets:
        if target.tracker == tracker:
            remote = {key: dict(vals) for key, vals in target.remote.items()}
            remote[item_id].update(values)
            stamp = {**target.updated_at, item_id: datetime.now(UTC)}
            target = replace(target, remote=remote, updated_at=stamp)
        targets.append(target)
    return replace(inputs, targets=tuple(targets))
