"""The research track judged by learning: a sprint of four spikes, counted by hand.

Sprint 2 (2-13 Nov 2026) follows sprint 1 (19-30 Oct); report time 9 Nov 12:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tracker_bridge.model import SpikeOutcome, Stage, Timebox
from tracker_bridge.reports.learning import research_learning
from tracker_bridge.store import StoreEvent

from .scenario import NOW, ev, move, roadmap, spike


def t(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)




def test_spikes_concluded_outcomes_learning_and_timebox_adherence() -> None:
    work = {
        "sp1": spike("sp1", length=3, stage=Stage.DONE, sprint="s2"),
        "sp2": spike("sp2", length=2, stage=Stage.DONE, sprint="s2"),
        "sp3": spike("sp3", length=5, stage=Stage.IN_PROGRESS, sprint="s2"),
        "sp4": spike("sp4", length=3, stage=Stage.DONE, sprint="s1"),
        "sp5": spike("sp5", length=2, stage=Stage.BACKLOG, sprint="s2"),
        "old": spike("old", stage=Stage.DONE, sprint="s0", timebox=Timebox(
            length_days=2, hypothesis="h", outcome=SpikeOutcome.VALIDATED, learning="l")),
    }
    events: list[StoreEvent] = [
        # sp1: 3 days from 2 Nov 10:00, closed 4 Nov 16:00 with a learning: within.
        ev("spike_started", "sp1", t(2, 10)),
        ev("spike_closed", "sp1", t(4, 16), outcome="validated", learning="recall +4%"),
        move("sp1", t(4, 16), "in_progress", "done"),
        # sp2: 2 days + 1 extension from 2 Nov 09:00 (deadline 5 Nov 09:00), closed an hour
        # late and without a learning.
        ev("spike_started", "sp2", t(2, 9)),
        ev("spike_extended", "sp2", t(3, 9), days=1, reason="data late"),
        ev("spike_closed", "sp2", t(5, 10), outcome="invalidated", learning=""),
        # sp3 runs; sp4 was a sprint-1 hypothesis, concluded in sprint 1.
        ev("spike_started", "sp3", t(3, 9)),
        ev("spike_started", "sp4", t(27, 9, 10)),
        move("sp4", t(29, 9, 10), "in_progress", "done"),
    ]
    learning = research_learning(roadmap().sprint_by_id()["s2"], work, events, roadmap(), NOW)
    assert [c.id for c in learning.concluded] == ["sp1", "sp2"]
    assert learning.outcomes == {SpikeOutcome.VALIDATED: 1, SpikeOutcome.INVALIDATED: 1,
                                 SpikeOutcome.INCONCLUSIVE: 0, SpikeOutcome.ABANDONED: 0}
    assert learning.learning_recorded == 1
    assert [c.within_timebox for c in learning.concluded] == [True, False]
    assert learning.within_timebox == 1 and learning.adherence == 0.5
    assert [c.extended for c in learning.concluded] == [False, True]
    assert learning.running == 1
    assert [(h.sprint, h.started, h.concluded) for h in learning.per_sprint] == [
        ("s2", 3, 2), ("s1", 1, 1), ("s0", 0, 1)]  # "old": closed in the roadmap, in s0


def test_a_spike_closed_after_the_report_time_is_not_concluded_yet() -> None:
    work = {"sp1": spike("sp1", length=3, stage=Stage.DONE, sprint="s2")}
    events = [ev("spike_started", "sp1", t(2, 10)),
              ev("spike_closed", "sp1", t(10, 9), outcome="validated", learning="x")]
    learning = research_learning(roadmap().sprint_by_id()["s2"], work, events, roadmap(), NOW)
    assert learning.concluded == () and learning.adherence is None


def test_the_learning_from_the_reports_statuses_is_the_learning_from_the_items() -> None:
    # The sprint report hands over every spike's status (`spike_statuses`): the research
    # spikes are read from those. Closed ones (by an event, by a move to done, in the
    # roadmap), running ones, one not started and an engineering spike among them.
    from tracker_bridge.model import Track
    from tracker_bridge.reports.spikes import spike_statuses

    work = {
        "sp1": spike("sp1", length=3, stage=Stage.DONE, sprint="s2"),
        "sp2": spike("sp2", length=2, stage=Stage.DONE, sprint="s1"),
        "sp3": spike("sp3", length=5, stage=Stage.IN_PROGRESS, sprint="s2"),
        "sp4": spike("sp4", stage=Stage.BACKLOG, sprint="s2"),
        "eng": spike("eng", length=2, stage=Stage.DONE, sprint="s2").model_copy(
            update={"track": Track.ENGINEERING}),
        "old": spike("old", stage=Stage.DONE, sprint="s2", timebox=Timebox(
            length_days=2, hypothesis="h", outcome=SpikeOutcome.VALIDATED, learning="l")),
    }
    events: list[StoreEvent] = [
        ev("spike_started", "sp1", t(2, 10)),
        ev("spike_closed", "sp1", t(4, 16), outcome="validated", learning="recall +4%"),
        ev("spike_started", "sp2", t(20, 9, 10)),
        move("sp2", t(21, 9, 10), "in_progress", "done"),
        ev("spike_started", "sp3", t(3, 9)),
        ev("spike_started", "eng", t(2, 9)),
        ev("spike_closed", "eng", t(3, 9), outcome="validated", learning="x"),
    ]
    s2 = roadmap().sprint_by_id()["s2"]
    statuses = {s.id: s for s in spike_statuses(work, events, NOW)}
    given = research_learning(s2, work, events, roadmap(), NOW, statuses=statuses)
    assert given == research_learning(s2, work, events, roadmap(), NOW)
    assert [c.id for c in given.concluded] == ["old", "sp1"]
    assert given.running == 1
    assert [(h.sprint, h.started, h.concluded) for h in given.per_sprint] == [
        ("s2", 2, 2), ("s1", 1, 1), ("s0", 0, 0)]
