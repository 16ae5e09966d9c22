"""`adopt:` binds a roadmap item to an existing issue: marker written, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker_bridge.model import Stage, born_id
from tracker_bridge.roadmap.loader import RoadmapLoadError, load_roadmap_text

from .conftest import Runner

ADOPTING = """\
          - id: ml.feature-store
            title: Feature store
            kind: story
            stage: in_progress
            points: 5
            adopt: [{claims}]
"""


def _add_item(runner: Runner, *claims: str) -> None:
    path = runner.sandbox.roadmap
    text = path.read_text() + ADOPTING.format(claims=", ".join(f'"{c}"' for c in claims))
    path.write_text(text)


def test_a_fresh_seed_binds_the_claimed_jira_issue_and_creates_it_elsewhere(run: Runner) -> None:
    sandbox = run.sandbox
    key = sandbox.jira.human_create(sandbox.jira_project, "Feature store", "Story")
    sandbox.jira.human_transition(key, "In Progress")
    _add_item(run, f"jira:{key}")
    before = sandbox.counts()

    plan = run.json("plan", str(sandbox.roadmap))
    ours = [a for a in plan["plan"]["actions"] if a["item"] == "ml.feature-store"]
    on_jira = {a["op"]: a for a in ours if a["tracker"] == sandbox.jira_tracker}
    # Bound, not created: the marker is written, and only what the roadmap says differently
    # from the issue (its epic, its points) is planned, visibly; title and stage agree.
    assert set(on_jira) == {"mark", "link_parent", "update"}
    assert on_jira["update"]["changes"] == {"points": {"from": None, "to": 5}}
    code, _out, err = run("seed", str(sandbox.roadmap), "--yes")
    assert code == 0, err
    after = sandbox.counts()
    assert after[sandbox.jira_tracker] == before[sandbox.jira_tracker] + 3  # epic, 2 items
    assert sandbox.jira_key("ml.feature-store") == key  # the marker is on the team's issue
    assert sandbox.markers()[sandbox.github_tracker]["ml.feature-store"] == 1
    again = run.json("sync", "--yes")
    assert again["plan"]["actions"] == []


def test_adopting_a_tracker_born_issue_takes_it_over_on_both_trackers(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    key = sandbox.jira.human_create(sandbox.jira_project, "Feature store", "Story")
    issue = sandbox.github.human_create_issue(sandbox.github_repo, "Feature store")
    number = int(issue["number"])
    first = seeded.json("sync", "--yes")
    assert first["summary"]["born"] == {sandbox.jira_tracker: 1, sandbox.github_tracker: 1}
    counts = sandbox.counts()

    _add_item(seeded, f"jira:{key}", f"github:{sandbox.github_repo}#{number}")
    adopted = seeded.json("sync", "--yes")
    assert adopted["summary"]["failures"] == []
    assert adopted["summary"]["created"] == 0 and sandbox.counts() == counts
    reasons = {s["reason"] for s in adopted["summary"]["skips"]}
    taken = f"{key} was adopted by roadmap item 'ml.feature-store'; the tracker-born item ends"
    assert any(reason.startswith(taken) for reason in reasons), reasons
    markers = sandbox.markers()
    assert markers[sandbox.jira_tracker]["ml.feature-store"] == 1
    assert markers[sandbox.github_tracker]["ml.feature-store"] == 1
    board = seeded.json("status")
    ids = {line["id"]: col["stage"] for col in board["columns"] for line in col["items"]}
    assert ids["ml.feature-store"] == Stage.IN_PROGRESS.value  # the roadmap's stage, applied
    assert born_id(sandbox.jira_tracker, key) not in ids
    assert born_id(sandbox.github_tracker, str(number)) not in ids
    assert seeded.json("sync", "--yes")["plan"]["actions"] == []


def test_claiming_an_issue_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    text = """\
project: p
cadence: {first_sprint_start: 2026-01-05}
phases:
  - name: One
    sprints: 1
    epics:
      - id: e
        title: E
        items:
          - id: a
            title: A
            adopt: "jira:TREND-2"
          - id: b
            title: B
            adopt: "jira:TREND-2"
"""
    with pytest.raises(RoadmapLoadError) as caught:
        load_roadmap_text(text, tmp_path / "roadmap.yaml")
    [line] = caught.value.lines()
    assert "roadmap.yaml:15:" in line
    assert line.endswith("jira:TREND-2 is adopted by 'a' already")
