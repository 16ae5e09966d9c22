"""Events for the reports, derived from how the canonical view changed in a run."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tracker_bridge.model import WorkItem
from tracker_bridge.store import StoreEvent


class FirstSeen(Protocol):
    """When a tracker-born item's issue was created and joined its sprint, where known."""

    @property
    def created(self) -> datetime | None: ...
    @property
    def sprint_since(self) -> datetime | None: ...


def view_events(
    previous: Mapping[str, WorkItem],
    current: Mapping[str, WorkItem],
    stage_change_times: Mapping[str, datetime],
    now: datetime,
    first_seen: Mapping[str, FirstSeen] | None = None,
) -> Iterator[StoreEvent]:
    """Created items, stage moves (at the tracker's own time when known), sprint scope."""
    for item_id, item in current.items():
        before = previous.get(item_id)
        seen = (first_seen or {}).get(item_id)
        if before is None and seen is not None:
            # Work born in a tracker happened there, before we saw it: its creation and its
            # entry into the sprint carry the tracker's times (the sync's time when unknown).
            created = min(seen.created or now, now)
            yield StoreEvent("created", item_id, created, data={"stage": item.stage.value})
            if item.sprint:
                at = min(seen.sprint_since or now, now)
                yield StoreEvent("sprint_added", item_id, at, data={"sprint": item.sprint})
            continue
        if before is None:
            yield StoreEvent(
                "created", item_id, now, data={"stage": item.stage.value, "sprint": item.sprint}
            )
            if item.sprint:
                yield StoreEvent("sprint_added", item_id, now, data={"sprint": item.sprint})
            continue
        if before.stage != item.stage:
            at = stage_change_times.get(item_id, now)
            yield StoreEvent(
                "stage_changed",
                item_id,
                at,
                data={"from": before.stage.value, "to": item.stage.value},
            )
        if before.sprint != item.sprint:
            if before.sprint:
                yield StoreEvent("sprint_removed", item_id, now, data={"sprint": before.sprint})
            if item.sprint:
                yield StoreEvent("sprint_added", item_id, now, data={"sprint": item.sprint})


@dataclass(frozen=True)
class Ending:
    """How a tracker-born item ended (`deleted`, `moved`, `out_of_scope`...) and when: the
    tracker's time where it tells (the edit that took it out of scope, the move), else the
    time the sync found it."""

    how: str
    at: datetime


def ended_items(
    previous: Mapping[str, WorkItem], endings: Mapping[str, Ending], now: datetime
) -> tuple[list[WorkItem], list[StoreEvent]]:
    """Tracker-born items that ended, as they last were and marked ended (off the board, kept
    for the sprint history), and their leaving their sprint: scope removed, at that time."""
    items: list[WorkItem] = []
    events: list[StoreEvent] = []
    for item_id, ending in sorted(endings.items()):
        item = previous.get(item_id)
        if item is None or item.origin is None:
            continue
        at = min(ending.at, now)
        origin = item.origin.model_copy(update={"ended": ending.how, "ended_at": at})
        items.append(item.model_copy(update={"origin": origin}))
        if item.sprint:
            data = {"sprint": item.sprint, "ended": ending.how}
            events.append(StoreEvent("sprint_removed", item_id, at, data=data))
    return items, events
