"""Tracker-born items: work a team created in a tracker, outside the roadmap.

Every in-scope issue without a marker becomes an item of the canonical model with an id
derived once from its tracker key (`born_id`), held in the store and never written into the
roadmap file. Values the mapping cannot read fall back (`RemoteItem.fallback`: an unknown
issue type counts as a task, an unknown Jira status by its status category) and each is a
Skip with the reason, so the item is still counted and the gap is visible. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker_bridge.model import DERIVED_FIELDS, FieldValue, Kind, Origin, RemoteRef, WorkItem
from tracker_bridge.reconcile.actions import Skip
from tracker_bridge.tracker import RemoteItem

UNTITLED = "(untitled issue)"


@dataclass(frozen=True)
class BornTimes:
    """When a tracker-born item's issue was created and joined its sprint (UTC, if known)."""

    created: datetime | None
    sprint_since: datetime | None


def born_item(
    item_id: str,
    ref: RemoteRef,
    values: Mapping[str, FieldValue],
    previous: WorkItem | None,
    spike_days: int,
) -> WorkItem:
    """The canonical item for an unmarked issue: its values over what was known before."""
    data: dict[str, Any] = previous.model_dump() if previous is not None else {}
    data.update({
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in values.items()
        if k not in DERIVED_FIELDS  # computed from the item, not fields of it
    })
    data["id"] = item_id
    data["title"] = str(data.get("title") or "").strip()[:255] or UNTITLED
    data.setdefault("kind", Kind.TASK.value)
    # Where the issue is now: a Jira issue moved to another configured target is followed.
    data["origin"] = Origin(tracker=ref.tracker, key=ref.key, url=ref.url).model_dump()
    if data["kind"] == Kind.SPIKE.value:
        # A spike born in a tracker has no hypothesis written down: its title stands in, and
        # the spike policy's longest time-box is its length until someone records more.
        data["timebox"] = data.get("timebox") or {
            "length_days": spike_days,
            "hypothesis": data["title"],
        }
    else:
        data["timebox"] = None
    return WorkItem.model_validate(data)


def born_values(
    remote: RemoteItem, canonical_values: Mapping[str, FieldValue]
) -> dict[str, FieldValue]:
    """The pulled values, with the fallbacks for what the mapping could not read."""
    return {**remote.fallback, **canonical_values}


def unmapped_skips(item_id: str, remote: RemoteItem) -> list[Skip]:
    return [
        Skip(item_id, remote.ref.tracker, f"{remote.ref.key}: {note}") for note in remote.unmapped
    ]
