"""The client's retry and counting rules, over real HTTP against a tiny harness server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker_bridge.adapters.jira.client import JiraCallError, JiraClient
from tracker_bridge.testing.server import FakeServer, FaultRule, Request, Response


class Tiny(FakeServer):
    def __init__(self) -> None:
        super().__init__(seed=1)
        self.posts = 0
        self.route("GET", "/rest/api/2/serverInfo", lambda r: Response(200, _INFO))
        self.route("GET", "/rest/api/2/thing", lambda r: Response(200, {"ok": True}))
        self.route("POST", "/rest/api/2/thing", self._post)
        self.route("GET", "/rest/api/2/bad", lambda r: Response(400, {"errorMessages": ["no"]}))

    def _post(self, request: Request) -> Response:
        self.posts += 1
        return Response(201, {"id": str(self.posts)})


_INFO = {"deploymentType": "Cloud", "versionNumbers": [1001, 0, 0]}


@pytest.fixture
def server() -> Iterator[Tiny]:
    with Tiny() as tiny:
        yield tiny


def _client(server: Tiny, waits: list[float]) -> JiraClient:
    options = {"sleep": waits.append, "backoff_seconds": 0.01, "seed": 3}
    return JiraClient(server.url, username="me@example.com", token="t", options=options)


def test_counts_every_request_and_learns_deployment(server: Tiny) -> None:
    client = _client(server, [])
    assert client.sent == 0
    client.load_server_info()
    assert client.is_cloud and client.jira._is_cloud
    assert client.get("thing") == {"ok": True}
    assert client.sent == 2 == server.stats.total


def test_reads_retry_5xx_and_drops(server: Tiny) -> None:
    waits: list[float] = []
    client = _client(server, waits)
    server.faults.add(FaultRule(kind="error", status=502, path="/thing", method="GET", count=2))
    server.faults.add(FaultRule(kind="drop", path="/thing", method="GET", count=1))
    assert client.get("thing") == {"ok": True}
    assert client.sent == 4
    assert len(waits) == 3


def test_rate_limit_honours_retry_after_even_for_posts(server: Tiny) -> None:
    waits: list[float] = []
    client = _client(server, waits)
    server.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=7, count=1))
    assert client.post("thing", {}) == {"id": "1"}
    assert waits == [7.0]
    capped = JiraClient(
        server.url,
        username="u",
        token="t",
        options={"sleep": waits.append, "rate_limit_max_wait": 1},
    )
    server.faults.add(FaultRule(kind="rate_limit", status=429, retry_after=60, count=1))
    capped.get("thing")
    assert waits[-1] == 1.0


def test_posts_are_never_retried_after_a_lost_answer(server: Tiny) -> None:
    client = _client(server, [])
    server.faults.add(FaultRule(kind="lost_response", method="POST", count=1))
    with pytest.raises(JiraCallError) as caught:
        client.post("thing", {})
    assert caught.value.status is None
    assert server.posts == 1  # committed once, not twice
    server.faults.add(FaultRule(kind="error", status=500, method="POST", count=1))
    with pytest.raises(JiraCallError):
        client.post("thing", {})
    assert client.sent == 2


def test_errors_carry_jira_messages_not_secrets(server: Tiny) -> None:
    client = JiraClient(server.url, username="u", token="s3cr3t", options={})
    with pytest.raises(JiraCallError) as caught:
        client.get("bad")
    assert str(caught.value) == "GET bad: HTTP 400: no"
    assert "s3cr3t" not in repr(caught.value.__dict__)
