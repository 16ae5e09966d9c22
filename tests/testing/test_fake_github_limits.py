"""Primary and secondary rate limits on the fake GitHub, and how PyGithub's retry meets them."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from github import Github, GithubException, GithubRetry
from urllib3.util.retry import Retry

from tracker_bridge.testing.fake_github import FakeGitHub

REPO = "acme/trending-now"
MakeGithub = Callable[..., Github]


def _http(gh: FakeGitHub) -> httpx.Client:
    return httpx.Client(headers={"Authorization": f"token {gh.token}"}, timeout=5)


def test_headers_on_every_response(fake_github: FakeGitHub) -> None:
    with _http(fake_github) as http:
        first = http.get(f"{fake_github.url}/repos/{REPO}")
        second = http.get(f"{fake_github.url}/repos/{REPO}/issues")
        missing = http.get(f"{fake_github.url}/repos/{REPO}/issues/999")
    for answer in (first, second, missing):
        assert answer.headers["x-ratelimit-limit"] == "5000"
        assert answer.headers["x-ratelimit-resource"] == "core"
        assert int(answer.headers["x-ratelimit-reset"]) > time.time()
    assert int(second.headers["x-ratelimit-used"]) == int(first.headers["x-ratelimit-used"]) + 1
    assert int(missing.headers["x-ratelimit-remaining"]) == 5000 - 3


def test_primary_limit_403_then_reset(make_github: MakeGithub) -> None:
    with FakeGitHub(primary_limit=3) as gh, _http(gh) as http:
        for _ in range(3):
            assert http.get(f"{gh.url}/repos/{REPO}").status_code == 200
        over = http.get(f"{gh.url}/repos/{REPO}")
        assert over.status_code == 403
        assert over.json()["message"].startswith("API rate limit exceeded")
        assert over.headers["x-ratelimit-remaining"] == "0"
        assert http.get(f"{gh.url}/rate_limit").json()["resources"]["core"]["remaining"] == 0
        gh.clock.advance(3601)
        assert http.get(f"{gh.url}/repos/{REPO}").status_code == 200
        assert gh.rate_limit_hits == {"primary": 1}
        client = make_github(gh, retry=None)
        client.get_repo(REPO)
        assert client.rate_limiting[1] == 3


def test_pygithub_waits_for_primary_reset(make_github: MakeGithub) -> None:
    # a 2-second window, so PyGithub's own wait (until x-ratelimit-reset + 1 s) stays short
    with FakeGitHub(primary_limit=2, primary_window_seconds=2) as gh:
        client = make_github(gh, retry=GithubRetry(total=3))
        repo = client.get_repo(REPO)
        repo.get_issue(1)
        started = time.monotonic()
        assert repo.get_issue(2).number == 2  # 403, waits for the reset, retried
        assert time.monotonic() - started >= 0.5
        assert gh.rate_limit_hits["primary"] >= 1


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_limit_on_writes(status: int) -> None:
    with FakeGitHub(secondary_limit_per_minute=2, secondary_limit_status=status) as gh:
        gh.clock.freeze(gh.clock.now())
        with _http(gh) as http:
            url = f"{gh.url}/repos/{REPO}/issues"
            assert [http.post(url, json={"title": f"t{n}"}).status_code for n in range(2)] == [
                201
            ] * 2
            over = http.post(url, json={"title": "t3"})
            assert over.status_code == status
            assert over.json()["message"].startswith("You have exceeded a secondary rate limit")
            assert int(over.headers["retry-after"]) == 60
            assert http.get(url).status_code == 200  # reads are not content-creating
            gh.clock.advance(61)
            assert http.post(url, json={"title": "t3"}).status_code == 201
        assert gh.issue_count(REPO) == 3
        assert gh.rate_limit_hits == {"secondary": 1}
        assert gh.stats.by_status[status] == 1


def test_pygithub_retries_secondary_limit(make_github: MakeGithub) -> None:
    # a 1-second window: PyGithub sleeps for retry-after (1 s) and the write then goes through
    with FakeGitHub(secondary_limit_per_minute=2, secondary_window_seconds=1) as gh:
        client = make_github(gh, retry=GithubRetry(total=5))
        repo = client.get_repo(REPO)
        for n in range(3):
            repo.create_issue(f"paced {n}")  # POST is retried by GithubRetry
        assert gh.issue_count(REPO) == 3  # no duplicate
        assert gh.rate_limit_hits["secondary"] >= 1


def test_pygithub_does_not_retry_patch_by_default(make_github: MakeGithub) -> None:
    with FakeGitHub(secondary_limit_per_minute=1, secondary_window_seconds=1) as gh:
        default = make_github(gh, retry=GithubRetry(total=5))
        issue = default.get_repo(REPO).create_issue("edited")
        with pytest.raises(GithubException) as refused:
            issue.edit(title="edited again")  # PATCH is not in GithubRetry's allowed methods
        assert refused.value.status == 403
        patched = make_github(
            gh,
            retry=GithubRetry(total=5, allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"PATCH"}),
        )
        patched.get_repo(REPO).get_issue(issue.number).edit(title="edited again")
        assert gh.issues(REPO)[0]["title"] == "edited again"


def test_graphql_mutations_count_as_writes() -> None:
    query = (
        "mutation($p:ID!,$i:ID!){"
        " deleteProjectV2Item(input:{projectId:$p,itemId:$i}){ deletedItemId } }"
    )
    with FakeGitHub(secondary_limit_per_minute=1) as gh, _http(gh) as http:
        gh.clock.freeze(gh.clock.now())
        body = {"query": query, "variables": {"p": "x", "i": "y"}}
        assert http.post(gh.graphql_url, json=body).status_code == 200
        assert http.post(gh.graphql_url, json=body).status_code == 403
        reads = {"query": "{ viewer { login } }"}
        assert (
            http.post(gh.graphql_url, json=reads).json()["data"]["viewer"]["login"] == "bridge-bot"
        )


def test_graphql_primary_budget() -> None:
    with FakeGitHub(primary_limit=2) as gh, _http(gh) as http:
        query = {"query": "{ rateLimit { remaining } }"}
        remaining = [http.post(gh.graphql_url, json=query).json() for _ in range(2)]
        assert [r["data"]["rateLimit"]["remaining"] for r in remaining] == [1, 0]
        over = http.post(gh.graphql_url, json=query)
        assert over.status_code == 200 and over.json()["errors"][0]["type"] == "RATE_LIMITED"
        assert http.get(f"{gh.url}/user").status_code == 200  # REST has its own budget

    with FakeGitHub(secondary_limit_per_minute=5) as gh, _http(gh) as http:
        broken = http.post(gh.graphql_url, content=b"{not json")
        assert broken.status_code == 400 and "Problems parsing JSON" in broken.json()["message"]
