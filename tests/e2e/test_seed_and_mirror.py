"""The reconciler end to end: real adapters, real HTTP, fake Jira and GitHub, SQLite store."""

from __future__ import annotations

from pathlib import Path

from tracker_bridge.model import Stage
from tracker_bridge.roadmap import load_roadmap
from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle

ITEMS = len(load_roadmap(EXAMPLE).roadmap.items)


def test_seeding_twice_creates_each_item_once(sandbox: Sandbox, cycle: Cycle) -> None:
    first = cycle.run()
    assert first.ok, first.summary()["failures"]
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}
    second = cycle.run()
    assert second.ok
    assert second.plan.counts().get("create", 0) == 0
    assert sandbox.counts() == {sandbox.jira_tracker: ITEMS, sandbox.github_tracker: ITEMS}


def test_settled_sync_plans_nothing(sandbox: Sandbox, cycle: Cycle) -> None:
    cycle.run()
    cycle.run()  # reads back our own writes: echoes, not changes
    quiet = cycle.run()
    assert quiet.plan.empty, quiet.plan.to_json()


def test_a_move_in_jira_reaches_github_and_nothing_echoes(sandbox: Sandbox, cycle: Cycle) -> None:
    cycle.run()
    cycle.run()
    item = "ingestion.rotten-tomatoes"
    sandbox.jira_move(item, Stage.IN_REVIEW)
    mirrored = cycle.run()
    assert [(a.tracker, a.op, a.item_id) for a in mirrored.plan.actions] == [
        (sandbox.github_tracker, "move_stage", item)
    ]
    assert mirrored.ok
    issue = next(
        i
        for i in sandbox.github.issues(sandbox.github_repo)
        if i["number"] == sandbox.github_number(item)
    )
    assert "stage:in-review" in {label["name"] for label in issue["labels"]}
    assert cycle.run().plan.empty
    assert cycle.run().plan.empty


def test_a_title_edited_in_the_roadmap_reaches_both(sandbox: Sandbox, tmp_path: Path) -> None:
    from .conftest import Cycle as Runner

    edited = tmp_path / "roadmap.yaml"
    text = EXAMPLE.read_text()
    edited.write_text(text)
    runner = Runner(sandbox, edited)
    runner.run()
    original = "Develop scraping script for Rotten Tomatoes"
    assert original in text
    edited.write_text(text.replace(original, "Scrape Rotten Tomatoes daily", 1))
    report = runner.run()
    updates = {(a.tracker, a.op) for a in report.plan.actions}
    assert updates == {(sandbox.jira_tracker, "update"), (sandbox.github_tracker, "update")}
    titles = {i["title"] for i in sandbox.github.issues(sandbox.github_repo)}
    assert "Scrape Rotten Tomatoes daily" in titles
    summaries = {i["fields"]["summary"] for i in sandbox.jira.issues(sandbox.jira_project)}
    assert "Scrape Rotten Tomatoes daily" in summaries


def test_a_lost_create_is_found_by_marker_not_created_twice(
    sandbox: Sandbox, cycle: Cycle
) -> None:
    from tracker_bridge.testing import FaultRule

    # Every bulk create commits, then its answer is lost: the reconciler must adopt by marker.
    sandbox.jira.faults.add(FaultRule("lost_response", method="POST", path="/issue/bulk$"))
    report = cycle.run()
    assert report.ok, report.summary()["failures"]
    assert sandbox.counts()[sandbox.jira_tracker] == ITEMS
    jira = sandbox.markers()[sandbox.jira_tracker]
    assert len(jira) == ITEMS and set(jira.values()) == {1}
