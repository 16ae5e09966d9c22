"""Faults against the fake Jira, seen through the real `jira` library and raw requests."""

from __future__ import annotations

import time

import jira
import pytest
import requests

from tracker_bridge.testing.fake_jira import FakeJira, RateLimit
from tracker_bridge.testing.fake_jira.fixtures import jira_client_for
from tracker_bridge.testing.server import FaultRule

STORY = {"project": {"key": "TREND"}, "issuetype": {"name": "Story"}, "summary": "s"}
CREATE = r"/rest/api/2/issue$"


def test_latency(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud)
    fake_jira_cloud.faults.add(FaultRule("latency", latency_ms=150, path="/myself", count=1))
    began = time.perf_counter()
    assert client.myself()["timeZone"]
    assert time.perf_counter() - began >= 0.15


def test_server_error_has_jira_shape(fake_jira_dc: FakeJira) -> None:
    client = jira_client_for(fake_jira_dc)
    fake_jira_dc.faults.add(FaultRule("error", status=500, method="POST", count=1))
    with pytest.raises(jira.JIRAError) as caught:
        client.create_issue(fields=STORY)
    assert caught.value.status_code == 500
    response = caught.value.response
    assert response is not None and response.json()["errorMessages"]
    assert fake_jira_dc.issue_count("TREND") == 0
    assert client.create_issue(fields=STORY).key == "TREND-1"  # the fault fired once


def test_503_without_retry_after_is_not_retried_by_the_library(fake_jira_cloud: FakeJira) -> None:
    """jira 3.10.5 retries a 503 only when it carries Retry-After; adapters must do their own."""
    client = jira_client_for(fake_jira_cloud, max_retries=1)
    fake_jira_cloud.faults.add(FaultRule("error", status=503, path="/myself", count=1))
    with pytest.raises(jira.JIRAError) as caught:
        client.myself()
    assert caught.value.status_code == 503
    assert client.myself()["emailAddress"] == "bot@example.com"
    assert fake_jira_cloud.stats.by_status[503] == 1


def test_429_with_retry_after_is_retried(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud, max_retries=2)
    rule = FaultRule("rate_limit", status=429, retry_after=1, path="/transitions", count=1)
    fake_jira_cloud.faults.add(rule)
    key = client.create_issue(fields=STORY).key
    began = time.perf_counter()
    assert [t["name"] for t in client.transitions(key)] == ["Select for Development"]
    assert time.perf_counter() - began >= 0.5  # waited (Retry-After 1 s, jittered by the lib)
    assert fake_jira_cloud.stats.by_status[429] == 1
    fake_jira_cloud.faults.add(FaultRule("rate_limit", status=429, retry_after=7, count=1))
    kwargs = fake_jira_cloud.client_kwargs()
    raw = requests.get(f"{fake_jira_cloud.url}/rest/api/2/myself", auth=kwargs["basic_auth"])
    assert raw.status_code == 429 and raw.headers["Retry-After"] == "7"
    assert raw.json()["errorMessages"]


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_switchable_rate_limit(flavour: str) -> None:
    with FakeJira(flavour, rate_limit=RateLimit(limit=3, window_seconds=60)) as fake:  # type: ignore[arg-type]
        session = requests.Session()
        kwargs = fake.client_kwargs()
        if "basic_auth" in kwargs:
            session.auth = kwargs["basic_auth"]
        else:
            session.headers["Authorization"] = f"Bearer {kwargs['token_auth']}"
        url = f"{fake.url}/rest/api/2/myself"
        answers = [session.get(url) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[0].headers["X-RateLimit-Limit"] == "3"
        assert answers[1].headers["X-RateLimit-Remaining"] == "1"
        limited = answers[3]
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["errorMessages"] == ["Rate limit exceeded."]
        if flavour == "cloud":
            assert limited.headers["RateLimit-Reason"] == "jira-burst-based"
            assert limited.headers["X-RateLimit-NearLimit"] == "true"
        else:
            assert limited.headers["X-RateLimit-FillRate"] == "3"
        fake.clock.advance(60)  # a new window
        assert session.get(url).status_code == 200


def test_drop_commits_nothing(fake_jira_cloud: FakeJira) -> None:
    client = jira_client_for(fake_jira_cloud)
    fake_jira_cloud.faults.add(FaultRule("drop", method="POST", path=CREATE, count=1))
    with pytest.raises(requests.ConnectionError):
        client.create_issue(fields=STORY)
    assert fake_jira_cloud.issue_count("TREND") == 0


def test_lost_response_was_committed(fake_jira_dc: FakeJira) -> None:
    client = jira_client_for(fake_jira_dc)
    fake_jira_dc.faults.add(FaultRule("lost_response", method="POST", path=CREATE, count=1))
    with pytest.raises(requests.ConnectionError):
        client.create_issue(fields=STORY)
    assert fake_jira_dc.issue_count("TREND") == 1  # the write happened; only the answer was lost
    assert fake_jira_dc.issues("TREND")[0]["fields"]["summary"] == "s"


def test_lost_response_plus_library_retry_duplicates(fake_jira_cloud: FakeJira) -> None:
    """Why adapters must not let the library blindly retry creates (it retries POST too)."""
    client = jira_client_for(fake_jira_cloud, max_retries=1)
    fake_jira_cloud.faults.add(FaultRule("lost_response", method="POST", path=CREATE, count=1))
    client.create_issue(fields=STORY, prefetch=False)
    assert fake_jira_cloud.issue_count("TREND") == 2


def test_faults_over_http(fake_jira_cloud: FakeJira) -> None:
    rules = {"rules": [{"kind": "error", "status": 502, "path": "/field", "count": 1}]}
    assert requests.post(f"{fake_jira_cloud.url}/_fake/faults", json=rules).status_code == 200
    client = jira_client_for(fake_jira_cloud)
    with pytest.raises(jira.JIRAError) as caught:
        client.fields()
    assert caught.value.status_code == 502
    assert requests.get(f"{fake_jira_cloud.url}/_fake/stats").json()["by_status"]["502"] == 1
