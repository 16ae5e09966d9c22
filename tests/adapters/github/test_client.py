"""The client's pure parts: pacing arithmetic and which answers count as rate limiting."""

from __future__ import annotations

from tracker_bridge.adapters.github.client import Pacer, Reply, _graphql_url, _rate_limit_wait
from tracker_bridge.adapters.github.mapping import Pacing


def test_pacer_spaces_writes_not_reads() -> None:
    slept: list[float] = []
    pacer = Pacer(Pacing(writes_per_minute=60), sleep=slept.append)
    pacer.before("POST")
    pacer.before("GET")
    pacer.before("PATCH")
    assert len(slept) == 1 and 0.9 < slept[0] <= 1.0


def test_pacer_holds_everything_after_retry_after() -> None:
    slept: list[float] = []
    pacer = Pacer(Pacing(writes_per_minute=6000), sleep=slept.append)
    pacer.hold(2.0)
    pacer.before("GET")
    assert slept and 1.9 < slept[0] <= 2.0


def test_rate_limit_answers() -> None:
    secondary = Reply(403, {"Retry-After": "7"}, {"message": "secondary rate limit"})
    assert _rate_limit_wait(secondary) == 7.0
    forbidden = Reply(403, {}, {"message": "Resource not accessible by integration"})
    assert _rate_limit_wait(forbidden) is None
    assert _rate_limit_wait(Reply(500, {}, None)) is None
    assert (_rate_limit_wait(Reply(429, {}, None)) or 0) >= 60


def test_graphql_url_for_github_com_and_enterprise() -> None:
    assert _graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert _graphql_url("https://ghe.example/api/v3") == "https://ghe.example/api/graphql"
