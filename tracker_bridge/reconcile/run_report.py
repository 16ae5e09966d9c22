"""What a reconcile run is asked to do (`SyncOptions`) and what it did (`SyncReport`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tracker_bridge.errors import UserError
from tracker_bridge.reconcile.actions import Plan
from tracker_bridge.reconcile.apply import ApplyReport
from tracker_bridge.reconcile.planner import ConflictPolicy


class PlanChanged(UserError):
    """`--checksum` names a plan other than the one computed now."""

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class SyncOptions:
    apply: bool = False
    force: bool = False
    checksum: str | None = None
    max_change_ratio: float = 0.25
    policy: ConflictPolicy = "owner"
    kind: str = "sync"
    mirror: Literal["roadmap", "all"] = "roadmap"
    on_remote_delete: Literal["unlink", "recreate"] = "unlink"


@dataclass
class SyncReport:
    project: str
    plan: Plan
    applied: ApplyReport | None = None
    pulled: dict[str, int] = field(default_factory=dict)
    adopted: dict[str, int] = field(default_factory=dict)
    born: dict[str, int] = field(default_factory=dict)
    """Tracker-born items first seen this run, per tracker."""
    requests: dict[str, int] = field(default_factory=dict)
    events: int = 0
    ranked: dict[str, int] = field(default_factory=dict)
    """Rank requests sent per tracker (none when the order already matches)."""
    rank_errors: list[str] = field(default_factory=list)
    cursors_moved: bool = False
    run_id: int | None = None
    noticed: int = 0
    """What this run found that its summary does not count (new delivery facts, trackers
    whose deliveries were not read, spike records restored): none on a quiet night."""

    @property
    def ok(self) -> bool:
        return self.applied is None or self.applied.clean

    def summary(self) -> dict[str, Any]:
        counts = dict(self.applied.counts) if self.applied else {}
        applied_skips = self.applied.skips if self.applied else []
        return {
            "project": self.project,
            "applied": self.applied is not None,
            "planned": self.plan.counts(),
            "done": counts,
            "created": counts.get("create", 0),
            "updated": counts.get("update", 0),
            "moved": counts.get("move_stage", 0),
            "conflicts": len(self.plan.conflicts),
            # Items with a field held (`conflict_policy = "hold"`): read again next run.
            "held": sorted({c.item_id for c in self.plan.conflicts if c.held}),
            "failures": [vars(f) for f in self.applied.failures] if self.applied else [],
            # Every skip of the run: the plan's, then those found while writing.
            "skipped": [vars(s) for s in (*self.plan.skips, *applied_skips)],
            "warnings": [vars(w) for w in self.applied.warnings] if self.applied else [],
            "pulled": self.pulled,
            "adopted": self.adopted,
            "born": self.born,
            # Deprecated (removed in the next release): the plan's skips only, also in
            # `plan.skips`; `skipped` above lists every skip of the run.
            "skips": [vars(skip) for skip in self.plan.skips],
            "requests": self.requests,
            "events": self.events,
            "ranked": self.ranked,
            "rank_errors": self.rank_errors,
            "cursors_moved": self.cursors_moved,
            "checksum": self.plan.checksum,
        }
