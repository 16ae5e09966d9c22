"""Injected faults on the fake GitHub, seen through PyGithub and httpx."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from github import Github, GithubRetry

from tracker_bridge.testing.fake_github import FakeGitHub
from tracker_bridge.testing.server import FaultRule

REPO = "acme/trending-now"
MakeGithub = Callable[..., Github]


def test_latency(fake_github: FakeGitHub, github_client: Github) -> None:
    fake_github.faults.add(FaultRule("latency", latency_ms=300, path=r"/issues$", method="GET"))
    repo = github_client.get_repo(REPO)
    started = time.monotonic()
    assert len(list(repo.get_issues(state="all"))) == 2
    assert time.monotonic() - started >= 0.3


def test_5xx_on_read_is_retried_by_pygithub(
    fake_github: FakeGitHub, make_github: MakeGithub
) -> None:
    fake_github.faults.add(
        FaultRule("error", status=502, method="GET", path=r"/issues/1$", count=1)
    )
    client = make_github(fake_github, retry=GithubRetry(total=3))
    assert client.get_repo(REPO).get_issue(1).number == 1
    assert fake_github.stats.by_status[502] == 1
    assert fake_github.faults.fired == {"error": 1}


def test_5xx_body_has_github_shape(fake_github: FakeGitHub) -> None:
    fake_github.faults.add(FaultRule("error", status=503, count=1))
    answer = httpx.get(
        f"{fake_github.url}/user", headers={"Authorization": f"token {fake_github.token}"}
    )
    assert answer.status_code == 503
    assert set(answer.json()) >= {"message", "documentation_url"}


@pytest.mark.parametrize("status", [429, 403])
def test_rate_limit_fault_with_retry_after(
    fake_github: FakeGitHub, make_github: MakeGithub, status: int
) -> None:
    fake_github.faults.add(
        FaultRule("rate_limit", status=status, retry_after=1, method="POST", count=1)
    )
    client = make_github(fake_github, retry=GithubRetry(total=3))
    started = time.monotonic()
    client.get_repo(REPO).create_issue("after a pause")
    assert time.monotonic() - started >= 0.9  # PyGithub honoured retry-after
    assert fake_github.issue_count(REPO) == 1  # the refused attempt committed nothing


def test_drop_commits_nothing(fake_github: FakeGitHub) -> None:
    fake_github.faults.add(FaultRule("drop", method="POST", count=1))
    headers = {"Authorization": f"token {fake_github.token}"}
    with pytest.raises(httpx.TransportError):
        httpx.post(
            f"{fake_github.url}/repos/{REPO}/issues", json={"title": "lost"}, headers=headers
        )
    assert fake_github.issue_count(REPO) == 0


def test_lost_response_commits_the_write(fake_github: FakeGitHub, make_github: MakeGithub) -> None:
    fake_github.faults.add(FaultRule("lost_response", method="POST", count=1))
    headers = {"Authorization": f"token {fake_github.token}"}
    with pytest.raises(httpx.TransportError):
        httpx.post(
            f"{fake_github.url}/repos/{REPO}/issues", json={"title": "ghost"}, headers=headers
        )
    assert [i["title"] for i in fake_github.issues(REPO)] == ["ghost"]  # committed, unanswered
    # PyGithub's retry re-sends the POST: exactly the duplicate an adapter must guard against
    fake_github.faults.add(FaultRule("lost_response", method="POST", count=1))
    client = make_github(fake_github, retry=GithubRetry(total=3))
    client.get_repo(REPO).create_issue("twice")
    assert [i["title"] for i in fake_github.issues(REPO)] == ["ghost", "twice", "twice"]


def test_faults_over_http_control(fake_github: FakeGitHub) -> None:
    rules = {"rules": [{"kind": "error", "status": 500, "path": "/user$", "count": 1}]}
    assert httpx.post(f"{fake_github.url}/_fake/faults", json=rules).status_code == 200
    headers = {"Authorization": f"token {fake_github.token}"}
    assert httpx.get(f"{fake_github.url}/user", headers=headers).status_code == 500
    assert httpx.get(f"{fake_github.url}/user", headers=headers).status_code == 200
    stats = httpx.get(f"{fake_github.url}/_fake/stats").json()
    assert stats["by_route"]["GET /user"] == 2
    limits = httpx.get(f"{fake_github.url}/_fake/github/limits").json()
    assert limits == {"provoked": {}}
