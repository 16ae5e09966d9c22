"""Whether an applied run was completely quiet: the condition for a quiet-night stamp."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker_bridge.reconcile.run_report import SyncReport


def completely_quiet(report: SyncReport) -> bool:
    """Nothing pulled as changed, nothing adopted or born, an empty plan without conflicts
    or skips, nothing written, failed, warned about, ranked or recorded, every cursor moved.
    Such a run, told the same things again, would do the same nothing."""
    applied = report.applied
    if applied is None or not applied.clean or not report.cursors_moved:
        return False
    plan = report.plan
    return (
        plan.empty
        and not plan.conflicts
        and not plan.skips
        and not any(applied.counts.values())
        and not applied.skips
        and not applied.warnings
        and not any(report.pulled.values())
        and not any(report.adopted.values())
        and not any(report.born.values())
        and not report.ranked
        and not report.rank_errors
        and report.events == 0
        and report.noticed == 0
    )
