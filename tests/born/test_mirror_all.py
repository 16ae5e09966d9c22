"""`mirror = "all"`: tracker-born work is created on the other targets once, then synced."""

from __future__ import annotations

import pytest

from tracker_bridge.model import Stage, born_id

from .conftest import Runner


@pytest.fixture
def mirrored(seeded: Runner) -> Runner:
    path = seeded.sandbox.config_path
    path.write_text(path.read_text().replace("[[projects]]\n", '[[projects]]\nmirror = "all"\n', 1))
    return seeded


def test_a_jira_born_story_is_mirrored_once_and_moves_flow_back(mirrored: Runner) -> None:
    sandbox = mirrored.sandbox
    key = sandbox.jira.human_create(sandbox.jira_project, "Drift alert fires twice", "Story")
    item_id = born_id(sandbox.jira_tracker, key)
    github_before = sandbox.counts()[sandbox.github_tracker]

    first = mirrored.json("sync", "--yes")
    assert first["summary"]["failures"] == []
    assert first["summary"]["created"] == 1
    markers = sandbox.markers()
    assert markers[sandbox.github_tracker][item_id] == 1
    assert markers[sandbox.jira_tracker][item_id] == 0  # the team's own issue is not relabelled
    assert sandbox.counts()[sandbox.github_tracker] == github_before + 1

    again = mirrored.json("sync", "--yes")
    assert again["plan"]["actions"] == []  # no echo, no duplicate

    # Flow fields belong to the trackers: a move on GitHub, later, reaches the Jira issue.
    # (GitHub's times have whole seconds: a move in the second of our own write would read
    # as the write itself.)
    sandbox.github.clock.advance(60)
    sandbox.github_move(item_id, Stage.IN_REVIEW)
    moved = mirrored.json("sync", "--yes")
    assert [(a["op"], a["tracker"]) for a in moved["plan"]["actions"]] == [
        ("move_stage", sandbox.jira_tracker)
    ]
    assert sandbox.jira.issue_json(key)["fields"]["status"]["name"] == "In Review"

    # Planning fields belong to Jira, where it was born: a GitHub retitle is reported and
    # overruled; a Jira retitle reaches GitHub.
    sandbox.github.clock.advance(60)
    sandbox.github_edit(item_id, title="Renamed on GitHub")
    overruled = mirrored.json("sync", "--yes")
    [conflict] = overruled["plan"]["conflicts"]
    assert (conflict["item"], conflict["field"], conflict["winner"]) == (
        item_id, "title", sandbox.jira_tracker
    )
    sandbox.jira.clock.advance(60)
    sandbox.jira.human_edit(key, summary="Drift alert fires twice on Mondays")
    mirrored.json("sync", "--yes")
    number = sandbox.github_number(item_id)
    titles = {i["number"]: i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert titles[number] == "Drift alert fires twice on Mondays"
    assert mirrored.json("sync", "--yes")["plan"]["actions"] == []
