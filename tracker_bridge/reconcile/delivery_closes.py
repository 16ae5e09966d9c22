"""Issues GitHub closed for a merged pull request: not a person's "done" (pure).

GitHub closes every issue a pull request names with a closing keyword (`Fixes #12`) when it
merges into the default branch. In labels mode a closed issue reads as `done`, so the item
would jump to done at the merge, before any deployment. Here such a close is recognised (the
issue's `closed` event names a merge commit delivery knows) and undone: the planner is told
GitHub still stands where it stood (`done` there is a difference to correct, not a change),
so the item takes delivery's stage (ready_for_staging after the merge) on every tracker,
the issue is reopened with that stage's label and gets one comment saying why. (Where
production followed before the sync, the close stands and delivery's move to done takes the
old stage label off.) Only issues that closed since the last run and that delivery moves are
asked about, so nothing loops: once reopened, a later close by a person is a person's done.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from tracker_bridge.delivery.rules import Reached
from tracker_bridge.model import Stage
from tracker_bridge.reconcile.actions import Comment, Plan
from tracker_bridge.reconcile.planner import TargetState

DONE = Stage.DONE.value


@dataclass(frozen=True)
class AutoClosed:
    tracker: str
    item_id: str
    sha: str
    """The merge commit GitHub's `closed` event names."""
    reopen: bool = True
    """False when delivery has reached done as well: the close stands, its stale stage
    label is taken off by delivery's move to done."""


def candidates(target: TargetState, reached: Mapping[str, Reached]) -> dict[str, str]:
    """Item id -> issue key, for issues that read done now, were not done at the last sync,
    and that delivery (a linked pull request) moves."""
    found: dict[str, str] = {}
    for item_id in reached:
        ref = target.refs.get(item_id)
        was = target.base.get(item_id, {}).get("stage")
        now = target.remote.get(item_id, {}).get("stage")
        if ref is None or was is None or was == DONE or now != DONE:
            continue
        found[item_id] = ref.key
    return found


def undo(
    targets: Sequence[TargetState], closed: Collection[AutoClosed]
) -> tuple[tuple[TargetState, ...], tuple[TargetState, ...]]:
    """(targets for the planner, targets for the delivery side). Delivery sees the stage the
    issue stood at before the close (so its move counts as forward). The planner sees GitHub
    unchanged at done where the issue is reopened (so the merged stage is written back,
    reopening it), and unchanged at its old stage where delivery reached done too (so the
    move to done is delivery's, at its time, and takes the stale stage label off)."""
    by_tracker: dict[str, set[str]] = {}
    reopened: set[tuple[str, str]] = set()
    for found in closed:
        by_tracker.setdefault(found.tracker, set()).add(found.item_id)
        if found.reopen:
            reopened.add((found.tracker, found.item_id))
    planner: list[TargetState] = []
    side: list[TargetState] = []
    for target in targets:
        items = by_tracker.get(target.tracker, set())
        if not items:
            planner.append(target)
            side.append(target)
            continue
        reopen = {i for i in items if (target.tracker, i) in reopened}
        base = {i: {**v, "stage": DONE} if i in reopen else v for i, v in target.base.items()}
        remote = {
            i: {**v, "stage": target.base[i]["stage"]} if i in items else v
            for i, v in target.remote.items()
        }
        planner_remote = {i: v if i in reopen else remote[i] for i, v in target.remote.items()}
        planner.append(replace(target, base=base, remote=planner_remote))
        side.append(replace(target, remote=remote))
    return tuple(planner), tuple(side)


def with_reopen_comments(the_plan: Plan, closed: Collection[AutoClosed]) -> Plan:
    """One comment on each issue reopened this run, saying why."""
    comments = reopen_comments(closed)
    if not comments:
        return the_plan
    return Plan.build(
        the_plan.project,
        [*the_plan.actions, *comments],
        the_plan.conflicts,
        the_plan.skips,
        the_plan.existing_items,
        the_plan.merged,
    )


def reopen_comments(closed: Collection[AutoClosed]) -> list[Comment]:
    return [
        Comment(
            found.tracker,
            found.item_id,
            text=(
                f"tracker-bridge: GitHub closed this issue when the pull request naming it was "
                f"merged (commit {found.sha[:7]}). On this board an item is done when it "
                "reaches production, so the issue is reopened at the stage its delivery has "
                "reached; its deployments move it on and close it."
            ),
        )
        for found in sorted(closed, key=lambda c: (c.tracker, c.item_id))
        if found.reopen
    ]
