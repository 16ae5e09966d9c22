"""PyGithub as an outside tool uses it: default (non-lazy) `Github`, objects from lists that
complete themselves on a missing attribute, `issue.user.name`, `issue.repository.*`,
`get_rate_limit().resources.search`, the token's scopes, and assignees."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from github import Github, GithubException, UnknownObjectException

from tests.testing.fixtures_github import pygithub
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


@pytest.fixture
def client(fake_github: FakeGitHub) -> Github:
    return pygithub(fake_github)  # PyGithub's defaults, without the 0.25 s / 1 s throttles


def test_issue_user_name_completes_from_the_users_endpoint(
    fake_github: FakeGitHub, client: Github
) -> None:
    fake_github.human_create_issue(REPO, "found in the UI")  # alice opens it
    issue = next(i for i in client.get_repo(REPO).get_issues() if i.pull_request is None)
    before = fake_github.stats.snapshot()["by_route"].get("GET /users/{login}", 0)
    assert issue.user.login == "alice"
    assert issue.user.name == "Alice"  # not in the issue's user object: one GET /users/alice
    after = fake_github.stats.snapshot()["by_route"]["GET /users/{login}"]
    assert after == before + 1
    assert client.get_user("alice").public_repos == 0
    assert client.get_user("acme").type == "Organization"
    with pytest.raises(UnknownObjectException):
        client.get_user("nobody-here")


def test_repository_of_a_listed_issue_completes_lazily(client: Github) -> None:
    repo = client.get_repo(REPO)
    issue = repo.create_issue("lazy")
    listed = next(i for i in repo.get_issues() if i.number == issue.number)
    lazy = listed.repository  # not in list payloads: PyGithub builds it from the URL
    assert lazy.full_name == REPO  # ... and completes it with GET /repos/acme/trending-now
    assert lazy.clone_url.endswith("/acme/trending-now.git")
    assert lazy.ssh_url.startswith("git@") and lazy.organization.login == "acme"
    assert lazy.license is None and lazy.topics == [] and lazy.stargazers_count == 0
    assert lazy.permissions.push is True


def test_sub_issue_answers_embed_a_full_repository(client: Github) -> None:
    repo = client.get_repo(REPO)
    parent, child = repo.create_issue("epic"), repo.create_issue("story")
    parent.add_sub_issue(child.id)
    sub = next(iter(parent.get_sub_issues()))
    assert sub.number == child.number
    assert sub.repository.full_name == REPO and sub.repository.clone_url


def test_rate_limit_overview_has_every_resource(client: Github) -> None:
    overview = client.get_rate_limit()
    resources = overview.resources
    assert resources.search.limit == 30 and resources.search.remaining == 30
    assert resources.core.limit == 5000 and resources.graphql.limit == 5000
    assert resources.code_search.limit == 10
    assert overview.rate.limit == 5000


def test_answers_carry_request_ids_and_token_scopes(
    fake_github: FakeGitHub, client: Github
) -> None:
    client.get_repo(REPO).full_name  # noqa: B018 (any request)
    assert client.oauth_scopes == ["project", "read:org", "repo"]
    headers = {"Authorization": f"token {fake_github.token}"}
    ids = {
        httpx.get(f"{fake_github.url}/rate_limit", headers=headers).headers["x-github-request-id"]
        for _ in range(3)
    }
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9A-F]{4}:[0-9A-F]{5}(:[0-9A-F]{8}){3}", i) for i in ids)
    refused = httpx.get(f"{fake_github.url}/user", headers={"Authorization": "token nope"})
    assert refused.status_code == 401 and "x-github-request-id" in refused.headers
    assert "x-oauth-scopes" not in refused.headers


# -- assignees -----------------------------------------------------------------------------------
def test_only_collaborators_can_be_assigned(fake_github: FakeGitHub, client: Github) -> None:
    fake_github.add_user("dave")  # a GitHub user without access to the repositories
    repo = client.get_repo(REPO)
    with pytest.raises(GithubException) as caught:
        repo.create_issue("x", assignees=["alice", "dave"])
    assert caught.value.status == 422
    error = caught.value.data["errors"][0]
    assert (error["field"], error["code"], error["value"]) == ("assignees", "invalid", ["dave"])
    assert error["message"] == "assignees dave cannot be assigned to this issue"
    assert [u.login for u in repo.get_assignees()] == ["bridge-bot", "alice", "bob", "carol"]
    assert not repo.has_in_assignees("dave") and repo.has_in_assignees("alice")

    fake_github.add_collaborator("dave")
    issue = repo.create_issue("x", assignees=["dave"])
    assert [u.login for u in issue.assignees] == ["dave"]
    assert repo.has_in_collaborators("dave")


def test_the_assignees_endpoint_drops_people_who_cannot_be_assigned(
    fake_github: FakeGitHub, client: Github
) -> None:
    fake_github.add_user("erin")
    issue = client.get_repo(REPO).create_issue("x")
    issue.add_to_assignees("alice", "erin")  # erin is silently left out, as on GitHub
    assert [u.login for u in issue.assignees] == ["alice"]
    with pytest.raises(UnknownObjectException):
        issue.add_to_assignees("no-such-account")
    issue.remove_from_assignees("alice")
    assert issue.assignees == []


def test_organisations_cannot_be_collaborators(fake_github: FakeGitHub) -> None:
    with pytest.raises(ValueError, match="organisation"):
        fake_github.add_collaborator("acme")


def test_a_fine_grained_token_reports_no_scopes() -> None:
    with FakeGitHub(token_scopes=None) as gh:
        client = pygithub(gh)
        client.get_repo(REPO).full_name  # noqa: B018 (any request)
        assert client.oauth_scopes is None


def test_an_organisation_and_its_repositories(fake_github: FakeGitHub, client: Github) -> None:
    org = client.get_organization("acme")
    assert org.login == "acme" and org.public_repos == 2
    assert sorted(r.full_name for r in org.get_repos()) == ["acme/data-platform", REPO]
    assert org.get_repo("trending-now").open_issues_count >= 0
    with pytest.raises(UnknownObjectException):
        client.get_organization("alice")  # a user, not an organisation
    assert list(client.get_user("alice").get_repos()) == []


def test_collaborators_survive_a_restart_and_can_be_added_on_it(tmp_path: Path) -> None:
    state = tmp_path / "github.json"
    with FakeGitHub(state_file=state) as gh:
        gh.add_collaborator("dana")
    again = FakeGitHub(state_file=state)
    again.add_collaborator("erin")  # before start, as `fake github --collaborator` does
    with again:
        repo = pygithub(again).get_repo(REPO)
        issue = repo.create_issue("x", assignees=["dana", "erin", "alice"])
        assert [u.login for u in issue.assignees] == ["dana", "erin", "alice"]
