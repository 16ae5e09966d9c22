"""Warnings that last until fixed: a refused assignee is reported on every run, not once.

A create that dropped an assignee leaves nothing to do on later runs (the tracker holds no
assignee, and that is now its settled value), so the warning would vanish after one night.
It is carried from the previous run for as long as the roadmap still asks for that handle
and the tracker does not hold it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker_bridge.model import Roadmap
from tracker_bridge.reconcile.apply_base import RunWarning
from tracker_bridge.reconcile.planner import TargetState
from tracker_bridge.store import Store

RECENT_RUNS = 20


def carry_warnings(
    store: Store,
    project: str,
    roadmap: Roadmap,
    targets: Mapping[str, TargetState],
    current: Sequence[RunWarning],
) -> list[RunWarning]:
    """The previous run's warnings that still hold and this run did not raise again."""
    items = {item.id: item for item in roadmap.items}
    raised = {(w.tracker, w.item_id, w.field) for w in current}
    carried = []
    for data in _previous(store, project):
        try:
            warning = RunWarning(**data)
        except TypeError:
            continue  # a summary from an older version
        item = items.get(warning.item_id)
        target = targets.get(warning.tracker)
        if (warning.tracker, warning.item_id, warning.field) in raised or not item or not target:
            continue
        wanted = getattr(item, warning.field, None)
        holds = target.remote.get(item.id, {}).get(warning.field)
        if str(wanted or "") == warning.value and str(holds or "") != warning.value:
            carried.append(warning)
    return carried


def _previous(store: Store, project: str) -> list[Mapping[str, Any]]:
    for run in store.last_runs(project, RECENT_RUNS):
        if run.completed:  # the newest run that applied its plan (this one is still running)
            return list(run.summary.get("warnings") or ())
    return []
