"""Plans are values: small, sortable, printable, serialisable change objects with a checksum."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from tracker_bridge.model import FieldValue, Sprint, Stage, WorkItem

Side = str
"""`roadmap` or a tracker id such as `jira:TREND`."""

Resolution = Literal["roadmap", "tracker", "hold"]

# Apply order: sprints must exist before items join them, parents before children.
_ORDER = {
    "ensure_sprint": 0,
    "create": 1,
    "mark": 1,
    "link_parent": 2,
    "update": 3,
    "move_stage": 4,
    "assign_sprint": 5,
    "comment": 6,
}


@dataclass(frozen=True)
class Action:
    op: ClassVar[str] = ""
    tracker: str
    item_id: str
    rank: int = field(default=0, compare=False)
    """Position of the item in the roadmap: keeps plans in roadmap order."""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.tracker, _ORDER[self.op], self.rank, self.item_id)

    def data(self) -> dict[str, Any]:
        return {}

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "tracker": self.tracker, "item": self.item_id, **self.data()}


@dataclass(frozen=True)
class CreateItem(Action):
    op: ClassVar[str] = "create"
    item: WorkItem | None = None

    def data(self) -> dict[str, Any]:
        assert self.item is not None
        return {"fields": _plain(self.item.sync_values())}


@dataclass(frozen=True)
class UpdateFields(Action):
    op: ClassVar[str] = "update"
    changes: tuple[tuple[str, FieldValue, FieldValue], ...] = ()
    """(field, old remote value, new value)."""

    def data(self) -> dict[str, Any]:
        return {
            "changes": {
                name: {"from": _plain(old), "to": _plain(new)} for name, old, new in self.changes
            }
        }

    def new_values(self) -> dict[str, FieldValue]:
        return {name: new for name, _old, new in self.changes}


@dataclass(frozen=True)
class MoveStage(Action):
    op: ClassVar[str] = "move_stage"
    from_stage: Stage | None = None
    to_stage: Stage = Stage.BACKLOG

    def data(self) -> dict[str, Any]:
        return {
            "from": self.from_stage.value if self.from_stage else None,
            "to": self.to_stage.value,
        }


@dataclass(frozen=True)
class LinkParent(Action):
    op: ClassVar[str] = "link_parent"
    parent_id: str | None = None

    def data(self) -> dict[str, Any]:
        return {"parent": self.parent_id}


@dataclass(frozen=True)
class AssignSprint(Action):
    op: ClassVar[str] = "assign_sprint"
    sprint_id: str | None = None
    from_sprint: str | None = None

    def data(self) -> dict[str, Any]:
        return {"sprint": self.sprint_id, "from": self.from_sprint}


@dataclass(frozen=True)
class EnsureSprint(Action):
    """Create a sprint on the tracker, or bring its dates, goal and state in line."""

    op: ClassVar[str] = "ensure_sprint"
    sprint: Sprint | None = None
    exists: bool = False

    def data(self) -> dict[str, Any]:
        assert self.sprint is not None
        return {
            "sprint": self.sprint.model_dump(mode="json", exclude={"capacity", "adopt"}),
            "exists": self.exists,
        }


@dataclass(frozen=True)
class WriteMarker(Action):
    """Put the item's marker on an existing issue a roadmap item adopts (`adopt:`)."""

    op: ClassVar[str] = "mark"
    key: str = ""

    def data(self) -> dict[str, Any]:
        return {"key": self.key}


@dataclass(frozen=True)
class Comment(Action):
    op: ClassVar[str] = "comment"
    text: str = ""

    def data(self) -> dict[str, Any]:
        return {"text": self.text}


@dataclass(frozen=True)
class Conflict:
    """A field changed on several sides since the last sync. Always reported."""

    item_id: str
    field: str
    base: FieldValue
    values: tuple[tuple[Side, FieldValue], ...]
    resolution: Resolution
    winner: Side | None
    """The side whose value is applied; None when held."""

    @property
    def held(self) -> bool:
        """Settled by no side (`conflict_policy = "hold"`): written nowhere, read again."""
        return self.winner is None

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "field": self.field,
            "base": _plain(self.base),
            "values": {side: _plain(value) for side, value in self.values},
            "resolution": self.resolution,
            "winner": self.winner,
        }


@dataclass(frozen=True)
class Skip:
    """Something the planner did not act on, with the reason (never a silent `continue`)."""

    item_id: str
    tracker: str
    reason: str


@dataclass(frozen=True)
class Plan:
    project: str
    actions: tuple[Action, ...]
    conflicts: tuple[Conflict, ...] = ()
    skips: tuple[Skip, ...] = ()
    existing_items: int = 0
    """Items that already had a ref on some tracker: the base of the change ratio."""
    merged: Mapping[str, Mapping[str, FieldValue]] = field(default_factory=dict, compare=False)
    """Each item's values once the plan is applied: the canonical current view."""

    @classmethod
    def build(
        cls,
        project: str,
        actions: Iterable[Action],
        conflicts: Iterable[Conflict] = (),
        skips: Iterable[Skip] = (),
        existing_items: int = 0,
        merged: Mapping[str, Mapping[str, FieldValue]] | None = None,
    ) -> Plan:
        return cls(
            project,
            tuple(sorted(actions, key=Action.sort_key)),
            tuple(sorted(conflicts, key=lambda c: (c.item_id, c.field))),
            tuple(sorted(skips, key=lambda s: (s.tracker, s.item_id))),
            existing_items,
            merged or {},
        )

    @property
    def empty(self) -> bool:
        return not self.actions

    def counts(self) -> dict[str, int]:
        return dict(Counter(action.op for action in self.actions))

    def for_tracker(self, tracker: str) -> list[Action]:
        return [action for action in self.actions if action.tracker == tracker]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "checksum": self.checksum,
            "counts": self.counts(),
            "actions": [action.to_json() for action in self.actions],
            "conflicts": [conflict.to_json() for conflict in self.conflicts],
            "skips": [vars(skip) for skip in self.skips],
        }

    @property
    def checksum(self) -> str:
        """Identifies exactly this plan, so `apply --checksum` applies what was reviewed."""
        body = json.dumps(
            [action.to_json() for action in self.actions], sort_keys=True, default=str
        )
        return hashlib.sha256(body.encode()).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def actions_of(plan: Plan, op: str) -> Sequence[Action]:
    return [action for action in plan.actions if action.op == op]
