"""A target's scope: which unmarked issues are the project's work, on Jira and on GitHub."""

from __future__ import annotations

import pytest

from tracker_bridge.model import born_id

from .conftest import Runner

SCOPED = {"jira_scope": {"jql": 'labels = "ml"'}, "github_scope": {"labels": ["ml"]}}


@pytest.mark.parametrize("sandbox", [SCOPED], indirect=True)
def test_only_unmarked_issues_in_scope_become_items(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    jira, github = sandbox.jira, sandbox.github
    ml_key = jira.human_create(sandbox.jira_project, "Retrain on fresh data", labels=["ml"])
    other_key = jira.human_create(sandbox.jira_project, "Office chairs", labels=["facilities"])
    ml = github.human_create_issue(sandbox.github_repo, "Feature store spike", labels=["ml"])
    other = github.human_create_issue(sandbox.github_repo, "Team lunch")

    result = seeded.json("sync", "--yes")
    summary = result["summary"]
    assert summary["failures"] == []
    assert summary["born"] == {sandbox.jira_tracker: 1, sandbox.github_tracker: 1}
    ids = {line["id"] for column in seeded.json("status")["columns"] for line in column["items"]}
    assert born_id(sandbox.jira_tracker, ml_key) in ids
    assert born_id(sandbox.github_tracker, str(ml["number"])) in ids
    assert born_id(sandbox.jira_tracker, other_key) not in ids
    assert born_id(sandbox.github_tracker, str(other["number"])) not in ids
    # The roadmap's own issues carry no `ml` label and are still synced: a scope never
    # drops an item the roadmap claims.
    assert {"infra.ci", "infra.repo"} <= ids


def test_a_jira_scope_with_order_by_is_refused_in_one_line(run: Runner) -> None:
    text = run.sandbox.config_path.read_text().replace(
        "scope = {  }", 'scope = { jql = "labels = ml ORDER BY key" }', 1
    )
    run.sandbox.config_path.write_text(text)
    code, out, err = run("plan", str(run.sandbox.roadmap))
    assert code == 2 and out == ""
    assert err.strip().endswith("scope jql must be a condition without ORDER BY")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("sandbox", [SCOPED], indirect=True)
def test_doctor_counts_issues_in_scope_and_those_without_a_marker(seeded: Runner) -> None:
    sandbox = seeded.sandbox
    sandbox.jira.human_create(sandbox.jira_project, "Retrain on fresh data", labels=["ml"])
    sandbox.jira.human_create(sandbox.jira_project, "Office chairs")
    sandbox.github.human_create_issue(sandbox.github_repo, "Feature store spike", labels=["ml"])
    code, out, err = seeded("doctor")
    assert code == 0, out + err
    # The table wraps its cells: one line per check, taken column by column.
    rows = [line.split("│") for line in out.splitlines() if line.count("│") >= 2]
    text = " ".join(" ".join(cells[2].split()) for cells in rows)
    assert '1 issue(s) in scope (labels = "ml"), 1 without a marker' in text, out
    assert "1 issue(s) in scope (label 'ml'), 1 without a marker" in text, out
