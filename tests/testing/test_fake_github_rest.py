"""The fake GitHub's REST API, driven by real PyGithub (and raw httpx where PyGithub can't)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from github import Github, GithubException

from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


def test_user_repo_and_auth(fake_github: FakeGitHub, github_client: Github) -> None:
    assert github_client.get_user().login == "bridge-bot"
    repo = github_client.get_repo(REPO)
    assert (repo.full_name, repo.owner.login, repo.owner.type) == (REPO, "acme", "Organization")
    for header in ("token wrong", "Bearer wrong", ""):
        answer = httpx.get(f"{fake_github.url}/user", headers={"Authorization": header})
        assert answer.status_code == 401
        assert answer.json()["message"] == "Bad credentials"
        assert "documentation_url" in answer.json()
        assert answer.headers["x-ratelimit-limit"] == "60"  # the unauthenticated budget
    bearer = httpx.get(
        f"{fake_github.url}/user", headers={"Authorization": f"Bearer {fake_github.token}"}
    )
    assert bearer.status_code == 200
    missing = httpx.get(
        f"{fake_github.url}/repos/acme/nope",
        headers={"Authorization": f"token {fake_github.token}"},
    )
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"


def test_create_get_edit_issue(fake_github: FakeGitHub, github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    stone = repo.create_milestone("Phase 1", description="first phase")
    issue = repo.create_issue(
        "Train baseline", body="marker", labels=["type:spike"], assignees=["alice"], milestone=stone
    )
    assert issue.number == 3  # two seeded pull requests took #1 and #2
    assert [label.name for label in issue.labels] == ["type:spike"]
    assert issue.assignees[0].login == "alice" and issue.milestone.number == stone.number
    assert issue.node_id.startswith("I_") and issue.state == "open"
    created = issue.updated_at
    fake_github.clock.advance(5)
    issue.edit(title="Train baseline v2", labels=["bug"], milestone=None, assignees=[])
    assert issue.title == "Train baseline v2"
    assert [label.name for label in issue.labels] == ["bug"]  # labels are replaced, not merged
    assert issue.milestone is None and issue.assignees == []
    assert issue.updated_at > created
    issue.edit(state="closed", state_reason="not_planned")
    assert (issue.state, issue.state_reason) == ("closed", "not_planned")
    assert issue.closed_at is not None and issue.closed_by.login == "bridge-bot"
    issue.edit(state="open")
    assert (issue.state, issue.state_reason, issue.closed_at) == ("open", "reopened", None)
    again = repo.get_issue(issue.number)
    assert again.title == "Train baseline v2" and again.raw_data["type"] is None


def test_validation_errors(github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    with pytest.raises(GithubException) as missing_title:
        repo._requester.requestJsonAndCheck("POST", f"{repo.url}/issues", input={"body": "x"})
    assert missing_title.value.status == 422
    assert missing_title.value.data["errors"] == [
        {"resource": "Issue", "field": "title", "code": "missing_field"}
    ]
    with pytest.raises(GithubException) as bad_assignee:
        repo.create_issue("x", assignees=["mallory"])
    assert bad_assignee.value.status == 422
    with pytest.raises(GithubException) as bad_milestone:
        repo._requester.requestJsonAndCheck(
            "POST", f"{repo.url}/issues", input={"title": "x", "milestone": 99}
        )
    assert bad_milestone.value.data["errors"][0]["field"] == "milestone"
    with pytest.raises(GithubException) as unknown:
        repo.get_issue(999)
    assert unknown.value.status == 404


def test_issue_types(
    fake_github: FakeGitHub, github_client: Github, make_github: Callable[..., Github]
) -> None:
    repo = github_client.get_repo(REPO)
    names = [
        t["name"] for t in repo._requester.requestJsonAndCheck("GET", f"{repo.url}/issue-types")[1]
    ]
    assert names == ["Task", "Bug", "Feature"]
    issue = repo.create_issue("typed")
    _, data = repo._requester.requestJsonAndCheck("PATCH", issue.url, input={"type": "bug"})
    assert data["type"]["name"] == "Bug"
    assert repo.get_issue(issue.number).type.name == "Bug"
    assert [i.number for i in repo.get_issues(type="Bug")] == [issue.number]
    with pytest.raises(GithubException) as wrong:
        repo._requester.requestJsonAndCheck("PATCH", issue.url, input={"type": "Saga"})
    assert wrong.value.status == 422
    _, cleared = repo._requester.requestJsonAndCheck("PATCH", issue.url, input={"type": None})
    assert cleared["type"] is None
    with FakeGitHub() as plain:  # issue types off: the endpoint is 404 and `type` is refused
        other = make_github(plain).get_repo(REPO)
        with pytest.raises(GithubException):
            other._requester.requestJsonAndCheck("GET", f"{other.url}/issue-types")


def test_list_pagination_since_and_pull_requests(
    fake_github: FakeGitHub, github_client: Github, make_github: Callable[..., Github]
) -> None:
    fake_github.clock.freeze(fake_github.clock.now())
    repo = github_client.get_repo(REPO)
    for n in range(7):
        repo.create_issue(f"issue {n}")
        fake_github.clock.advance(60)
    everything = list(github_client.get_repo(REPO).get_issues(state="all"))
    assert len(everything) == 9 and sum(1 for i in everything if i.pull_request) == 2
    assert fake_github.issue_count(REPO) == 7
    paged = httpx.get(
        f"{fake_github.url}/repos/{REPO}/issues",
        params={"per_page": 3, "state": "all", "sort": "updated", "direction": "asc"},
        headers={"Authorization": f"token {fake_github.token}"},
    )
    assert len(paged.json()) == 3
    assert 'rel="next"' in paged.headers["Link"] and 'rel="last"' in paged.headers["Link"]
    assert "page=3" in paged.headers["Link"]
    small = make_github(fake_github, per_page=2).get_repo(REPO)
    numbers = [i.number for i in small.get_issues(state="all", sort="created", direction="asc")]
    assert numbers == list(range(1, 10))
    fake_github.clock.advance(600)
    fake_github.human_edit_issue(REPO, 4, title="edited by a person")
    since = fake_github.clock.now() - timedelta(seconds=1)
    recent = list(repo.get_issues(state="all", since=since, sort="updated", direction="asc"))
    assert [i.number for i in recent] == [4]
    big = httpx.get(
        f"{fake_github.url}/repos/{REPO}/issues",
        params={"per_page": 500, "state": "all"},
        headers={"Authorization": f"token {fake_github.token}"},
    )
    assert len(big.json()) == 9  # per_page is capped at 100; all fit


def test_labels_repo_and_issue(github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    assert "bug" in [label.name for label in repo.get_labels()]
    created = repo.create_label("stage:in-review", "fbca04", "Kanban stage")
    assert (created.color, created.description) == ("fbca04", "Kanban stage")
    with pytest.raises(GithubException) as duplicate:
        repo.create_label("stage:in-review", "fbca04")
    assert duplicate.value.data["errors"][0]["code"] == "already_exists"
    issue = repo.create_issue("labelled")
    issue.add_to_labels("bug", "track:research")
    assert [label.name for label in issue.get_labels()] == ["bug", "track:research"]
    issue.remove_from_labels("bug")
    assert [label.name for label in repo.get_issue(issue.number).labels] == ["track:research"]
    issue.set_labels("stage:in-review")
    assert [label.name for label in repo.get_issue(issue.number).labels] == ["stage:in-review"]
    with pytest.raises(GithubException) as absent:
        issue.remove_from_labels("bug")
    assert absent.value.status == 404
    issue.add_to_labels("good first issue")  # spaces travel percent-encoded
    issue.remove_from_labels("good first issue")
    assert repo.get_label("good first issue").url.endswith("/labels/good%20first%20issue")
    issue.delete_labels()
    assert list(repo.get_issue(issue.number).labels) == []


def test_milestones(github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    due = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    stone = repo.create_milestone("Phase 2", state="open", description="d", due_on=due)
    assert stone.due_on == datetime(2026, 6, 30, 7, 0, tzinfo=UTC)  # date kept, like GitHub
    stone.edit("Phase 2 (renamed)", state="closed", due_on=due.date())
    assert (stone.title, stone.state) == ("Phase 2 (renamed)", "closed")
    assert [m.title for m in repo.get_milestones(state="closed")] == ["Phase 2 (renamed)"]
    assert list(repo.get_milestones(state="open")) == []
    issue = repo.create_issue("in phase", milestone=stone)
    assert repo.get_milestone(stone.number).closed_issues == 0
    issue.edit(state="closed")
    assert repo.get_milestone(stone.number).closed_issues == 1


def test_comments(fake_github: FakeGitHub, github_client: Github) -> None:
    repo = github_client.get_repo(REPO)
    issue = repo.create_issue("discussed")
    before = repo.get_issue(issue.number).updated_at
    fake_github.clock.advance(3)
    comment = issue.create_comment("synced from Jira")
    assert comment.user.login == "bridge-bot" and comment.body == "synced from Jira"
    fake_github.human_comment(REPO, issue.number, "a person replies")
    assert [c.body for c in issue.get_comments()] == ["synced from Jira", "a person replies"]
    fresh = repo.get_issue(issue.number)
    assert fresh.comments == 2 and fresh.updated_at > before
    assert len(list(repo.get_issues_comments())) == 2


def test_etag_304_is_free(fake_github: FakeGitHub, github_client: Github) -> None:
    issue = github_client.get_repo(REPO).create_issue("cached")
    headers = {"Authorization": f"token {fake_github.token}"}
    first = httpx.get(issue.url, headers=headers)
    tag = first.headers["ETag"]
    used = int(first.headers["x-ratelimit-used"])
    again = httpx.get(issue.url, headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert int(again.headers["x-ratelimit-used"]) == used  # not charged
    assert issue.update() is False  # PyGithub's conditional request: nothing changed
    fake_github.human_edit_issue(REPO, issue.number, body="changed")
    assert issue.update() is True and issue.body == "changed"


def test_state_survives_restart(tmp_path: Path, make_github: Callable[..., Github]) -> None:
    path = tmp_path / "github.json"
    with FakeGitHub(state_file=path) as first:
        make_github(first).get_repo(REPO).create_issue("persisted", labels=["bug"])
    with FakeGitHub(state_file=path) as second:
        assert [i["title"] for i in second.issues(REPO)] == ["persisted"]
        assert second.project()["fields"]["Status"]["options"]
