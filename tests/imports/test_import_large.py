"""`import` of a real team's size of project: 1,000 issues in ten epics across six sprints
costs a few requests per 100 issues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.born.conftest import Runner
from tracker_bridge.roadmap import load_roadmap

ISSUES = 1_000
EPICS = 10
SPRINTS = 6


def test_a_thousand_jira_issues_import_in_a_few_requests_per_hundred(run: Runner) -> None:
    sandbox = run.sandbox
    jira, key = sandbox.jira, sandbox.jira_project
    monday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday() + 14 * (SPRINTS - 2))
    sprints = []
    for number in range(SPRINTS):
        start = monday + timedelta(days=14 * number)
        sprints.append(
            jira.human_create_sprint(
                key, f"TREND Sprint {number + 1}", start, start + timedelta(days=13),
                started=number < SPRINTS - 1,
            )
        )  # fmt: skip
    epics = [jira.human_create(key, f"Epic {n}", "Epic") for n in range(EPICS)]
    per_sprint: dict[int, list[str]] = {sprint: [] for sprint in sprints}
    for n in range(ISSUES - EPICS):
        issue = jira.human_create(
            key, f"Story {n}", "Story", parent={"key": epics[n % EPICS]},
            **{"Story point estimate": n % 5 + 1},
        )  # fmt: skip
        if n % 4:  # a quarter stays in the backlog
            per_sprint[sprints[n % SPRINTS]].append(issue)
    for sprint, keys in per_sprint.items():
        jira.human_move_to_sprint(sprint, keys)
    for sprint in sprints[: SPRINTS - 2]:
        jira.human_complete_sprint(sprint)
    imported = sandbox.directory / "imported.yaml"

    jira.stats.reset()
    code, _out, err = run("import", "-t", sandbox.jira_tracker, "-o", str(imported))
    assert code == 0, err
    requests = jira.stats.total
    print(f"import of {ISSUES} Jira issues: {requests} requests ({err.strip()})")
    assert requests <= 3 * ISSUES // 100 + 10, jira.stats.snapshot()["by_route"]

    roadmap = load_roadmap(imported).roadmap
    assert len(roadmap.items) == ISSUES
    assert len(roadmap.sprints) == SPRINTS
    assert sum(item.sprint is not None for item in roadmap.items) == 742
    assert all(item.adopt for item in roadmap.items)


def test_three_hundred_github_issues_import_in_a_few_requests_per_hundred(run: Runner) -> None:
    sandbox = run.sandbox
    gh, repo = sandbox.github, sandbox.github_repo
    epics = [gh.human_create_issue(repo, f"Epic {n}", labels=["type:epic"]) for n in range(10)]
    stories = [
        gh.human_create_issue(repo, f"Story {n}", labels=["type:story", f"points:{n % 5 + 1}"])
        for n in range(290)
    ]
    api = httpx.Client(base_url=gh.url, headers={"Authorization": f"token {gh.token}"})
    for epic, child in zip(epics, stories, strict=False):  # a sub-issue each, as people link
        reply = api.post(
            f"/repos/{repo}/issues/{epic['number']}/sub_issues", json={"sub_issue_id": child["id"]}
        )
        assert reply.status_code == 201, reply.text
    imported = sandbox.directory / "imported.yaml"

    gh.stats.reset()
    code, _out, err = run("import", "-t", sandbox.github_tracker, "-o", str(imported))
    assert code == 0, err
    requests = gh.stats.total
    print(f"import of 300 GitHub issues: {requests} requests ({err.strip()})")
    assert requests <= 3 * 300 // 100 + 5, gh.stats.snapshot()["by_route"]
    assert "300 issue(s)" in err
