from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from tracker_bridge.model import SpikeOutcome, Stage, Track
from tracker_bridge.reports.lines import ItemLine
from tracker_bridge.reports.sprint import SprintHealth, sprint_health

from .scenario import NOW, at, events, items, roadmap, story


def _health(now: datetime = NOW) -> SprintHealth:
    rm = roadmap()
    return sprint_health(rm.sprint_by_id()["s2"], items(), events(), rm, now)


def ids(lines: Iterable[ItemLine]) -> list[str]:
    return [line.id for line in lines]


def test_commitment_completion_and_scope_change() -> None:
    eng = _health().track(Track.ENGINEERING)
    assert ids(eng.committed) == ["a", "b", "d", "e"]  # e: no events, sprint field holds
    assert eng.committed_points == 17
    assert ids(eng.completed) == ["a", "c"] and eng.completed_points == 5
    assert ids(eng.added) == ["c"] and eng.added_points == 2
    assert ids(eng.removed) == ["d"] and eng.removed_points == 8
    assert ids(eng.remaining) == ["b", "e"] and eng.remaining_points == 6
    assert eng.carry_over == ()  # the sprint still runs
    assert ids(eng.blocked) == ["b"]
    assert eng.capacity == 20


def test_burndown_against_the_ideal_line() -> None:
    health = _health()
    series = health.track(Track.ENGINEERING).burndown
    assert len(series) == 13 and series[0].day == date(2026, 11, 2)
    assert [p.remaining for p in series[:9]] == [17, 17, 9, 6, 8, 6, 6, 6, None]
    assert series[0].ideal == 17 and series[-1].ideal == 0
    assert series[6].ideal == 8.5
    assert health.day == 8 and health.days == 12 and not health.over


def test_velocity_and_forecast() -> None:
    eng = _health().track(Track.ENGINEERING)
    assert eng.velocity_history == (("s1", 8.0), ("s0", 4.0))
    assert eng.velocity == 6
    assert eng.backlog_points == 14  # b, d, e (epics never count)
    assert eng.sprints_needed == 3
    research = _health().track(Track.RESEARCH)
    assert research.velocity == 0 and research.sprints_needed is None


def test_an_ended_issue_is_not_work_left_in_the_forecast() -> None:
    # A team deletes an open 13-point story in Jira (a tracker-born item ends): the sprint
    # history keeps it as scope removed, but the backlog the forecast divides by velocity
    # is the work still to do: b, d, e as before, not 27 points and 5 sprints.
    from tracker_bridge.model import Kind, Origin, WorkItem
    from tracker_bridge.reports.summary import build_sprint_report

    rm = roadmap()
    gone = WorkItem(id="trend-77", title="Dropped idea", kind=Kind.STORY, points=13,
                    stage=Stage.IN_PROGRESS,
                    origin=Origin(tracker="jira:TREND", key="TREND-77", ended="deleted"))
    report = build_sprint_report(rm.sprint_by_id()["s2"], items(), events(), rm, NOW,
                                 ended={gone.id: gone})
    eng = report.health.track(Track.ENGINEERING)
    assert eng.backlog_points == 14 and eng.sprints_needed == 3


def test_research_track_reports_spike_outcomes() -> None:
    research = _health().track(Track.RESEARCH)
    assert [s.id for s in research.spikes] == ["sp1", "sp2"]
    assert research.spike_outcomes[SpikeOutcome.VALIDATED] == 1
    assert research.spike_outcomes[SpikeOutcome.INCONCLUSIVE] == 0


def test_carry_over_once_the_sprint_is_over() -> None:
    health = _health(now=at(20))
    eng = health.track(Track.ENGINEERING)
    assert health.over and health.day == 12
    assert ids(eng.carry_over) == ["b", "e"]
    assert all(p.remaining is not None for p in eng.burndown)
    assert eng.burndown[-1].remaining == 6


def test_ageing_items_in_the_sprint() -> None:
    eng = _health(now=NOW + timedelta(days=1)).track(Track.ENGINEERING)
    assert ids(eng.ageing) == ["b"]  # in progress since 2 Nov
    assert eng.ageing[0].days_in_stage is not None and eng.ageing[0].days_in_stage > 5


def test_done_without_a_recorded_time_counts_within_its_sprint() -> None:
    # Loaded from the roadmap before any sync: done in s1, but no stage event says when.
    rm = roadmap()
    work = {**items(), "k": story("k", 2, Stage.DONE, sprint="s1")}
    eng = sprint_health(rm.sprint_by_id()["s2"], work, events(), rm, NOW).track(
        Track.ENGINEERING)
    assert eng.velocity_history == (("s1", 10.0), ("s0", 4.0))
    s1 = sprint_health(rm.sprint_by_id()["s1"], work, events(), rm, NOW).track(
        Track.ENGINEERING)
    assert [x.id for x in s1.completed] == ["f", "g", "k"]
    assert s1.burndown[-1].remaining == 0
