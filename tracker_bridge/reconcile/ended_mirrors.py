"""Mirrors of a tracker-born item that ended where it was born: told once, then let go.

Under `mirror = "all"` a Jira bug has a GitHub mirror. When the bug is deleted in Jira, moved
out of the project or leaves the scope, the work has ended for this project: there is nothing
left to keep the mirror in step with, and nothing to recreate (`on_remote_delete` governs the
roadmap's own items; work the team ended where it was born stays ended, under either policy).
The mirror is not closed or deleted (closing it would claim the work is done, and people may
have discussed it there): it gets one comment saying what happened and that it is no longer
synced, and its ref is let go once that comment is written. Until then it is planned again
each run, so a failed comment is retried; after that, nothing is ever written to it again.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker_bridge.reconcile.actions import Comment, Plan, Skip
from tracker_bridge.reconcile.lifecycle import gone_what
from tracker_bridge.reconcile.planner import PlanInputs
from tracker_bridge.store import RemoteState

LEFT_UNTOUCHED = "no longer in the roadmap; left untouched"


def end_mirrors(the_plan: Plan, inputs: PlanInputs, endings: Mapping[str, RemoteState]) -> Plan:
    """One comment on each mirror of an ended item; its "no longer planned" skip replaced by
    what happened to it."""
    comments: list[Comment] = []
    reasons: dict[tuple[str, str], str] = {}
    for target in inputs.targets:
        for item_id in sorted(set(target.refs) & set(endings)):
            ending = endings[item_id]
            what = gone_what(ending)
            comments.append(Comment(target.tracker, item_id, text=_comment(what, ending)))
            reasons[(item_id, target.tracker)] = (
                f"mirror of a tracker-born item that ended ({what} on {ending.tracker}): "
                "commented once, then no longer synced; left open"
            )
    if not comments:
        return the_plan
    skips = [
        s
        for s in the_plan.skips
        if not ((s.item_id, s.tracker) in reasons and s.reason == LEFT_UNTOUCHED)
    ]
    skips += [Skip(item_id, tracker, reason) for (item_id, tracker), reason in reasons.items()]
    return Plan.build(
        the_plan.project,
        [*the_plan.actions, *comments],
        the_plan.conflicts,
        skips,
        the_plan.existing_items,
        the_plan.merged,
    )


def _comment(what: str, ending: RemoteState) -> str:
    return (
        f"tracker-bridge: this issue mirrors {ending.remote_key} on {ending.tracker}, where the "
        f"work was born. {what}, so this issue is no longer kept in step with it. It is left "
        "open: close it if the work is gone."
    )
