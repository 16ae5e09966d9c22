"""Issue 12: each change is recorded at the time it happened on the tracker where it happened.

A team works in Jira and GitHub over sprint 1 (Mon 2026-11-02 .. Sun 2026-11-15, UTC), with
both fakes' clocks frozen at each moment and the nightly sync run at 02:00.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker_bridge.model import Stage, Track, born_id
from tracker_bridge.reconcile import Reconciler, SyncOptions, SyncReport
from tracker_bridge.reports.sprint import sprint_health
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.store import StoreEvent
from tracker_bridge.testing.sandbox import Sandbox
from tracker_bridge.workspace import open_workspace

ROADMAP = """\
project: trending-now
cadence: {sprint_length_days: 14, first_sprint_start: 2026-11-02}
phases:
  - name: Start-up
    sprints: 2
    epics:
      - id: infra
        title: Infrastructure
        items:
          - {id: infra.a, title: Repository set-up, kind: task, stage: sprint_backlog,
             points: 2, sprint: 1}
          - {id: infra.b, title: CI pipeline, kind: task, stage: in_progress,
             points: 3, sprint: 1}
          - {id: infra.c, title: Staging cluster, kind: task, stage: sprint_backlog,
             points: 5, sprint: 1}
"""
EVENTS_ROUTE = "GET /repos/{owner}/{repo}/issues/{number}/events"


def t(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class Team:
    """Acts in the trackers at frozen moments and runs the nightly sync."""

    def __init__(self, sandbox: Sandbox, roadmap: Path) -> None:
        self.sandbox = sandbox
        self.roadmap = roadmap

    def at(self, moment: datetime) -> None:
        self.sandbox.jira.clock.freeze(moment)
        self.sandbox.github.clock.freeze(moment)

    def sync(self, moment: datetime) -> SyncReport:
        self.at(moment)
        roadmap = load_roadmap(self.roadmap, today=moment.date()).roadmap
        with open_workspace(self.sandbox.config_path) as workspace:
            project = workspace.project(None)
            adapters = workspace.open_adapters(project)
            reconciler = Reconciler(workspace.store, project.name, adapters, now=lambda: moment)
            report = reconciler.run(roadmap, SyncOptions(apply=True, force=True))
        assert report.ok, report.summary()
        return report

    def events(self, kind: str) -> list[StoreEvent]:
        with open_workspace(self.sandbox.config_path) as workspace:
            return workspace.store.events("trending-now", kinds=[kind])


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(ROADMAP)
    with Sandbox(tmp_path / "sandbox", roadmap) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        yield Team(sandbox, roadmap)


def test_a_move_is_dated_where_it_happened_never_by_a_mirror_or_the_sync(team: Team) -> None:
    """Jira's sprint report counts what was done when the sprint closed (end of 2026-11-15).

    - seed Sun 11-01 20:00: a (2), b (3), c (5) in sprint 1 before it starts: committed 10.
    - Thu 11-05 10:00 a is done in Jira; synced Fri 02:00 (and mirrored to GitHub then).
    - Sun 11-15 15:00 someone comments on b's GitHub issue: GitHub lists b again next night.
    - Mon 11-16 00:30 b is done in Jira, after the sprint ended; synced 02:00.
    By hand: completed in sprint 1 = a = 2 points (the old code dated b at GitHub's
    `updated_at`, 11-15 15:00, and said 5); b is carried over (3 points).
    """
    sandbox = team.sandbox
    team.sync(t(1, 20))
    team.at(t(5, 10))
    sandbox.jira_move("infra.a", Stage.DONE)
    team.sync(t(6, 2))
    team.at(t(15, 15))
    sandbox.github.human_comment(
        sandbox.github_repo, sandbox.github_number("infra.b"), "Nearly there"
    )
    team.at(t(16, 0, 30))
    sandbox.jira_move("infra.b", Stage.DONE)
    sandbox.github.stats.reset()
    team.sync(t(16, 2))

    done = {e.item_id: e.at for e in team.events("stage_changed") if e.data["to"] == "done"}
    assert done == {"infra.a": t(5, 10), "infra.b": t(16, 0, 30)}
    # GitHub was only a mirror of these moves: its history was not asked for.
    assert sandbox.github.stats.by_route[EVENTS_ROUTE] == 0

    roadmap = load_roadmap(team.roadmap, today=t(16, 12).date()).roadmap
    with open_workspace(sandbox.config_path) as workspace:
        items = workspace.store.get_items("trending-now")
        events = workspace.store.events("trending-now")
    health = sprint_health(
        roadmap.sprint_by_id()["s1"], items, events, roadmap, t(16, 12)
    ).track(Track.ENGINEERING)
    assert health.committed_points == 10
    assert health.completed_points == 2
    assert [line.id for line in health.carry_over] == ["infra.b", "infra.c"]


def test_a_github_move_is_dated_by_its_issue_events_one_request_per_moved_issue(
    team: Team,
) -> None:
    """c is moved to in review on GitHub (label) on Tue 11-03 09:00, and commented on at 17:00
    (so its `updated_at` is 17:00); a is only commented on. Synced Wed 02:00.
    By hand: one stage event for c at 09:00 (the `labeled` event), from exactly one
    issue-events request (c's: a changed nothing we count)."""
    sandbox = team.sandbox
    team.sync(t(1, 20))
    team.at(t(3, 9))
    sandbox.github_move("infra.c", Stage.IN_REVIEW)
    team.at(t(3, 17))
    for item in ("infra.c", "infra.a"):
        sandbox.github.human_comment(sandbox.github_repo, sandbox.github_number(item), "ok")
    sandbox.github.stats.reset()
    team.sync(t(4, 2))

    moves = [(e.item_id, e.data["to"], e.at) for e in team.events("stage_changed")]
    assert moves == [("infra.c", "in_review", t(3, 9))]
    assert sandbox.github.stats.by_route[EVENTS_ROUTE] == 1
    # Mirrored to Jira at 02:00; the next night Jira's own change (our write) adds nothing.
    team.sync(t(5, 2))
    assert len(team.events("stage_changed")) == 1


def _jira_sprint(team: Team, sprint_id: str) -> int:
    with open_workspace(team.sandbox.config_path) as workspace:
        refs = workspace.store.get_sprint_refs("trending-now", team.sandbox.jira_tracker)
    return int(refs[sprint_id])


def test_sprint_scope_and_re_estimates_made_in_jira_carry_jira_times(team: Team) -> None:
    """A story filed straight in Jira (5 points) is dragged into sprint 1 on Tue 11-03 at
    10:01, re-estimated to 8 on Wed 11-04 at 10:00 and sent back to the backlog on Thu 11-05
    at 11:30; the sync runs each night at 02:00. By hand (Jira's sprint report): added
    Tue 10:01 (not Wed 02:00), re-estimated +3 on Wed, removed Thu 11:30 (not Fri 02:00)."""
    sandbox, jira = team.sandbox, team.sandbox.jira
    team.sync(t(1, 20))
    team.at(t(3, 10, 1))
    key = jira.human_create(sandbox.jira_project, "Drift alert fires twice", "Story",
                            **{"Story point estimate": 5})  # type: ignore[arg-type]
    with jira.lock:
        sprint = jira.data.sprints[_jira_sprint(team, "s1")]
        jira.data.move_to_sprint([jira.data.issue(key)], sprint)
    team.sync(t(4, 2))
    team.at(t(4, 10))
    jira.human_edit(key, **{"Story point estimate": 8})
    team.sync(t(5, 2))
    team.at(t(5, 11, 30))
    with jira.lock:
        jira.data.move_to_backlog([jira.data.issue(key)])
    team.sync(t(6, 2))

    item = born_id(sandbox.jira_tracker, key)
    scope = [(e.kind, e.at) for e in team.events("sprint_added") + team.events("sprint_removed")
             if e.item_id == item]
    assert sorted(scope) == [("sprint_added", t(3, 10, 1)), ("sprint_removed", t(5, 11, 30))]
    [points] = team.events("points_changed")
    assert (points.item_id, points.at, dict(points.data)) == (
        item, t(4, 10), {"from": 5.0, "to": 8.0}
    )


def test_a_github_milestone_change_is_dated_by_its_milestoned_event(team: Team) -> None:
    """An issue opened straight on GitHub on Tue 11-03 09:00 is put in sprint 1's milestone
    at 10:01 and commented on at 16:00; it leaves the milestone on Wed 11-04 at 11:30. Synced
    at 02:00 each night. By hand: joined sprint 1 at Tue 10:01, left at Wed 11:30, each
    dated by one issue-events request in the run that saw the change."""
    sandbox, github = team.sandbox, team.sandbox.github
    team.sync(t(1, 20))
    repo = github.state.repo(sandbox.github_repo)
    assert repo is not None
    [stone] = [m.number for m in repo.milestones.values()
               if "tracker-bridge:sprint=s1 " in (m.description or "")]
    team.at(t(3, 9))
    number = github.human_create_issue(sandbox.github_repo, "Flaky ranking test")["number"]
    team.at(t(3, 10, 1))
    github.human_edit_issue(sandbox.github_repo, number, milestone=stone)
    team.at(t(3, 16))
    github.human_comment(sandbox.github_repo, number, "seen on main too")
    github.stats.reset()
    team.sync(t(4, 2))
    assert github.stats.by_route[EVENTS_ROUTE] == 1
    team.at(t(4, 11, 30))
    github.human_edit_issue(sandbox.github_repo, number, milestone=None)
    github.stats.reset()
    team.sync(t(5, 2))
    assert github.stats.by_route[EVENTS_ROUTE] == 1

    item = born_id(sandbox.github_tracker, str(number))
    scope = [(e.kind, e.at) for e in team.events("sprint_added") + team.events("sprint_removed")
             if e.item_id == item]
    assert sorted(scope) == [("sprint_added", t(3, 10, 1)), ("sprint_removed", t(4, 11, 30))]


@pytest.fixture
def board_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    roadmap = tmp_path / "roadmap.yaml"
    roadmap.write_text(ROADMAP)
    mapping = tmp_path / "github.yaml"
    mapping.write_text("mode: projects\nproject: {number: 1}\nsprints_as: milestone\n")
    with Sandbox(tmp_path / "sandbox", roadmap, github_mapping=mapping) as sandbox:
        for name, value in sandbox.environ.items():
            monkeypatch.setenv(name, value)
        yield Team(sandbox, roadmap)


def test_a_board_move_in_projects_mode_is_dated_by_its_field_value(board_team: Team) -> None:
    """Projects v2: c's Status is set to In Staging on the board on Tue 11-03 09:00 and c is
    commented on at 17:00. Synced Wed 02:00. By hand: one stage event at 09:00 (the Status
    value's `updatedAt`, read with the board), no issue-events request."""
    team, sandbox = board_team, board_team.sandbox
    team.sync(t(1, 20))
    team.at(t(3, 9))
    sandbox.github_move("infra.c", Stage.IN_STAGING)
    team.at(t(3, 17))
    sandbox.github.human_comment(sandbox.github_repo, sandbox.github_number("infra.c"), "ok")
    sandbox.github.stats.reset()
    team.sync(t(4, 2))

    moves = [(e.item_id, e.data["to"], e.at) for e in team.events("stage_changed")]
    assert moves == [("infra.c", "in_staging", t(3, 9))]
    assert sandbox.github.stats.by_route[EVENTS_ROUTE] == 0


def test_every_move_between_two_syncs_is_kept_at_its_own_time(team: Team) -> None:
    """c is started in Jira on Tue 11-03 10:00 and sent to review on Wed 11-04 15:00; the
    sync runs only on Thu 02:00. By hand (Jira's changelog, what its control chart reads):
    sprint_backlog -> in_progress at Tue 10:00, in_progress -> in_review at Wed 15:00, so
    c's cycle time starts on Tuesday, not at the review."""
    sandbox = team.sandbox
    team.sync(t(1, 20))
    team.at(t(3, 10))
    sandbox.jira_move("infra.c", Stage.IN_PROGRESS)
    team.at(t(4, 15))
    sandbox.jira_move("infra.c", Stage.IN_REVIEW)
    team.sync(t(5, 2))

    moves = [(e.data["from"], e.data["to"], e.at) for e in team.events("stage_changed")]
    assert moves == [
        ("sprint_backlog", "in_progress", t(3, 10)),
        ("in_progress", "in_review", t(4, 15)),
    ]
