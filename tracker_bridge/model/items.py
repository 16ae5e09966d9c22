"""Work items: epics, stories, tasks, bugs and time-boxed experiment spikes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tracker_bridge.model.checklist import checklist_value
from tracker_bridge.model.enums import Kind, SpikeOutcome, Stage, Track

ItemId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
"""Stable lower-case slug: from the roadmap, or derived once from a tracker key for work born
in a tracker (`tracker_bridge.model.origin.born_id`)."""

FieldValue = str | int | float | bool | None | tuple[str, ...]
"""A canonical field value as compared by the planner: plain, hashable, JSON-friendly."""

SYNC_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "kind",
    "track",
    "parent",
    "points",
    "labels",
    "sprint",
    "due",
    "stage",
    "assignee",
    "blocked",
    "spike",
    "acceptance",
    "checked",
)
"""The fields the reconciler keeps in step, in a stable order. `spike` is a spike's record
(`model.spike_record`), derived from its time-box; `acceptance` the checklist of acceptance
criteria and definition of done (`model.checklist`): neither is a WorkItem field of its own.
`checked` is the boxes a person ticked on a tracker."""

DERIVED_FIELDS = frozenset({"spike", "acceptance"})
"""Synced values that are computed from other WorkItem fields (left out of model input)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Extension(_Frozen):
    """A spike time-box extension: how long, why, and when it was granted."""

    days: int = Field(gt=0)
    reason: str = Field(min_length=1)
    granted_on: date


class Timebox(_Frozen):
    """The time-box of an experiment spike and what it learned."""

    length_days: int = Field(gt=0)
    hypothesis: str = Field(min_length=1)
    started_at: datetime | None = None
    outcome: SpikeOutcome | None = None
    learning: str | None = None
    extensions: tuple[Extension, ...] = ()

    @property
    def total_days(self) -> int:
        return self.length_days + sum(ext.days for ext in self.extensions)

    def record_text(self) -> str | None:
        """What started, extensions, outcome and learning say, as trackers carry it."""
        from tracker_bridge.model.spike_record import (
            RecordedExtension,
            SpikeRecord,
            render_record,
        )

        extensions = tuple(
            RecordedExtension(e.days, e.reason, e.granted_on) for e in self.extensions
        )
        return render_record(
            SpikeRecord(self.started_at, extensions, self.outcome, self.learning)
        )

    def deadline(self) -> datetime | None:
        if self.started_at is None:
            return None
        return self.started_at + timedelta(days=self.total_days)

    def is_overdue(self, now: datetime) -> bool:
        deadline = self.deadline()
        return deadline is not None and self.outcome is None and now > deadline


class Origin(_Frozen):
    """Where a tracker-born item lives: the tracker it was born in and the issue's key."""

    tracker: str
    key: str
    url: str = ""
    ended: str | None = None
    """Set when the item has ended (its issue `deleted`, `moved` or `transferred` away, or
    `out_of_scope`): it leaves the board, and stays only for the sprint history."""
    ended_at: datetime | None = None


class WorkItem(_Frozen):
    """One piece of work in the canonical model."""

    id: ItemId
    kind: Kind
    title: str = Field(min_length=1, max_length=255)
    description: str = ""
    track: Track = Track.ENGINEERING
    stage: Stage = Stage.BACKLOG
    parent: str | None = None
    points: float | None = Field(default=None, ge=0)
    labels: tuple[str, ...] = ()
    assignee: str | None = None
    sprint: str | None = None
    due: date | None = None
    blocked: bool = False
    acceptance_criteria: tuple[str, ...] = ()
    definition_of_done: tuple[str, ...] = ()
    """The board's definition of done (roadmap `board.definition_of_done`), per item."""
    checked: tuple[str, ...] = ()
    """Acceptance criteria (or definition-of-done entries) ticked on a tracker."""
    timebox: Timebox | None = None
    phase: str | None = None
    origin: Origin | None = None
    """None for roadmap items; set for items born in a tracker (never synced as a field)."""
    adopt: tuple[str, ...] = ()
    """Existing issues this roadmap item claims (`jira:TREND-37`, `github:acme/repo#12`): the
    first sync binds them instead of creating issues there."""

    @field_validator("adopt")
    @classmethod
    def _claims_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            return value  # most items claim nothing (and every stored item is revalidated)
        from tracker_bridge.model.origin import parse_claim

        trackers = [parse_claim(claim)[0] for claim in value]
        if len(set(trackers)) != len(trackers):
            raise ValueError("adopt: at most one issue per tracker")
        return value

    @property
    def tracker_born(self) -> bool:
        return self.origin is not None

    @model_validator(mode="after")
    def _spikes_are_timeboxed(self) -> WorkItem:
        if self.kind is Kind.SPIKE and self.timebox is None:
            raise ValueError("a spike needs a timebox with a hypothesis")
        if self.kind is not Kind.SPIKE and self.timebox is not None:
            raise ValueError("only spikes carry a timebox")
        return self

    @property
    def effective_due(self) -> date | None:
        """The item's own due date, else the day a started spike's time-box ends, in the
        team's time zone (the roadmap gives `started_at` in its cadence's zone; the UTC date
        would be a day early east of UTC).

        Trackers show a spike's deadline as its due date; the canonical value says the same,
        so the deadline is not mistaken for an edit, nor cleared when history is lost."""
        if self.due is not None or self.timebox is None:
            return self.due
        deadline = self.timebox.deadline()
        return None if deadline is None else deadline.date()

    def sync_values(self) -> dict[str, FieldValue]:
        """The synced fields as plain comparable values (see SYNC_FIELDS)."""
        # `_value_`, not `.value`: the same string, without the enum property's lookup
        # (this runs for every item of every plan).
        return {
            "title": self.title,
            "description": self.description,
            "kind": self.kind._value_,
            "track": self.track._value_,
            "parent": self.parent,
            "points": self.points,
            "labels": tuple(sorted(self.labels)),
            "sprint": self.sprint,
            "due": due.isoformat() if (due := self.effective_due) else None,
            "stage": self.stage._value_,
            "assignee": self.assignee,
            "blocked": self.blocked,
            "spike": self.timebox.record_text() if self.timebox is not None else None,
            "acceptance": checklist_value(self.acceptance_criteria, self.definition_of_done),
            "checked": tuple(sorted(set(self.checked))),
        }



_EVERY_FIELD: set[str] = set(WorkItem.model_fields)


def compact(item: WorkItem) -> WorkItem:
    """An item read back from the store or the roadmap cache, sharing one
    `__pydantic_fields_set__` with every other.

    Pydantic keeps, per instance, the set of fields given at validation: 2.2 KB for a
    WorkItem, two thirds of its memory (100,000 items: 226 MB of identical sets). Call it
    on each item as it is validated, so the next one reuses the memory. Items are stored
    without their default values (`stored_json`): every field counts as given, as it did
    when the documents held them all (and old full documents still do). Sharing is safe:
    WorkItem is frozen (nothing adds to the set in place) and `model_copy` copies the set
    first."""
    object.__setattr__(item, "__pydantic_fields_set__", _EVERY_FIELD)
    return item


def stored_json(item: WorkItem) -> dict[str, Any]:
    """The item as the store keeps it: JSON without the fields left at their defaults.

    Most fields of most items are defaults (an empty description, no labels, no
    checklist, no time-box...); leaving them out makes the documents a third of the size
    and reading 100,000 of them back a third quicker. Read back with `compact`."""
    return item.model_dump(mode="json", exclude_defaults=True)


def stored_json_text(item: WorkItem) -> str:
    """`stored_json` as JSON text (the roadmap cache's lines)."""
    return item.model_dump_json(exclude_defaults=True)
