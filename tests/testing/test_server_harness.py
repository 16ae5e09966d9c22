"""The shared fake-server harness: routing, faults and counters over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tracker_bridge.testing.server import FakeServer, FaultRule, HTTPError, Request, Response


class CounterServer(FakeServer):
    def __init__(self) -> None:
        super().__init__(seed=7)
        self.items: list[str] = []
        self.route("GET", "/items", self.list_items)
        self.route("POST", "/items", self.add_item)
        self.route("GET", "/items/{index}", self.get_item)
        self.route("GET", "/files/{rest:path}", lambda r: Response(200, {"rest": r.params["rest"]}))

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != "Bearer ok":
            return Response(401, {"message": "Bad credentials"})
        return None

    def list_items(self, request: Request) -> Response:
        return Response(200, {"items": self.items})

    def add_item(self, request: Request) -> Response:
        self.items.append(request.json()["name"])
        return Response(201, {"index": len(self.items) - 1})

    def get_item(self, request: Request) -> Response:
        index = int(request.params["index"])
        if index >= len(self.items):
            raise HTTPError(404, {"message": "Not Found"})
        return Response(200, {"name": self.items[index]})


@pytest.fixture
def server() -> Iterator[CounterServer]:
    with CounterServer() as running:
        yield running


@pytest.fixture
def http() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer ok"
    return session


def test_routes_params_and_errors(server: CounterServer, http: requests.Session) -> None:
    assert http.post(f"{server.url}/items", json={"name": "a"}).status_code == 201
    assert http.get(f"{server.url}/items/0").json() == {"name": "a"}
    assert http.get(f"{server.url}/items/5").status_code == 404
    assert http.get(f"{server.url}/files/a/b/c").json() == {"rest": "a/b/c"}
    assert http.delete(f"{server.url}/items").status_code == 405
    assert http.get(f"{server.url}/nowhere").status_code == 404


def test_bad_credentials_are_refused(server: CounterServer) -> None:
    response = requests.get(f"{server.url}/items", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_counts_requests_by_route(server: CounterServer, http: requests.Session) -> None:
    http.post(f"{server.url}/items", json={"name": "a"})
    http.get(f"{server.url}/items/0")
    http.get(f"{server.url}/items/0")
    snapshot = requests.get(f"{server.url}/_fake/stats").json()
    assert snapshot["total"] == 3
    assert snapshot["by_route"]["GET /items/{index}"] == 2
    assert server.stats.by_method["POST"] == 1


def test_error_and_rate_limit_faults(server: CounterServer, http: requests.Session) -> None:
    server.faults.add(FaultRule("error", status=503, method="GET", count=1))
    server.faults.add(FaultRule("rate_limit", status=429, retry_after=3, path="/items$", count=1))
    assert http.get(f"{server.url}/items").status_code == 503
    limited = http.get(f"{server.url}/items")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "3"
    assert http.get(f"{server.url}/items").status_code == 200


def test_drop_happens_before_the_write(server: CounterServer, http: requests.Session) -> None:
    server.faults.add(FaultRule("drop", method="POST", count=1))
    with pytest.raises(requests.ConnectionError):
        http.post(f"{server.url}/items", json={"name": "a"})
    assert server.items == []


def test_lost_response_commits_the_write(server: CounterServer, http: requests.Session) -> None:
    server.faults.add(FaultRule("lost_response", method="POST", count=1))
    with pytest.raises(requests.ConnectionError):
        http.post(f"{server.url}/items", json={"name": "a"})
    assert server.items == ["a"]
    # the connection pool recovers: the next request succeeds
    assert http.post(f"{server.url}/items", json={"name": "b"}).status_code == 201


def test_faults_are_reproducible_from_the_seed(http: requests.Session) -> None:
    def pattern() -> list[int]:
        with CounterServer() as running:
            running.faults.add(FaultRule("error", rate=0.5))
            return [http.get(f"{running.url}/items").status_code for _ in range(20)]

    assert pattern() == pattern()


def test_faults_over_http_api(server: CounterServer, http: requests.Session) -> None:
    requests.post(f"{server.url}/_fake/faults", json={"rules": [{"kind": "error", "count": 1}]})
    assert http.get(f"{server.url}/items").status_code == 500
    requests.delete(f"{server.url}/_fake/faults")
    assert http.get(f"{server.url}/items").status_code == 200


def test_latency_is_added(server: CounterServer, http: requests.Session) -> None:
    server.faults.add(FaultRule("latency", latency_ms=120, count=1))
    elapsed = http.get(f"{server.url}/items").elapsed.total_seconds()
    assert elapsed >= 0.1
