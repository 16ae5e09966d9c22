"""Issue 12: sprint numbers as Jira Software's sprint report gives them, from the history.

Sprint s2 runs Mon 2026-11-02 .. Fri 2026-11-13 (UTC team, see scenario.py); s1 ended Fri
2026-10-30. Jira's definitions: committed = the points in the sprint when it starts (fixed);
items added later and re-estimates after the start are scope change on their day; completed
= done when the sprint ends, at the points then.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker_bridge.cli import main
from tracker_bridge.model import (
    Cadence,
    Roadmap,
    Sprint,
    SprintState,
    Stage,
    Track,
    WorkItem,
)
from tracker_bridge.reconcile.events import view_events
from tracker_bridge.reports.board import board_snapshot
from tracker_bridge.reports.sprint import sprint_health
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import StoreEvent

from .scenario import SPRINTS, at, ev, move, roadmap, story

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trending-now.yaml"


def test_a_re_estimate_after_the_start_is_scope_change_and_commitment_stays() -> None:
    """p (8), q (5), r (24) are in s2 before it starts: committed 8 + 5 + 24 = 37.
    Wed 11-04 15:00 p is re-estimated 8 -> 13 (still open). By hand, on Fri 11-06 12:00:
    committed 37 (not 42), re-estimated +5, remaining 13 + 5 + 24 = 42; burndown 37 at the
    commitment, 37 on the mornings of 11-03 and 11-04, 42 from 11-05; ideal from 37."""
    items = {i.id: i for i in (story("p", 13, sprint="s2"), story("q", 5, sprint="s2"),
                                story("r", 24, sprint="s2"))}
    events = [ev("sprint_added", i, at(30, month=10), sprint="s2") for i in items]
    events.append(ev("points_changed", "p", at(4, 15), **{"from": 8.0, "to": 13.0}))
    health = sprint_health(SPRINTS[2], items, events, roadmap(), at(6, 12))
    track = health.track(Track.ENGINEERING)
    assert track.committed_points == 37
    assert track.reestimated_points == 5
    assert [line.id for line in track.reestimated] == ["p"]
    assert track.added_points == 0 and track.remaining_points == 42
    assert [p.remaining for p in track.burndown[:5]] == [37, 37, 37, 42, 42]
    assert track.burndown[0].ideal == 37


def test_a_sprint_planned_on_the_morning_of_day_one_is_committed() -> None:
    """Planning on Mon 11-02: x (8) joins at 09:00, before the noon grace cut-off, so it is
    committed (Jira: the sprint is started after planning); y (3) joins at 15:00: added.
    z (5) was in s1, not done when s1 ended (Fri 10-30), and moved to s2 at the Mon 02:00
    sync: carried over from s1 and committed in s2. By hand: committed 8 + 5 = 13,
    added 3, burndown starts at 13 (not 0)."""
    items = {i.id: i for i in (story("x", 8, sprint="s2"), story("y", 3, sprint="s2"),
                                story("z", 5, Stage.IN_PROGRESS, sprint="s2"))}
    events = [
        ev("sprint_added", "z", at(16, month=10), sprint="s1"),
        move("z", at(20, month=10), "sprint_backlog", "in_progress"),
        ev("sprint_removed", "z", at(2, 2), sprint="s1"),
        ev("sprint_added", "z", at(2, 2), sprint="s2"),
        ev("sprint_added", "x", at(2, 9), sprint="s2"),
        ev("sprint_added", "y", at(2, 15), sprint="s2"),
    ]
    now = at(3, 12)
    s2 = sprint_health(SPRINTS[2], items, events, roadmap(), now).track(Track.ENGINEERING)
    assert (s2.committed_points, s2.added_points) == (13, 3)
    assert [line.id for line in s2.committed] == ["x", "z"]
    assert s2.burndown[0].remaining == 13
    s1 = sprint_health(SPRINTS[1], items, events, roadmap(), now).track(Track.ENGINEERING)
    assert [line.id for line in s1.carry_over] == ["z"]


def test_a_past_sprint_reports_from_history_with_the_seeds_done_work() -> None:
    """The first sync runs on 11-09, after s1 (10-19 .. 10-30) ended. The roadmap puts five
    items in s1: a1 (1), a2 (2), a3 (3) done, a4 (5), a5 (8) in progress. By hand: committed
    1+2+3+5+8 = 19, completed 6 (done before the first sync counts in its sprint),
    carry-over 13; burndown 19 each morning, 13 the morning after the last day."""
    items = [story("a1", 1, Stage.DONE, sprint="s1"), story("a2", 2, Stage.DONE, sprint="s1"),
             story("a3", 3, Stage.DONE, sprint="s1"),
             story("a4", 5, Stage.IN_PROGRESS, sprint="s1"),
             story("a5", 8, Stage.IN_PROGRESS, sprint="s1")]
    view = {i.id: i for i in items}
    events = list(view_events({}, view, {}, at(9, 2)))  # what the first sync records
    health = sprint_health(SPRINTS[1], view, events, roadmap(), at(9, 12))
    track = health.track(Track.ENGINEERING)
    assert track.committed_points == 19
    assert track.completed_points == 6
    assert [line.id for line in track.carry_over] == ["a4", "a5"]
    assert {p.remaining for p in track.burndown[:-1]} == {19}
    assert track.burndown[-1].remaining == 13


def test_ageing_is_time_in_stage_and_age_is_since_started() -> None:
    """b started Mon 11-02 10:00, in review since Tue 11-03 10:00; on Mon 11-09 12:00 it
    is 6.1 days in stage (ageing over 5) and 7.1 days old since started."""
    item = story("b", 5, Stage.IN_REVIEW, sprint="s2")
    events = [ev("sprint_added", "b", at(30, month=10), sprint="s2"),
              move("b", at(2), "sprint_backlog", "in_progress"),
              move("b", at(3), "in_progress", "in_review")]
    [line] = sprint_health(SPRINTS[2], {"b": item}, events, roadmap(), at(9, 12)).track(
        Track.ENGINEERING).ageing
    assert (line.days_in_stage, line.age_days) == (6.1, 7.1)


def test_re_estimates_are_dated_where_they_happened() -> None:
    """A re-estimate becomes a points_changed event at the tracker's time of the change."""
    before = {"p": story("p", 8, sprint="s2")}
    after = {"p": story("p", 13, sprint="s2")}
    [event] = view_events(before, after, {("p", "points"): at(4, 15)}, at(5, 2))
    assert event == StoreEvent("points_changed", "p", at(4, 15),
                               data={"from": 8.0, "to": 13.0})


@pytest.mark.parametrize(("now", "sprint"), [
    ("2026-02-15T22:30Z", "s3"),  # 23:30 on Sun 15 Feb in Amsterdam: s3's last day
    ("2026-02-15T23:30Z", "s4"),  # 00:30 on Mon 16 Feb in Amsterdam: s4's first day
])
def test_report_sprint_and_status_choose_the_sprint_by_the_teams_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], now: str, sprint: str
) -> None:
    """The example's team works in Europe/Amsterdam (UTC+1 in February); s3 ends Sun 02-15."""
    shutil.copy(EXAMPLE, tmp_path / "roadmap.yaml")
    config = tmp_path / "tracker-bridge.toml"
    config.write_text('[store]\nurl = "sqlite:///state.sqlite"\n'
                      '[[projects]]\nname = "trending"\nroadmap = "roadmap.yaml"\n')
    code = main(["report", "sprint", "--format", "json", "--config", str(config),
                 "--now", now])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["health"]["sprint"]["id"] == sprint
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    # What `status` computes: the roadmap loaded for the team's today, the board's sprint.
    loaded = load_roadmap(tmp_path / "roadmap.yaml", today=moment).roadmap
    board = board_snapshot(loaded.item_by_id(), loaded, moment)
    assert board.active_sprint is not None and board.active_sprint.id == sprint


def test_the_active_sprint_by_dates_uses_the_team_zone() -> None:
    """No sprint marked active: the one whose dates hold the team's date (Tokyo, UTC+9)."""
    tokyo = Roadmap(project="p", cadence=Cadence(first_sprint_start=date(2026, 11, 2),
                                                 timezone="Asia/Tokyo"),
                    sprints=(Sprint(id="s1", name="S1", start=date(2026, 11, 2),
                                    end=date(2026, 11, 13), state=SprintState.FUTURE),))
    items: dict[str, WorkItem] = {}
    sunday_evening_utc = datetime(2026, 11, 1, 15, 30, tzinfo=UTC)  # Mon 00:30 in Tokyo
    assert board_snapshot(items, tokyo, sunday_evening_utc).active_sprint == tokyo.sprints[0]
