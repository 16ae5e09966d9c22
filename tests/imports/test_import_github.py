"""`import` from an existing GitHub repository: milestones (a closed one too), labels, epics
with sub-issues, points and assignees; then `plan`, `seed` onto Jira and a second seed.

The team's repository is set up through GitHub's REST API, as a person or a script does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.born.conftest import Runner
from tracker_bridge.model import Kind, SprintState, Stage
from tracker_bridge.roadmap import load_roadmap


def _due(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT08:00:00Z")


def test_a_github_repository_with_milestones_imports_binds_and_mirrors_once(run: Runner) -> None:
    sandbox = run.sandbox
    repo = sandbox.github_repo
    api = httpx.Client(
        base_url=sandbox.github.url, headers={"Authorization": f"token {sandbox.github.token}"}
    )

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = api.post(f"/repos/{repo}/{path}", json=body)
        assert reply.status_code == 201, reply.text
        data: dict[str, Any] = reply.json()
        return data

    done = post("milestones", {"title": "Sprint 14", "due_on": _due(-4)})["number"]
    now = post("milestones", {"title": "Sprint 15", "due_on": _due(10), "description": "Go live"})
    later = post("milestones", {"title": "Sprint 16", "due_on": _due(24)})["number"]
    epic = post("issues", {"title": "Serving", "labels": ["type:epic"]})
    shipped = post("issues", {"title": "Model registry", "labels": ["type:story", "points:5"],
                              "milestone": done})  # fmt: skip
    api.patch(f"/repos/{repo}/issues/{shipped['number']}", json={"state": "closed"})
    api.patch(f"/repos/{repo}/milestones/{done}", json={"state": "closed"})
    serving = post("issues", {
        "title": "Canary rollout", "labels": ["type:story", "points:3", "stage:in-progress", "ml"],
        "assignees": ["alice"], "milestone": now["number"],
    })  # fmt: skip
    spike = post("issues", {"title": "Try KServe", "labels": ["type:spike"],
                            "milestone": now["number"]})  # fmt: skip
    planned = post("issues", {"title": "Autoscaling", "labels": ["type:task"],
                              "milestone": later})  # fmt: skip
    bug = post("issues", {"title": "Latency spike at noon"})
    for child in (shipped, serving, planned):
        post(f"issues/{epic['number']}/sub_issues", {"sub_issue_id": child["id"]})
    imported = sandbox.directory / "imported.yaml"

    code, _out, err = run("import", "-t", sandbox.github_tracker, "-o", str(imported))
    assert code == 0, err
    assert "6 issue(s) and 3 sprint(s)" in err, err
    code, out, err = run("validate", str(imported))
    assert code == 0, out + err

    roadmap = load_roadmap(imported).roadmap
    assert [(s.name, s.state, s.end) for s in roadmap.sprints] == [
        ("Sprint 14", SprintState.CLOSED, datetime.fromisoformat(_due(-4)).date()),
        ("Sprint 15", SprintState.ACTIVE, datetime.fromisoformat(_due(10)).date()),
        ("Sprint 16", SprintState.FUTURE, datetime.fromisoformat(_due(24)).date()),
    ]
    assert roadmap.cadence.sprint_length_days == 14
    assert roadmap.sprints[1].goal == "Go live"
    assert roadmap.sprints[1].adopt == (f"github:{repo}/milestone/{now['number']}",)
    items = roadmap.item_by_id()

    def item(issue: dict[str, Any]) -> Any:
        return items[f"gh-{repo.replace('/', '-')}-{issue['number']}"]

    assert item(serving).parent == item(epic).id
    assert (item(serving).kind, item(serving).stage, item(serving).sprint) == (
        Kind.STORY, Stage.IN_PROGRESS, "s2",
    )  # fmt: skip
    assert (item(serving).points, item(serving).labels, item(serving).assignee) == (
        3, ("ml",), "alice",
    )  # fmt: skip
    assert (item(shipped).stage, item(shipped).sprint) == (Stage.DONE, "s1")
    assert item(spike).kind is Kind.SPIKE and item(spike).timebox is not None
    assert (item(planned).sprint, item(bug).sprint, item(bug).parent) == ("s3", None, None)
    assert item(bug).adopt == (f"github:{repo}#{bug['number']}",)

    plan = run.json("plan", str(imported), "--project", "trending-now")
    on_github = [a for a in plan["plan"]["actions"] if a["tracker"] == sandbox.github_tracker]
    assert {a["op"] for a in on_github} <= {"mark", "ensure_sprint"}
    assert sum(a["op"] == "mark" for a in on_github) == 6
    assert all(a["exists"] for a in on_github if a["op"] == "ensure_sprint")

    before = sandbox.counts()
    code, _out, err = run("seed", str(imported), "--yes", "--project", "trending-now")
    assert code == 0, err
    after = sandbox.counts()
    assert after[sandbox.github_tracker] == before[sandbox.github_tracker]
    assert after[sandbox.jira_tracker] == before[sandbox.jira_tracker] + 6
    stones = sandbox.github.milestones(repo)
    assert [(m["title"], m["state"]) for m in stones] == [
        ("Sprint 14", "closed"), ("Sprint 15", "open"), ("Sprint 16", "open"),
    ]  # fmt: skip
    with sandbox.jira.lock:
        sprints = {s.name: s.state for s in sandbox.jira.data.sprints.values()}
    assert sprints == {"Sprint 14": "closed", "Sprint 15": "active", "Sprint 16": "future"}

    again = run.json("seed", str(imported), "--yes", "--project", "trending-now")
    assert again["plan"]["actions"] == []
