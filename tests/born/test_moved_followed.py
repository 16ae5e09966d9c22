"""A Jira issue moved into another project that is a configured target is followed there.

What a team does: a bug filed in the ML project (TREND) turns out to be the platform team's
and an admin moves it into PLAT, which this project also syncs. The work is the same: it
keeps its id, its history and its place in the reports, and syncs from PLAT from now on.
"""

from __future__ import annotations

from typing import Any

import pytest

from tracker_bridge.model import born_id
from tracker_bridge.testing.fake_jira import moves

from .conftest import Runner

PLAT = "PLAT"
TWO_JIRA_PROJECTS = pytest.mark.parametrize(
    "sandbox", [{"jira_other_projects": (PLAT,)}], indirect=True
)


def _board(runner: Runner) -> dict[str, dict[str, Any]]:
    status = runner.json("status")
    return {
        line["id"]: {**line, "stage": col["stage"]}
        for col in status["columns"]
        for line in col["items"]
    }


@TWO_JIRA_PROJECTS
def test_a_tracker_born_bug_moved_to_another_configured_project_is_followed(
    seeded: Runner,
) -> None:
    sandbox = seeded.sandbox
    jira = sandbox.jira
    key = jira.human_create(sandbox.jira_project, "Drift alert fires twice", "Bug")
    item_id = born_id(sandbox.jira_tracker, key)
    first = seeded.json("sync", "--yes")
    assert first["summary"]["born"] == {sandbox.jira_tracker: 1}
    jira.clock.advance(600)

    new_key = moves.move_issue(jira, key, PLAT)
    looked = seeded.json("plan", str(sandbox.roadmap))  # a dry run shows it, stores nothing
    assert any("followed there" in s["reason"] for s in looked["summary"]["skips"])
    moved = seeded.json("sync", "--yes")
    assert moved["summary"]["failures"] == []
    assert moved["summary"]["born"] == {}  # the same work, not a new item
    reasons = [(s["item_id"], s["reason"]) for s in moved["summary"]["skips"]]
    [(who, reason)] = [r for r in reasons if key in r[1]]
    assert who == item_id
    assert reason.startswith(f"{key} was moved to {new_key} on jira:{PLAT} ")
    assert reason.endswith("a configured target; followed there, synced as before")
    line = _board(seeded)[item_id]
    assert line["tracker_key"] == new_key
    assert born_id(f"jira:{PLAT}", new_key) not in _board(seeded)

    # It syncs from PLAT now: a move there shows on the board, and the move is news once.
    jira.clock.advance(600)
    jira.human_transition(new_key, "In Progress")
    later = seeded.json("sync", "--yes")
    assert later["summary"]["failures"] == []
    assert [s for s in later["summary"]["skips"] if s["item_id"] == item_id] == []
    assert _board(seeded)[item_id]["stage"] == "in_progress"
    assert seeded.json("sync", "--yes")["plan"]["actions"] == []


@TWO_JIRA_PROJECTS
def test_an_issue_moved_onto_a_project_that_holds_the_item_already_is_not_followed(
    seeded: Runner,
) -> None:
    """Roadmap items live on both projects: the moved issue would be a second one there."""
    sandbox = seeded.sandbox
    key = sandbox.jira_key("infra.repo")
    sandbox.jira.clock.advance(600)
    moves.move_issue(sandbox.jira, key, PLAT)
    result = seeded.json("sync", "--yes")
    assert result["summary"]["failures"] == []
    [reason] = [s["reason"] for s in result["summary"]["skips"] if s["item_id"] == "infra.repo"]
    assert reason.startswith(f"{key} was moved to {PLAT}-")
    assert reason.endswith("unlinked, never written to again (on_remote_delete = unlink)")
    assert seeded.json("sync", "--yes")["plan"]["actions"] == []
