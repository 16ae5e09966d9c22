"""Spike time-boxes: status per spike and the policy checks `tracker-bridge spike check` runs.

A spike's record is its `Timebox` (from the roadmap) plus what the CLI recorded as events
(`spike_started`, `spike_extended`, `spike_closed`); both are read, events win when newer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Literal, NamedTuple

from tracker_bridge.model import Kind, SpikeOutcome, SpikePolicy, Stage, Timebox, Track
from tracker_bridge.model.enums import parse_stage
from tracker_bridge.reports.history import EventLike, Histories, grouped
from tracker_bridge.reports.lines import ItemLike

Rule = Literal["overdue", "extensions", "timebox_too_long", "no_learning"]

SPIKE_KINDS = ("spike_started", "spike_extended", "spike_closed")
"""The events `spike start`, `spike extend` and `spike close` record."""


class SpikeSummary(NamedTuple):
    """A spike's own events (`SPIKE_KINDS`) and the last time it moved into done: all its
    status and the research learning read of its history, when its time-box start is
    known without its stage moves (`needs_stage_moves`). A report of 100,000 items has
    thousands of spikes, each with a long history of stage moves otherwise read."""

    events: Sequence[EventLike]
    done_at: datetime | None
    """Its last `stage_changed` into done (the flow summary's `entered_done`)."""


def needs_stage_moves(item: ItemLike, spike_events: Iterable[EventLike]) -> bool:
    """Whether the spike's status reads its stage moves: only to find when its time-box
    started, when neither the roadmap nor a `spike_started` event says."""
    timebox = item.timebox
    return (timebox is not None and timebox.started_at is None
            and not any(ev.kind == "spike_started" for ev in spike_events))


@dataclass(frozen=True)
class ExtensionInfo:
    days: int
    reason: str
    granted_on: date | None


@dataclass(frozen=True, slots=True)
class SpikeStatus:
    id: str
    title: str
    track: Track
    stage: Stage
    hypothesis: str
    length_days: int
    started_at: datetime | None
    extensions: tuple[ExtensionInfo, ...]
    deadline: datetime | None
    outcome: SpikeOutcome | None
    learning: str | None
    closed: bool
    overdue: bool
    days_left: float | None
    """Negative when overdue; None when not started or closed."""

    @property
    def total_days(self) -> int:
        return _total_days(self.length_days, self.extensions)


def _total_days(length_days: int, extensions: Sequence[ExtensionInfo]) -> int:
    if not extensions:  # most spikes: the sum of none cost more than the rest of a status
        return length_days
    return length_days + sum(ext.days for ext in extensions)


@dataclass(frozen=True)
class SpikeViolation:
    item_id: str
    rule: Rule
    message: str

    def __str__(self) -> str:
        return f"{self.item_id}: {self.rule}: {self.message}"


def _extensions(timebox: Timebox, recorded: Sequence[EventLike]) -> tuple[ExtensionInfo, ...]:
    """The roadmap's extensions, then those only `recorded` (its `spike_extended` events)."""
    found = [ExtensionInfo(e.days, e.reason, e.granted_on) for e in timebox.extensions]
    if not recorded:  # most spikes: nothing to match (a Counter each cost a third of a status)
        return tuple(found)
    # The same extension may be in the roadmap and recorded as an event: count it once.
    known = Counter((e.days, e.reason) for e in found)
    for ev in recorded:
        days, reason = int(ev.data.get("days", 0)), str(ev.data.get("reason", ""))
        if known[(days, reason)] > 0:
            known[(days, reason)] -= 1
            continue
        found.append(ExtensionInfo(days, reason, ev.at.date()))
    return tuple(found)


def _started_at(item: ItemLike, history: Sequence[EventLike]) -> datetime | None:
    assert item.timebox is not None
    if item.timebox.started_at is not None:  # the roadmap's may be in the team's zone
        at = item.timebox.started_at
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    started = [ev.at for ev in history if ev.kind == "spike_started"]
    if started:
        return started[0]
    # Moved to work on the board without `spike start`: the clock still runs.
    for ev in history:
        stage = parse_stage(ev.data.get("to"))
        if ev.kind == "stage_changed" and stage is not None and stage.is_active:
            return ev.at
    return None


def spike_status(item: ItemLike, history: Sequence[EventLike], now: datetime) -> SpikeStatus:
    timebox = item.timebox
    if item.kind is not Kind.SPIKE or timebox is None:
        raise ValueError(f"{item.id} is not a spike")
    outcome, learning = timebox.outcome, timebox.learning
    extensions: tuple[ExtensionInfo, ...] = ()
    if own := [ev for ev in history if ev.kind in SPIKE_KINDS]:  # most spikes: none
        closes = [ev for ev in own if ev.kind == "spike_closed"]
        if closes:
            last = closes[-1].data
            outcome = SpikeOutcome(last["outcome"]) if last.get("outcome") else outcome
            learning = str(last["learning"]) if last.get("learning") else learning
        extensions = _extensions(timebox, [ev for ev in own if ev.kind == "spike_extended"])
    elif timebox.extensions:
        extensions = _extensions(timebox, ())
    started = _started_at(item, history)
    closed = outcome is not None or item.stage is Stage.DONE
    deadline = overdue = days_left = None
    if started is not None:
        deadline = started + timedelta(days=_total_days(timebox.length_days, extensions))
        if not closed:
            overdue = now > deadline
            days_left = round((deadline - now).total_seconds() / 86400, 1)
    # The slots filled straight, unrolled: the generated frozen `__init__` cost a third of
    # each status (thousands of spikes a report). A test compares the two.
    status = object.__new__(SpikeStatus)
    (id_, title, track, stage, hypothesis, length, started_at, extended, ends, outcome_,
     learning_, closed_, overdue_, left) = _STATUS_SLOTS
    id_(status, item.id)
    title(status, item.title)
    track(status, item.track)
    stage(status, item.stage)
    hypothesis(status, timebox.hypothesis)
    length(status, timebox.length_days)
    started_at(status, started)
    extended(status, extensions)
    ends(status, deadline)
    outcome_(status, outcome)
    learning_(status, learning)
    closed_(status, closed)
    overdue_(status, bool(overdue))
    left(status, days_left)
    return status


_STATUS_SLOTS = tuple(getattr(SpikeStatus, f.name).__set__ for f in fields(SpikeStatus))


def spike_statuses(
    items: Mapping[str, ItemLike], events: Iterable[EventLike], now: datetime,
    *, history: Histories | None = None, summaries: Mapping[str, SpikeSummary] | None = None,
) -> list[SpikeStatus]:
    """`summaries`: for spikes not in `history`, what stands in for their events."""
    history = grouped(events, history)
    own = summaries or {}
    spikes = [i for i in items.values() if i.timebox is not None and i.kind is Kind.SPIKE]
    spikes.sort(key=_item_id)
    statuses = []
    for item in spikes:
        record = own.get(item.id) if item.id not in history else None
        statuses.append(spike_status(item, history.get(item.id, ()) if record is None
                                     else record.events, now))
    return statuses


_item_id = attrgetter("id")


def violations_of(status: SpikeStatus, policy: SpikePolicy) -> list[SpikeViolation]:
    found: list[SpikeViolation] = []
    if status.overdue and status.deadline is not None:
        late = (status.days_left or 0) * -1
        # `%Y-%m-%d %H:%M` cut from the ISO form: strftime cost half of each violation
        # (a team that lets its spikes run over has thousands).
        ended = status.deadline.isoformat(" ", "minutes")[:16]
        found.append(SpikeViolation(
            status.id, "overdue",
            f"time-box of {status.total_days} days ended {ended} UTC "
            f"({late:g} days ago); close it with an outcome or extend it",
        ))
    if len(status.extensions) > policy.extensions_allowed:
        found.append(SpikeViolation(
            status.id, "extensions",
            f"{len(status.extensions)} extensions, policy allows {policy.extensions_allowed}",
        ))
    if status.length_days > policy.max_timebox_days:
        found.append(SpikeViolation(
            status.id, "timebox_too_long",
            f"time-box of {status.length_days} days exceeds the policy's "
            f"{policy.max_timebox_days}",
        ))
    if status.closed and not (status.learning or "").strip():
        outcomes = "|".join(o.value for o in SpikeOutcome)
        where = "in the tracker " if status.outcome is None else ""
        found.append(SpikeViolation(
            status.id, "no_learning",
            f"closed {where}without a learning; record what it taught us: "
            f"`tracker-bridge spike close {status.id} --outcome {outcomes} --learning \"…\"`",
        ))
    return found


def check_spikes(
    items: Mapping[str, ItemLike],
    events: Iterable[EventLike],
    policy: SpikePolicy,
    now: datetime,
) -> list[SpikeViolation]:
    """Every policy violation, per spike in id order (empty: all spikes are within policy)."""
    return [
        violation
        for status in spike_statuses(items, events, now)
        for violation in violations_of(status, policy)
    ]


def outcome_counts(statuses: Iterable[SpikeStatus]) -> dict[SpikeOutcome, int]:
    counts = dict.fromkeys(SpikeOutcome, 0)
    for status in statuses:
        if status.outcome is not None:
            counts[status.outcome] += 1
    return counts
