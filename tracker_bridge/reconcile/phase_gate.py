"""A no-go at a phase gate holds the next phase: its sprints are created, not started.

Runs on the plan (pure, like `closed_sprints`): a sprint of a held phase that the roadmap's
dates would start (or close) goes to the trackers as a future sprint, and one skip per
sprint and tracker names the decision and the command that records a new one. A sprint
already started on a tracker before the no-go is left as it is (trackers cannot un-start
one). When a later review says go, the planner sees the sprint's recorded state (future)
differ from the roadmap's and starts it on the next run.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import replace

from tracker_bridge.model import SprintState
from tracker_bridge.reconcile.actions import Action, EnsureSprint, Plan, Skip
from tracker_bridge.reconcile.planner import PlanInputs, sprint_values
from tracker_bridge.reports.phases import ReviewLike, decision_text, held_phases, latest_reviews


def hold_gated_sprints(the_plan: Plan, inputs: PlanInputs,
                       reviews: Sequence[ReviewLike]) -> Plan:
    held = held_phases(inputs.roadmap, reviews)
    if not held:
        return the_plan
    latest = latest_reviews(reviews)
    targets = {target.tracker: target for target in inputs.targets}
    kept: list[Action] = []
    skips = list(the_plan.skips)
    for action in the_plan.actions:
        if not isinstance(action, EnsureSprint) or action.sprint is None:
            kept.append(action)
            continue
        sprint = action.sprint
        if (sprint.phase is None or sprint.phase not in held or sprint.state is SprintState.FUTURE
                or action.tracker not in targets):
            kept.append(action)
            continue
        recorded = targets[action.tracker].sprint_base.get(sprint.id) or {}
        if recorded.get("state", SprintState.FUTURE.value) != SprintState.FUTURE.value:
            kept.append(action)  # started there already: nothing to hold
            continue
        gate = held[sprint.phase]
        redo = shlex.join(["tracker-bridge", "phase", "review", gate, "--decision", "go",
                           "--note", "..."])
        skips.append(Skip(sprint.id, action.tracker, (
            f"sprint {sprint.id} ({sprint.name}) not started: phase {gate} is no-go "
            f"({decision_text(latest[gate])}); record a new decision with `{redo}`")))
        waiting = sprint.model_copy(update={"state": SprintState.FUTURE})
        if recorded == sprint_values(waiting):
            continue  # there already, as a future sprint
        kept.append(replace(action, sprint=waiting))
    return Plan.build(the_plan.project, kept, the_plan.conflicts, skips,
                      the_plan.existing_items, the_plan.merged)
