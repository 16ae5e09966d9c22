"""Creates spend the fewest writes GitHub allows: what a create can carry, it carries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.adapters.github.fakes import REPO, GitHubFakeTracker
from tracker_bridge.model import Kind, RemoteRef, Sprint, Stage, WorkItem
from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.tracker import NewItem

SPRINT = Sprint(id="s1", name="Sprint 1", start=date(2026, 1, 5), end=date(2026, 1, 19))


def test_a_create_in_a_known_sprint_carries_its_milestone() -> None:
    with FakeGitHub() as gh:
        adapter = GitHubFakeTracker(gh).open_adapter()
        milestone = adapter.ensure_sprint(SPRINT, None)
        adapter.create_items([NewItem(WorkItem(id="warm", kind=Kind.TASK, title="W"))],
                             lambda i, r: None)  # the labels are made once, here
        gh.stats.reset()
        refs: dict[str, RemoteRef] = {}
        item = WorkItem(id="t1", kind=Kind.TASK, title="T1", sprint="s1", stage=Stage.IN_REVIEW)
        [result] = adapter.create_items([NewItem(item)], refs.__setitem__)
        assert result.ok, result.error
        assert result.values["sprint"] == "s1" and result.values["stage"] == "in_review"
        writes = {k: v for k, v in gh.stats.by_method.items() if k != "GET"}
        assert writes == {"POST": 1}  # no PATCH for the stage label or the milestone
        issue = next(i for i in gh.issues(REPO) if i["number"] == int(refs["t1"].key))
        assert issue["milestone"]["number"] == int(milestone)


def test_a_sprint_the_adapter_was_told_about_is_carried_too() -> None:
    with FakeGitHub() as gh:
        fake = GitHubFakeTracker(gh)
        milestone = fake.open_adapter().ensure_sprint(SPRINT, None)
        adapter = fake.open_adapter()  # the next night: the store tells it the sprint's id
        adapter.remember({}, {"s1": milestone})  # type: ignore[attr-defined]
        [result] = adapter.create_items(
            [NewItem(WorkItem(id="t2", kind=Kind.TASK, title="T2", sprint="s1"))], lambda i, r: None
        )
        assert result.ok and result.values["sprint"] == "s1"


def test_a_child_is_created_under_its_epic_in_one_write(tmp_path: Path) -> None:
    mapping = tmp_path / "github.yaml"
    mapping.write_text("issue_types:\n  bug: Bug\n")
    with FakeGitHub(issue_types=True) as gh:
        adapter = GitHubFakeTracker(gh, mapping).open_adapter()
        adapter.ensure_sprint(SPRINT, None)
        refs: dict[str, RemoteRef] = {}
        epic = WorkItem(id="e", kind=Kind.EPIC, title="Epic")
        assert all(r.ok for r in adapter.create_items([NewItem(epic)], refs.__setitem__))
        gh.stats.reset()
        children = [
            WorkItem(id=f"c{n}", kind=Kind.BUG, title=f"Child {n}", sprint="s1", assignee="alice",
                     labels=["serving"], stage=Stage.IN_PROGRESS, parent="e")
            for n in range(3)
        ]
        results = adapter.create_items(
            [NewItem(child, refs["e"]) for child in children], refs.__setitem__
        )
        assert all(r.ok for r in results), [r.error for r in results]
        assert all(r.values["parent"] == "e" and r.values["sprint"] == "s1" for r in results)
        posts = {k: v for k, v in gh.stats.by_route.items() if not k.startswith("GET")}
        # One createIssue per child, plus two queries (the repository's id, alice's id) read
        # once; the user label "serving" is made once, as a REST create would have made it.
        assert posts == {"POST /graphql": 3 + 2, "POST /repos/{owner}/{repo}/labels": 1}
        assert gh.stats.by_method.get("PATCH", 0) == 0
        by_number = {i["number"]: i for i in gh.issues(REPO)}
        for result in results:
            assert result.ref is not None
            issue = by_number[int(result.ref.key)]
            assert issue["parent_issue_url"].endswith(f"/issues/{refs['e'].key}")
            assert issue["milestone"]["title"] == "Sprint 1" and issue["type"]["name"] == "Bug"
            assert {x["name"] for x in issue["labels"]} >= {"serving", "stage:in-progress"}
            assert [a["login"] for a in issue["assignees"]] == ["alice"]
        fresh = GitHubFakeTracker(gh).open_adapter().find_by_marker(["c0"])
        assert fresh["c0"].values["parent"] == "e" and fresh["c0"].values["kind"] == "bug"
