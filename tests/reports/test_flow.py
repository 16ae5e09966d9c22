"""Flow metrics against numbers worked out by hand from a small, frozen-clock scenario.

Sprint 2-6 Nov 2026 (Mon-Fri), report time Thu 5 Nov 12:00 UTC. Engineering: a, b (stories),
c (bug), f (task, done the week before), d (started), e (backlog); research: spike s.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker_bridge.model import Kind, Stage, Track, WorkItem
from tracker_bridge.reports.flow import (
    Quantiles,
    cumulative_flow,
    cycle_item,
    cycle_times,
    flow_since,
    percentile,
    throughput,
)
from tracker_bridge.store import StoreEvent

from .scenario import move, spike, story

NOW = datetime(2026, 11, 5, 12, tzinfo=UTC)


def t(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def created(item: str, when: datetime, stage: str = "backlog") -> StoreEvent:
    return StoreEvent("created", item, when, data={"stage": stage})


def work() -> dict[str, WorkItem]:
    found = [
        story("a", 3, Stage.DONE), story("b", 5, Stage.DONE),
        WorkItem(id="c", kind=Kind.BUG, title="Bug c", stage=Stage.DONE),
        WorkItem(id="f", kind=Kind.TASK, title="Task f", stage=Stage.DONE),
        story("d", 2, Stage.IN_PROGRESS), story("e", 1),
        WorkItem(id="epic", kind=Kind.EPIC, title="Epic", stage=Stage.IN_PROGRESS),
        spike("s", stage=Stage.DONE),
    ]
    return {i.id: i for i in found}


def events() -> list[StoreEvent]:
    return [
        created("a", t(1, 10)), move("a", t(2, 9), "backlog", "in_progress"),
        move("a", t(3, 15), "in_progress", "in_review"), move("a", t(4, 9), "in_review", "done"),
        created("b", t(1, 10)), move("b", t(2, 12), "backlog", "in_progress"),
        move("b", t(5, 6), "in_progress", "done"),
        created("c", t(3, 8)), move("c", t(3, 10), "backlog", "in_progress"),
        move("c", t(3, 22), "in_progress", "done"),
        created("f", t(20, 9, 10)), move("f", t(27, 9, 10), "backlog", "in_progress"),
        move("f", t(29, 21, 10), "in_progress", "done"),
        created("d", t(1, 10)), move("d", t(4, 12), "backlog", "in_progress"),
        created("e", t(1, 10)),
        created("epic", t(1, 10)),
        created("s", t(1, 10)), move("s", t(2, 10), "backlog", "in_progress"),
        move("s", t(4, 16), "in_progress", "done"),
    ]


def _counts(flow: dict[Stage, int]) -> dict[str, int]:
    return {stage.value: n for stage, n in flow.items() if n}


def test_cumulative_flow_counts_each_stage_at_the_end_of_each_day() -> None:
    research, eng = cumulative_flow(work(), events(), date(2026, 11, 2), date(2026, 11, 6), NOW)
    assert eng.track is Track.ENGINEERING and research.track is Track.RESEARCH
    # 6 Nov has not begun at the report time; 5 Nov is counted at 12:00 (now).
    assert [d.day.day for d in eng.days] == [2, 3, 4, 5]
    assert [_counts(d.counts) for d in eng.days] == [
        {"backlog": 2, "in_progress": 2, "done": 1},  # c not created yet, epic left out
        {"backlog": 2, "in_progress": 1, "in_review": 1, "done": 2},
        {"backlog": 1, "in_progress": 2, "done": 3},
        {"backlog": 1, "in_progress": 1, "done": 4},
    ]
    assert [_counts(d.counts) for d in research.days] == [
        {"in_progress": 1}, {"in_progress": 1}, {"done": 1}, {"done": 1}]
    assert list(eng.days[0].counts) == list(Stage)  # every stage listed, zeros too


def test_cumulative_flow_uses_the_team_time_zone_for_the_end_of_a_day() -> None:
    # In Los Angeles (UTC-8) 2 Nov ends at 3 Nov 08:00 UTC, when bug c was just created.
    [_, eng] = cumulative_flow(work(), events(), date(2026, 11, 2), date(2026, 11, 2), NOW,
                               "America/Los_Angeles")
    assert _counts(eng.days[0].counts) == {"backlog": 3, "in_progress": 2, "done": 1}


def test_cycle_and_lead_time_per_item() -> None:
    times = cycle_times(work(), events(), t(26, 0, 10), NOW)
    got = {e.id: (e.cycle_days, e.lead_days) for e in times.items}
    assert got == {
        "f": (2.5, 9.5),    # 27 Oct 09:00 -> 29 Oct 21:00; 20 Oct 09:00 -> 29 Oct 21:00
        "c": (0.5, 0.58),   # 10:00 -> 22:00; 08:00 -> 22:00 (14 h)
        "a": (2.0, 2.96),   # 2 Nov 09:00 -> 4 Nov 09:00; 1 Nov 10:00 -> 4 Nov 09:00 (71 h)
        "s": (2.25, 3.25),  # 2 Nov 10:00 -> 4 Nov 16:00; 1 Nov 10:00 -> 4 Nov 16:00
        "b": (2.75, 3.83),  # 2 Nov 12:00 -> 5 Nov 06:00 (66 h); 1 Nov 10:00 -> (92 h)
    }
    assert [e.id for e in times.items] == ["f", "c", "a", "s", "b"]  # by done time


def test_percentiles_per_track_and_kind() -> None:
    times = cycle_times(work(), events(), t(26, 0, 10), NOW)
    stats = {(s.track.value, s.kind.value if s.kind else "all"): s for s in times.stats}
    # Engineering cycle times sorted: 0.5, 2.0, 2.5, 2.75. Nearest rank: p50 -> rank 2,
    # p85 -> ceil(3.4) = 4, p95 -> ceil(3.8) = 4.
    assert stats["engineering", "all"].cycle == Quantiles(4, 2.0, 2.75, 2.75)
    assert stats["engineering", "all"].lead == Quantiles(4, 2.96, 9.5, 9.5)
    assert stats["engineering", "story"].cycle == Quantiles(2, 2.0, 2.75, 2.75)
    assert stats["engineering", "bug"].cycle == Quantiles(1, 0.5, 0.5, 0.5)
    assert stats["engineering", "task"].lead == Quantiles(1, 9.5, 9.5, 9.5)
    assert stats["research", "spike"].cycle == Quantiles(1, 2.25, 2.25, 2.25)
    assert list(stats) == [("research", "all"), ("research", "spike"), ("engineering", "all"),
                           ("engineering", "story"), ("engineering", "task"),
                           ("engineering", "bug")]


def test_the_window_keeps_items_done_before_it_out() -> None:
    times = cycle_times(work(), events(), t(2, 0), NOW)
    assert "f" not in {e.id for e in times.items}


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(20, 0, -1)]
    assert [percentile(values, p) for p in (50, 85, 95, 100)] == [10.0, 17.0, 19.0, 20.0]
    with pytest.raises(ValueError):
        percentile([], 50)


def test_reopened_item_counts_from_first_start_to_last_done() -> None:
    item = story("g", 1, Stage.DONE)
    history = [
        created("g", t(1, 10)), move("g", t(2, 10), "backlog", "in_progress"),
        move("g", t(3, 10), "in_progress", "done"), move("g", t(4, 10), "done", "in_progress"),
        move("g", t(5, 10), "in_progress", "done"),
    ]
    entry = cycle_item(item, history, NOW)
    assert entry is not None and entry.cycle_days == 3.0 and entry.lead_days == 4.0
    assert cycle_item(item, history, t(4, 12)) is None  # reopened at that time: not done


def test_item_created_in_progress_starts_at_its_creation() -> None:
    item = story("h", 1, Stage.DONE)
    history = [created("h", t(2, 6), "in_progress"), move("h", t(3, 18), "in_progress", "done")]
    entry = cycle_item(item, history, NOW)
    assert entry is not None and entry.cycle_days == 1.5


def test_throughput_per_week_starting_monday() -> None:
    times = cycle_times(work(), events(), t(26, 0, 10), NOW)
    weeks = throughput(times)
    assert [(w.week, w.counts[Track.ENGINEERING], w.counts[Track.RESEARCH]) for w in weeks] == [
        (date(2026, 10, 26), 1, 0), (date(2026, 11, 2), 3, 1)]


def test_flow_window_is_whole_weeks() -> None:
    assert flow_since(NOW, weeks=2) == t(26, 0, 10)  # Monday of the week before
    assert flow_since(NOW, "Asia/Tokyo", weeks=1) == datetime(2026, 11, 1, 15, tzinfo=UTC)


def test_start_before_the_records_is_unknown_and_spike_start_counts() -> None:
    item = story("k", 1, Stage.DONE)
    history = [created("k", t(1, 10)), move("k", t(3, 10), "in_review", "done")]
    entry = cycle_item(item, history, NOW)
    assert entry is not None and entry.cycle_days is None and entry.lead_days == 2.0
    sp = spike("sp", stage=Stage.DONE)
    history = [StoreEvent("spike_started", "sp", t(2, 10)),
               move("sp", t(4, 10), "in_progress", "done")]
    entry = cycle_item(sp, history, NOW)
    assert entry is not None and entry.cycle_days == 2.0 and entry.lead_days is None
