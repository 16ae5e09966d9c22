"""A compact, render-ready line per item, shared by every report."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol, TypeVar, overload

from tracker_bridge.model import Kind, Stage, Timebox, Track
from tracker_bridge.model.checklist import checklist_value, criteria_of

JSON_LIST_LIMIT = 50
"""JSON's clip (`render_json`): a longer list of items keeps its first 50 and its total.
Here, not in `render_json`, so that `status` knows it without loading the sprint reports."""
CLIPPED_AT = JSON_LIST_LIMIT
"""The cards a clipped board keeps per list (`ClippedLines`, `Clipped`): the longest any
renderer shows of a list, JSON's (the terminal shows 15, a breach names 10 ids)."""

T = TypeVar("T")


class OriginLike(Protocol):
    @property
    def tracker(self) -> str: ...
    @property
    def key(self) -> str: ...


class CardLike(Protocol):
    """What a board line reads of an item: a WorkItem, or the store's light `Card`
    (`status` reads those, not every item's whole record)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> Kind: ...
    @property
    def title(self) -> str: ...
    @property
    def track(self) -> Track: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def points(self) -> float | None: ...
    @property
    def assignee(self) -> str | None: ...
    @property
    def blocked(self) -> bool: ...
    @property
    def origin(self) -> OriginLike | None: ...
    @property
    def acceptance_criteria(self) -> tuple[str, ...]: ...
    @property
    def definition_of_done(self) -> tuple[str, ...]: ...
    @property
    def checked(self) -> tuple[str, ...]: ...


class ItemLike(CardLike, Protocol):
    """What a sprint report's figures read of an item: a WorkItem, or the store's
    `ReportCard` (a report reads tens of thousands of items, not each one's whole record)."""

    @property
    def sprint(self) -> str | None: ...
    @property
    def timebox(self) -> Timebox | None: ...


@dataclass(frozen=True)
class Criterion:
    """One acceptance criterion (or definition-of-done entry) and whether it is ticked."""

    text: str
    met: bool


@dataclass(frozen=True, slots=True)  # slots: a third of the memory of one line per card
class ItemLine:
    id: str
    title: str
    kind: Kind
    track: Track
    stage: Stage
    points: float | None = None
    assignee: str | None = None
    blocked: bool = False
    days_in_stage: float | None = None
    """Set for ageing items: how long the item has sat in its current stage ("ageing")."""
    age_days: float | None = None
    """Set for ageing items: work item age, days since it was first started (where known)."""
    tracker_born: bool = False
    """Born in a tracker, not in the roadmap (`tracker` and `tracker_key` say where)."""
    tracker: str | None = None
    tracker_key: str | None = None
    acceptance: tuple[Criterion, ...] = ()
    """Acceptance criteria and definition of done, each with whether a person ticked it
    on a tracker."""

    @property
    def criteria_met(self) -> str | None:
        """`2/3`, or None without a checklist."""
        if not self.acceptance:
            return None
        return f"{sum(1 for c in self.acceptance if c.met)}/{len(self.acceptance)}"

    @classmethod
    def of(
        cls, item: CardLike, days_in_stage: float | None = None, age_days: float | None = None
    ) -> ItemLine:
        # The slots filled straight, in field order, instead of through the generated
        # `__init__`'s frozen `object.__setattr__` calls (3x slower; a board of 100,000
        # cards makes one line per card). No `__post_init__` is missed; a test compares.
        # Unrolled: the loop over the setters cost a third of the time.
        line = object.__new__(cls)
        (id_, title, kind, track, stage, points, assignee, blocked, in_stage, age, born,
         tracker, key, acceptance) = _LINE_SLOTS
        origin = item.origin
        id_(line, item.id)
        title(line, item.title)
        kind(line, item.kind)
        track(line, item.track)
        stage(line, item.stage)
        points(line, item.points)
        assignee(line, item.assignee)
        blocked(line, item.blocked)
        in_stage(line, days_in_stage)
        age(line, age_days)
        born(line, origin is not None)
        tracker(line, origin.tracker if origin else None)
        key(line, origin.key if origin else None)
        acceptance(line, acceptance_of(item))
        return line


_LINE_SLOTS = tuple(getattr(ItemLine, f.name).__set__ for f in fields(ItemLine))

Ageing = tuple[float, datetime | None]
"""(days in stage, when its work was first started) of an ageing card's line: its age is
counted when the line is made (thousands of ageing cards, a few lines shown)."""


class Lines(Sequence[ItemLine]):
    """The lines of some cards, each made when it is read: a board of 100,000 cards shows
    counts and a few clipped lists (terminal 15 per list, JSON 50), so most lines are
    never made. Equal to any sequence of the same lines (a tuple of them)."""

    __slots__ = ("_ageing", "_cards", "_now")

    def __init__(
        self, cards: Sequence[CardLike], ageing: Sequence[Ageing] | None = None,
        now: datetime | None = None,
    ):
        self._cards = cards
        self._ageing = ageing
        """Per card, for ageing lines."""
        self._now = now
        """What the ageing lines' ages count up to."""

    @property
    def cards(self) -> Sequence[CardLike]:
        return self._cards

    def _line(self, index: int) -> ItemLine:
        if self._ageing is None:
            return ItemLine.of(self._cards[index])
        in_stage, began = self._ageing[index]
        assert self._now is not None, "ageing lines count their age up to `now`"
        age = round((self._now - began).total_seconds() / 86400, 1) if began else None
        return ItemLine.of(self._cards[index], days_in_stage=in_stage, age_days=age)

    def __len__(self) -> int:
        return len(self._cards)

    @overload
    def __getitem__(self, index: int) -> ItemLine: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ItemLine, ...]: ...

    def __getitem__(self, index: int | slice) -> ItemLine | tuple[ItemLine, ...]:
        if isinstance(index, slice):
            return tuple(self._line(i) for i in range(len(self))[index])
        return self._line(range(len(self))[index])  # negative, IndexError

    def __iter__(self) -> Iterator[ItemLine]:
        return (self._line(i) for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Lines({list(self)!r})"


class ClippedError(LookupError):
    """A clipped list was read past the cards it keeps: that caller needs the whole list
    (`status --full`, `report sprint --format json --full` build it)."""


def _clipped(index: int, kept: int, total: int) -> ClippedError:
    return ClippedError(f"entry {index} of a list of {total} clipped at its first {kept}: "
                        "read the whole board (`--full`) to list it all")


class ClippedLines(Lines):
    """The first lines of a longer list, and how long it is (`len`): what a board read
    from the store's counts and clipped lists holds (`store_board`). Reading within the
    lines kept works as on `Lines`; reading past them raises `ClippedError`."""

    __slots__ = ("_total",)

    def __init__(
        self, cards: Sequence[CardLike], total: int, ageing: Sequence[Ageing] | None = None,
        now: datetime | None = None,
    ):
        if total < len(cards):
            raise ValueError(f"{len(cards)} lines kept of a list of {total}")
        super().__init__(cards, ageing, now)
        self._total = total

    def __len__(self) -> int:
        return self._total

    def _line(self, index: int) -> ItemLine:
        if index >= len(self._cards):
            raise _clipped(index, len(self._cards), self._total)
        return super()._line(index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClippedLines) and len(other.cards) < len(other):
            return (len(self) == len(other) and len(self.cards) == len(other.cards)
                    and all(a == b for a, b in zip(self[:len(self.cards)],
                                                   other[:len(other.cards)], strict=True)))
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash((self._total, self[:len(self._cards)]))

    def __repr__(self) -> str:
        return f"ClippedLines({list(self[:len(self._cards)])!r}, total={self._total})"


class Clipped(Sequence[T]):
    """The first values of a longer list, and how long it is (`len`): a WIP breach's item
    ids on a board read from the store. Reading past the values kept raises
    `ClippedError`."""

    __slots__ = ("_head", "_total")

    def __init__(self, head: Sequence[T], total: int):
        if total < len(head):
            raise ValueError(f"{len(head)} values kept of a list of {total}")
        self._head = tuple(head)
        self._total = total

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._value(i) for i in range(self._total)[index])
        return self._value(range(self._total)[index])

    def _value(self, index: int) -> T:
        if index >= len(self._head):
            raise _clipped(index, len(self._head), self._total)
        return self._head[index]

    def __iter__(self) -> Iterator[T]:
        return (self._value(i) for i in range(self._total))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Clipped):
            return self._total == other._total and self._head == other._head
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash((self._total, self._head))

    def __repr__(self) -> str:
        return f"Clipped({list(self._head)!r}, total={self._total})"


def acceptance_of(item: CardLike) -> tuple[Criterion, ...]:
    if not (item.acceptance_criteria or item.definition_of_done):
        return ()  # most items: no checklist to build (a board of 100,000 lines)
    ticked = set(item.checked)
    value = checklist_value(item.acceptance_criteria, item.definition_of_done)
    return tuple(Criterion(text, text in ticked) for _, text in criteria_of(value))


def points_of(item: CardLike) -> float:
    """Points that count towards sums: epics are containers, so theirs would count twice."""
    if item.kind is Kind.EPIC or item.points is None:
        return 0.0
    return float(item.points)
