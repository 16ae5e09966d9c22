"""A tracker-born item that ends: scope removed in its sprint, its mirrors told and let go.

What a team does: a story filed straight in Jira mid-sprint (mirrored to GitHub, where the
developers work) turns out to be a duplicate, and someone deletes it in Jira. The sprint
report must show it leaving the sprint, not pretend it was never there; the GitHub mirror
must not be left syncing against nothing, nor be closed as if the work were done.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tracker_bridge.adapters.jira.translate import parse_time
from tracker_bridge.model import born_id
from tracker_bridge.testing.fake_jira import moves

from .conftest import PROJECT, Runner, add_to_sprint


@pytest.fixture
def mirrored(seeded: Runner) -> Runner:
    path = seeded.sandbox.config_path
    path.write_text(path.read_text().replace("[[projects]]\n", '[[projects]]\nmirror = "all"\n', 1))
    return seeded


def _engineering(runner: Runner) -> dict[str, Any]:
    code, out, err = runner("report", "sprint", "--format", "json", "--config", runner.config)
    assert code == 0, err
    [track] = [t for t in json.loads(out)["health"]["tracks"] if t["track"] == "engineering"]
    return dict(track)


def test_a_deleted_jira_born_story_is_scope_removed_and_its_mirror_told_once(
    mirrored: Runner,
) -> None:
    sandbox = mirrored.sandbox
    key = sandbox.jira.human_create(
        sandbox.jira_project, "Drift alert fires twice", "Story", **{"Story point estimate": 3}
    )
    add_to_sprint(sandbox, key, "s1")
    item_id = born_id(sandbox.jira_tracker, key)
    assert mirrored.json("sync", "--yes")["summary"]["created"] == 1  # the GitHub mirror
    number = sandbox.github_number(item_id)
    track = _engineering(mirrored)
    assert item_id in {x["id"] for x in track["added"]}
    sandbox.jira.clock.advance(3600)
    sandbox.github.clock.advance(3600)

    moves.delete_issue(sandbox.jira, key)
    sandbox.github.stats.reset()
    ended = mirrored.json("sync", "--yes")
    assert ended["summary"]["failures"] == []
    skips = {(s["item_id"], s["tracker"]): s["reason"] for s in ended["summary"]["skips"]}
    assert skips[(item_id, sandbox.jira_tracker)] == (
        f"{key} was deleted; the tracker-born item ends here"
    )
    assert skips[(item_id, sandbox.github_tracker)] == (
        f"mirror of a tracker-born item that ended ({key} was deleted on "
        f"{sandbox.jira_tracker}): commented once, then no longer synced; left open"
    )
    # One comment on the mirror, saying what happened; the mirror stays open.
    repo = sandbox.github.state.repo(sandbox.github_repo)
    assert repo is not None
    [comment] = [c for c in repo.comments if c.issue_number == number]
    assert f"mirrors {key} on {sandbox.jira_tracker}" in comment.body
    assert "was deleted" in comment.body and "left open" in comment.body
    [mirror] = [i for i in sandbox.github.issues(sandbox.github_repo) if i["number"] == number]
    assert mirror["state"] == "open"

    # Off the board; in the sprint report as scope removed, with its points.
    board = mirrored.json("status")
    assert item_id not in {x["id"] for c in board["columns"] for x in c["items"]}
    track = _engineering(mirrored)
    [removed] = [x for x in track["removed"] if x["id"] == item_id]
    assert removed["points"] == 3 and removed["tracker_born"] is True
    assert track["removed_points"] >= 3
    assert item_id not in {x["id"] for x in track["remaining"]}
    store = mirrored.store()
    try:
        [event] = store.events(PROJECT, kinds=["sprint_removed"], item_id=item_id)
        refs = store.get_refs(PROJECT, sandbox.github_tracker)
    finally:
        store.close()
    assert event.data["ended"] == "deleted"
    assert item_id not in refs  # let go: never written again

    # The next nights: nothing planned, nothing reported, the mirror never touched again.
    sandbox.github.clock.advance(3600)
    sandbox.github.human_edit_issue(sandbox.github_repo, number, title="Drift alert (dup)")
    sandbox.github.stats.reset()
    quiet = mirrored.json("sync", "--yes")
    assert quiet["plan"]["actions"] == []
    assert [s for s in quiet["summary"]["skips"] if s["item_id"] == item_id] == []
    writes = [(m, p) for m, p, _ in sandbox.github.stats.log if m != "GET"]
    assert writes == []
    assert mirrored.json("sync", "--yes")["plan"]["actions"] == []


@pytest.mark.parametrize(
    "sandbox", [{"jira_scope": {"jql": 'labels is EMPTY OR labels != "ops"'}}], indirect=True
)
def test_a_story_taken_out_of_scope_leaves_the_sprint_at_the_time_of_that_edit(
    seeded: Runner,
) -> None:
    """Jira tells when: the edit that took it out of the scope, not the night we noticed."""
    sandbox = seeded.sandbox
    key = sandbox.jira.human_create(
        sandbox.jira_project, "Rotate the API keys", "Story", **{"Story point estimate": 2}
    )
    add_to_sprint(sandbox, key, "s1")
    item_id = born_id(sandbox.jira_tracker, key)
    seeded.json("sync", "--yes")
    sandbox.jira.human_edit(key, labels=["ops"])  # the ops team's now
    edited = sandbox.jira.issue_json(key)["fields"]["updated"]
    time.sleep(1.5)  # noticed later than it happened

    result = seeded.json("sync", "--yes")
    reasons = [s["reason"] for s in result["summary"]["skips"] if s["item_id"] == item_id]
    assert reasons == [f"{key} left the target's scope; the tracker-born item ends here"]
    store = seeded.store()
    try:
        [event] = store.events(PROJECT, kinds=["sprint_removed"], item_id=item_id)
    finally:
        store.close()
    assert abs((event.at - parse_time(edited)).total_seconds()) < 1
    track = _engineering(seeded)
    assert item_id in {x["id"] for x in track["removed"]}
