"""A failed write is retried on its own; it does not hold the pull cursor of the project."""

from __future__ import annotations

from tracker_bridge.model import Stage
from tracker_bridge.testing import FaultRule
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import Cycle

ITEM = "ingestion.rotten-tomatoes"


def test_a_failed_move_is_retried_alone_and_the_cursor_moves_on(
    sandbox: Sandbox, cycle: Cycle
) -> None:
    cycle.run()
    cycle.run()
    # A project in use: plenty of issues nobody manages through the roadmap.
    for number in range(40):
        sandbox.jira.human_create("TREND", f"Support ticket {number}", "Task")
    cycle.run()
    sandbox.github_move(ITEM, Stage.IN_REVIEW)
    refused = sandbox.jira.faults.add(
        FaultRule("error", status=403, method="POST", path="/transitions$")
    )
    failed = cycle.run()
    assert [f.item_id for f in failed.applied.failures] == [ITEM]  # type: ignore[union-attr]
    assert failed.cursors_moved
    sandbox.jira.faults.clear()
    del refused
    retried = cycle.run()
    assert retried.ok, retried.summary()["failures"]
    # Only the failed item is read again, not the 40 untouched issues.
    assert retried.pulled[sandbox.jira_tracker] <= 2, retried.pulled
    moves = [(a.tracker, a.op, a.item_id) for a in retried.plan.actions]
    assert moves == [(sandbox.jira_tracker, "move_stage", ITEM)]
    issue = sandbox.jira.issue_json(sandbox.jira_key(ITEM))
    assert issue["fields"]["status"]["name"] == "In Review"
    # The person's move on GitHub stands: never reverted by the failure.
    github = next(
        i for i in sandbox.github.issues(sandbox.github_repo)
        if i["number"] == sandbox.github_number(ITEM)
    )
    assert "stage:in-review" in {label["name"] for label in github["labels"]}
    assert cycle.run().plan.empty
