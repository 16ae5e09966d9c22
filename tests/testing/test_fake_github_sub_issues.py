"""Sub-issues on the fake GitHub: PyGithub's calls, the raw `/parent`, and GitHub's rules."""

from __future__ import annotations

import httpx
import pytest
from github import Github, GithubException

from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


def test_add_list_parent_remove(fake_github: FakeGitHub, github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    epic = repo.create_issue("Epic: ranking model")
    stories = [repo.create_issue(f"Story {n}") for n in range(3)]
    for story in stories:
        added = epic.add_sub_issue(story)  # PyGithub sends {"sub_issue_id": story.id}
        assert added.number == epic.number  # GitHub answers with the parent
    assert [s.number for s in epic.get_sub_issues()] == [s.number for s in stories]
    _, parent = repo._requester.requestJsonAndCheck("GET", f"{stories[0].url}/parent")
    assert parent["number"] == epic.number
    child = repo.get_issue(stories[0].number)
    assert child.raw_data["parent_issue_url"] == epic.url
    stories[1].edit(state="closed")
    summary = repo.get_issue(epic.number).raw_data["sub_issues_summary"]
    assert summary == {"total": 3, "completed": 1, "percent_completed": 33}
    epic.remove_sub_issue(stories[0].id)
    assert [s.number for s in epic.get_sub_issues()] == [stories[1].number, stories[2].number]
    with pytest.raises(GithubException) as orphan:
        repo._requester.requestJsonAndCheck("GET", f"{stories[0].url}/parent")
    assert orphan.value.status == 404
    epic.prioritize_sub_issue(stories[2].id, None)  # to the top
    assert [s.number for s in epic.get_sub_issues()] == [stories[2].number, stories[1].number]
    epic.prioritize_sub_issue(stories[2].id, stories[1].id)
    assert [s.number for s in epic.get_sub_issues()] == [stories[1].number, stories[2].number]


def test_string_id_is_422(fake_github: FakeGitHub, github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    epic, story = repo.create_issue("epic"), repo.create_issue("story")
    answer = httpx.post(
        f"{epic.url}/sub_issues",
        json={"sub_issue_id": str(story.id)},
        headers={"Authorization": f"Bearer {fake_github.token}"},
    )
    assert answer.status_code == 422
    assert "is not an integer" in answer.json()["message"]
    by_number = httpx.post(
        f"{epic.url}/sub_issues",
        json={"sub_issue_id": story.number},  # the number is not the id: unknown issue
        headers={"Authorization": f"Bearer {fake_github.token}"},
    )
    assert by_number.status_code == 404
    assert list(epic.get_sub_issues()) == []


def test_rules_one_parent_no_cycles_limit(fake_github: FakeGitHub, github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    first, second, child = (repo.create_issue(t) for t in ("first", "second", "child"))
    first.add_sub_issue(child)
    with pytest.raises(GithubException) as taken:
        second.add_sub_issue(child)
    assert taken.value.status == 422
    _, moved = repo._requester.requestJsonAndCheck(
        "POST", f"{second.url}/sub_issues", input={"sub_issue_id": child.id, "replace_parent": True}
    )
    assert moved["sub_issues_summary"]["total"] == 1
    assert repo.get_issue(first.number).raw_data["sub_issues_summary"]["total"] == 0
    with pytest.raises(GithubException) as cycle:
        child.add_sub_issue(second)
    assert cycle.value.status == 422
    with pytest.raises(GithubException):
        child.add_sub_issue(child)
    # other repository of the same owner is fine
    other = github_client.get_repo("acme/data-platform").create_issue("cross-repo child")
    first.add_sub_issue(other)
    assert [s.number for s in first.get_sub_issues()] == [other.number]


def test_hundred_children_per_parent(fake_github: FakeGitHub, github_client: Github) -> None:
    parent = fake_github.human_create_issue(REPO, "big epic")
    children = [fake_github.human_create_issue(REPO, f"child {n}") for n in range(101)]
    with fake_github.lock:  # wire up 100 directly: the REST path is tested above
        state = fake_github.state
        epic = state.issues_by_id[parent["id"]]
        for made in children[:100]:
            state.issues_by_id[made["id"]].parent_id = epic.id
            epic.sub_issue_ids.append(made["id"])
    issue = github_client.get_repo(REPO).get_issue(parent["number"])
    with pytest.raises(GithubException) as full:
        issue.add_sub_issue(children[100]["id"])
    assert full.value.status == 422
    assert "100" in full.value.data["errors"][0]["message"]
    assert issue.get_sub_issues().totalCount == 100
