"""Items are never added to a sprint that is closed on the tracker.

Reopening a closed sprint to add an item rewrites its history: velocity, the sprint report
and burndown all change after the fact, and Jira refuses the move anyway ("Cannot move issues
to a closed sprint"). A scrum master would rather plan the item into the active or a later
sprint. So the assignment is left out and reported as a skip naming the sprint and the fix,
never as a failure that comes back every night.

A sprint we are creating in this very run (a seed of past sprints) is still filled before we
close it: it has no history yet.

The create itself is left outside the closed sprint too: an adapter that can carry the sprint
on the create (GitHub's milestone) would otherwise put the item into it, and the next night
would plan taking it out again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from tracker_bridge.model import SprintState
from tracker_bridge.reconcile.actions import Action, AssignSprint, CreateItem, Plan, Skip
from tracker_bridge.reconcile.planner import PlanInputs, TargetState


def leave_closed_sprints(the_plan: Plan, inputs: PlanInputs) -> Plan:
    targets = {target.tracker: target for target in inputs.targets}
    names = {sprint.id: sprint.name for sprint in inputs.roadmap.sprints}
    kept: list[Action] = []
    skips = list(the_plan.skips)
    changed = False
    for action in the_plan.actions:
        target = targets.get(action.tracker)
        if (
            isinstance(action, CreateItem)
            and action.item is not None
            and action.item.sprint is not None
            and target is not None
            and _closed_on_tracker(target, action.item.sprint)
        ):
            # Created outside it; the skip is reported for its AssignSprint follow-up.
            outside = action.item.model_copy(update={"sprint": None})
            kept.append(replace(action, item=outside))
            changed = True
            continue
        if (
            isinstance(action, AssignSprint)
            and action.sprint_id is not None
            and target is not None
            and _closed_on_tracker(target, action.sprint_id)
        ):
            skips.append(Skip(action.item_id, action.tracker, _reason(action.sprint_id, names)))
            continue
        kept.append(action)
    if not changed and len(kept) == len(the_plan.actions):
        return the_plan
    return Plan.build(
        the_plan.project,
        kept,
        the_plan.conflicts,
        skips,
        the_plan.existing_items,
        the_plan.merged,
    )


def _closed_on_tracker(target: TargetState, sprint_id: str) -> bool:
    """We closed it there ourselves (its recorded state), so it exists and holds history."""
    recorded = target.sprint_base.get(sprint_id) or {}
    return sprint_id in target.sprint_refs and recorded.get("state") == SprintState.CLOSED.value


def _reason(sprint_id: str, names: Mapping[str, str]) -> str:
    name = names.get(sprint_id, sprint_id)
    return (
        f"sprint {sprint_id} ({name}) is closed: not added (a closed sprint is never reopened); "
        "move the item to the active or a later sprint in the roadmap"
    )
