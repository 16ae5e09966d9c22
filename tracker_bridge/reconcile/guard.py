"""The change-ratio guard: a plan that changes many existing items waits for review.

Only changes from outside count: the roadmap edited, a tracker edited, a mapping that now
reads values differently. Finishing our own work never does: the stage moves and sprint
fills a killed or half-failed run still owes (fields we never wrote to the item), writes a
run journaled but never confirmed, and writes that failed last time (their change was
reviewed then). Otherwise one bad night would block every later one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set

from tracker_bridge.errors import UserError
from tracker_bridge.reconcile.actions import (
    Action,
    AssignSprint,
    LinkParent,
    MoveStage,
    Plan,
    UpdateFields,
)
from tracker_bridge.reconcile.planner import PlanInputs
from tracker_bridge.store import Store

MIN_ITEMS_FOR_RATIO = 10
"""Below this many existing items the change-ratio guard is noise, not safety."""

RECENT_RUNS = 20
"""How far back unfinished runs are searched for writes that failed."""

OwnWork = Set[tuple[str, str]]
"""(tracker, item id) pairs whose writes are ours to finish or retry."""


class TooMuchChange(UserError):
    """A plan would change more than the configured share of existing items."""


def check_change_ratio(
    the_plan: Plan, inputs: PlanInputs, own: OwnWork, max_ratio: float
) -> None:
    existing = the_plan.existing_items
    if existing < MIN_ITEMS_FOR_RATIO:
        return
    changed = len(outside_changes(the_plan, inputs, own))
    if changed / existing > max_ratio:
        raise TooMuchChange(
            f"the plan changes {changed} of {existing} existing items (over {max_ratio:.0%}) "
            "edited in the roadmap or a tracker since the last sync; review it and pass --force"
        )


def outside_changes(the_plan: Plan, inputs: PlanInputs, own: OwnWork = frozenset()) -> set[str]:
    """Existing items this plan changes because some side changed them since the last sync."""
    created = {(a.tracker, a.item_id) for a in the_plan.actions if a.op == "create"}
    desired = {item.id: item for item in inputs.roadmap.items}
    changed: set[str] = set()
    for action in the_plan.actions:
        key = (action.tracker, action.item_id)
        fields = _written(action)
        if not fields or key in created or key in own or action.item_id in changed:
            continue
        item = desired.get(action.item_id)
        if item is None:
            continue
        values = item.sync_values()
        if any(_changed_outside(item.id, name, values, inputs) for name in fields):
            changed.add(action.item_id)
    return changed


def _written(action: Action) -> tuple[str, ...]:
    if isinstance(action, UpdateFields):
        return tuple(name for name, _old, _new in action.changes)
    if isinstance(action, MoveStage):
        return ("stage",)
    if isinstance(action, LinkParent):
        return ("parent",)
    if isinstance(action, AssignSprint):
        return ("sprint",)
    return ()  # creates, sprints and comments are never a change to an existing item


def _changed_outside(
    item_id: str, name: str, desired: Mapping[str, object], inputs: PlanInputs
) -> bool:
    """The roadmap or a tracker holds a value other than the one recorded at the last sync.

    A field with no recorded value (never written, or no roadmap history yet) is work we
    still owe, not news."""
    roadmap_base = inputs.roadmap_base.get(item_id)
    if roadmap_base is not None and name in roadmap_base and roadmap_base[name] != desired[name]:
        return True
    for target in inputs.targets:
        if item_id not in target.refs or name not in target.fields:
            continue
        remote = target.remote.get(item_id, {})
        base = target.base.get(item_id, {})
        if name in remote and name in base and remote[name] != base[name]:
            return True
    return False


def own_unfinished_work(
    store: Store, project: str, trackers: Iterable[str]
) -> set[tuple[str, str]]:
    """Writes a previous run journaled but never confirmed, or that failed.

    Failures come from the newest finished run (it retried everything owed before it) and
    from the journals of newer runs that never finished (killed, or stopped by this guard)."""
    own = {
        (tracker, entry.item_id)
        for tracker in trackers
        for entry in store.unconfirmed(project, tracker)
    }
    for run in store.last_runs(project, RECENT_RUNS):
        if not run.completed:  # killed, refused or stopped: only its journal tells
            own |= {(e.tracker, e.item_id) for e in store.journal(run.id) if e.status == "failed"}
            continue
        for failure in run.summary.get("failures") or ():
            own.add((str(failure.get("tracker")), str(failure.get("item_id"))))
        break
    return own
