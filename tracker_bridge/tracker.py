"""The adapter protocol: what every tracker adapter does, in canonical terms.

The core never imports an adapter by name; adapters register a factory under the
`tracker_bridge.adapters` entry-point group (see `tracker_bridge.registry`).

Values crossing this boundary are canonical: `RemoteItem.values` uses the keys of
`tracker_bridge.model.SYNC_FIELDS` with the plain value types of `WorkItem.sync_values()`
(stage/kind/track as their string values, labels as a sorted tuple, due as ISO date text,
parent and sprint as canonical ids or None). An adapter leaves out a key it does not map.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from tracker_bridge.model import FieldValue, RemoteRef, Sprint, Stage, TrackerId, WorkItem


@dataclass(frozen=True)
class RemoteItem:
    """One issue as the tracker has it, translated to canonical values."""

    ref: RemoteRef
    item_id: str | None
    """The canonical id read from the marker; None when the issue is not ours."""
    values: Mapping[str, FieldValue]
    updated_at: datetime
    """UTC."""
    in_scope: bool = True
    """Inside the target's `scope`. An unmarked issue outside it is not part of the project."""
    unmapped: tuple[str, ...] = ()
    """What the mapping did not know on this issue (e.g. `issue type "Incident"`): the value
    is left out of `values`, and a tracker-born item takes `fallback` instead."""
    fallback: Mapping[str, FieldValue] = field(default_factory=dict)
    """Values a tracker-born item counts with where `values` has none (see `unmapped`)."""
    created_at: datetime | None = None
    """When the issue was created (UTC), where the payload says so."""
    sprint_since: datetime | None = None
    """When the issue entered its current sprint (UTC), where the tracker records it."""
    changed_at: Mapping[str, datetime] = field(default_factory=dict)
    """When the tracker last changed a field to its current value (UTC), by canonical field
    (`stage`, `sprint`, `points`), where its own history says so at no extra request (Jira's
    changelog). Reports date stage moves, sprint scope and re-estimates with these."""


GoneState = Literal["deleted", "moved", "transferred", "out_of_scope"]


@dataclass(frozen=True)
class RemoteGone:
    """An issue we hold a ref to that is no longer live in this target."""

    ref: RemoteRef
    state: GoneState
    location: str | None = None
    """Where it went: a moved issue's new key, a transferred issue's new URL."""
    at: datetime | None = None
    """When it happened, if the tracker tells (a moved issue's last update: the move)."""


@dataclass(frozen=True)
class StageChange:
    """A stage move seen on the tracker, with when it happened (for cycle time, burndown)."""

    item_id: str | None
    remote_key: str
    from_stage: Stage | None
    to_stage: Stage
    at: datetime


@dataclass(frozen=True)
class PullResult:
    items: Sequence[RemoteItem]
    cursor: str | None
    """Opaque; pass it to the next pull. Stored only after a clean run."""
    stage_changes: Sequence[StageChange] = ()
    complete: bool = True
    """False when the pull stopped early (e.g. to keep rate-limit budget); resume from cursor."""


@dataclass(frozen=True)
class NewItem:
    """An item to create, with the remote refs it needs resolved by the caller."""

    item: WorkItem
    parent_ref: RemoteRef | None = None


@dataclass(frozen=True)
class WriteResult:
    item_id: str
    ref: RemoteRef | None
    """Set when the remote object exists (also on a partial failure after a create)."""
    values: Mapping[str, FieldValue] = field(default_factory=dict)
    """Canonical values the remote now holds for the fields this write set."""
    error: str | None = None
    uncertain: bool = False
    """No answer came (dropped connection, lost response, timeout): the write may have been
    applied. The caller looks a create up by its marker before sending it again; a refusal
    (`uncertain=False`) is reported and never retried."""
    dropped: tuple[str, ...] = ()
    """Fields the tracker refused and the write left unset (an assignee it does not know or
    cannot assign): the rest was written; reported as a warning, not a failure."""

    @property
    def ok(self) -> bool:
        return self.error is None and self.ref is not None


@dataclass(frozen=True)
class DoctorCheck:
    subject: str
    """What was checked, e.g. `stage in_review -> status "In Review"`."""
    status: Literal["ok", "warn", "fail"]
    detail: str = ""
    fix: str = ""
    """Which mapping entry to change, when status is not ok."""


@dataclass(frozen=True)
class RemoteSprint:
    """A sprint as the tracker has it (a Jira board sprint, a milestone, an iteration)."""

    remote_id: str
    """What `ensure_sprint` returns for it: the sprint id, milestone number, iteration id."""
    name: str
    start: date | None
    end: date | None
    """Last day (inclusive). A milestone's due date; an iteration's start + duration - 1."""
    state: Literal["future", "active", "closed"]
    goal: str = ""
    claim_kind: str = "sprint"
    """The word an `adopt:` claim names it by: sprint, milestone or iteration."""


class AdapterError(Exception):
    """A problem a person must fix (credentials, mapping, missing project). One line, no secrets."""


class SprintUnavailable(AdapterError):
    """The tracker cannot hold this sprint until a person acts (a Projects v2 board without
    the iteration): apply reports one skip with the fix and syncs everything else."""


# Optional extensions an adapter may offer (the core checks with getattr):
# - field_owners() -> dict[str, "roadmap" | "tracker"]: the mapping's field ownership.
# - remember(refs: Mapping[item_id, RemoteRef], sprints: Mapping[sprint_id, remote_id]):
#   called before each pull so a fresh adapter names parents and sprints canonically.
# - synced_fields: frozenset[str]: the SYNC_FIELDS its mapping carries (default: all).
# - max_concurrency: int: how many single-item writes apply may run at once (default 1).
# - writes_per_minute: float: the pace its writes are held to, if any (for estimates).
# - check_refs(refs: Sequence[RemoteRef]) -> list[RemoteGone]: which of these issues are
#   deleted, moved or transferred away, or out of the target's scope (a few requests per
#   pull: an id listing of the project, then one read per issue that is missing from it).
# - change_times(keys: Collection[str]) -> dict[key, dict[field, datetime]]: when each of
#   these issues last changed `stage`, `sprint` and `points` to their current values, from
#   the tracker's own history (GitHub: one issue-events request per issue). Called only for
#   issues whose change this run came from that tracker and whose pull gave no `changed_at`.
# - list_sprints() -> list[RemoteSprint]: every sprint of the target, closed ones too, oldest
#   first (`import` carries them into the roadmap; a page or two of requests).
# - rank(order: Sequence[RemoteRef], only: Collection[RemoteRef] | None = None)
#   -> tuple[int, list[str]]: put the issues in this order (the roadmap's), sending only
#   what moved, or with `only` place just those issues (the mapping's `ownership.order` is
#   `tracker`); (requests sent, errors). Jira, and GitHub in projects mode.

OnCreated = Callable[[str, RemoteRef], None]
"""Called with (item_id, ref) the moment a create is confirmed, before any further request."""


@runtime_checkable
class Adapter(Protocol):
    """A configured connection to one tracker project."""

    tracker: TrackerId

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far by this adapter instance."""
        ...

    def doctor(self) -> list[DoctorCheck]:
        """Check the mapping against the live project."""
        ...

    def pull(self, cursor: str | None) -> PullResult:
        """Issues changed since the cursor (all issues when None), translated."""
        ...

    def find_by_marker(self, item_ids: Collection[str]) -> dict[str, RemoteItem]:
        """Our issues carrying these item ids in their marker (crash recovery, relink)."""
        ...

    def create_items(self, items: Sequence[NewItem], on_created: OnCreated) -> list[WriteResult]:
        """Create issues with their planning fields, labels, marker and parent link.

        Stage and sprint are set by `move_stage` / `assign_sprint` unless the create could set
        them for free, in which case `WriteResult.values` says so. Never retried blindly: a
        lost response is resolved by the caller through `find_by_marker`.
        """
        ...

    def update_fields(self, ref: RemoteRef, changes: Mapping[str, FieldValue]) -> WriteResult:
        """Set fields other than stage, sprint and parent."""
        ...

    def move_stage(self, ref: RemoteRef, stage: Stage) -> WriteResult:
        """Reach the stage (by a path of transitions where the tracker needs one)."""
        ...

    def link_parent(self, ref: RemoteRef, parent: RemoteRef | None) -> WriteResult:
        ...

    def ensure_sprint(self, sprint: Sprint, remote_id: str | None) -> str:
        """Create the sprint or bring it to the sprint's dates, goal and state; its remote id."""
        ...

    def assign_sprint(
        self, remote_sprint_id: str | None, refs: Sequence[RemoteRef]
    ) -> list[WriteResult]:
        """Put issues into a sprint (None: back to the backlog), in the tracker's batch size."""
        ...

    def comment(self, ref: RemoteRef, text: str) -> None:
        ...

    def close(self) -> None:
        ...


class AdapterFactory(Protocol):
    """What an entry point resolves to."""

    name: str
    """The adapter's name, the part before ':' in a tracker id."""

    def default_mapping(self) -> Path:
        """The shipped mapping file (users copy and edit it)."""
        ...

    def open(
        self,
        tracker: TrackerId,
        *,
        settings: Mapping[str, Any],
        mapping_path: Path | None = None,
    ) -> Adapter:
        """Connect. `settings` holds url, credentials (SecretStr) and adapter options."""
        ...
