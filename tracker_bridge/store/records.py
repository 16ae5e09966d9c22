"""Value types the store hands out: events, journal entries, sync runs, and LockBusy."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from tracker_bridge.errors import UserError
from tracker_bridge.model import RemoteRef

JournalStatus = Literal["intent", "confirmed", "failed"]


def as_utc(value: datetime) -> datetime:
    """Aware UTC. A naive value is taken to be UTC already (the adapters' convention)."""
    if value.tzinfo is UTC:  # the common case, a million times in a large report
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def json_default(value: Any) -> Any:
    """Lets payloads carry dates, enums, tuples, sets and pydantic models."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    if hasattr(value, "value"):  # enums
        return value.value
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return json.dumps(value, default=json_default, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)  # slots: a large report holds a million of these
class StoreEvent:
    """Something that happened to an item, with when (reports are computed from these)."""

    kind: str
    """`stage_changed`, `sprint_added`, `sprint_removed`, `created`, `conflict`, `spike_*` ..."""
    item_id: str
    at: datetime
    """UTC, tz-aware (a naive value is read as UTC)."""
    tracker: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    """E.g. `{"from": "in_progress", "to": "in_review"}`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", as_utc(self.at))

    def dedup_key(self, project: str) -> str:
        """Same event seen by two overlapping pulls -> same key, so it is recorded once."""
        text = dumps(
            [project, self.kind, self.item_id, self.tracker, self.at.isoformat(), self.data]
        )
        return hashlib.sha256(text.encode()).hexdigest()


class ItemFlow(NamedTuple):  # a tuple: `status` makes one per card in progress (50k)
    """One item's stage moves, summed up (`Store.item_flows`): the MIN/MAX of its `created`
    and `stage_changed` events, all UTC. What `status` needs instead of the events."""

    created_at: datetime | None
    """Its first `created` event."""
    started_at: datetime | None
    """Its first move into in_progress or a later stage."""
    moved_at: datetime | None
    """Its last stage move (None: no move recorded)."""
    entered: Mapping[str, datetime]
    """Stage value -> its last move into that stage, for the stages asked for (those it
    never moved into left out)."""


class CycleFacts(NamedTuple):
    """What an item's cycle and lead time need of its events, summed up
    (`Store.cycle_facts`): the MIN/MAX of its `created`, `stage_changed` and
    `spike_started` events, all UTC; where two of them tie, only the events' order tells
    (`reports.flow.cycle_summary` then says so)."""

    created_at: datetime | None
    """Its first `created` event."""
    born_started_at: datetime | None
    """Its first `created` event whose `data.stage` is in_progress or later, not done."""
    born_unstarted_at: datetime | None
    """Its first other `created` event."""
    start_from_before_at: datetime | None
    """Its first move into in_progress or later from an earlier stage (or an unknown one)."""
    start_from_started_at: datetime | None
    """Its first move into in_progress or later from one of those."""
    spike_started_at: datetime | None
    """Its first `spike_started` event."""
    moved_at: datetime | None
    """Its last stage move, whatever it reached."""
    done_at: datetime | None
    """Its last move into done."""
    moved_elsewhere_at: datetime | None
    """Its last move into anything but done (a stage or an unknown value)."""


@dataclass(frozen=True)
class JournalEntry:
    """One write, journaled before it is sent and confirmed (or failed) after."""

    id: int
    run_id: int
    project: str
    tracker: str
    item_id: str
    action: str
    payload: Mapping[str, Any]
    status: JournalStatus
    created_at: datetime
    ref: RemoteRef | None = None
    error: str | None = None
    result: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class QuietStamp:
    """A project's quiet-night stamp (`tracker_bridge/quiet/stamp.py` writes its JSON)."""

    project: str
    valid_from: str
    valid_through: str
    """The team dates (ISO) the stamp holds for, both included."""
    stamp: str
    stamped_at: datetime | None = None


@dataclass(frozen=True)
class SyncRun:
    id: int
    project: str
    kind: str
    status: str
    """`running` until finished, then what `finish_run` was given: `ok` or `partial` for a run
    that pulled, planned and applied; `refused`, `interrupted` or `failed` for one that stopped."""
    started_at: datetime
    finished_at: datetime | None
    summary: Mapping[str, Any]

    @property
    def completed(self) -> bool:
        """Whether the run got through its plan (its summary lists its failures)."""
        return self.status in ("ok", "partial")


class LockBusy(UserError):
    """Another worker holds the project's lock; try again later."""

    exit_code = 75  # EX_TEMPFAIL: a scheduler may simply retry

    def __init__(self, project: str, holder: str | None) -> None:
        who = holder or "another worker"
        super().__init__(
            f"project {project!r} is being synced by {who}; try again when it has finished"
        )
        self.project = project
        self.holder = holder
