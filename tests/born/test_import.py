"""`import`: a roadmap from an existing project that `validate` accepts and `plan` binds."""

from __future__ import annotations

from tracker_bridge.roadmap import load_roadmap

from .conftest import Runner


def test_an_imported_jira_project_plans_no_creates_on_jira_and_seeds_github_once(
    run: Runner,
) -> None:
    sandbox = run.sandbox
    jira = sandbox.jira
    epic = jira.human_create(sandbox.jira_project, "Data platform", "Epic")
    story = jira.human_create(
        sandbox.jira_project, "Feature store", "Story", parent={"key": epic},
        labels=["ml"], **{"Story point estimate": 3},
    )
    jira.human_transition(story, "In Progress")
    bug = jira.human_create(sandbox.jira_project, "Drift alert: fires twice", "Bug")
    imported = sandbox.directory / "imported.yaml"

    code, _out, err = run("import", "-t", sandbox.jira_tracker, "-o", str(imported))
    assert code == 0, err
    code, out, err = run("validate", str(imported))
    assert code == 0, out + err
    items = load_roadmap(imported).roadmap.item_by_id()
    assert items[f"jira-{story.lower()}"].parent == f"jira-{epic.lower()}"
    assert items[f"jira-{story.lower()}"].adopt == (f"jira:{story}",)
    assert items[f"jira-{bug.lower()}"].parent is None
    assert items[f"jira-{story.lower()}"].points == 3

    plan = run.json("plan", str(imported), "--project", "trending-now")
    on_jira = [a for a in plan["plan"]["actions"] if a["tracker"] == sandbox.jira_tracker]
    assert {a["op"] for a in on_jira} == {"mark"}  # bound, nothing created or changed
    assert len(on_jira) == 3
    before = sandbox.counts()
    code, _out, err = run("seed", str(imported), "--yes", "--project", "trending-now")
    assert code == 0, err
    after = sandbox.counts()
    assert after[sandbox.jira_tracker] == before[sandbox.jira_tracker]
    assert after[sandbox.github_tracker] == before[sandbox.github_tracker] + 3
    again = run.json("seed", str(imported), "--yes", "--project", "trending-now")
    assert again["plan"]["actions"] == []
