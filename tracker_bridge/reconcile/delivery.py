"""Delivery as one more side of the three-way merge (pure).

The planner already merges each field across the roadmap and every tracker: a side that
changed a field since its base wins, sides that disagree are a conflict settled by the
policy. Delivery joins as a side that only carries `stage` and only ever moves it forward:
it "changed" an item when its furthest reached stage is past both what it reported last
time (`seen`) and every tracker's current stage. So:
- an older event never moves an item back (it is not past the current stage);
- a stage a person set by hand after a delivery move stands (delivery reports nothing new);
- a person's move and a delivery move in the same run are a conflict; delivery carries no
  update time, so under the `owner` policy the person's tracker wins, and it is reported.
Actions planned for the delivery side itself are dropped: there is nothing to write there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tracker_bridge.delivery.rules import Reached
from tracker_bridge.model import RemoteRef, Stage
from tracker_bridge.reconcile.actions import Plan
from tracker_bridge.reconcile.planner import PlanInputs, TargetState, plan

DELIVERY_SIDE = "delivery:pipeline"


@dataclass(frozen=True)
class DeliverySide:
    state: TargetState
    moves: Mapping[str, Reached]
    """Items delivery moves forward this run, with the stage and the delivery's time."""
    seen: Mapping[str, Stage]
    """What delivery has reported per item once this run is applied."""


def delivery_side(
    reached: Mapping[str, Reached],
    targets: Sequence[TargetState],
    seen: Mapping[str, Stage],
) -> DeliverySide:
    refs: dict[str, RemoteRef] = {}
    remote: dict[str, dict[str, str]] = {}
    base: dict[str, dict[str, str]] = {}
    moves: dict[str, Reached] = {}
    now_seen: dict[str, Stage] = dict(seen)
    for item_id, got in reached.items():
        current = _furthest(item_id, targets)
        if current is None:
            continue  # not on any tracker that carries a stage (yet)
        last = seen.get(item_id)
        new = last is None or got.stage.position > last.position
        refs[item_id] = RemoteRef(tracker=DELIVERY_SIDE, key=item_id, remote_id=item_id)
        base[item_id] = {"stage": current.value}
        if new and got.stage.position > current.position:
            remote[item_id] = {"stage": got.stage.value}
            moves[item_id] = got
        else:
            remote[item_id] = {"stage": current.value}
        if new:
            now_seen[item_id] = got.stage
    state = TargetState(
        tracker=DELIVERY_SIDE,
        refs=refs,
        remote=remote,
        base=base,
        fields=frozenset({"stage"}),
    )
    return DeliverySide(state, moves, now_seen)


def _furthest(item_id: str, targets: Sequence[TargetState]) -> Stage | None:
    stages = [
        Stage(str(value))
        for t in targets
        if item_id in t.refs
        and "stage" in t.fields
        and (value := t.remote.get(item_id, {}).get("stage")) is not None
    ]
    return max(stages, key=lambda s: s.position) if stages else None


def plan_with_delivery(inputs: PlanInputs, side: DeliverySide | None) -> Plan:
    if side is None or not side.moves:
        return plan(inputs)
    full = plan(replace(inputs, targets=(*inputs.targets, side.state)))
    return Plan.build(
        full.project,
        [a for a in full.actions if a.tracker != DELIVERY_SIDE],
        full.conflicts,
        [s for s in full.skips if s.tracker != DELIVERY_SIDE],
        full.existing_items,
        full.merged,
    )


def delivery_times(
    side: DeliverySide | None, merged: Mapping[str, Mapping[str, object]]
) -> dict[str, datetime]:
    """Stage-change times for the items whose new stage is delivery's (it won the merge)."""
    if side is None:
        return {}
    return {
        item_id: got.at
        for item_id, got in side.moves.items()
        if merged.get(item_id, {}).get("stage") == got.stage.value
    }
