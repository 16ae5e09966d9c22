"""Spike records between the store and the trackers.

`spike start|extend|close` record events in the store; `with_records` lays them over the
roadmap's spikes, so the sync writes them (the `spike` field, the due date, done on close).
`missing_events` goes the other way: what a tracker's record says that the store does not
know (a lost database, then `relink`), as events to record, so no spike is falsely overdue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from tracker_bridge.model import Extension, Kind, Roadmap, SpikeOutcome, Stage, WorkItem
from tracker_bridge.model.spike_record import parse_record
from tracker_bridge.reports.history import EventLike, by_item
from tracker_bridge.store import StoreEvent

SPIKE_EVENTS = frozenset({"spike_started", "spike_extended", "spike_closed"})


def with_records(roadmap: Roadmap, events: Iterable[EventLike]) -> Roadmap:
    """The roadmap with each spike's recorded start, extensions and close laid over it."""
    history = by_item(ev for ev in events if ev.kind in SPIKE_EVENTS)
    if not history:
        return roadmap
    zone = ZoneInfo(roadmap.cadence.timezone)
    items = tuple(
        with_record(item, history[item.id], zone) if item.id in history else item
        for item in roadmap.items
    )
    return roadmap.model_copy(update={"items": items})


def with_record(item: WorkItem, history: Sequence[EventLike], zone: ZoneInfo) -> WorkItem:
    """One spike with its events applied (the roadmap's own values win where it has them)."""
    timebox = item.timebox
    if item.kind is not Kind.SPIKE or timebox is None:
        return item
    changes: dict[str, object] = {}
    started = [ev.at for ev in history if ev.kind == "spike_started"]
    if timebox.started_at is None and started:
        # In the team's zone, so the due date is the local last day (as for roadmap starts).
        changes["started_at"] = started[0].astimezone(zone)
    known = Counter((e.days, e.reason) for e in timebox.extensions)
    extensions = list(timebox.extensions)
    for ev in history:
        if ev.kind != "spike_extended":
            continue
        key = (int(ev.data.get("days", 0)), str(ev.data.get("reason", "")))
        if known[key] > 0:  # the same extension in the roadmap and as an event: once
            known[key] -= 1
            continue
        extensions.append(Extension(days=key[0], reason=key[1], granted_on=ev.at.date()))
    if len(extensions) != len(timebox.extensions):
        changes["extensions"] = tuple(extensions)
    closes = [ev for ev in history if ev.kind == "spike_closed"]
    stage = item.stage
    if closes:
        last = closes[-1].data
        if last.get("outcome"):
            changes["outcome"] = SpikeOutcome(str(last["outcome"]))
            stage = Stage.DONE  # closing a spike finishes it on every tracker
        if last.get("learning"):
            changes["learning"] = str(last["learning"])
    if not changes:
        return item
    return item.model_copy(
        update={"timebox": timebox.model_copy(update=changes), "stage": stage}
    )


def missing_events(
    item: WorkItem, record_text: str | None, now: datetime
) -> list[StoreEvent]:
    """Events for what a tracker's record says and `item` (records laid over) lacks."""
    timebox = item.timebox
    if item.kind is not Kind.SPIKE or timebox is None or not record_text:
        return []
    record = parse_record(record_text)
    found: list[StoreEvent] = []
    if record.started_at is not None and timebox.started_at is None:
        found.append(StoreEvent("spike_started", item.id, record.started_at))
    known = Counter((e.days, e.reason) for e in timebox.extensions)
    for ext in record.extensions:
        if known[(ext.days, ext.reason)] > 0:
            known[(ext.days, ext.reason)] -= 1
            continue
        at = datetime.combine(ext.granted_on, time(12), UTC)
        found.append(StoreEvent("spike_extended", item.id, at,
                                data={"days": ext.days, "reason": ext.reason}))
    if record.outcome is not None and timebox.outcome is None:
        found.append(StoreEvent("spike_closed", item.id, now, data={
            "outcome": record.outcome.value, "learning": record.learning or ""}))
    return found


def restore(
    roadmap: Roadmap,
    events: Iterable[EventLike],
    records: Mapping[str, str | None],
    now: datetime,
) -> list[StoreEvent]:
    """Every event the trackers' records (`item id -> spike value`) add to the store's."""
    laid = with_records(roadmap, events).item_by_id()
    return [
        event
        for item_id, text in sorted(records.items())
        if (item := laid.get(item_id)) is not None
        for event in missing_events(item, text, now)
    ]
