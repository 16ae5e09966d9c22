from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tracker_bridge.model import Extension, SpikeOutcome, SpikePolicy, Stage, Timebox
from tracker_bridge.reports.spikes import check_spikes, spike_statuses

from .scenario import NOW, at, ev, events, items, move, spike

POLICY = SpikePolicy(max_timebox_days=10, extensions_allowed=1)


def test_overdue_spike_with_extension() -> None:
    statuses = {s.id: s for s in spike_statuses(items(), events(), NOW)}
    sp2 = statuses["sp2"]
    assert sp2.started_at == at(2, 9)
    assert [e.days for e in sp2.extensions] == [2]
    assert sp2.deadline == at(7, 9)  # 3 days + 2 extended
    assert sp2.overdue and sp2.days_left is not None and sp2.days_left < 0
    sp1 = statuses["sp1"]
    assert sp1.closed and not sp1.overdue
    assert sp1.outcome is SpikeOutcome.VALIDATED and sp1.learning == "recall +4%"


def test_extension_keeps_a_spike_on_time() -> None:
    statuses = {s.id: s for s in spike_statuses(items(), events(), at(6))}
    assert not statuses["sp2"].overdue and statuses["sp2"].days_left == 1.0


def test_check_reports_overdue_only() -> None:
    found = check_spikes(items(), events(), POLICY, NOW)
    assert [(v.item_id, v.rule) for v in found] == [("sp2", "overdue")]
    assert str(found[0]).startswith("sp2: overdue: time-box of 5 days ended 2026-11-07")


def test_policy_violations() -> None:
    timebox = Timebox(
        length_days=12, hypothesis="h",
        started_at=datetime(2026, 11, 1, tzinfo=UTC), outcome=SpikeOutcome.INCONCLUSIVE,
        extensions=(Extension(days=1, reason="r", granted_on=date(2026, 11, 3)),),
    )
    work = {"long": spike("long", timebox=timebox, stage=Stage.DONE)}
    evs = [
        ev("spike_extended", "long", at(3), days=1, reason="r"),  # same as the roadmap's
        ev("spike_extended", "long", at(4), days=2, reason="again"),
    ]
    found = check_spikes(work, evs, POLICY, NOW)
    assert [v.rule for v in found] == ["extensions", "timebox_too_long", "no_learning"]
    assert "2 extensions, policy allows 1" in str(found[0])


def test_stage_move_starts_the_clock_without_spike_start() -> None:
    work = {"s": spike("s", length=2, stage=Stage.IN_PROGRESS)}
    evs = [ev("stage_changed", "s", at(1), **{"from": "backlog", "to": "in_progress"})]
    [status] = spike_statuses(work, evs, NOW)
    assert status.started_at == at(1) and status.overdue


def test_not_started_is_never_overdue() -> None:
    [status] = spike_statuses({"s": spike("s")}, [], NOW + timedelta(days=100))
    assert status.started_at is None and status.deadline is None and not status.overdue
    assert check_spikes({"s": spike("s")}, [], POLICY, NOW) == []


def test_an_extension_granted_in_the_roadmap_alone_moves_the_deadline() -> None:
    # No event of its own (most spikes): the roadmap's time-box is the whole record.
    timebox = Timebox(
        length_days=3, hypothesis="h", started_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        extensions=(Extension(days=2, reason="data late", granted_on=date(2026, 11, 4)),),
    )
    [status] = spike_statuses({"s": spike("s", timebox=timebox)}, [], at(6))
    assert [(e.days, e.reason) for e in status.extensions] == [(2, "data late")]
    assert status.deadline == at(7, 9) and not status.overdue
    assert status.total_days == 5


def test_a_spikes_own_events_count_among_its_stage_moves() -> None:
    # A spike of the sprint hands over its whole history: its own events (closed with an
    # outcome, extended, in the roadmap and not) are found among the stage moves.
    timebox = Timebox(
        length_days=3, hypothesis="h", started_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        extensions=(Extension(days=1, reason="r", granted_on=date(2026, 11, 3)),),
    )
    work = {"s": spike("s", timebox=timebox, stage=Stage.IN_REVIEW)}
    evs = [
        move("s", at(2), "backlog", "in_progress"),
        ev("spike_extended", "s", at(3), days=1, reason="r"),  # the roadmap's
        move("s", at(4), "in_progress", "in_review"),
        ev("spike_extended", "s", at(5), days=2, reason="again"),
        ev("spike_closed", "s", at(8), outcome="invalidated", learning="no lift"),
        move("s", at(8), "in_review", "in_progress"),
    ]
    [status] = spike_statuses(work, evs, NOW)
    assert [(e.days, e.reason) for e in status.extensions] == [(1, "r"), (2, "again")]
    assert status.total_days == 6 and status.deadline == at(8, 9)
    assert status.closed and status.outcome is SpikeOutcome.INVALIDATED
    assert status.learning == "no lift" and not status.overdue


def test_a_status_is_what_the_constructor_makes() -> None:
    # `spike_status` fills the status's slots without the dataclass's `__init__`: the same
    # status, field for field, whether running, overdue, closed or not started.
    import dataclasses

    from tracker_bridge.reports.spikes import SpikeStatus, spike_status

    spikes = [item for item in items().values() if item.timebox is not None]
    found = [spike_status(item, [e for e in events() if e.item_id == item.id], NOW)
             for item in spikes]
    assert {(s.closed, s.overdue, s.started_at is None) for s in found} >= {
        (False, True, False), (True, False, False)}
    for item, status in zip(spikes, found, strict=True):
        assert item.timebox is not None
        # Each slot holds its own field (not its neighbour's).
        assert (status.id, status.title, status.track, status.stage) == (
            item.id, item.title, item.track, item.stage)
        assert (status.hypothesis, status.length_days) == (
            item.timebox.hypothesis, item.timebox.length_days)
        assert status.deadline == (None if status.started_at is None else
                                   status.started_at + timedelta(days=status.total_days))
        assert status.days_left == (None if status.deadline is None or status.closed else
                                    round((status.deadline - NOW).total_seconds() / 86400, 1))
        assert status.overdue == (status.deadline is not None and not status.closed
                                  and status.deadline < NOW)
        built = SpikeStatus(**{f.name: getattr(status, f.name)
                               for f in dataclasses.fields(SpikeStatus)})
        assert status == built and hash(status) == hash(built)
        assert dataclasses.asdict(status) == dataclasses.asdict(built)
        assert type(status.overdue) is bool
