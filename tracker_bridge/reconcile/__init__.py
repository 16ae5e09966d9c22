"""The reconciler: plan (pure) and apply (the only writer), run per project by `Reconciler`."""

from __future__ import annotations

from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    Comment,
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
from tracker_bridge.reconcile.apply import Applier, ApplyReport, Failure
from tracker_bridge.reconcile.guard import TooMuchChange
from tracker_bridge.reconcile.planner import PlanInputs, TargetState, plan
from tracker_bridge.reconcile.run_report import PlanChanged, SyncOptions, SyncReport
from tracker_bridge.reconcile.sync import Reconciler

__all__ = [
    "Action",
    "Applier",
    "ApplyReport",
    "AssignSprint",
    "Comment",
    "Conflict",
    "CreateItem",
    "EnsureSprint",
    "Failure",
    "LinkParent",
    "MoveStage",
    "Plan",
    "PlanChanged",
    "PlanInputs",
    "Reconciler",
    "Skip",
    "SyncOptions",
    "SyncReport",
    "TargetState",
    "TooMuchChange",
    "UpdateFields",
    "WriteMarker",
    "plan",
]
