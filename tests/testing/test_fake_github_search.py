"""`GET /search/issues` as automation scripts call it through PyGithub's `search_issues`."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from github import Github, GithubException

from tests.testing.fixtures_github import pygithub
from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"


@pytest.fixture
def client(fake_github: FakeGitHub) -> Github:
    fake_github.clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    fake_github.human_create_issue(REPO, "Flaky loader", labels=["bug"], assignees=["bob"])
    fake_github.clock.advance(86400)
    fake_github.human_create_issue(REPO, "Drift dashboard", body="watch the loader")
    fake_github.human_create_issue("acme/data-platform", "Loader in the platform", labels=["bug"])
    closed = fake_github.human_create_issue(REPO, "Old bug", labels=["bug"])
    fake_github.human_edit_issue(REPO, closed["number"], state="closed")
    return pygithub(fake_github)


def titles(client: Github, query: str, **options: str) -> list[str]:
    return [i.title for i in client.search_issues(query, **options)]


def test_qualifiers_narrow_the_results(client: Github) -> None:
    assert titles(client, f"repo:{REPO} is:issue is:open label:bug") == ["Flaky loader"]
    assert titles(client, "org:acme label:bug state:closed") == ["Old bug"]
    assert titles(client, f"repo:{REPO} is:pr", sort="created", order="asc") == [
        "Add CI workflow",
        "Bump dependencies",
    ]
    assert titles(client, f"repo:{REPO} loader in:title") == ["Flaky loader"]
    assert sorted(titles(client, f"repo:{REPO} loader is:issue")) == [
        "Drift dashboard",
        "Flaky loader",
    ]
    assert titles(client, "assignee:bob") == ["Flaky loader"]
    assert titles(client, f"repo:{REPO} is:issue -label:bug") == ["Drift dashboard"]
    assert titles(client, f"repo:{REPO} is:issue no:label") == ["Drift dashboard"]
    assert titles(client, f"repo:{REPO} is:issue created:<2026-03-03") == ["Flaky loader"]
    assert titles(client, f"repo:{REPO} is:issue created:2026-03-03..2026-03-04") == [
        "Old bug",
        "Drift dashboard",
    ]


def test_results_are_paged_and_counted(client: Github) -> None:
    found = client.search_issues("org:acme is:issue", sort="updated", order="desc")
    assert found.totalCount == 4
    first = found[0]
    assert first.repository.full_name in (REPO, "acme/data-platform")  # lazy completion works
    assert first.user.name == "Alice"


def test_searches_spend_their_own_budget(fake_github: FakeGitHub, client: Github) -> None:
    client.search_issues("org:acme").totalCount  # noqa: B018 (one search)
    resources = client.get_rate_limit().resources
    assert resources.search.limit == 30 and resources.search.used == 1
    headers = {"Authorization": f"token {fake_github.token}"}
    with httpx.Client(base_url=fake_github.url, headers=headers) as http:
        answers = [http.get("/search/issues", params={"q": "org:acme"}) for _ in range(30)]
    assert answers[0].headers["x-ratelimit-resource"] == "search"
    assert [a.status_code for a in answers[-2:]] == [200, 403]
    assert "rate limit" in answers[-1].json()["message"]
    assert client.get_repo(REPO).full_name == REPO  # the core budget is untouched


def test_bad_queries_get_githubs_422(client: Github) -> None:
    for query in ("is:everything", "created:yesterday", 'title:"unclosed'):
        with pytest.raises(GithubException) as caught:
            client.search_issues(query).totalCount  # noqa: B018
        assert caught.value.status == 422
