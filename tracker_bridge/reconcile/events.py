"""Events for the reports, derived from how the canonical view changed in a run."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
    change_times: Mapping[tuple[str, str], datetime],
    now: datetime,
    first_seen: Mapping[str, FirstSeen] | None = None,
    paths: Mapping[str, Sequence[tuple[str, str, datetime]]] | None = None,
) -> Iterator[StoreEvent]:
    """Created items, stage moves, sprint scope and re-estimates, each at the time it happened
    on the tracker where it happened (`change_times`, by (item id, field); see
    change_times.py), else at the sync's time (a roadmap edit has no time of its own)."""
    # The first sync (nothing in the view yet) finds the roadmap as planned before it: its
    # items are recorded as there all along (`seed`), not as added to their sprints today,
    # so a past or running sprint reports them where the roadmap puts them.
    seeding = not previous
    for item_id, item in current.items():
        before = previous.get(item_id)
        seen = (first_seen or {}).get(item_id)
        if before is None and seen is not None:
            # Work born in a tracker happened there, before we saw it: its creation and its
            # entry into the sprint carry the tracker's times (the sync's time when unknown).
            created = min(seen.created or now, now)
            yield StoreEvent(
                "created", item_id, created,
                data={"stage": item.stage.value, "points": item.points},
            )
            if item.sprint:
                at = min(seen.sprint_since or now, now)
                yield StoreEvent("sprint_added", item_id, at, data={"sprint": item.sprint})
            continue
        if before is None and seeding:
            yield StoreEvent(
                "created", item_id, now,
                data={"stage": item.stage.value, "sprint": item.sprint, "points": item.points,
                      "seed": True},
            )
            continue
        if before is None:
            yield StoreEvent(
                "created", item_id, now,
                data={"stage": item.stage.value, "sprint": item.sprint, "points": item.points},
            )
            if item.sprint:
                yield StoreEvent("sprint_added", item_id, now, data={"sprint": item.sprint})
            continue
        if before.stage != item.stage:
            path = (paths or {}).get(item_id)
            if path:  # each move the tracker's history shows, at its own time
                for src, dst, when in path:
                    yield StoreEvent("stage_changed", item_id, min(when, now),
                                     data={"from": src, "to": dst})
            else:
                at = change_times.get((item_id, "stage"), now)
                yield StoreEvent(
                    "stage_changed",
                    item_id,
                    at,
                    data={"from": before.stage.value, "to": item.stage.value},
                )
        if before.sprint != item.sprint:
            at = change_times.get((item_id, "sprint"), now)
            if before.sprint:
                yield StoreEvent("sprint_removed", item_id, at, data={"sprint": before.sprint})
            if item.sprint:
                yield StoreEvent("sprint_added", item_id, at, data={"sprint": item.sprint})
        if before.points != item.points:
            # Points history: the sprint report fixes commitment at the start and shows a
            # later re-estimate as a scope change on its day, as Jira's sprint report does.
            at = change_times.get((item_id, "points"), now)
            yield StoreEvent(
                "points_changed", item_id, at, data={"from": before.points, "to": item.points}
            )


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
