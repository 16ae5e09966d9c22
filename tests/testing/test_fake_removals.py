"""Deleted, moved and transferred issues answer as the real trackers answer."""

from __future__ import annotations

import httpx
from github import Github
from jira import JIRA, JIRAError

from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.fake_github.removals import delete_issue, transfer_issue
from tracker_bridge.testing.fake_jira import FakeJira, moves


def test_jira_deleted_issue_is_404_and_leaves_searches(
    fake_jira: FakeJira, jira_client: JIRA
) -> None:
    key = fake_jira.human_create("TREND", "Flaky test")
    moves.delete_issue(fake_jira, key)
    try:
        jira_client.issue(key)
        raise AssertionError("a deleted issue answered")
    except JIRAError as exc:
        assert exc.status_code == 404
    assert [i.key for i in jira_client.search_issues("project = TREND")] == []


def test_jira_moved_issue_answers_its_old_key_with_the_new_one(
    fake_jira: FakeJira, jira_client: JIRA
) -> None:
    key = fake_jira.human_create("TREND", "Belongs to the data team")
    issue_id = jira_client.issue(key).id
    new_key = moves.move_issue(fake_jira, key, "DATA")
    assert new_key == "DATA-1"
    moved = jira_client.issue(key)
    assert (moved.key, moved.id, moved.fields.project.key) == (new_key, issue_id, "DATA")
    assert [i.key for i in jira_client.search_issues("project = TREND")] == []
    assert [i.key for i in jira_client.search_issues("project = DATA")] == [new_key]


def test_github_deleted_issue_is_410_and_leaves_listings(
    fake_github: FakeGitHub, github_client: Github
) -> None:
    created = fake_github.human_create_issue("acme/trending-now", "Flaky test")
    number = int(created["number"])
    delete_issue(fake_github, "acme/trending-now", number)
    reply = httpx.get(
        f"{fake_github.url}/repos/acme/trending-now/issues/{number}",
        headers={"Authorization": f"Bearer {fake_github.token}"},
    )
    assert reply.status_code == 410 and reply.json()["message"] == "This issue was deleted"
    listed = github_client.get_repo("acme/trending-now").get_issues(state="all")
    assert number not in {i.number for i in listed}


def test_github_transferred_issue_redirects_to_its_new_repository(
    fake_github: FakeGitHub, github_client: Github
) -> None:
    created = fake_github.human_create_issue("acme/trending-now", "Belongs to the platform")
    number = int(created["number"])
    new_number = transfer_issue(fake_github, "acme/trending-now", number, "acme/data-platform")
    reply = httpx.get(
        f"{fake_github.url}/repos/acme/trending-now/issues/{number}",
        headers={"Authorization": f"Bearer {fake_github.token}"},
    )
    assert reply.status_code == 301
    assert reply.headers["Location"].endswith(f"/repos/acme/data-platform/issues/{new_number}")
    # PyGithub follows the redirect: the client sees the issue where it now lives.
    followed = github_client.get_repo("acme/trending-now").get_issue(number)
    assert followed.number == new_number
    assert followed.repository_url.endswith("/repos/acme/data-platform")
    assert followed.id == created["id"]
    listed = github_client.get_repo("acme/trending-now").get_issues(state="all")
    assert number not in {i.number for i in listed}


def test_github_deleted_sub_issue_leaves_its_parent(
    fake_github: FakeGitHub, github_client: Github
) -> None:
    """The parent lists (and counts) only the sub-issues left; listing the repository's
    issues still works, and a deleted parent's sub-issues have no parent any more."""
    repo = github_client.get_repo("acme/trending-now")
    epic = repo.create_issue("Epic: ranking model")
    stories = [repo.create_issue(f"Story {n}") for n in range(3)]
    for story in stories:
        epic.add_sub_issue(story)
    stories[2].edit(state="closed")
    delete_issue(fake_github, "acme/trending-now", stories[0].number)
    ours = {epic.number, *(story.number for story in stories)}
    listed = {i.number: i for i in repo.get_issues(state="all")}  # crashed the fake before
    assert set(listed) & ours == {epic.number, stories[1].number, stories[2].number}
    assert listed[epic.number].raw_data["sub_issues_summary"] == {
        "total": 2, "completed": 1, "percent_completed": 50,
    }
    assert [s.number for s in epic.get_sub_issues()] == [stories[1].number, stories[2].number]
    delete_issue(fake_github, "acme/trending-now", epic.number)
    orphan = repo.get_issue(stories[1].number)
    assert orphan.raw_data["parent_issue_url"] is None
    listed = {i.number: i for i in repo.get_issues(state="all")}
    assert set(listed) & ours == {stories[1].number, stories[2].number}
