"""`report sprint` from the store's summaries and partial reads against the replay of every
event: on small random projects (events arriving out of order and in several writes,
re-estimates, items leaving and rejoining sprints, ties, unknown stages, spikes with and
without a known start, tracker-born items that ended), every figure must be the same."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tracker_bridge.config import ProjectSettings, Settings
from tracker_bridge.model import (
    Extension,
    Kind,
    Origin,
    SpikeOutcome,
    Stage,
    Timebox,
    Track,
    WorkItem,
)
from tracker_bridge.reports.context import ReportContext
from tracker_bridge.reports.flow import cycle_summary
from tracker_bridge.reports.summary import build_sprint_report, cycle_window
from tracker_bridge.store import Store, StoreEvent

from ..reports.scenario import SPRINTS, roadmap
from .raw_rows import insert_raw

PROJECT = "r"
SPRINT_IDS = [s.id for s in SPRINTS]
STAGE_VALUES = [s.value for s in Stage]
FIRST = datetime(2026, 6, 1, tzinfo=UTC)
ERAS = 170  # days, to 2026-11-18: long before s0 (from 10-05), through s2 (to 11-13), after


def _era(rng: random.Random) -> datetime:
    """Where an item's events begin: most items' histories lie before the sprints reported
    (read from the summaries then), some within."""
    return FIRST + timedelta(days=rng.randrange(ERAS))


EDGES = [datetime.combine(s.start + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
         for s in SPRINTS]
"""The end of each sprint's first day: where the cumulative flow starts its replay."""


def _when(rng: random.Random, era: datetime) -> datetime:
    # Few distinct hours: events of one item often share a time (ties the summaries must
    # leave to the replay); some exactly where a summary's "at or before" ends.
    if rng.random() < 0.1:
        return rng.choice(EDGES)
    return era + timedelta(days=rng.randrange(20), hours=rng.choice((0, 9, 12, 23)))


def _item(rng: random.Random, n: int) -> WorkItem:
    kind = rng.choice([Kind.STORY, Kind.TASK, Kind.BUG, Kind.SPIKE, Kind.SPIKE, Kind.EPIC])
    extra: dict[str, Any] = {}
    if kind is Kind.SPIKE:  # a spike has a time-box, its start known or not
        started = _when(rng, _era(rng)) if rng.random() < 0.5 else None
        extensions = (Extension(days=2, reason="more data", granted_on=date(2026, 10, 20)),) \
            if rng.random() < 0.2 else ()
        outcome = rng.choice([None, None, SpikeOutcome.VALIDATED])
        extra["timebox"] = Timebox(length_days=rng.choice((3, 5, 12)), hypothesis="it helps",
                                   started_at=started, extensions=extensions,
                                   outcome=outcome, learning="so" if outcome else None)
    if rng.random() < 0.15:
        extra["origin"] = Origin(tracker="jira:R", key=f"R-{n}",
                                 ended="deleted" if rng.random() < 0.5 else None)
    return WorkItem(
        id=f"i{n:02}", title=f"Item {n}", kind=kind,
        track=Track.RESEARCH if kind is Kind.SPIKE else rng.choice(list(Track)),
        stage=rng.choice(list(Stage)), points=rng.choice((None, 1, 3, 5)),
        sprint=rng.choice([None, None, None, *SPRINT_IDS]), blocked=rng.random() < 0.1, **extra,
    )


def _events(rng: random.Random, item: WorkItem) -> list[StoreEvent]:
    found: list[StoreEvent] = []
    era = _era(rng)

    def add(kind: str, **data: Any) -> None:
        found.append(StoreEvent(kind, item.id, _when(rng, era), None, data))

    if rng.random() < 0.8:
        born: dict[str, Any] = {}
        if rng.random() < 0.4:
            born = {"sprint": rng.choice(SPRINT_IDS), "seed": rng.random() < 0.3}
        elif rng.random() < 0.3:
            born = {"stage": rng.choice(STAGE_VALUES)}
        add("created", **born)
        if rng.random() < 0.15:  # seen created by both trackers, often at the same time
            at = found[-1].at if rng.random() < 0.7 else _when(rng, era)
            found.append(StoreEvent("created", item.id, at, "github",
                                    {"stage": rng.choice([*STAGE_VALUES, "limbo"])}))
    for _ in range(rng.randrange(4)):
        add(rng.choice(("sprint_added", "sprint_added", "sprint_removed")),
            sprint=rng.choice([*SPRINT_IDS, 7]))
    stage = rng.choice(STAGE_VALUES)
    for _ in range(rng.randrange(7)):
        reached = rng.choice([*STAGE_VALUES, "done", "done", "limbo"])  # limbo: unknown
        add("stage_changed", **{"from": stage, "to": reached})
        stage = reached
    points = 3.0
    for _ in range(rng.randrange(3)):
        new = rng.choice((1.0, 2.0, 5.0, 8.0))
        add("points_changed", **{"from": points, "to": new})
        points = new
    if item.kind is Kind.SPIKE:
        for _ in range(rng.choice((0, 0, 1, 1, 2))):  # `spike start`, sometimes twice
            add("spike_started")
        if rng.random() < 0.3:
            add("spike_extended", days=2, reason=rng.choice(("more data", "blocked")))
        if rng.random() < 0.4:
            add("spike_closed", outcome=rng.choice(list(SpikeOutcome)).value,
                learning=rng.choice(("", "it does")))
    return found


def _store(store_url: str, seed: int, raw: int = 0) -> Store:
    """`raw`: that many items written as rows without card columns (around the store, as
    an old version or a hand edit wrote them), the rest by `save_items`."""
    rng = random.Random(seed)
    items = [_item(rng, n) for n in range(80)]
    events = [ev for item in items for ev in _events(rng, item)]
    rng.shuffle(events)  # out of order, in several writes: the summaries are merged
    store = Store.open(store_url)
    store.save_items(PROJECT, items[raw:])
    if raw:
        insert_raw(store_url, PROJECT, items[:raw], FIRST)
    cut = sorted(rng.sample(range(len(events)), 3))
    for part in (events[:cut[0]], events[cut[0]:cut[1]], events[cut[1]:cut[2]],
                 events[cut[2]:]):
        store.record_events(PROJECT, part)
    return store


NOWS = [datetime(2026, 10, 21, 11, tzinfo=UTC),  # day 3 of s1, before its noon grace
        datetime(2026, 11, 4, 15, tzinfo=UTC),   # mid s2
        datetime(2026, 11, 16, 8, tzinfo=UTC)]   # after s2


@pytest.mark.parametrize("seed", range(6))
def test_the_report_from_summaries_is_the_full_replay(store_url: str, seed: int) -> None:
    plan = roadmap()
    project = ProjectSettings(name=PROJECT, roadmap=Path("roadmap.yaml"))
    # What summaries stood in for, overall.
    served: set[str] = set()
    counted: set[str] = set()
    replayed: set[str] = set()
    cycled: set[str] = set()  # cycle times from the summary
    unclear: set[str] = set()  # left to the replay
    not_then: set[str] = set()  # summary unclear, found not done at the window's end
    skipped: set[str] = set()  # items never read whole
    as_of = set()  # the velocity sprints' members not replayed
    # The roadmap's own items, not synced yet, some with events on record (a seed's).
    rng = random.Random(seed + 100)
    planned = [_item(rng, n) for n in range(80, 86)]
    plan = plan.model_copy(update={"items": tuple(planned)})
    # Seeds 4 and 5: a few items' rows without card columns (read whole, replayed).
    with _store(store_url, seed, raw=6 if seed >= 4 else 0) as store:
        store.record_events(PROJECT, [ev for item in planned[:4] for ev in _events(rng, item)])
        everything = store.histories(PROJECT)
        for now in NOWS:
            ctx = ReportContext(Settings(projects=(project,)), project, plan, store, now)
            items, ended = ctx.items(), ctx.ended_items()
            board = ctx.board()  # from the store's counts and clipped lists
            for sprint in SPRINTS:
                # As `report sprint` makes it: a context that has read no item yet reads
                # whole only the items the figures need (`_report_view`).
                lean = ReportContext(Settings(projects=(project,)), project, plan, store, now)
                fast = lean.sprint_report(sprint)
                reads = lean.sprint_reads(sprint, board_flows=False)
                full = build_sprint_report(sprint, items, (), plan, now, ended=ended,
                                           history=everything)
                assert fast == full, (sprint.id, now)
                assert fast.board == board, (sprint.id, now)
                assert lean._stored is None  # never read every item
                skipped.update(set(items) - set(reads.items))
                served.update(set(reads.spikes) - set(reads.history))
                cycled.update(i for i, known in reads.done.items()
                              if known is not None and known.done_at is not None)
                unclear.update(i for i, known in reads.done.items() if known is None)
                _, until = cycle_window(sprint, plan, now)
                facts = store.cycle_facts(PROJECT, reads.done)
                not_then.update(i for i, known in reads.done.items()
                                if known is not None and known.done_at is None
                                and cycle_summary(facts[i], until) is None)
                counted.update(i for i in items if i in reads.stored_flow.items)
                replayed.update(i for i in items if i not in reads.stored_flow.items)
                for past, _ in reads.velocity[Track.RESEARCH]:
                    as_of.update(reads.named[past] - set(reads.history))
    # The summaries stood in for spikes' histories, the store counted the synced cards'
    # flow (the roadmap's items not synced were replayed), and gave done items' cycle
    # times (the others replayed); items the figures need no whole copy of were not read.
    assert served and counted and replayed and cycled and unclear and skipped
    # Items whose summary could not tell (moved again after a past sprint's window) but the
    # store found not done at its end: no cycle time, no replay.
    assert not_then
    # Velocity came from where the velocity sprints' members stood, some not replayed.
    assert as_of


@pytest.mark.parametrize("seed", range(3))
def test_cycle_facts_give_the_replayed_cycle_time(store_url: str, seed: int) -> None:
    # Per item, at many times (every event's own, and where the report's windows end):
    # what `cycle_summary` makes of the store's `CycleFacts` is what `cycle_item` finds in
    # the item's whole history, or it says that only the history can tell.
    from tracker_bridge.reports.flow import cycle_item, cycle_summary

    with _store(store_url, seed) as store:
        items = store.get_items(PROJECT)
        everything = store.histories(PROJECT)
        facts = store.cycle_facts(PROJECT, [*items, *everything, "never_seen"])
    assert set(facts) == {i for i, past in everything.items()
                          if any(ev.kind in ("created", "stage_changed", "spike_started")
                                 for ev in past)}
    times = sorted({ev.at for past in everything.values() for ev in past})
    told = {"done": 0, "not done": 0, "unclear": 0}
    for until in [*times[::3], *EDGES]:
        for item_id, item in items.items():
            entry = cycle_item(item, everything.get(item_id, ()), until)
            if item_id not in facts:
                assert entry is None
                continue
            summary = cycle_summary(facts[item_id], until)
            if summary is None:
                told["unclear"] += 1
            elif summary.done_at is None:
                told["not done"] += 1
                assert entry is None, (item_id, until)
            else:
                told["done"] += 1
                assert entry is not None, (item_id, until)
                assert summary == (entry.created_at, entry.started_at, entry.done_at), (
                    item_id, until)
    assert told["done"] > 100 and told["not done"] > 100 and told["unclear"] > 100


def test_a_spike_summary_gives_what_its_whole_history_gives() -> None:
    # The stand-in for a spike's history (`SpikeSummary`), on many random spikes: its
    # status and closing time, whenever `needs_stage_moves` lets it stand in.
    from tracker_bridge.reports.learning import closed_at, summary_closed_at
    from tracker_bridge.reports.spikes import (
        SPIKE_KINDS,
        SpikeSummary,
        needs_stage_moves,
        spike_status,
    )

    rng = random.Random(12)
    stood_in = needed = 0
    for n in range(600):
        item = _item(rng, n)
        if item.kind is not Kind.SPIKE:
            continue
        history = sorted(_events(rng, item), key=lambda ev: ev.at)
        own = [ev for ev in history if ev.kind in SPIKE_KINDS]
        if needs_stage_moves(item, own):
            needed += 1
            continue
        stood_in += 1
        done = [ev.at for ev in history
                if ev.kind == "stage_changed" and ev.data.get("to") == "done"]
        summary = SpikeSummary(own, max(done, default=None))
        for now in NOWS:
            assert spike_status(item, summary.events, now) == spike_status(item, history, now)
        assert summary_closed_at(summary) == closed_at(history)
    assert stood_in > 50 and needed > 10


def test_events_of_some_kinds_keep_the_time_order(store_url: str) -> None:
    # Read off the kind index, unordered, then sorted: the order of the whole log (time,
    # then the order recorded), ties included.
    kinds = {"spike_started", "spike_closed", "points_changed"}
    with _store(store_url, 3) as store:
        every = [ev for ev in store.events(PROJECT) if ev.kind in kinds]
        assert store.events(PROJECT, kinds=kinds) == every
        assert len(every) > 20 and len({ev.at for ev in every}) < len(every)  # ties


@pytest.mark.parametrize("seed", range(3))
def test_the_burndowns_walk_is_each_days_replay(seed: int) -> None:
    # The burndown walks each member once through the day times (`open_points`); each
    # time's answer is what asking the replay at that time gives (in the sprint, not done,
    # at its points then), on random histories: re-estimates, sprint moves out and back,
    # ties, unknown stages, seed-created items.
    from tracker_bridge.reports.history import by_item
    from tracker_bridge.reports.sprint import _Replay, _window

    rng = random.Random(seed)
    items = [_item(rng, n) for n in range(60)]
    history = by_item([ev for item in items for ev in _events(rng, item)])
    plan = roadmap()
    times = sorted({*EDGES, *(ev.at for past in history.values() for ev in past),
                    *(ev.at + timedelta(seconds=1) for past in history.values() for ev in past)})
    counted = 0
    for sprint in SPRINTS:
        for now in NOWS:
            w = _window(sprint, plan, now)
            for item in items:
                replay = _Replay.of(item, history.get(item.id, []), sprint.id)
                asked = [replay.points_at(at)
                         if replay.member(sprint.id, at) and not replay.done(at, w) else None
                         for at in times]
                assert replay.open_points(w, times) == asked, (item.id, sprint.id, now)
                counted += sum(points is not None for points in asked)
    assert counted > 100


ITEM_LIKE = ("id", "kind", "title", "track", "stage", "points", "assignee", "blocked",
             "acceptance_criteria", "definition_of_done", "checked", "sprint", "timebox")


@pytest.mark.parametrize("seed", range(3))
def test_report_cards_are_the_items_as_the_figures_read_them(store_url: str, seed: int) -> None:
    # `Store.report_cards` hands the figures cards, not WorkItems: each card must say what
    # its item says on every field the figures read (`ItemLike`), and split current from
    # ended as the items do; a row written without card columns comes whole, in id order.
    from sqlalchemy import create_engine, update

    from tracker_bridge.store import schema as s
    from tracker_bridge.store.cards import is_ended

    rng = random.Random(seed)
    items = [_item(rng, n) for n in range(80)]
    items[3] = items[3].model_copy(update={
        "assignee": "ana", "acceptance_criteria": ("it <works>", "fast"),
        "definition_of_done": ("docs",), "checked": ("fast",), "sprint": SPRINT_IDS[0],
        "origin": None})
    with Store.open(store_url) as store:
        store.save_items(PROJECT, items)
        raw = sorted(rng.sample([i.id for i in items[4:]], 5))
        engine = create_engine(store_url)
        try:  # as a row written around the store has them: no card columns
            with engine.begin() as conn:
                conn.execute(update(s.items).where(s.items.c.item_id.in_(raw))
                             .values(kind=None, sprint=None))
        finally:
            engine.dispose()
        wanted_sprint, wanted_ids = SPRINT_IDS[:2], {items[1].id, items[7].id}
        current, ended = store.report_cards(PROJECT, wanted_sprint, wanted_ids)
    by_id = {i.id: i for i in items}
    chosen = sorted(
        i.id for i in items
        if i.sprint in wanted_sprint or i.id in wanted_ids or i.timebox is not None
        or is_ended(i) or i.id in raw)
    assert sorted([*current, *ended]) == chosen
    assert list(current) == sorted(current) and list(ended) == sorted(ended)
    assert {i for i in ended} == {i for i in chosen if is_ended(by_id[i])}
    for found in (*current.values(), *ended.values()):
        item = by_id[found.id]
        assert isinstance(found, WorkItem) == (item.id in raw)
        assert [getattr(found, f) for f in ITEM_LIKE] == [getattr(item, f) for f in ITEM_LIKE]
        origin = item.origin
        assert (found.origin and (found.origin.tracker, found.origin.key)) == (
            origin and (origin.tracker, origin.key))
    assert any(i.timebox is not None and i.timebox.extensions for i in current.values())
    assert current[items[3].id].checked == ("fast",)  # the checklist's columns read back


def test_the_current_ids_and_open_points_are_the_items(store_url: str) -> None:
    # From the card columns, off the board's index: the current items' ids (with the rows
    # written without card columns, by their JSON), and each track's open points (those
    # rows left out), points with fractions among them.
    from sqlalchemy import create_engine

    from tracker_bridge.reports.sprint import open_points_of
    from tracker_bridge.store import schema as s

    rng = random.Random(9)
    items = [_item(rng, n).model_copy(update={"points": rng.choice((None, 0.5, 1.25, 3, 13))})
             for n in range(150)]
    carded, raw = items[:130], items[130:]
    with Store.open(store_url) as store:
        store.save_items(PROJECT, carded)
    engine = create_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(s.items.insert(), [
                {"project": PROJECT, "item_id": item.id, "updated_at": FIRST,
                 "data": item.model_dump(mode="json")} for item in raw])
    finally:
        engine.dispose()
    with Store.open(store_url) as store:
        current = store.get_items(PROJECT)
        assert store.current_ids(PROJECT) == set(current)
        assert set(current) & {item.id for item in raw} and len(current) < len(items)
        assert store.open_points(PROJECT) == open_points_of(
            item for item in current.values() if item.id not in {i.id for i in raw})
        assert store.current_ids("elsewhere") == set()
        assert store.open_points("elsewhere") == dict.fromkeys(Track, 0.0)


def test_rows_straight_from_the_driver_keep_utc_whatever_the_session_zone(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The histories and the flow rows are read off the driver's cursor, past SQLAlchemy's
    # result processors: a PostgreSQL session in another time zone hands back times in
    # that zone, which must come out as the same UTC instants (a report prints them).
    from sqlalchemy import select

    from tracker_bridge.store import schema as s
    from tracker_bridge.store.event_rows import compiled_rows

    monkeypatch.setenv("PGTZ", "America/New_York")  # libpq: the session's zone
    with _store(store_url, 2) as store:
        history = store.histories(PROJECT)
        with store.engine.connect() as conn:
            query = select(s.item_flow.c.item_id, s.item_flow.c.moved_at).where(
                s.item_flow.c.project == PROJECT, s.item_flow.c.moved_at.is_not(None))
            typed = {item_id: at for item_id, at in conn.execute(query)}
            if conn.dialect.name == "sqlite":
                with pytest.raises(ValueError, match="PostgreSQL"):
                    compiled_rows(conn, query)
                raw = typed
            else:
                raw = dict(compiled_rows(conn, query))
    assert history and all(ev.at.tzinfo is UTC for past in history.values() for ev in past)
    assert typed and raw == typed  # the same instants, as aware times
    last = {i: max(ev.at for ev in past if ev.kind == "stage_changed")
            for i, past in history.items() if any(ev.kind == "stage_changed" for ev in past)}
    assert typed == last
