"""Fixtures for the fake GitHub: a running server, a PyGithub client and a GraphQL poster."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from github import Auth, Github

from tracker_bridge.testing.fake_github import FakeGitHub

GraphQL = Callable[..., dict[str, Any]]


def pygithub(gh: FakeGitHub, **options: Any) -> Github:
    """PyGithub pointed at the fake, without its 0.25 s / 1 s throttles (tests stay fast)."""
    options.setdefault("seconds_between_requests", 0)
    options.setdefault("seconds_between_writes", 0)
    options.setdefault("timeout", 5)
    return Github(base_url=gh.url, auth=Auth.Token(gh.token), **options)


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    with FakeGitHub(repos=("trending-now", "data-platform"), issue_types=True) as gh:
        yield gh


@pytest.fixture
def make_github() -> Iterator[Callable[..., Github]]:
    """`make_github(gh, **Github options)` for tests that run their own fake."""
    made: list[Github] = []

    def make(gh: FakeGitHub, **options: Any) -> Github:
        made.append(pygithub(gh, **options))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def github_client(fake_github: FakeGitHub) -> Iterator[Github]:
    client = pygithub(fake_github)
    yield client
    client.close()


@pytest.fixture
def graphql(fake_github: FakeGitHub) -> Iterator[GraphQL]:
    """`graphql(query, **variables)` → the whole JSON answer (data and/or errors)."""
    headers = {"Authorization": f"Bearer {fake_github.token}"}
    with httpx.Client(headers=headers, timeout=5) as client:

        def post(query: str, **variables: Any) -> dict[str, Any]:
            answer = client.post(
                fake_github.graphql_url, json={"query": query, "variables": variables}
            )
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        yield post
