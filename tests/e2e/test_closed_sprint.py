"""An item planned into a sprint that has ended: left out of it, reported, never a nightly
failure. Closed sprints are never reopened (that rewrites their history and reports)."""

from __future__ import annotations

from pathlib import Path

from tracker_bridge.testing.sandbox import Sandbox

from .conftest import EXAMPLE, Cycle

LATE_ITEM = """\
          - id: infra.late-item
            title: Forgotten hardening task
            kind: task
            points: 1
            sprint: 1
"""


def with_late_item(path: Path) -> Path:
    text = EXAMPLE.read_text()
    anchor = "          - id: infra.ci-pipeline\n"
    path.write_text(text.replace(anchor, LATE_ITEM + anchor, 1))
    return path


def test_an_item_added_to_a_closed_sprint_is_a_skip_not_a_nightly_failure(
    sandbox: Sandbox, cycle: Cycle, tmp_path: Path
) -> None:
    seeded = cycle.run()
    assert seeded.ok, seeded.summary()["failures"]
    assert all(s.state == "closed" for s in sandbox.jira.data.sprints.values())

    later = Cycle(sandbox, with_late_item(tmp_path / "roadmap.yaml"))
    report = later.run(force=False)
    assert report.ok, report.summary()["failures"]
    skipped = [s for s in report.summary()["skipped"] if s["item_id"] == "infra.late-item"]
    assert {s["tracker"] for s in skipped} == {sandbox.jira_tracker, sandbox.github_tracker}
    assert all("sprint s1" in s["reason"] and "never reopened" in s["reason"] for s in skipped)
    assert "move the item to the active or a later sprint" in skipped[0]["reason"]
    # Reported once: the next nights are quiet and clean, not a failure every night.
    for _night in range(2):
        quiet = later.run(force=False)
        assert quiet.ok and quiet.plan.empty, quiet.summary()

    issue = next(
        i
        for i in sandbox.jira.issues(sandbox.jira_project)
        if "tb-id:infra.late-item" in i["fields"]["labels"]
    )
    assert not issue["fields"].get("sprint") and not issue["fields"].get("closedSprints")
    assert all(s.state == "closed" for s in sandbox.jira.data.sprints.values())
