"""Replaying store events: an item's stage and sprint membership at any moment.

The store keeps only the current view of each item; what the reports need about the past
(was it in the sprint at the start? when did it reach done?) is rebuilt from events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from tracker_bridge.model import Kind, Stage
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.reports.lines import CardLike, ItemLike, points_of


class EventLike(Protocol):
    """The shape of `tracker_bridge.store.StoreEvent` the reports read (duck-typed)."""

    @property
    def kind(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def tracker(self) -> str | None: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


def day_start(day: date, timezone: str = "UTC") -> datetime:
    """Midnight of `day` in the team's time zone, as an aware UTC datetime."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_date(now: datetime, timezone: str = "UTC") -> date:
    """The team's date at `now` (its cadence time zone): one rule for every report."""
    return now.astimezone(ZoneInfo(timezone)).date()


Histories = Mapping[str, Sequence[EventLike]]
"""Events grouped per item, each list in time order: `by_item`'s result, or the store's
(`Store.histories`). A report groups its events once and every metric reads the groups."""


def grouped(events: Iterable[EventLike], history: Histories | None) -> Histories:
    """`history` when the caller grouped the events already, else `by_item(events)`."""
    return by_item(events) if history is None else history


def by_item(events: Iterable[EventLike]) -> dict[str, list[EventLike]]:
    """Events grouped per item, each list in time order (stable for equal times)."""
    grouped: dict[str, list[EventLike]] = defaultdict(list)
    for event in events:
        grouped[event.item_id].append(event)
    for history in grouped.values():
        history.sort(key=lambda ev: ev.at)
    return dict(grouped)


SPRINT_MOVES = frozenset({"sprint_added", "sprint_removed", "created"})
"""The only kinds `sprint_moves` (sprint membership) reads."""


def sprints_named(history: Histories) -> dict[str, set[str]]:
    """Sprint id -> the items with an event naming it (`data["sprint"]`): with the items
    whose current sprint it is, every item a sprint's replay can find in it."""
    found: dict[str, set[str]] = {}
    for item_id, events in history.items():
        for ev in events:
            if ev.kind in SPRINT_MOVES:
                sprint = ev.data.get("sprint")
                if isinstance(sprint, str):
                    found.setdefault(sprint, set()).add(item_id)
    return found


def stage_at(item: ItemLike, history: Sequence[EventLike], at: datetime) -> Stage:
    """The item's stage at `at`: the last move before it, else where the first move began."""
    moves = [ev for ev in history if ev.kind == "stage_changed"]
    if not moves:
        return item.stage
    current: Stage | None = None
    for ev in moves:
        if ev.at > at:
            break
        current = parse_stage(ev.data.get("to")) or current
    if current is not None:
        return current
    return parse_stage(moves[0].data.get("from")) or Stage.BACKLOG


def entered_stage_at(item: CardLike, history: Sequence[EventLike]) -> datetime | None:
    """When the item entered its current stage (last move into it, else its creation)."""
    stage = item.stage.value
    moved = False
    for ev in reversed(history):
        if ev.kind == "stage_changed":
            if ev.data.get("to") == stage:
                return ev.at
            moved = True
    if moved:
        return None  # moves recorded, but none into the current stage: unknown
    return next((ev.at for ev in history if ev.kind == "created"), None)


_STARTED = frozenset(s.value for s in Stage if s.position >= Stage.IN_PROGRESS.position)
"""The stages from in_progress on, by value: a set lookup per event, not an enum parse."""


def started_at(item: CardLike, history: Sequence[EventLike]) -> datetime | None:
    """When the item was first started (first move into an active stage or beyond): the
    start of its work item age. None when not started or no move was recorded."""
    if item.stage.position < Stage.IN_PROGRESS.position:
        return None
    for ev in history:
        reached = ev.data.get("to") if ev.kind == "stage_changed" else None
        if isinstance(reached, str) and reached in _STARTED:
            return ev.at
    return None


class FlowLike(Protocol):
    """The shape of `tracker_bridge.store.ItemFlow` (an item's stage moves summed up by the
    store) that `entered_stage_from` and `started_from` read."""

    @property
    def created_at(self) -> datetime | None: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def moved_at(self) -> datetime | None: ...
    @property
    def entered(self) -> Mapping[str, datetime]: ...


def entered_stage_from(item: CardLike, flow: FlowLike | None) -> datetime | None:
    """`entered_stage_at` from the item's flow summary: its last move into its current
    stage; with moves but none into it, unknown; with no move, its creation."""
    if flow is None:
        return None
    at = flow.entered.get(item.stage._value_)  # not `.value`: 50k cards, a property each
    if at is not None:
        return at
    return None if flow.moved_at is not None else flow.created_at


def started_from(item: CardLike, flow: FlowLike | None) -> datetime | None:
    """`started_at` from the item's flow summary: its first move into a started stage."""
    if item.stage.position < Stage.IN_PROGRESS.position or flow is None:
        return None
    return flow.started_at


def points_at(item: ItemLike, history: Sequence[EventLike], at: datetime) -> float:
    """The item's points at `at`, replayed from `points_changed` events (its points history):
    the last re-estimate at or before `at`, else what the first one changed from."""
    if item.kind is Kind.EPIC:
        return 0.0
    changes = [ev for ev in history if ev.kind == "points_changed"]
    if not changes:
        return points_of(item)
    value: Any = changes[0].data.get("from")
    for ev in changes:
        if ev.at > at:
            break
        value = ev.data.get("to")
    return float(value) if isinstance(value, int | float) else 0.0


def done_at(item: ItemLike, history: Sequence[EventLike]) -> datetime | None:
    """When the item last reached done (None if never recorded or not done now)."""
    if item.stage is not Stage.DONE:
        return None
    for ev in reversed(history):
        if ev.kind == "stage_changed" and ev.data.get("to") == Stage.DONE.value:
            return ev.at
    return None


def sprint_moves(history: Sequence[EventLike], sprint_id: str) -> list[tuple[datetime, bool]]:
    """(time, added?) of the item's moves in or out of the sprint, in time order: what
    `in_sprint_at` replays (found once per item by a replay that asks many times)."""
    moves: list[tuple[datetime, bool]] = []
    for ev in history:
        if ev.data.get("sprint") != sprint_id:
            continue
        if ev.kind == "created" and ev.data.get("seed"):
            continue  # found by the first sync as the roadmap planned it: there all along
        if ev.kind in ("sprint_added", "created"):
            moves.append((ev.at, True))
        elif ev.kind == "sprint_removed":
            moves.append((ev.at, False))
    return moves


def in_sprint_at(
    item: ItemLike, history: Sequence[EventLike], sprint_id: str, at: datetime
) -> bool:
    """Was the item in the sprint at `at`? Without sprint events, its current sprint holds."""
    return member_at(item, sprint_moves(history, sprint_id), sprint_id, at)


def member_at(
    item: ItemLike, moves: Sequence[tuple[datetime, bool]], sprint_id: str, at: datetime
) -> bool:
    """`in_sprint_at` from the item's `sprint_moves` for that sprint."""
    if not moves:
        return item.sprint == sprint_id
    member: bool | None = None
    for when, added in moves:
        if when > at:
            break
        member = added
    if member is not None:
        return member
    return not moves[0][1]  # first recorded move was a removal: it was in before


def sprint_changes(
    history: Sequence[EventLike], sprint_id: str, after: datetime, until: datetime
) -> list[tuple[datetime, bool]]:
    """(time, added?) moves of one item in/out of the sprint within (after, until]."""
    return [(when, added) for when, added in sprint_moves(history, sprint_id)
            if after < when <= until]
