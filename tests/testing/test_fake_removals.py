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
