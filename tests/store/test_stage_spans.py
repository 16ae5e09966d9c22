"""The cumulative flow from the store's stage spans (`store/stage_spans.py`) against the
replay of every event: on small random projects whose events arrive out of order and in
several writes (moves into unknown stages, events at equal times, items created after
they moved, seen created twice, tracker-born items that ended, epics), at every few
events' own times and the sprints' edges; and a store upgraded from before the table."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from sqlalchemy import create_engine, update

from tests.store.alembic_steps import migrate_to, record_as_before, rows_of
from tracker_bridge.model import Kind, Origin, Stage, Track, WorkItem
from tracker_bridge.reports.flow import _stages_at, flow_times
from tracker_bridge.store import Store, StoreEvent
from tracker_bridge.store import schema as s
from tracker_bridge.store.stage_spans import SPAN_KINDS, Span, spans_of

from .test_report_reads import EDGES, PROJECT, STAGE_VALUES, _store

T0 = EDGES[0]


def _replayed(store: Store, times: list[datetime]) -> dict[tuple[Track, Stage], list[int]]:
    """Per (track, stage), the current non-epic cards in it at each time, replayed."""
    everything = store.histories(PROJECT)
    found: dict[tuple[Track, Stage], list[int]] = {}
    for item in store.get_items(PROJECT).values():
        if item.kind is Kind.EPIC:
            continue
        for k, stage in enumerate(_stages_at(item, everything.get(item.id, ()), times)):
            if stage is not None:
                found.setdefault((item.track, stage), [0] * len(times))[k] += 1
    return found


def _nonzero(counts: dict[tuple[Track, Stage], list[int]]) -> dict[Any, list[int]]:
    return {key: row for key, row in counts.items() if any(row)}


def _changed_cards(store: Store, seed: int) -> None:
    """What a later sync does to cards without moving them: another track, a deleted
    issue (ended), an item dropped, a stage changed with no move recorded (an item never
    moved is counted in its stage now), an item made an epic, one saved with no event."""
    rng = random.Random(seed)
    items = list(store.get_items(PROJECT).values())
    changed = []
    for item in rng.sample(items, 12):
        update: dict[str, Any] = rng.choice([
            {"track": Track.RESEARCH if item.track is Track.ENGINEERING else Track.ENGINEERING},
            {"origin": Origin(tracker="jira:R", key=f"R-{item.id}", ended="deleted")},
            {"stage": rng.choice(list(Stage))},
            {"kind": Kind.EPIC, "timebox": None},
        ])
        changed.append(item.model_copy(update=update))
    changed.append(WorkItem(id="quiet", title="No event yet", kind=Kind.TASK,
                            stage=Stage.IN_REVIEW))
    store.save_items(PROJECT, changed)
    store.drop_items(PROJECT, [items[0].id, items[1].id])


@pytest.mark.parametrize("seed", range(4))
def test_the_flow_counted_from_spans_is_the_replay(store_url: str, seed: int) -> None:
    with _store(store_url, seed) as store:
        if seed % 2:
            _changed_cards(store, seed)
        events = sorted({ev.at for past in store.histories(PROJECT).values() for ev in past})
        # The events' own times (a move at a time counts at it), a second either side,
        # the edges, and one time twice (today's is the last day's end at midnight).
        times = sorted({*events[::4], *(at + timedelta(seconds=1) for at in events[::9]),
                        *(at - timedelta(seconds=1) for at in events[::9]), *EDGES})
        times = [*times, times[-1]]
        for window in (times, times[:1], times[len(times) // 2:], times[:-5]):
            read = store.flow_counts(PROJECT, window)
            assert read.unread == set()
            assert _nonzero(read.counts) == _nonzero(_replayed(store, window)), window[0]
            assert read.counts == _nonzero(read.counts)  # no pair counted at no time
        assert store.flow_counts(PROJECT, []).counts == {}
        assert store.flow_counts("elsewhere", times).counts == {}


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_the_flow_at_a_teams_day_ends_across_a_clock_change(store_url: str, zone: str) -> None:
    # The report counts at each day's end in the team's zone: days of 23 and 25 hours
    # (2026-10-25 in Berlin, 11-01 in New York); moves and creations exactly at those
    # times or a microsecond either side: a span that begins or ends at a time.
    now = datetime(2026, 11, 6, 15, tzinfo=UTC)
    _, times = flow_times(date(2026, 10, 20), date(2026, 11, 8), now, zone)
    assert len({b - a for a, b in pairwise(times[:-1])}) == 2  # 24 and 25 hours
    rng = random.Random(zone)
    with _store(store_url, 7) as store:
        extra = []
        for item_id in rng.sample(sorted(store.get_items(PROJECT)), 40):
            at = rng.choice(times) + timedelta(microseconds=rng.choice((-1, 0, 0, 1)))
            if rng.random() < 0.2:
                extra.append(StoreEvent("created", item_id, at, None, {}))
            else:
                extra.append(StoreEvent("stage_changed", item_id, at, None, {
                    "from": "backlog", "to": rng.choice([*STAGE_VALUES, "limbo"])}))
        store.record_events(PROJECT, extra)
        for window in (times, times[3:9], times[-1:]):
            read = store.flow_counts(PROJECT, window)
            assert read.counts == _nonzero(_replayed(store, window)), window[0]


def test_spans_are_stretches_from_creation_in_one_stage() -> None:
    at = [T0 + timedelta(hours=h) for h in range(8)]

    def moved(src: str, to: str) -> dict[str, str]:
        return {"from": src, "to": to}

    assert spans_of([]) == [Span(None, None, None)]  # no move: its current stage, always
    assert spans_of([("created", at[2], {})]) == [Span(None, at[2], None)]
    assert spans_of([
        ("created", at[1], {}),
        ("stage_changed", at[2], moved("limbo", "in_progress")),  # began nowhere known
        ("stage_changed", at[3], moved("in_progress", "limbo")),  # not a move
        ("stage_changed", at[4], moved("in_progress", "done")),
        ("stage_changed", at[4], moved("done", "in_review")),  # the tie's last counts
        ("created", at[5], {}),  # seen created again: the first creation counts
        ("stage_changed", at[6], moved("in_review", "in_review")),  # stays one stretch
    ]) == [Span("backlog", at[1], at[2]), Span("in_progress", at[2], at[4]),
           Span("in_review", at[4], None)]
    # Moved before it was created (a tracker's clock, an import): counted from creation.
    assert spans_of([
        ("stage_changed", at[0], moved("backlog", "in_progress")),
        ("stage_changed", at[2], moved("in_progress", "done")),
        ("created", at[3], {}),
    ]) == [Span("done", at[3], None)]
    assert spans_of([("stage_changed", at[0], moved("done", "in_progress")),
                     ("created", at[0], {})]) == [Span("in_progress", at[0], None)]


def _spans(url: str) -> list[tuple[Any, ...]]:
    return rows_of(url, s.item_stage_spans, "project", "item_id", "seq")


def test_the_migration_fills_it_as_the_writer_keeps_it(store_url: str) -> None:
    """A store whose events were recorded before 0015 (some after a downgrade, by the
    code of then: no spans kept) gets the rows the writer keeps."""
    with _store(store_url, 5) as store:
        events = [ev for past in store.histories(PROJECT).values() for ev in past]
    kept = _spans(store_url)
    assert len(kept) > 50 and {row[3] for row in kept} >= {"done", "backlog"}
    assert {row[4] for row in kept} == {True, False}  # some in their current stage
    migrate_to(store_url, "0014_items_board_index")
    record_as_before(store_url, "later", events)  # more events, as before 0015
    Store.open(store_url).close()  # back to head: the migration fills the table
    # The other project's items have no rows in `items`: not counted, by no card; those
    # with no event of these kinds, no span.
    moved = {ev.item_id for ev in events if ev.kind in SPAN_KINDS}
    later = [("later", item_id, seq, "backlog" if current else stage, current, since, until,
              None, False)
             for _, item_id, seq, stage, current, since, until, _, _ in kept if item_id in moved]
    assert _spans(store_url) == sorted([*kept, *later], key=lambda row: row[:3])


def test_the_spans_written_a_second_late_are_rebuilt(store_url: str) -> None:
    """Before 0016 the SQLite writer read a time 999,500 microseconds or more past a second
    as the next second; 0016 rebuilds those items' spans (on SQLite, the only writer that
    did) as 0015 built them, the others untouched."""
    with _store(store_url, 6) as store:
        items = sorted(store.get_items(PROJECT))
        store.record_events(PROJECT, [
            StoreEvent("stage_changed", item_id, T0 + timedelta(hours=n, microseconds=m),
                       None, {"from": "backlog", "to": "in_review"})
            for n, (item_id, m) in enumerate(zip(items[::7], [-1, -500, -499, 0, 999_500],
                                                 strict=False))])
    kept = _spans(store_url)
    late = {row[1] for row in kept for at in row[5:7]
            if at is not None and at % 1_000_000 >= 999_500}
    assert len(late) >= 2
    migrate_to(store_url, "0015_stage_spans")
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:  # as the writer of then wrote them
            for column in (s.item_stage_spans.c.since, s.item_stage_spans.c.until):
                conn.execute(update(s.item_stage_spans)
                             .where(column % 1_000_000 >= 999_500)
                             .values({column: column + 1_000_000}))
    finally:
        engine.dispose()
    if store_url.startswith("sqlite"):
        assert _spans(store_url) != kept
    Store.open(store_url).close()  # to head
    assert _spans(store_url) == (kept if store_url.startswith("sqlite") else [
        (*row[:5], *(at + 1_000_000 if at is not None and at % 1_000_000 >= 999_500 else at
                     for at in row[5:7]), *row[7:]) for row in kept])


def test_the_kinds_kept_are_those_the_replay_reads() -> None:
    from tracker_bridge.store.item_flow import FLOW_KINDS

    assert set(SPAN_KINDS) == set(FLOW_KINDS)
