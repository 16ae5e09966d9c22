"""Work that starts in Jira: an unmarked Story in the active sprint counts everywhere."""

from __future__ import annotations

import json

from tracker_bridge.model import Stage, born_id

from .conftest import PROJECT, Runner, add_to_sprint


def _column(board: dict[str, object], stage: Stage) -> dict[str, object]:
    columns = board["columns"]
    assert isinstance(columns, list)
    return next(c for c in columns if c["stage"] == stage.value)


def test_an_unmarked_story_in_the_sprint_counts_on_the_board_and_in_the_report(
    seeded: Runner,
) -> None:
    sandbox = seeded.sandbox
    before = seeded.json("status")
    assert _column(before, Stage.IN_PROGRESS)["count"] == 1
    assert before["breaches"] == []
    github_issues = sandbox.counts()[sandbox.github_tracker]

    # Mid-sprint, someone files a story straight in Jira, drags it into the sprint, starts it.
    key = sandbox.jira.human_create(
        sandbox.jira_project, "Drift alert fires twice", "Story", **{"Story point estimate": 5}
    )
    entered = add_to_sprint(sandbox, key, "s1")
    sandbox.jira.human_transition(key, "In Progress")

    result = seeded.json("sync", "--yes")
    assert result["summary"]["failures"] == []
    assert result["summary"]["born"] == {sandbox.jira_tracker: 1}
    item_id = born_id(sandbox.jira_tracker, key)
    assert item_id == f"jira-{key.lower()}"

    board = seeded.json("status")
    in_progress = _column(board, Stage.IN_PROGRESS)
    assert in_progress["count"] == 2
    [line] = [x for x in in_progress["items"] if x["id"] == item_id]  # type: ignore[attr-defined]
    assert line["tracker_key"] == key and line["tracker"] == sandbox.jira_tracker
    assert line["points"] == 5
    assert [b["stage"] for b in board["breaches"]] == [Stage.IN_PROGRESS.value]
    _code, text, _err = seeded("status")
    assert key in text and "tracker-born" in text

    # Scope added, at the time it entered the sprint in Jira (not when we synced).
    code, out, err = seeded("report", "sprint", "--format", "json", "--config", seeded.config)
    assert code == 0, err
    report = json.loads(out)
    [track] = [t for t in report["health"]["tracks"] if t["track"] == "engineering"]
    [added] = [x for x in track["added"] if x["id"] == item_id]
    assert added["points"] == 5 and added["tracker_born"] is True
    assert item_id not in {x["id"] for x in track["committed"]}
    store = seeded.store()
    try:
        [event] = store.events(PROJECT, kinds=["sprint_added"], item_id=item_id)
    finally:
        store.close()
    assert abs((event.at - entered).total_seconds()) < 1

    # Not mirrored (mirror = "roadmap" by default), and a second sync changes nothing.
    assert sandbox.counts()[sandbox.github_tracker] == github_issues
    again = seeded.json("sync", "--yes")
    assert again["plan"]["actions"] == []
    assert again["summary"]["born"] == {}


def test_an_issue_type_the_mapping_does_not_know_is_listed_once_and_counted(
    seeded: Runner,
) -> None:
    sandbox = seeded.sandbox
    parent = sandbox.jira_key("infra.ci")
    key = sandbox.jira.human_create(
        sandbox.jira_project, "Flaky lint step", "Sub-task", parent={"key": parent}
    )
    sandbox.jira.human_transition(key, "In Progress")
    reason = f'{key}: issue type "Sub-task" is not in the mapping (counted as a task)'
    code, out, err = seeded("plan", str(sandbox.roadmap))
    assert code == 0, err
    assert reason in " ".join(out.split())  # the plan lists it, with why
    first = seeded.json("sync", "--yes")
    assert [s["reason"] for s in first["summary"]["skips"]] == [reason]
    board = seeded.json("status")
    [line] = [x for c in board["columns"] for x in c["items"] if x["tracker_key"] == key]
    assert (line["kind"], line["stage"]) == ("task", Stage.IN_PROGRESS.value)
    assert seeded.json("sync", "--yes")["summary"]["skips"] == []
